package midtrain.bench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import midtrain.train.CheckpointLanguageModel;
import midtrain.train.HfCheckpoint;
import midtrain.train.LlamaConfig;
import midtrain.train.LlamaModel;

/**
 * Greedy decoding with and without the KV cache ({@link CheckpointLanguageModel.Builder#kvCache}),
 * measured in one JVM on one model: 4 layers, hidden 256, 8 query / 2 key-value heads, vocab 32000,
 * float32 on the CPU, a 512-token prompt and 64 new tokens. The two runs alternate after a warm-up
 * and must produce the same tokens. Run through {@code scripts/greedy_bench.sh}.
 */
public final class GreedyDecode {
  private GreedyDecode() {}

  /**
   * Runs the benchmark.
   *
   * @param args threads, measured repetitions of each variant, prompt length, new tokens
   */
  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int promptLength = args.length > 2 ? Integer.parseInt(args[2]) : 512;
    int newTokens = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("model_type", "llama");
    c.put("vocab_size", 32000);
    c.put("hidden_size", 256);
    c.put("intermediate_size", 688);
    c.put("num_hidden_layers", 4);
    c.put("num_attention_heads", 8);
    c.put("num_key_value_heads", 2);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 2048);
    c.put("tie_word_embeddings", false);
    LlamaConfig cfg = LlamaConfig.fromMap(c);
    Random r = new Random(0);
    int[] prompt = new int[promptLength];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = r.nextInt(cfg.vocabSize());
    }
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(cfg, HfCheckpoint.randomWeights(cfg, 1, 0.02), base);
        CheckpointLanguageModel cached = CheckpointLanguageModel.builder().build(model);
        CheckpointLanguageModel uncached =
            CheckpointLanguageModel.builder().kvCache(false).build(model)) {
      int[] want = uncached.greedy(prompt, newTokens, g -> false); // warm-up, and the reference
      int[] got = cached.greedy(prompt, newTokens, g -> false);
      if (!Arrays.equals(want, got)) {
        throw new IllegalStateException(
            "cached and recomputed decoding differ: "
                + Arrays.toString(got)
                + " vs "
                + Arrays.toString(want));
      }
      double[] withCache = new double[reps];
      double[] without = new double[reps];
      for (int i = 0; i < reps; i++) {
        without[i] = seconds(uncached, prompt, newTokens);
        withCache[i] = seconds(cached, prompt, newTokens);
      }
      Arrays.sort(withCache);
      Arrays.sort(without);
      double a = withCache[reps / 2];
      double b = without[reps / 2];
      System.out.printf(
          "midtrain greedy (DJL %s, PyTorch %s, float32 CPU) threads=%d params=%d prompt=%d"
              + " new=%d reps=%d: cached %.3f s (%.1f ms/token), recomputed %.3f s"
              + " (%.1f ms/token), speed-up x%.1f (medians)%n",
          Engine.getDjlVersion(),
          Engine.getInstance().getVersion(),
          threads,
          cfg.parameterCount(),
          promptLength,
          newTokens,
          reps,
          a,
          a * 1000 / newTokens,
          b,
          b * 1000 / newTokens,
          b / a);
    }
  }

  private static double seconds(CheckpointLanguageModel lm, int[] prompt, int newTokens) {
    long t0 = System.nanoTime();
    int[] out = lm.greedy(prompt, newTokens, g -> false);
    double s = (System.nanoTime() - t0) / 1e9;
    if (out.length != newTokens) {
      throw new IllegalStateException("generated " + out.length + " tokens, not " + newTokens);
    }
    return s;
  }
}
