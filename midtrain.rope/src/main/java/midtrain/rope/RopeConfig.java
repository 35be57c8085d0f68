package midtrain.rope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The rotary-embedding part of a model's configuration, normalized from a Hugging Face {@code
 * config.json} or built directly.
 *
 * <p>{@link #fromModelConfig(Map)} reads the keys transformers reads: {@code rope_theta}, the
 * scaling dictionary under {@code rope_scaling} (transformers 4) or {@code rope_parameters}
 * (transformers 5), {@code head_dim} or {@code hidden_size / num_attention_heads}, {@code
 * partial_rotary_factor}, {@code max_position_embeddings} and {@code
 * original_max_position_embeddings} (at the top level, as Phi-3 has it, or inside the scaling
 * dictionary). Keys that only one rope type understands ({@code factor}, {@code beta_fast}, ...)
 * stay in {@link #parameters()} for the provider to read. Immutable.
 */
public final class RopeConfig {
  /** Keys of the scaling dictionary that this class consumes; the rest go to the provider. */
  private static final Set<String> COMMON_KEYS =
      Set.of(
          "rope_type",
          "type",
          "rope_theta",
          "partial_rotary_factor",
          "original_max_position_embeddings");

  private final String ropeType;
  private final double ropeTheta;
  private final int headDim;
  private final double partialRotaryFactor;
  private final int rotaryDim;
  private final OptionalInt maxPositionEmbeddings;
  private final OptionalInt originalMaxPositionEmbeddings;
  private final Map<String, Object> parameters;
  private final String source;

  private RopeConfig(Builder b) {
    this.ropeType = b.ropeType;
    this.ropeTheta = b.ropeTheta;
    this.headDim = b.headDim;
    this.partialRotaryFactor = b.partialRotaryFactor;
    this.maxPositionEmbeddings = b.maxPositionEmbeddings;
    this.originalMaxPositionEmbeddings = b.originalMaxPositionEmbeddings;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
    this.source = b.source;
    if (ropeType.isBlank()) {
      throw new RopeException(source + ".rope_type must not be empty");
    }
    if (!(ropeTheta > 0) || !Double.isFinite(ropeTheta)) {
      throw new RopeException("rope_theta must be a finite number > 0, got " + ropeTheta);
    }
    if (headDim <= 0) {
      throw new RopeException("head_dim must be > 0, got " + headDim);
    }
    if (!(partialRotaryFactor > 0 && partialRotaryFactor <= 1)) {
      throw new RopeException(
          "partial_rotary_factor must be in (0, 1], got " + partialRotaryFactor);
    }
    // Python's int() truncates, as transformers does for int(head_dim * partial_rotary_factor).
    this.rotaryDim = (int) (headDim * partialRotaryFactor);
    if (rotaryDim < 2 || rotaryDim % 2 != 0) {
      throw new RopeException(
          "the rotary dimension int(head_dim * partial_rotary_factor) = int("
              + headDim
              + " * "
              + partialRotaryFactor
              + ") = "
              + rotaryDim
              + " must be even and at least 2 (check head_dim and partial_rotary_factor)");
    }
  }

  /**
   * Reads the rotary settings of a Hugging Face model configuration.
   *
   * @param config the parsed {@code config.json}
   * @return the normalized settings
   * @throws RopeException when a key is missing, malformed or contradicts another, naming it
   */
  public static RopeConfig fromModelConfig(Map<String, ?> config) {
    return fromModelConfig(config, "");
  }

  /**
   * Reads the rotary settings of a Hugging Face model configuration whose {@code rope_parameters}
   * may be keyed by layer type (for example Gemma 3's {@code full_attention} and {@code
   * sliding_attention}).
   *
   * @param config the parsed {@code config.json}
   * @param layerType the layer type to read when the parameters are keyed by layer type; empty to
   *     require a single, global dictionary
   * @return the normalized settings
   * @throws RopeException when a key is missing, malformed or contradicts another, naming it
   */
  public static RopeConfig fromModelConfig(Map<String, ?> config, String layerType) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(layerType, "layerType");
    Object scaling = config.get("rope_scaling");
    Object parameters = config.get("rope_parameters");
    String source;
    Object dictValue;
    if (scaling != null && parameters != null) {
      if (!scaling.equals(parameters)) {
        throw new RopeException(
            "rope_scaling and rope_parameters are both set and differ; keep one"
                + " (rope_parameters is the transformers 5 name of rope_scaling)");
      }
      source = "rope_parameters";
      dictValue = parameters;
    } else if (scaling != null) {
      source = "rope_scaling";
      dictValue = scaling;
    } else if (parameters != null) {
      source = "rope_parameters";
      dictValue = parameters;
    } else {
      source = "rope_scaling";
      dictValue = Map.of();
    }
    Map<String, ?> dict = asMap(source, dictValue);
    if (isKeyedByLayerType(dict)) {
      if (layerType.isEmpty()) {
        throw new RopeException(
            source
                + " is keyed by layer type ("
                + String.join(", ", dict.keySet())
                + "); choose one layer type: fromModelConfig(config, layerType), or --layer-type"
                + " in the midtrain rope command");
      }
      Object sub = dict.get(layerType);
      if (sub == null) {
        throw new RopeException(
            source
                + "."
                + layerType
                + " is missing (layer types: "
                + String.join(", ", dict.keySet())
                + ")");
      }
      source = source + "." + layerType;
      dict = asMap(source, sub);
    } else if (!layerType.isEmpty()) {
      throw new RopeException(
          "layer type '"
              + layerType
              + "' was asked for, but "
              + source
              + " is not keyed by layer type");
    }

    Builder b = builder().source(source);
    b.ropeType(ropeType(source, dict));
    Double theta = agreeingNumber(config, "rope_theta", dict, source);
    if (theta == null) {
      throw new RopeException(
          "rope_theta is missing (neither at the top level nor in "
              + source
              + "); transformers would fall back to the model class's default,"
              + " which config.json does not name");
    }
    b.ropeTheta(theta);
    Double prf = agreeingNumber(config, "partial_rotary_factor", dict, source);
    if (prf != null) {
      b.partialRotaryFactor(prf);
    }
    b.headDim(headDim(config));
    Integer maxPos = optInt(config, "max_position_embeddings");
    if (maxPos != null) {
      b.maxPositionEmbeddings(maxPos);
    }
    Double orig = agreeingNumber(config, "original_max_position_embeddings", dict, source);
    if (orig != null) {
      b.originalMaxPositionEmbeddings(
          toPositiveInt("original_max_position_embeddings", orig.doubleValue()));
    }
    for (Map.Entry<String, ?> e : dict.entrySet()) {
      if (!COMMON_KEYS.contains(e.getKey()) && e.getValue() != null) {
        b.parameter(e.getKey(), e.getValue());
      }
    }
    return b.build();
  }

  private static String ropeType(String source, Map<String, ?> dict) {
    Object rt = dict.get("rope_type");
    Object t = dict.get("type");
    if (rt != null && t != null && !rt.equals(t)) {
      throw new RopeException(
          source
              + ".rope_type (\""
              + rt
              + "\") and "
              + source
              + ".type (\""
              + t
              + "\") contradict each other");
    }
    Object v = rt != null ? rt : t;
    if (v == null) {
      for (String k : dict.keySet()) {
        if (dict.get(k) != null && !k.equals("rope_theta") && !k.equals("partial_rotary_factor")) {
          throw new RopeException(
              source + ".rope_type is missing, but " + source + " sets \"" + k + "\"");
        }
      }
      return "default";
    }
    if (!(v instanceof String)) {
      throw new RopeException(
          source + ".rope_type must be a string, got " + RopeParams.describe(v));
    }
    return (String) v;
  }

  /** Rope parameters keyed by layer type hold only dictionaries (or nulls for NoPE layers). */
  private static boolean isKeyedByLayerType(Map<String, ?> dict) {
    if (dict.isEmpty()) {
      return false;
    }
    for (Object v : dict.values()) {
      if (v != null && !(v instanceof Map)) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> asMap(String key, Object v) {
    if (!(v instanceof Map)) {
      throw new RopeException(key + " must be an object, got " + RopeParams.describe(v));
    }
    return (Map<String, ?>) v;
  }

  /**
   * Reads a number that may sit at the top level or in the scaling dictionary; both places must
   * agree when both are set.
   */
  private static Double agreeingNumber(
      Map<String, ?> config, String key, Map<String, ?> dict, String source) {
    Double top = optNumber(config, key, key);
    Double inner = optNumber(dict, key, source + "." + key);
    if (top != null && inner != null && top.doubleValue() != inner.doubleValue()) {
      throw new RopeException(
          key
              + " is "
              + top
              + " at the top level but "
              + inner
              + " in "
              + source
              + "; the two contradict each other");
    }
    return top != null ? top : inner;
  }

  private static Double optNumber(Map<String, ?> m, String key, String name) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number) || !Double.isFinite(((Number) v).doubleValue())) {
      throw new RopeException(name + " must be a finite number, got " + RopeParams.describe(v));
    }
    return ((Number) v).doubleValue();
  }

  private static Integer optInt(Map<String, ?> m, String key) {
    Double d = optNumber(m, key, key);
    return d == null ? null : toPositiveInt(key, d);
  }

  private static int toPositiveInt(String key, double d) {
    if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
      throw new RopeException(key + " must be a whole number >= 1, got " + d);
    }
    return (int) d;
  }

  private static int headDim(Map<String, ?> config) {
    Integer hd = optInt(config, "head_dim");
    if (hd != null) {
      return hd;
    }
    Integer hidden = optInt(config, "hidden_size");
    Integer heads = optInt(config, "num_attention_heads");
    if (hidden == null || heads == null) {
      throw new RopeException(
          "head_dim is missing, and so is "
              + (hidden == null ? "hidden_size" : "num_attention_heads")
              + " to derive it from (head_dim = hidden_size // num_attention_heads)");
    }
    // Floor division, as transformers does.
    return hidden / heads;
  }

  /**
   * Returns a builder for settings not read from a {@code config.json}.
   *
   * @return a builder with rope type {@code default}, partial rotary factor 1 and no parameters
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these settings, to derive a variant.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b =
        builder()
            .ropeType(ropeType)
            .ropeTheta(ropeTheta)
            .headDim(headDim)
            .partialRotaryFactor(partialRotaryFactor)
            .source(source);
    maxPositionEmbeddings.ifPresent(b::maxPositionEmbeddings);
    originalMaxPositionEmbeddings.ifPresent(b::originalMaxPositionEmbeddings);
    b.parameters.putAll(parameters);
    return b;
  }

  /**
   * Returns the rope type, the id of the provider that builds the encoding.
   *
   * @return for example {@code default}, {@code yarn} or {@code llama3}
   */
  public String ropeType() {
    return ropeType;
  }

  /**
   * Returns the base of the rotation frequencies, {@code rope_theta}.
   *
   * @return the base, positive
   */
  public double ropeTheta() {
    return ropeTheta;
  }

  /**
   * Returns the size of one attention head.
   *
   * @return the head dimension
   */
  public int headDim() {
    return headDim;
  }

  /**
   * Returns the fraction of each head that is rotated.
   *
   * @return {@code partial_rotary_factor}, 1 when absent
   */
  public double partialRotaryFactor() {
    return partialRotaryFactor;
  }

  /**
   * Returns the number of rotated lanes, {@code int(head_dim * partial_rotary_factor)}: the first
   * that many lanes of each head are rotated and the rest pass through.
   *
   * @return the rotary dimension, even
   */
  public int rotaryDim() {
    return rotaryDim;
  }

  /**
   * Returns {@code max_position_embeddings}.
   *
   * @return the value, or empty when the configuration does not set it
   */
  public OptionalInt maxPositionEmbeddings() {
    return maxPositionEmbeddings;
  }

  /**
   * Returns {@code original_max_position_embeddings}, the pre-training context length of a model
   * whose context was extended.
   *
   * @return the value, or empty when the configuration does not set it
   */
  public OptionalInt originalMaxPositionEmbeddings() {
    return originalMaxPositionEmbeddings;
  }

  /**
   * Returns the context length the unscaled frequencies were trained at: {@code
   * original_max_position_embeddings} when set, else {@code max_position_embeddings}.
   *
   * @return the length, or empty when neither is set
   */
  public OptionalInt originalContextLength() {
    return originalMaxPositionEmbeddings.isPresent()
        ? originalMaxPositionEmbeddings
        : maxPositionEmbeddings;
  }

  /**
   * Returns the rope-type specific keys of the scaling dictionary (everything but {@code
   * rope_type}, {@code type}, {@code rope_theta}, {@code partial_rotary_factor} and {@code
   * original_max_position_embeddings}).
   *
   * @return the keys and values, unmodifiable
   */
  public Map<String, Object> parameters() {
    return parameters;
  }

  /**
   * Returns the name of the scaling dictionary, used as the key prefix in messages.
   *
   * @return {@code rope_scaling}, {@code rope_parameters} or {@code rope_parameters.<layer type>}
   */
  public String source() {
    return source;
  }

  /**
   * Returns a fresh reader over {@link #parameters()} that names keys as {@code source.key}.
   *
   * @return the reader
   */
  public RopeParams params() {
    return RopeParams.of(source, ropeType, parameters);
  }

  /**
   * Returns the unscaled inverse frequencies {@code 1 / rope_theta^(2k / rotary_dim)}, {@code k = 0
   * .. rotary_dim/2 - 1}, the starting point of every scaling.
   *
   * @return a fresh array of {@code rotaryDim() / 2} values
   */
  public double[] unscaledInvFreq() {
    return unscaledInvFreq(ropeTheta);
  }

  /**
   * Returns the inverse frequencies {@code 1 / base^(2k / rotary_dim)} for another base, as the NTK
   * scalings need.
   *
   * @param base the base, positive
   * @return a fresh array of {@code rotaryDim() / 2} values
   */
  public double[] unscaledInvFreq(double base) {
    double[] out = new double[rotaryDim / 2];
    for (int k = 0; k < out.length; k++) {
      out[k] = 1.0 / Math.pow(base, (2.0 * k) / rotaryDim);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RopeConfig)) {
      return false;
    }
    RopeConfig c = (RopeConfig) o;
    return ropeType.equals(c.ropeType)
        && Double.compare(ropeTheta, c.ropeTheta) == 0
        && headDim == c.headDim
        && Double.compare(partialRotaryFactor, c.partialRotaryFactor) == 0
        && maxPositionEmbeddings.equals(c.maxPositionEmbeddings)
        && originalMaxPositionEmbeddings.equals(c.originalMaxPositionEmbeddings)
        && parameters.equals(c.parameters)
        && source.equals(c.source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        ropeType,
        ropeTheta,
        headDim,
        partialRotaryFactor,
        maxPositionEmbeddings,
        originalMaxPositionEmbeddings,
        parameters,
        source);
  }

  @Override
  public String toString() {
    return "RopeConfig{rope_type="
        + ropeType
        + ", rope_theta="
        + ropeTheta
        + ", head_dim="
        + headDim
        + ", rotary_dim="
        + rotaryDim
        + ", max_position_embeddings="
        + maxPositionEmbeddings
        + ", original_max_position_embeddings="
        + originalMaxPositionEmbeddings
        + ", "
        + source
        + "="
        + parameters
        + "}";
  }

  /** Builds a {@link RopeConfig}; not thread-safe. */
  public static final class Builder {
    private String ropeType = "default";
    private double ropeTheta = Double.NaN;
    private int headDim;
    private double partialRotaryFactor = 1.0;
    private OptionalInt maxPositionEmbeddings = OptionalInt.empty();
    private OptionalInt originalMaxPositionEmbeddings = OptionalInt.empty();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private String source = "rope_parameters";

    private Builder() {}

    /**
     * Sets the rope type (the provider id).
     *
     * @param ropeType for example {@code yarn}
     * @return this builder
     */
    public Builder ropeType(String ropeType) {
      this.ropeType = Objects.requireNonNull(ropeType, "ropeType");
      return this;
    }

    /**
     * Sets {@code rope_theta}; required.
     *
     * @param ropeTheta the base, positive
     * @return this builder
     */
    public Builder ropeTheta(double ropeTheta) {
      this.ropeTheta = ropeTheta;
      return this;
    }

    /**
     * Sets the head dimension; required.
     *
     * @param headDim the head dimension, positive
     * @return this builder
     */
    public Builder headDim(int headDim) {
      this.headDim = headDim;
      return this;
    }

    /**
     * Sets {@code partial_rotary_factor}.
     *
     * @param partialRotaryFactor the rotated fraction of each head, in (0, 1]
     * @return this builder
     */
    public Builder partialRotaryFactor(double partialRotaryFactor) {
      this.partialRotaryFactor = partialRotaryFactor;
      return this;
    }

    /**
     * Sets {@code max_position_embeddings}.
     *
     * @param value the length, positive
     * @return this builder
     * @throws RopeException if {@code value} is below 1
     */
    public Builder maxPositionEmbeddings(int value) {
      this.maxPositionEmbeddings = OptionalInt.of(positive("max_position_embeddings", value));
      return this;
    }

    /**
     * Sets {@code original_max_position_embeddings}.
     *
     * @param value the length, positive
     * @return this builder
     * @throws RopeException if {@code value} is below 1
     */
    public Builder originalMaxPositionEmbeddings(int value) {
      this.originalMaxPositionEmbeddings =
          OptionalInt.of(positive("original_max_position_embeddings", value));
      return this;
    }

    /**
     * Sets one rope-type specific key, such as {@code factor} or {@code short_factor}.
     *
     * @param key the key as in {@code config.json}
     * @param value a number, boolean, string, {@code double[]} or list of numbers
     * @return this builder
     * @throws RopeException if {@code key} is one this class reads itself ({@code rope_type},
     *     {@code type}, {@code rope_theta}, {@code partial_rotary_factor} or {@code
     *     original_max_position_embeddings}), which its own builder method sets
     */
    public Builder parameter(String key, Object value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (COMMON_KEYS.contains(key)) {
        throw new RopeException(
            key + " is not a rope-type parameter; set it with its own builder method");
      }
      this.parameters.put(key, immutableValue(value));
      return this;
    }

    /**
     * Sets the name of the scaling dictionary used in messages.
     *
     * @param source for example {@code rope_scaling}
     * @return this builder
     */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Validates and builds the settings.
     *
     * @return the settings
     * @throws RopeException when a value is out of range, naming its key
     */
    public RopeConfig build() {
      if (Double.isNaN(ropeTheta)) {
        throw new RopeException("rope_theta is required");
      }
      if (headDim == 0) {
        throw new RopeException("head_dim is required");
      }
      return new RopeConfig(this);
    }

    private static int positive(String key, int v) {
      if (v <= 0) {
        throw new RopeException(key + " must be >= 1, got " + v);
      }
      return v;
    }

    private static Object immutableValue(Object v) {
      if (v instanceof double[]) {
        List<Double> out = new ArrayList<>();
        for (double d : (double[]) v) {
          out.add(d);
        }
        return Collections.unmodifiableList(out);
      }
      if (v instanceof List) {
        return Collections.unmodifiableList(new ArrayList<>((List<?>) v));
      }
      return v;
    }
  }
}
