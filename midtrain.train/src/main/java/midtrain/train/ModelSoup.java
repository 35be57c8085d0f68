package midtrain.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checkpoint averaging ("model souping"): the weighted mean of several checkpoints of one
 * architecture, accumulated in double so the order of inputs does not matter beyond rounding.
 */
public final class ModelSoup {
  private ModelSoup() {}

  /**
   * Averages checkpoints and writes the result as a Hugging Face model directory, with the first
   * input's tokenizer and generation files (see {@link HfCheckpoint#copyModelFiles}).
   *
   * @param inputs model directories (a training checkpoint is one), at least two
   * @param weights one non-negative weight per input, or empty for a uniform mean
   * @param out the directory to write
   * @return the architecture of the result
   * @throws TrainException if there are fewer than two inputs, {@code weights} is neither empty nor
   *     one per input, a weight is negative or not finite, or all are 0; an input is not a valid
   *     model directory (as {@link HfCheckpoint#open} refuses it); the inputs differ in their
   *     tensors or in their heads, head dimension, norm epsilon, rope settings or {@code
   *     max_position_embeddings}; two inputs hold different {@code tokenizer.json} files; or the
   *     result cannot be written
   */
  public static LlamaConfig average(List<Path> inputs, double[] weights, Path out) {
    if (inputs.size() < 2) {
      throw new TrainException("averaging needs at least two checkpoints, got " + inputs.size());
    }
    double[] w = weights.length == 0 ? uniform(inputs.size()) : weights.clone();
    if (w.length != inputs.size()) {
      throw new TrainException(
          "got " + w.length + " weights for " + inputs.size() + " checkpoints: give one per input");
    }
    double sum = 0;
    for (double x : w) {
      if (!(x >= 0) || !Double.isFinite(x)) {
        throw new TrainException("averaging weights must be >= 0, got " + Arrays.toString(w));
      }
      sum += x;
    }
    if (!(sum > 0)) {
      throw new TrainException("averaging weights must not all be 0");
    }
    // Every config first (opening reads only config.json and the safetensors headers), so that a
    // checkpoint that cannot be averaged is refused before gigabytes of weights are read.
    LlamaConfig config = null;
    Map<String, Object> shared = null;
    for (Path input : inputs) {
      try (HfCheckpoint ck = HfCheckpoint.open(input)) {
        if (config == null) {
          config = ck.config();
          shared = settings(config);
        } else {
          checkSame(inputs.get(0), config, shared, input, ck.config());
        }
      }
    }
    checkSameTokenizer(inputs);
    Map<String, double[]> acc = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      try (HfCheckpoint ck = HfCheckpoint.open(inputs.get(i))) {
        double share = w[i] / sum;
        for (String name : config.expectedTensors().keySet()) {
          float[] v = ck.readFloats(name);
          double[] a = acc.computeIfAbsent(name, k -> new double[v.length]);
          for (int j = 0; j < v.length; j++) {
            a[j] += share * v[j];
          }
        }
      }
    }
    Map<String, float[]> result = new LinkedHashMap<>();
    acc.forEach(
        (k, a) -> {
          float[] f = new float[a.length];
          for (int j = 0; j < a.length; j++) {
            f[j] = (float) a[j];
          }
          result.put(k, f);
        });
    HfCheckpoint.save(out, config, result);
    // The inputs share a tokenizer (checked above): the soup gets the first one's files.
    HfCheckpoint.copyModelFiles(inputs.get(0), out);
    return config;
  }

  /** Refuses inputs whose tokenizer.json files differ: the soup could carry only one of them. */
  private static void checkSameTokenizer(List<Path> inputs) {
    Path first = null;
    for (Path input : inputs) {
      Path tok = input.resolve("tokenizer.json");
      if (!Files.isRegularFile(tok)) {
        continue;
      }
      if (first == null) {
        first = tok;
        continue;
      }
      try {
        if (Files.mismatch(first, tok) != -1) {
          throw new TrainException(
              tok + " differs from " + first + ": models of two tokenizers cannot be averaged");
        }
      } catch (IOException e) {
        throw new TrainException("cannot read " + tok + ": " + e.getMessage(), e);
      }
    }
  }

  /** Refuses a checkpoint whose shapes or settings differ from the first one's. */
  private static void checkSame(
      Path first, LlamaConfig config, Map<String, Object> shared, Path other, LlamaConfig c) {
    if (!config.expectedTensors().keySet().equals(c.expectedTensors().keySet())
        || config.hiddenSize() != c.hiddenSize()
        || config.vocabSize() != c.vocabSize()
        || config.intermediateSize() != c.intermediateSize()) {
      throw new TrainException(other + ": architecture differs from " + first + "; cannot average");
    }
    // Same shapes can still mean other heads or positions; the result keeps one config.
    Map<String, Object> b = settings(c);
    for (String key : shared.keySet()) {
      if (!Objects.equals(shared.get(key), b.get(key))) {
        throw new TrainException(
            "cannot average "
                + first
                + " and "
                + other
                + ": their config.json differ in '"
                + key
                + "' ("
                + config.raw().get(key)
                + " vs "
                + c.raw().get(key)
                + ")");
      }
    }
  }

  /** The settings beyond tensor shapes that the averaged model's config.json must share. */
  private static Map<String, Object> settings(LlamaConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("num_attention_heads", c.numHeads());
    m.put("num_key_value_heads", c.numKvHeads());
    m.put("head_dim", c.headDim());
    m.put("rms_norm_eps", c.rmsNormEps());
    for (String key :
        List.of(
            "rope_theta",
            "rope_scaling",
            "rope_parameters",
            "partial_rotary_factor",
            "max_position_embeddings")) {
      m.put(key, comparable(c.raw().get(key)));
    }
    // "type" is the older name of "rope_type" (transformers reads both): the same setting.
    if (m.get("rope_scaling") instanceof Map<?, ?> rs
        && rs.containsKey("type")
        && !rs.containsKey("rope_type")) {
      Map<String, Object> renamed = new TreeMap<>();
      rs.forEach((k, v) -> renamed.put("type".equals(k) ? "rope_type" : String.valueOf(k), v));
      m.put("rope_scaling", renamed);
    }
    return m;
  }

  /** JSON values with every number as a double, so 10000 equals 10000.0. */
  private static Object comparable(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, x) -> out.put(String.valueOf(k), comparable(x)));
      return out;
    }
    if (v instanceof List<?> list) {
      return list.stream().map(ModelSoup::comparable).toList();
    }
    return v;
  }

  private static double[] uniform(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1.0);
    return w;
  }
}
