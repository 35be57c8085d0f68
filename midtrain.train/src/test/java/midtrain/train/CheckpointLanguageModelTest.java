package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import midtrain.eval.EvalException;
import midtrain.eval.Perplexity;
import midtrain.eval.Sampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLanguageModelTest {
  @TempDir Path tmp;

  private static final LlamaConfig CFG = LlamaModelTest.config(2, false, Map.of());
  private static final Map<String, float[]> WEIGHTS = HfCheckpoint.randomWeights(CFG, 3, 0.2);

  /** log_softmax of the model's own logits for one window, in double: [position][token]. */
  private static double[][] logSoftmax(LlamaModel model, int[] window) {
    int t = window.length;
    int v = model.config().vocabSize();
    try (NDManager step = model.manager().newSubManager()) {
      float[] logits = model.logits(step.create(window, new Shape(1, t))).toFloatArray();
      double[][] out = new double[t][v];
      for (int i = 0; i < t; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          max = Math.max(max, logits[i * v + k]);
        }
        double sum = 0;
        for (int k = 0; k < v; k++) {
          sum += Math.exp(logits[i * v + k] - max);
        }
        for (int k = 0; k < v; k++) {
          out[i][k] = logits[i * v + k] - max - Math.log(sum);
        }
      }
      return out;
    }
  }

  @Test
  void logProbsAreLogSoftmaxOfTheModelsLogitsWithinOneWindow() {
    int[] toks = LlamaModelTest.tokens(9, 12, CFG.vocabSize());
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, WEIGHTS, base);
        CheckpointLanguageModel lm = CheckpointLanguageModel.builder().build(model)) {
      assertEquals(64, lm.window()); // max_position_embeddings
      assertEquals(32, lm.stride());
      assertEquals(24, lm.vocabSize());
      double[] got = lm.tokenLogProbs(toks);
      double[][] ref = logSoftmax(model, toks);
      assertEquals(toks.length - 1, got.length);
      for (int i = 0; i < got.length; i++) {
        assertEquals(ref[i][toks[i + 1]], got[i], 1e-5, "token " + (i + 1));
      }
      // Scoring again gives the same bits: nothing carries over between calls.
      assertArrayEquals(got, lm.tokenLogProbs(toks));
    }
  }

  @Test
  void longSequencesAreScoredWindowByWindowEachTokenOnce() {
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, WEIGHTS, base);
        CheckpointLanguageModel lm =
            CheckpointLanguageModel.builder().window(8).stride(3).batchSize(2).build(model)) {
      // Windows (start, end, first token scored), written out by hand: starts 0, 3, 6, ...; the
      // last window of 21 tokens is moved back to start at 13 so that it holds 8 tokens.
      int[][] for23 = {{0, 8, 1}, {3, 11, 8}, {6, 14, 11}, {9, 17, 14}, {12, 20, 17}, {15, 23, 20}};
      int[][] for21 = {{0, 8, 1}, {3, 11, 8}, {6, 14, 11}, {9, 17, 14}, {12, 20, 17}, {13, 21, 20}};
      for (int[][] windows : List.of(for23, for21)) {
        int n = windows[windows.length - 1][1];
        int[] toks = LlamaModelTest.tokens(n, n, CFG.vocabSize());
        double[] expected = new double[n - 1];
        for (int[] w : windows) {
          double[][] ref = logSoftmax(model, java.util.Arrays.copyOfRange(toks, w[0], w[1]));
          for (int t = w[2]; t < w[1]; t++) {
            expected[t - 1] = ref[t - w[0] - 1][toks[t]];
          }
        }
        double[] got = lm.tokenLogProbs(toks);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], got[i], 1e-5, n + " tokens: token " + (i + 1));
        }
        // The window matters: with the whole sequence as context, late tokens score differently.
        double[][] whole = logSoftmax(model, toks);
        assertTrue(Math.abs(whole[n - 2][toks[n - 1]] - got[n - 2]) > 1e-6);
      }
    }
  }

  @Test
  void greedyPicksTheTokenTheScorerRatesHighestWithinTheWindow() {
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, WEIGHTS, base);
        CheckpointLanguageModel lm = CheckpointLanguageModel.builder().window(8).build(model);
        CheckpointLanguageModel oracle = CheckpointLanguageModel.builder().window(9).build(model)) {
      // A prompt longer than the window, so later tokens see only the last 8.
      int[] prompt = LlamaModelTest.tokens(5, 11, CFG.vocabSize());
      int[] got = lm.greedy(prompt, 6, g -> false);
      assertEquals(6, got.length);
      int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + got.length);
      System.arraycopy(got, 0, seq, prompt.length, got.length);
      for (int i = 0; i < got.length; i++) {
        int n = prompt.length + i;
        // The oracle is the scoring path: every candidate appended to the last 8 tokens.
        int[] ctx = java.util.Arrays.copyOfRange(seq, n - 8, n + 1);
        double best = Double.NEGATIVE_INFINITY;
        int arg = -1;
        for (int c = 0; c < CFG.vocabSize(); c++) {
          ctx[8] = c;
          double lp = oracle.tokenLogProbs(ctx)[7];
          if (lp > best) {
            best = lp;
            arg = c;
          }
        }
        assertEquals(arg, got[i], "generated token " + i);
      }
      // The stop predicate sees what was generated and keeps the token that ended it.
      int[] stopped = lm.greedy(prompt, 6, g -> g.length == 2);
      assertArrayEquals(java.util.Arrays.copyOf(got, 2), stopped);
      assertThrows(EvalException.class, () -> lm.greedy(new int[0], 3, g -> false));
      assertThrows(EvalException.class, () -> lm.greedy(prompt, 0, g -> false));
      assertThrows(EvalException.class, () -> lm.greedy(new int[] {1, 99}, 3, g -> false));
    }
  }

  @Test
  void samplingDrawsEachTokenFromTheScoresOfTheWindowWithItsSeed() {
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, WEIGHTS, base);
        CheckpointLanguageModel lm = CheckpointLanguageModel.builder().window(8).build(model);
        CheckpointLanguageModel oracle = CheckpointLanguageModel.builder().window(9).build(model)) {
      int[] prompt = LlamaModelTest.tokens(6, 5, CFG.vocabSize());
      Sampling sampling = Sampling.builder().temperature(1.3).topK(20).topP(0.9).seed(77).build();
      int[] got = lm.generate(prompt, 7, sampling, g -> false);
      assertEquals(7, got.length);
      assertArrayEquals(got, lm.generate(prompt, 7, sampling, g -> false), "same seed");
      // The oracle: a sampler with the same seed over the log-probabilities the scoring path
      // gives every candidate (a shift of the logits, which sampling ignores).
      Sampling.Sampler sampler = sampling.newSampler();
      int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + got.length);
      System.arraycopy(got, 0, seq, prompt.length, got.length);
      for (int i = 0; i < got.length; i++) {
        int n = prompt.length + i;
        int from = Math.max(0, n - 8);
        int[] ctx = java.util.Arrays.copyOfRange(seq, from, n + 1);
        float[] scores = new float[CFG.vocabSize()];
        for (int c = 0; c < scores.length; c++) {
          ctx[ctx.length - 1] = c;
          scores[c] = (float) oracle.tokenLogProbs(ctx)[ctx.length - 2];
        }
        assertEquals(sampler.next(scores, scores.length), got[i], "sampled token " + i);
      }
      boolean differs = false;
      for (long seed = 78; seed < 86 && !differs; seed++) {
        differs =
            !java.util.Arrays.equals(
                got, lm.generate(prompt, 7, sampling.withSeed(seed), g -> false));
      }
      assertTrue(differs, "eight other seeds all drew the same tokens");
      assertArrayEquals(
          lm.greedy(prompt, 7, g -> false),
          lm.generate(prompt, 7, Sampling.builder().temperature(1e-6).build(), g -> false),
          "a temperature near 0 is greedy");
    }
  }

  @Test
  void greedyTakesAnyBoundAndEndsWhereTheStopPredicateSays() {
    // Integer.MAX_VALUE reads "until stop says": prompt + bound overflowed an int, and a large
    // bound was allocated up front.
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, WEIGHTS, base);
        CheckpointLanguageModel lm = CheckpointLanguageModel.builder().window(8).build(model)) {
      int[] prompt = LlamaModelTest.tokens(9, 3, CFG.vocabSize());
      int[] want = lm.greedy(prompt, 12, g -> false);
      assertArrayEquals(want, lm.greedy(prompt, Integer.MAX_VALUE, g -> g.length == 12));
      assertArrayEquals(want, lm.greedy(prompt, 1 << 30, g -> g.length == 12));
    }
  }

  @Test
  void windowsCoverEveryTokenOnce() {
    for (int n = 2; n < 40; n++) {
      for (int w = 2; w < 12; w++) {
        for (int s = 1; s < w; s++) {
          int[] seen = new int[n];
          for (int[] span : CheckpointLanguageModel.windows(n, w, s)) {
            assertTrue(span[1] - span[0] == Math.min(w, n), "a window is full or the sequence");
            assertTrue(span[2] > span[0], "a scored token has context in its window");
            for (int t = span[2]; t < span[1]; t++) {
              seen[t]++;
            }
          }
          for (int t = 1; t < n; t++) {
            assertEquals(1, seen[t], "n " + n + " w " + w + " s " + s + " token " + t);
          }
        }
      }
    }
  }

  @Test
  void opensACheckpointDirectoryAndMeasuresPerplexity() {
    Path dir = tmp.resolve("model");
    HfCheckpoint.save(dir, CFG, WEIGHTS);
    int[] toks = LlamaModelTest.tokens(4, 30, CFG.vocabSize());
    double[] fromModel;
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, WEIGHTS, base);
        CheckpointLanguageModel lm =
            CheckpointLanguageModel.builder().window(16).stride(5).build(model)) {
      fromModel = lm.tokenLogProbs(toks);
    }
    try (CheckpointLanguageModel lm =
        CheckpointLanguageModel.builder().window(16).stride(5).open(dir)) {
      assertArrayEquals(fromModel, lm.tokenLogProbs(toks));
      Perplexity p = Perplexity.measure(lm, List.of(toks));
      assertEquals(29, p.tokens());
      assertTrue(p.value() > 1 && p.value() < 1e6, "perplexity " + p.value());
    }
  }

  @Test
  void refusesBadSettingsAndInputs() {
    TrainException missing =
        assertThrows(
            TrainException.class,
            () -> CheckpointLanguageModel.builder().open(tmp.resolve("absent")));
    assertTrue(missing.getMessage().contains("no such model directory"));
    assertThrows(TrainException.class, () -> CheckpointLanguageModel.builder().window(1));
    assertThrows(TrainException.class, () -> CheckpointLanguageModel.builder().stride(0));
    assertThrows(TrainException.class, () -> CheckpointLanguageModel.builder().batchSize(0));
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(CFG, WEIGHTS, base)) {
      TrainException e =
          assertThrows(
              TrainException.class,
              () -> CheckpointLanguageModel.builder().window(8).stride(8).build(model));
      assertTrue(e.getMessage().contains("stride 8 must be below the window 8"), e.getMessage());
      try (CheckpointLanguageModel lm = CheckpointLanguageModel.builder().build(model)) {
        EvalException range =
            assertThrows(EvalException.class, () -> lm.tokenLogProbs(new int[] {1, 24}));
        assertTrue(range.getMessage().contains("token id 24 at position 1"), range.getMessage());
        assertThrows(EvalException.class, () -> lm.tokenLogProbs(new int[] {1}));
      }
      // Closing the wrapper left the borrowed model usable.
      assertEquals(24, model.weights().get("lm_head.weight").length / 16);
    }
  }
}
