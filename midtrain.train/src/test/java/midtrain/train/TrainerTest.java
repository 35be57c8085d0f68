package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
          // Sharded float32 checkpoints resume as exactly as single-file ones.
          .maxShardBytes(outlierWindow > 0 ? 4096 : Long.MAX_VALUE)
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

  @Test
  void checkpointsAreStandaloneModelsAndResumeRefusesRoundedWeights() throws IOException {
    Path base = tmp.resolve("base");
    Map<String, float[]> init = HfCheckpoint.randomWeights(CFG, 9, 0.02);
    HfCheckpoint.save(base, CFG, init);
    Files.writeString(base.resolve("tokenizer.json"), "{\"model\": {}}");
    Files.writeString(base.resolve("special_tokens_map.json"), "{}");
    Files.writeString(base.resolve("generation_config.json"), "{\"eos_token_id\": 3}");
    Path run = tmp.resolve("sa");
    long shard = 4096; // bytes: the float32 weights take several shards
    try (NDManager nd = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, init, nd);
        Trainer t =
            Trainer.builder(model, source("d1", -1), lr(), run)
                .checkpoints(2, 2)
                .modelFiles(List.of(base))
                .maxShardBytes(shard)
                .build()) {
      t.train(2);
      t.exportModel(run.resolve("model"), SaveOptions.DEFAULT.withDtype(DType.BF16));
    }
    Path ck = run.resolve("checkpoint-2");
    Map<String, CheckpointManifest.Entry> files = CheckpointManifest.verify(ck).files();
    for (String f :
        List.of(
            "tokenizer.json",
            "special_tokens_map.json",
            "generation_config.json",
            "model.safetensors.index.json",
            "optimizer.safetensors",
            "trainer_state.json")) {
      assertTrue(files.containsKey(f), f + " not in " + files.keySet());
      if (!f.contains("safetensors") && !f.equals("trainer_state.json")) {
        assertEquals(Files.readString(base.resolve(f)), Files.readString(ck.resolve(f)), f);
      }
    }
    assertTrue(files.keySet().stream().filter(f -> f.matches("model-.*-of-.*")).count() > 1);
    // A corrupted copy is caught like corrupted weights.
    Files.writeString(ck.resolve("tokenizer.json"), "{\"model\": {\"x\": 1}}");
    assertThrows(TrainException.class, () -> CheckpointManifest.verify(ck));
    Files.writeString(
        ck.resolve("tokenizer.json"), Files.readString(base.resolve("tokenizer.json")));

    // The export is bfloat16, holds the same files and the trained weights, rounded.
    Path model = run.resolve("model");
    assertTrue(CheckpointManifest.verify(model).files().containsKey("generation_config.json"));
    try (HfCheckpoint a = HfCheckpoint.open(ck);
        HfCheckpoint b = HfCheckpoint.open(model)) {
      assertEquals(java.util.Set.of(DType.F32), a.dtypes());
      assertEquals(java.util.Set.of(DType.BF16), b.dtypes());
      float[] w = a.readFloats("model.norm.weight");
      float[] r = b.readFloats("model.norm.weight");
      for (int i = 0; i < w.length; i++) {
        assertEquals(Float.intBitsToFloat(Narrowing.toBf16(w[i]) << 16), r[i], 0f, "at " + i);
      }
    }

    // A checkpoint whose weights were rounded cannot be resumed exactly: refused, saying why.
    Path staging = tmp.resolve("rounded");
    Files.createDirectories(staging);
    for (String f : List.of("optimizer.safetensors", "trainer_state.json")) {
      Files.copy(ck.resolve(f), staging.resolve(f));
    }
    try (HfCheckpoint a = HfCheckpoint.open(ck)) {
      Map<String, float[]> w = new java.util.LinkedHashMap<>();
      for (String name : CFG.expectedTensors().keySet()) {
        w.put(name, a.readFloats(name));
      }
      HfCheckpoint.save(staging, CFG, w, SaveOptions.DEFAULT.withDtype(DType.BF16));
    }
    Path run2 = tmp.resolve("sb");
    Files.createDirectories(run2);
    CheckpointManifest.commit(staging, run2.resolve("checkpoint-2"));
    TrainingCheckpoint rounded = TrainingCheckpoint.read(run2.resolve("checkpoint-2"));
    try (NDManager nd = NDManager.newBaseManager();
        LlamaModel m = LlamaModel.of(CFG, init, nd)) {
      TrainException e =
          assertThrows(
              TrainException.class,
              () ->
                  Trainer.builder(m, source("d1", -1), lr(), run2).resume(rounded, false).build());
      assertTrue(e.getMessage().contains("float32"), e.getMessage());
    }
  }

  @Test
  void aResumedRunsCheckpointsKeepTheFilesOfTheCheckpointItResumedFromAfterItIsPruned()
      throws IOException {
    Path base = tmp.resolve("base-files");
    Map<String, float[]> init = HfCheckpoint.randomWeights(CFG, 9, 0.02);
    HfCheckpoint.save(base, CFG, init);
    Files.writeString(base.resolve("tokenizer.json"), "{\"v\": 1}");
    Path run = tmp.resolve("files-run");
    try (NDManager nd = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, init, nd);
        Trainer t =
            Trainer.builder(model, source("d1", -1), lr(), run)
                .checkpoints(2, 1)
                .modelFiles(List.of(base))
                .build()) {
      t.train(2);
    }
    // The base folder changes between the sessions; the run goes on with the files it began with.
    Files.writeString(base.resolve("tokenizer.json"), "{\"v\": 2}");
    TrainingCheckpoint ck = TrainingCheckpoint.latestGood(run, new ArrayList<>());
    assertEquals(2, ck.step());
    try (NDManager nd = NDManager.newBaseManager();
        HfCheckpoint hf = HfCheckpoint.open(ck.dir());
        LlamaModel model = LlamaModel.load(hf, nd);
        Trainer t =
            Trainer.builder(model, source("d1", -1), lr(), run)
                .checkpoints(2, 1)
                .modelFiles(List.of(base, ck.dir()))
                .resume(ck, false)
                .build()) {
      t.train(6);
      t.exportModel(run.resolve("model"), SaveOptions.DEFAULT);
    }
    assertFalse(Files.exists(run.resolve("checkpoint-2")), "pruned");
    assertFalse(Files.exists(run.resolve("checkpoint-4")), "pruned");
    for (Path dir : List.of(run.resolve("checkpoint-6"), run.resolve("model"))) {
      assertEquals("{\"v\": 1}", Files.readString(dir.resolve("tokenizer.json")), dir.toString());
    }
  }
}
