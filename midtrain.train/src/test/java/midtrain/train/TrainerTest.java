package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  @TempDir Path tmp;

  static final LlamaConfig CFG = LlamaModelTest.config(2, false, Map.of());

  /** Batches as a pure function of (step, micro); a spike of random labels at one step. */
  static BatchSource source(String fingerprint, long spikeStep) {
    return new BatchSource() {
      @Override
      public TokenBatch batch(long step, int micro) {
        Random r = new Random(step * 31 + micro);
        int rows = 2;
        int seq = 8;
        int[] tokens = new int[rows * (seq + 1)];
        int start = r.nextInt(5);
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = step == spikeStep ? r.nextInt(CFG.vocabSize()) : (start + i) % 5;
        }
        return TokenBatch.shifted(tokens, rows, seq, Map.of(micro == 0 ? "web" : "math", 16L));
      }

      @Override
      public String fingerprint() {
        return fingerprint;
      }
    };
  }

  static LearningRateSchedule lr() {
    return Schedules.create(
        "wsd", 5e-3, Map.of("warmup_steps", 2, "total_steps", 12, "decay_steps", 4));
  }

  static float[] weights(LlamaModel m) {
    return TrainingCheckpointTest.flat(m.weights());
  }

  @Test
  void resumedRunEqualsStraightRunAndLogsMetrics() throws IOException {
    resumedRunEqualsStraightRun(tmp.resolve("plain"), -1, 0);
  }

  /**
   * The same with the outlier policy on and a spike at step 8, one step after the resume: the
   * straight run skips it, judged against the four losses before it, so the resumed run must too,
   * which it can only do with the window saved in the checkpoint.
   */
  @Test
  void resumedRunSkipsTheOutliersTheStraightRunSkips() throws IOException {
    List<Boolean> skipped = resumedRunEqualsStraightRun(tmp.resolve("outliers"), 8, 4);
    for (int i = 0; i < 12; i++) {
      assertEquals(i == 8, skipped.get(i), "skipped at step " + i);
    }
  }

  /** Runs 12 steps straight and as 7 + a resume, checks they agree, returns what each skipped. */
  private List<Boolean> resumedRunEqualsStraightRun(Path dir, long spike, int outlierWindow)
      throws IOException {
    float[] straight;
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, HfCheckpoint.randomWeights(CFG, 9, 0.02), base)) {
      Trainer.builder(model, source("d1", spike), lr(), dir.resolve("a"))
          .accumulation(2)
          .checkpoints(100, 2)
          .skipOutliers(outlierWindow, 3)
          .build()
          .train(12);
      straight = weights(model);
    }
    Path run = dir.resolve("b");
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, HfCheckpoint.randomWeights(CFG, 9, 0.02), base)) {
      Trainer.builder(model, source("d1", spike), lr(), run)
          .accumulation(2)
          .checkpoints(5, 2)
          .skipOutliers(outlierWindow, 3)
          .build()
          .train(7);
    }
    // checkpoint-5 and checkpoint-7 (the end of the first session) are kept.
    TrainingCheckpoint ck = TrainingCheckpoint.latestGood(run, new ArrayList<>());
    assertEquals(7, ck.step());
    try (NDManager base = NDManager.newBaseManager();
        HfCheckpoint hf = HfCheckpoint.open(ck.dir());
        LlamaModel model = LlamaModel.load(hf, base)) {
      Trainer t =
          Trainer.builder(model, source("d1", spike), lr(), run)
              .accumulation(2)
              .checkpoints(5, 2)
              .skipOutliers(outlierWindow, 3)
              .resume(ck, false)
              .build();
      assertEquals(7, t.startStep());
      t.train(12);
      assertArrayEquals(straight, weights(model), "resumed weights differ from the straight run");
    }
    // One trainer called twice (as stages do) also equals the straight run.
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, HfCheckpoint.randomWeights(CFG, 9, 0.02), base);
        Trainer t =
            Trainer.builder(model, source("d1", spike), lr(), dir.resolve("staged"))
                .accumulation(2)
                .checkpoints(100, 1)
                .skipOutliers(outlierWindow, 3)
                .build()) {
      t.train(7);
      assertEquals(7, t.nextStep());
      t.train(12);
      assertArrayEquals(straight, weights(model), "a second train() call must continue exactly");
    }
    List<String> a = Files.readAllLines(dir.resolve("a/metrics.jsonl"));
    List<String> b = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(12, a.size());
    assertEquals(12, b.size());
    ObjectMapper json = new ObjectMapper();
    List<Boolean> skipped = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      JsonNode x = json.readTree(a.get(i));
      JsonNode y = json.readTree(b.get(i));
      assertEquals(x.get("loss").asDouble(), y.get("loss").asDouble(), 0.0, "loss at step " + i);
      assertEquals(
          x.get("skipped").asBoolean(), y.get("skipped").asBoolean(), "skipped at step " + i);
      assertEquals(lr().lr(i), x.get("lr").asDouble(), 0.0);
      assertEquals(16, x.get("tokens_by_source").get("math").asLong());
      skipped.add(x.get("skipped").asBoolean());
    }
    return skipped;
  }

  @Test
  void resumeOnChangedDataIsRefusedUnlessAllowed() {
    Path run = tmp.resolve("c");
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, HfCheckpoint.randomWeights(CFG, 9, 0.02), base)) {
      Trainer.builder(model, source("d1", -1), lr(), run).checkpoints(2, 1).build().train(2);
      TrainingCheckpoint ck = TrainingCheckpoint.latestGood(run, new ArrayList<>());
      TrainException e =
          assertThrows(
              TrainException.class,
              () -> Trainer.builder(model, source("d2", -1), lr(), run).resume(ck, false).build());
      assertTrue(e.getMessage().contains("changed data"), e.getMessage());
      assertEquals(
          2,
          Trainer.builder(model, source("d2", -1), lr(), run).resume(ck, true).build().startStep());
    }
  }

  @Test
  void nanLossStopsNamingTheStepAndTheLastCheckpoint() {
    Map<String, float[]> w = HfCheckpoint.randomWeights(CFG, 9, 0.02);
    w.get("model.norm.weight")[0] = Float.NaN;
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, w, base)) {
      TrainException e =
          assertThrows(
              TrainException.class,
              () ->
                  Trainer.builder(model, source("d", -1), lr(), tmp.resolve("n")).build().train(3));
      assertTrue(
          e.getMessage().contains("at step 0") && e.getMessage().contains("none yet"),
          e.getMessage());
    }
  }

  @Test
  void outlierPolicySkipsASpike() throws IOException {
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, HfCheckpoint.randomWeights(CFG, 9, 0.02), base)) {
      Trainer.builder(model, source("d", 8), lr(), tmp.resolve("o"))
          .skipOutliers(4, 3)
          .checkpoints(100, 1)
          .build()
          .train(10);
    }
    List<String> lines = Files.readAllLines(tmp.resolve("o/metrics.jsonl"));
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(i == 8, json.readTree(lines.get(i)).get("skipped").asBoolean(), "step " + i);
    }
  }

  @Test
  void resumedRunKeepsOneMetricsLinePerStep() throws IOException {
    Path run = tmp.resolve("m");
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, HfCheckpoint.randomWeights(CFG, 9, 0.02), base)) {
      Trainer.builder(model, source("d1", -1), lr(), run).checkpoints(4, 3).build().train(12);
    }
    List<String> straight = Files.readAllLines(run.resolve("metrics.jsonl"));
    // A log left by an earlier resume from step 10 (steps 10 and 11 twice) is repaired too.
    Files.write(
        run.resolve("metrics.jsonl"),
        List.of(straight.get(10), straight.get(11)),
        java.nio.file.StandardOpenOption.APPEND);
    TrainingCheckpoint.deleteRecursively(run.resolve("checkpoint-12"));
    TrainingCheckpoint ck = TrainingCheckpoint.latestGood(run, new ArrayList<>());
    assertEquals(8, ck.step());
    try (NDManager base = NDManager.newBaseManager();
        HfCheckpoint hf = HfCheckpoint.open(ck.dir());
        LlamaModel model = LlamaModel.load(hf, base);
        Trainer t =
            Trainer.builder(model, source("d1", -1), lr(), run)
                .checkpoints(4, 3)
                .resume(ck, false)
                .build()) {
      assertEquals(6, t.droppedMetricLines());
      assertEquals(8, Files.readAllLines(run.resolve("metrics.jsonl")).size());
      t.train(12);
    }
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(12, lines.size());
    for (int i = 0; i < 12; i++) {
      JsonNode x = json.readTree(straight.get(i));
      JsonNode y = json.readTree(lines.get(i));
      assertEquals(i, y.get("step").asLong());
      assertEquals(x.get("loss").asDouble(), y.get("loss").asDouble(), 0.0, "loss at step " + i);
    }
  }

  @Test
  void checkpointsBeyondTheStartAreRefusedBeforeAnyStep() throws IOException {
    Path run = tmp.resolve("n2");
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, HfCheckpoint.randomWeights(CFG, 9, 0.02), base)) {
      Trainer.builder(model, source("d1", -1), lr(), run).checkpoints(2, 2).build().train(4);
      String log = Files.readString(run.resolve("metrics.jsonl"));
      TrainException fresh =
          assertThrows(
              TrainException.class,
              () -> Trainer.builder(model, source("d1", -1), lr(), run).build());
      assertTrue(fresh.getMessage().contains("checkpoint-4"), fresh.getMessage());
      TrainingCheckpoint two = TrainingCheckpoint.read(run.resolve("checkpoint-2"));
      assertThrows(
          TrainException.class,
          () -> Trainer.builder(model, source("d1", -1), lr(), run).resume(two, false).build());
      assertEquals(log, Files.readString(run.resolve("metrics.jsonl")));
    }
  }
}
