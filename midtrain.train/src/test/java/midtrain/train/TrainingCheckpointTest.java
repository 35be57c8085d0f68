package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N steps straight equal K steps, checkpoint, resume, N-K steps: bit for bit. */
class TrainingCheckpointTest {
  @TempDir Path tmp;

  static final int B = 2;
  static final int T = 10;

  /** The batch of a step: a pure function of (seed, step), as the data loader's are. */
  static int[][] batch(long step, int vocab) {
    Random r = new Random(1000 + step);
    int[] in = new int[B * T];
    int[] lab = new int[B * T];
    for (int i = 0; i < in.length; i++) {
      in[i] = r.nextInt(vocab);
    }
    for (int i = 0; i < in.length; i++) {
      lab[i] = (in[i] * 3 + 1) % vocab;
    }
    return new int[][] {in, lab};
  }

  /** Runs steps [from, to) with batches offset by dataOffset; returns the losses. */
  static List<Float> run(LlamaModel model, AdamW opt, long from, long to, long dataOffset) {
    List<Float> losses = new ArrayList<>();
    NDManager base = model.manager();
    for (long s = from; s < to; s++) {
      int[][] b = batch(s - dataOffset, model.config().vocabSize());
      try (NDManager step = base.newSubManager()) {
        NDArray x = step.create(b[0], new Shape(B, T));
        NDArray y = step.create(b[1], new Shape(B, T));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.zeroGradients();
          NDArray loss = model.loss(x, y);
          gc.backward(loss);
          losses.add(loss.getFloat());
        }
        opt.step(model.parameters(), 3e-3, step);
      }
    }
    return losses;
  }

  static float[] flat(Map<String, float[]> w) {
    int n = w.values().stream().mapToInt(a -> a.length).sum();
    float[] out = new float[n];
    int i = 0;
    for (float[] a : w.values()) {
      System.arraycopy(a, 0, out, i, a.length);
      i += a.length;
    }
    return out;
  }

  float[] resumed(long n, long k, long dataOffsetAfterResume, List<Float> losses) {
    LlamaConfig cfg = LlamaModelTest.config(2, false, Map.of());
    Path run = tmp.resolve("run-" + dataOffsetAfterResume);
    try (NDManager base = NDManager.newBaseManager()) {
      try (LlamaModel model = LlamaModel.of(cfg, HfCheckpoint.randomWeights(cfg, 5, 0.02), base);
          AdamW opt = new AdamW(model.parameters(), 0.9, 0.95, 1e-8, 0.1, model.manager())) {
        losses.addAll(run(model, opt, 0, k, 0));
        TrainingCheckpoint.save(run, k, model, opt, Map.of("loader", Map.of("step", k)));
      }
      TrainingCheckpoint ck = TrainingCheckpoint.read(run.resolve("checkpoint-" + k));
      assertEquals(k, ck.step());
      try (HfCheckpoint hf = HfCheckpoint.open(ck.dir());
          LlamaModel model = LlamaModel.load(hf, base);
          AdamW opt = new AdamW(model.parameters(), 0.9, 0.95, 1e-8, 0.1, model.manager())) {
        ck.restoreOptimizer(opt);
        losses.addAll(run(model, opt, ck.step(), n, dataOffsetAfterResume));
        return flat(model.weights());
      }
    }
  }

  @Test
  void resumeIsBitwiseIdenticalAndDataPositionMatters() {
    LlamaConfig cfg = LlamaModelTest.config(2, false, Map.of());
    long n = 12;
    long k = 5;
    List<Float> straightLosses;
    float[] straight;
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(cfg, HfCheckpoint.randomWeights(cfg, 5, 0.02), base);
        AdamW opt = new AdamW(model.parameters(), 0.9, 0.95, 1e-8, 0.1, model.manager())) {
      straightLosses = run(model, opt, 0, n, 0);
      straight = flat(model.weights());
    }
    List<Float> resumedLosses = new ArrayList<>();
    float[] resumed = resumed(n, k, 0, resumedLosses);
    assertArrayEquals(
        straight, resumed, "weights after resume must equal the straight run bit for bit");
    assertEquals(straightLosses, resumedLosses);

    // Negative control: resuming with the data position reset to 0 must not match.
    float[] wrongData = resumed(n, k, k, new ArrayList<>());
    assertFalse(
        java.util.Arrays.equals(straight, wrongData), "a reset data position went unnoticed");
  }

  @Test
  void brokenCheckpointsAreSkippedAndPruned() throws IOException {
    LlamaConfig cfg = LlamaModelTest.config(1, true, Map.of());
    Path run = tmp.resolve("run");
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(cfg, HfCheckpoint.randomWeights(cfg, 1, 0.02), base);
        AdamW opt = new AdamW(model.parameters(), 0.9, 0.95, 1e-8, 0.0, model.manager())) {
      for (long s = 1; s <= 3; s++) {
        run(model, opt, s - 1, s, 0);
        TrainingCheckpoint.save(run, s, model, opt, Map.of());
      }
    }
    Files.write(run.resolve("checkpoint-3/optimizer.safetensors"), new byte[] {1, 2, 3});
    List<String> skipped = new ArrayList<>();
    TrainingCheckpoint good = TrainingCheckpoint.latestGood(run, skipped);
    assertNotNull(good);
    assertEquals(2, good.step());
    assertTrue(skipped.get(0).contains("optimizer.safetensors"), skipped.toString());
    assertEquals(List.of(run.resolve("checkpoint-1")), TrainingCheckpoint.prune(run, 2));
    assertEquals(2, TrainingCheckpoint.list(run).size());
  }

  @Test
  void newerCheckpointsAreSetAsideUnderFreeNames() throws IOException {
    Path run = tmp.resolve("aside");
    for (String name : new String[] {"checkpoint-2", "checkpoint-3", "checkpoint-4"}) {
      Files.createDirectories(run.resolve(name));
    }
    Files.createDirectories(run.resolve("checkpoint-4.corrupt"));
    Map<Path, Path> moved = TrainingCheckpoint.setAsideNewerThan(run, 2);
    assertEquals(
        Map.of(
            run.resolve("checkpoint-4"), run.resolve("checkpoint-4.corrupt-2"),
            run.resolve("checkpoint-3"), run.resolve("checkpoint-3.corrupt")),
        moved);
    assertEquals(List.of(run.resolve("checkpoint-2")), TrainingCheckpoint.list(run));
    assertTrue(Files.isDirectory(run.resolve("checkpoint-4.corrupt")));
  }
}
