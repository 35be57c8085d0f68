package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import midtrain.eval.Sampling;
import org.junit.jupiter.api.Test;

/**
 * Incremental decoding against a KV cache, differentially: {@link LlamaModel#prefill} and {@link
 * LlamaModel#step} against the last row of the full forward, and cached greedy decoding against the
 * recomputing one ({@code kvCache(false)}), over attention layouts, rotary variants and windows.
 */
class KvCacheTest {
  // Dynamic NTK and LongRoPE keep their initial frequencies up to this length only.
  private static final int ORIGINAL = 8;

  /** The configs by name: every attention layout, rotary scaling and window the model supports. */
  static Map<String, LlamaConfig> configs() {
    Map<String, LlamaConfig> c = new LinkedHashMap<>();
    c.put("MHA, untied", LlamaModelTest.config(4, false, Map.of()));
    c.put("GQA, tied", LlamaModelTest.config(2, true, Map.of()));
    c.put("MQA", LlamaModelTest.config(1, false, Map.of()));
    c.put(
        "head_dim 8, half rotary",
        LlamaModelTest.config(2, false, Map.of("head_dim", 8, "partial_rotary_factor", 0.5)));
    c.put(
        "Mistral, window 3",
        LlamaModelTest.config(2, true, Map.of("model_type", "mistral", "sliding_window", 3)));
    c.put("linear", scaled(Map.of("rope_type", "linear", "factor", 2.0)));
    c.put(
        "yarn",
        scaled(Map.of("rope_type", "yarn", "factor", 4.0, "original_max_position_embeddings", 16)));
    c.put(
        "llama3",
        scaled(
            Map.of(
                "rope_type",
                "llama3",
                "factor",
                4.0,
                "low_freq_factor",
                1.0,
                "high_freq_factor",
                4.0,
                "original_max_position_embeddings",
                4)));
    c.put(
        "dynamic",
        LlamaModelTest.config(
            2,
            false,
            Map.of(
                "max_position_embeddings",
                ORIGINAL,
                "rope_scaling",
                Map.of("rope_type", "dynamic", "factor", 2.0))));
    c.put(
        "longrope",
        LlamaModelTest.config(
            2,
            false,
            Map.of(
                "max_position_embeddings",
                32,
                "original_max_position_embeddings",
                ORIGINAL,
                "rope_scaling",
                Map.of(
                    "rope_type",
                    "longrope",
                    "original_max_position_embeddings",
                    ORIGINAL,
                    "short_factor",
                    List.of(1.0, 1.5),
                    "long_factor",
                    List.of(3.0, 9.0)))));
    return c;
  }

  private static LlamaConfig scaled(Map<String, Object> ropeScaling) {
    return LlamaModelTest.config(2, false, Map.of("rope_scaling", ropeScaling));
  }

  private static boolean lengthDependent(String name) {
    return name.equals("dynamic") || name.equals("longrope");
  }

  /** The last row of the full forward over {@code tokens}. */
  private static float[] fullLast(LlamaModel model, int[] tokens) {
    try (NDManager step = model.manager().newSubManager()) {
      return model
          .logits(step.create(tokens, new Shape(1, tokens.length)))
          .get(new NDIndex("0, -1, :"))
          .toFloatArray();
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double largest = 0;
    for (float e : expected) {
      largest = Math.max(largest, Math.abs(e));
    }
    assertTrue(largest > 0.1, what + ": logits too small to compare");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5 * largest, what + ", logit " + i);
    }
  }

  @Test
  void prefillAndStepsGiveTheFullForwardsLastRow() {
    long seed = 0;
    for (Map.Entry<String, LlamaConfig> e : configs().entrySet()) {
      LlamaConfig cfg = e.getValue();
      Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 31 + seed, 0.2);
      for (int promptLength : new int[] {1, 5}) {
        // Up to the length where dynamic and LongRoPE frequencies still equal their initial ones.
        int total = ORIGINAL;
        int[] seq = LlamaModelTest.tokens(7 + seed++, total, cfg.vocabSize());
        String what = e.getKey() + ", prompt " + promptLength;
        try (NDManager base = NDManager.newBaseManager();
            LlamaModel model = LlamaModel.of(cfg, w, base)) {
          int before = model.manager().getManagedArrays().size();
          try (KvCache cache = model.newCache(total)) {
            int[] prompt = Arrays.copyOf(seq, promptLength);
            assertClose(fullLast(model, prompt), model.prefill(cache, prompt), what + ", prefill");
            // Two arrays per layer and the rotary tables: nothing accumulates step by step.
            int held = 2 * cfg.numLayers() + 2;
            assertEquals(held, cache.manager().getManagedArrays().size(), what);
            for (int n = promptLength + 1; n <= total; n++) {
              float[] got = model.step(cache, seq[n - 1]);
              assertClose(
                  fullLast(model, Arrays.copyOf(seq, n)), got, what + ", step to length " + n);
              assertEquals(n, cache.length(), what);
              assertEquals(held, cache.manager().getManagedArrays().size(), what);
            }
            assertThrows(TrainException.class, () -> model.step(cache, 0), "the cache is full");
          }
          assertEquals(before, model.manager().getManagedArrays().size(), what + ": a leak");
        }
      }
    }
  }

  @Test
  void lengthDependentEncodingsCacheOnlyWhileTheirFrequenciesAreTheInitialOnes() {
    for (Map.Entry<String, LlamaConfig> e : configs().entrySet()) {
      try (NDManager base = NDManager.newBaseManager();
          LlamaModel model =
              LlamaModel.of(e.getValue(), HfCheckpoint.randomWeights(e.getValue(), 1, 0.2), base)) {
        if (lengthDependent(e.getKey())) {
          assertEquals(ORIGINAL, model.cacheablePositions(), e.getKey());
          assertThrows(TrainException.class, () -> model.newCache(ORIGINAL + 1), e.getKey());
          // Past that length the full forward rescales every position: an earlier position's
          // logits change when the sequence grows, so keys cached before would be stale.
          assertTrue(earlierRowMoves(model, e.getValue()) > 1e-3, e.getKey());
        } else {
          assertEquals(Integer.MAX_VALUE, model.cacheablePositions(), e.getKey());
          assertEquals(0, earlierRowMoves(model, e.getValue()), 1e-5, e.getKey());
        }
      }
    }
  }

  /** How far the last position's logits within ORIGINAL move when the sequence doubles. */
  private static double earlierRowMoves(LlamaModel model, LlamaConfig cfg) {
    int[] seq = LlamaModelTest.tokens(3, 2 * ORIGINAL, cfg.vocabSize());
    float[] longer = fullRow(model, seq, ORIGINAL - 1);
    float[] shorter = fullRow(model, Arrays.copyOf(seq, ORIGINAL), ORIGINAL - 1);
    double most = 0;
    for (int i = 0; i < longer.length; i++) {
      most = Math.max(most, Math.abs(longer[i] - shorter[i]));
    }
    return most;
  }

  private static float[] fullRow(LlamaModel model, int[] tokens, int row) {
    try (NDManager step = model.manager().newSubManager()) {
      return model
          .logits(step.create(tokens, new Shape(1, tokens.length)))
          .get(new NDIndex("0, {}, :", row))
          .toFloatArray();
    }
  }

  @Test
  void cachedGreedyDecodingEqualsRecomputingEveryStep() {
    int window = 12;
    // {prompt length, new tokens}: a one-token prompt; prompt and generation within the window;
    // a generation that crosses it; a prompt already longer than it.
    int[][] cases = {{1, 9}, {5, 7}, {5, 14}, {15, 4}};
    long seed = 100;
    for (Map.Entry<String, LlamaConfig> e : configs().entrySet()) {
      LlamaConfig cfg = e.getValue();
      int limit = lengthDependent(e.getKey()) ? ORIGINAL : window;
      try (NDManager base = NDManager.newBaseManager();
          LlamaModel model = LlamaModel.of(cfg, HfCheckpoint.randomWeights(cfg, seed, 0.2), base);
          CheckpointLanguageModel cached =
              CheckpointLanguageModel.builder().window(window).build(model);
          CheckpointLanguageModel oracle =
              CheckpointLanguageModel.builder().window(window).kvCache(false).build(model)) {
        int before = model.manager().getManagedArrays().size();
        for (int[] c : cases) {
          int[] prompt = LlamaModelTest.tokens(seed++, c[0], cfg.vocabSize());
          String what = e.getKey() + ", prompt " + c[0] + ", " + c[1] + " new";
          int[] want = oracle.greedy(prompt, c[1], g -> false);
          assertEquals(0, oracle.cachedSteps(), what);
          int[] got = cached.greedy(prompt, c[1], g -> false);
          assertArrayEquals(want, got, what);
          // Steps conditioning on n tokens, n = prompt .. prompt + new - 1, use the cache while
          // n <= limit (the window, or where dynamic/LongRoPE frequencies start to change).
          int expected = 0;
          for (int n = c[0]; n < c[0] + c[1]; n++) {
            expected += n <= limit ? 1 : 0;
          }
          assertEquals(expected, cached.cachedSteps(), what + ": steps the cache served");
          // A stop predicate ends the generation early, the cache closed with it.
          int[] stopped = cached.greedy(prompt, c[1], g -> g.length == 3);
          assertArrayEquals(Arrays.copyOf(want, 3), stopped, what + ", stopped");
          // Sampling draws from the same scores with or without the cache.
          Sampling sampling = Sampling.builder().temperature(1.5).topP(0.95).seed(seed).build();
          assertArrayEquals(
              oracle.generate(prompt, c[1], sampling, g -> false),
              cached.generate(prompt, c[1], sampling, g -> false),
              what + ", sampled");
          assertEquals(before, model.manager().getManagedArrays().size(), what + ": a leak");
        }
      }
    }
  }

  @Test
  void aCacheRefusesMisuse() {
    LlamaConfig cfg = LlamaModelTest.config(2, false, Map.of());
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(cfg, HfCheckpoint.randomWeights(cfg, 2, 0.2), base)) {
      assertThrows(TrainException.class, () -> model.newCache(0));
      try (KvCache cache = model.newCache(4)) {
        assertThrows(TrainException.class, () -> model.step(cache, 1), "step before prefill");
        assertThrows(TrainException.class, () -> model.prefill(cache, new int[] {1, 2, 3, 4, 5}));
        model.prefill(cache, new int[] {1, 2});
        assertThrows(TrainException.class, () -> model.prefill(cache, new int[] {1}));
        model.extendContext(
            Map.of("rope_type", "yarn", "factor", 4.0, "original_max_position_embeddings", 64),
            256);
        assertThrows(TrainException.class, () -> model.step(cache, 1), "stale rotations");
      }
      KvCache closed = model.newCache(4);
      closed.close();
      assertThrows(TrainException.class, () -> model.prefill(closed, new int[] {1}));
    }
  }
}
