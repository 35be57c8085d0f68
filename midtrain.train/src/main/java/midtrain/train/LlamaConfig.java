package midtrain.train;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The architecture of a Llama-style decoder, read from a Hugging Face {@code config.json}.
 *
 * <p>Covers Llama 2/3 and the families that share its tensor layout (Mistral, Qwen2 without biases
 * are rejected for now by {@code model_type}). The original map is kept so the rope settings can be
 * handed to {@code midtrain.rope} unchanged and written back on save.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param numLayers {@code num_hidden_layers}
 * @param numHeads {@code num_attention_heads}
 * @param numKvHeads {@code num_key_value_heads} (defaults to the head count)
 * @param headDim {@code head_dim} (defaults to hidden size / heads)
 * @param rmsNormEps {@code rms_norm_eps}
 * @param tieWordEmbeddings {@code tie_word_embeddings}
 * @param raw the whole config as read
 */
public record LlamaConfig(
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    Map<String, Object> raw) {

  private static final Set<String> TYPES = Set.of("llama", "mistral");

  // transformers' ACT2FN maps both names to SiLU, the only activation the SwiGLU MLP computes.
  private static final Set<String> ACTIVATIONS = Set.of("silu", "swish");

  // MistralConfig's default window, used by transformers when config.json has no sliding_window.
  private static final int MISTRAL_DEFAULT_WINDOW = 4096;

  /**
   * Validates the architecture.
   *
   * @param vocabSize the vocabulary size ({@code vocab_size})
   * @param hiddenSize the width of the residual stream ({@code hidden_size})
   * @param intermediateSize the width of the MLP's hidden layer ({@code intermediate_size})
   * @param numLayers the number of decoder layers ({@code num_hidden_layers})
   * @param numHeads the number of query heads ({@code num_attention_heads})
   * @param numKvHeads the number of key/value heads ({@code num_key_value_heads}); {@code numHeads}
   *     must be a multiple of it
   * @param headDim the size of each head ({@code head_dim})
   * @param rmsNormEps the epsilon of the RMS norms ({@code rms_norm_eps})
   * @param tieWordEmbeddings whether the output head shares the embedding matrix ({@code
   *     tie_word_embeddings})
   * @param raw the whole config as read, copied into an unmodifiable map
   * @throws TrainException if {@code numHeads} is not a multiple of {@code numKvHeads}
   */
  public LlamaConfig {
    raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    if (numHeads % numKvHeads != 0) {
      throw new TrainException(
          "config.json: num_attention_heads ("
              + numHeads
              + ") is not a multiple of"
              + " num_key_value_heads ("
              + numKvHeads
              + ")");
    }
  }

  /**
   * Reads a parsed {@code config.json}.
   *
   * @param config the parsed JSON object
   * @return the configuration
   * @throws TrainException if a required key is missing or not a positive number, the {@code
   *     model_type} is not a Llama-style decoder, or the {@code hidden_act} is not SiLU ({@code
   *     silu} or {@code swish}), naming the key
   */
  public static LlamaConfig fromMap(Map<String, ?> config) {
    Object type = config.get("model_type");
    if (type != null && !TYPES.contains(type.toString())) {
      throw new TrainException(
          "config.json: model_type \""
              + type
              + "\" is not a Llama-style decoder (expected one of "
              + TYPES
              + ")");
    }
    int hidden = positiveInt(config, "hidden_size", null);
    int heads = positiveInt(config, "num_attention_heads", null);
    int kv = positiveInt(config, "num_key_value_heads", heads);
    if (config.get("head_dim") == null && hidden % heads != 0) {
      throw new TrainException(
          "config.json: hidden_size "
              + hidden
              + " is not divisible by num_attention_heads "
              + heads
              + "; change one, or give head_dim (the size of each head) explicitly");
    }
    int headDim = positiveInt(config, "head_dim", hidden / heads);
    Object eps = config.get("rms_norm_eps");
    double rmsEps = eps == null ? 1e-6 : number(eps, "rms_norm_eps");
    if (!(rmsEps > 0)) {
      throw new TrainException("config.json: 'rms_norm_eps' must be positive, got " + eps);
    }
    Object act = config.get("hidden_act");
    if (act != null && !ACTIVATIONS.contains(act.toString())) {
      // Computing SiLU anyway would give other logits than transformers for the same weights.
      throw new TrainException(
          "config.json: hidden_act \""
              + act
              + "\" is not supported: the MLP is SwiGLU with SiLU (\"silu\" or \"swish\")");
    }
    slidingWindow(config);
    Object tie = config.get("tie_word_embeddings");
    if (tie != null && !(tie instanceof Boolean)) {
      throw new TrainException("config.json: 'tie_word_embeddings' must be true or false");
    }
    Map<String, Object> raw = new LinkedHashMap<>();
    config.forEach((k, v) -> raw.put(k, v));
    return new LlamaConfig(
        positiveInt(config, "vocab_size", null),
        hidden,
        positiveInt(config, "intermediate_size", null),
        positiveInt(config, "num_hidden_layers", null),
        heads,
        kv,
        headDim,
        rmsEps,
        tie != null && (Boolean) tie,
        raw);
  }

  private static int positiveInt(Map<String, ?> c, String key, Integer dflt) {
    Object v = c.get(key);
    if (v == null) {
      if (dflt == null) {
        throw new TrainException("config.json: '" + key + "' is required");
      }
      return dflt;
    }
    double d = number(v, key);
    if (d != Math.rint(d) || d <= 0 || d > Integer.MAX_VALUE) {
      throw new TrainException("config.json: '" + key + "' must be a positive integer, got " + v);
    }
    return (int) d;
  }

  private static double number(Object v, String key) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    String got = v instanceof String ? "the string \"" + v + "\"" : String.valueOf(v);
    throw new TrainException("config.json: '" + key + "' must be a number, got " + got);
  }

  /**
   * Returns the sliding attention window: each position attends to itself and the {@code window -
   * 1} positions before it, as transformers' Mistral does ({@code kv_idx > q_idx -
   * sliding_window}). Only {@code model_type} {@code mistral} has one: its {@code sliding_window},
   * or 4096 (MistralConfig's default) when the key is absent; {@code null} there turns it off.
   * Llama configs have none whatever they hold, since LlamaForCausalLM ignores the key.
   *
   * @return the window, or 0 when attention reaches every earlier position
   */
  public int slidingWindow() {
    return slidingWindow(raw);
  }

  private static int slidingWindow(Map<String, ?> config) {
    if (!"mistral".equals(config.get("model_type"))) {
      return 0;
    }
    if (!config.containsKey("sliding_window")) {
      return MISTRAL_DEFAULT_WINDOW;
    }
    return config.get("sliding_window") == null ? 0 : positiveInt(config, "sliding_window", null);
  }

  /**
   * Returns the name and shape of every weight a checkpoint of this architecture holds, in Hugging
   * Face's names.
   *
   * @return shapes by tensor name, in model order
   */
  public Map<String, long[]> expectedTensors() {
    Map<String, long[]> m = new LinkedHashMap<>();
    long h = hiddenSize;
    long q = (long) numHeads * headDim;
    long kvDim = (long) numKvHeads * headDim;
    m.put("model.embed_tokens.weight", new long[] {vocabSize, h});
    for (int i = 0; i < numLayers; i++) {
      String p = "model.layers." + i + ".";
      m.put(p + "input_layernorm.weight", new long[] {h});
      m.put(p + "self_attn.q_proj.weight", new long[] {q, h});
      m.put(p + "self_attn.k_proj.weight", new long[] {kvDim, h});
      m.put(p + "self_attn.v_proj.weight", new long[] {kvDim, h});
      m.put(p + "self_attn.o_proj.weight", new long[] {h, q});
      m.put(p + "post_attention_layernorm.weight", new long[] {h});
      m.put(p + "mlp.gate_proj.weight", new long[] {intermediateSize, h});
      m.put(p + "mlp.up_proj.weight", new long[] {intermediateSize, h});
      m.put(p + "mlp.down_proj.weight", new long[] {h, intermediateSize});
    }
    m.put("model.norm.weight", new long[] {h});
    if (!tieWordEmbeddings) {
      m.put("lm_head.weight", new long[] {vocabSize, h});
    }
    return m;
  }

  /**
   * Returns the number of parameters.
   *
   * @return the sum of the expected tensors' sizes
   */
  public long parameterCount() {
    return expectedTensors().values().stream()
        .mapToLong(s -> Arrays.stream(s).reduce(1, Math::multiplyExact))
        .sum();
  }
}
