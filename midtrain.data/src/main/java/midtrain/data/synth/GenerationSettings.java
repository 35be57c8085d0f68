package midtrain.data.synth;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import midtrain.data.DataException;

/**
 * What a run asks the generator for: model, endpoint kind, system prompt and sampling settings.
 * Immutable; each output's {@code meta} records them.
 */
public final class GenerationSettings {
  private final String model;
  private final Api api;
  private final String system;
  private final double temperature;
  private final double topP;
  private final int maxTokens;
  private final TokenLimitField maxTokensField;
  private final OptionalLong seed;
  private final List<String> stop;

  private GenerationSettings(Builder b) {
    this.model = b.model;
    this.api = b.api;
    this.system = b.system;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxTokens = b.maxTokens;
    this.maxTokensField = b.maxTokensField;
    this.seed = b.seed;
    this.stop = b.stop;
  }

  /**
   * Starts a builder: chat API, no system prompt, temperature 0.7, top_p 1, 1024 new tokens sent as
   * {@code max_tokens}, no seed, no stop strings.
   *
   * @param model the model name the server knows (for vLLM, the name given to {@code vllm serve})
   * @return a builder
   */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /**
   * The model name sent in each request.
   *
   * @return the name
   */
  public String model() {
    return model;
  }

  /**
   * The endpoint called.
   *
   * @return the API
   */
  public Api api() {
    return api;
  }

  /**
   * The system prompt.
   *
   * @return the prompt; empty for none
   */
  public String system() {
    return system;
  }

  /**
   * The sampling temperature.
   *
   * @return the temperature, in [0, 2]
   */
  public double temperature() {
    return temperature;
  }

  /**
   * The nucleus sampling mass.
   *
   * @return top_p, in (0, 1]
   */
  public double topP() {
    return topP;
  }

  /**
   * The most tokens a completion may have.
   *
   * @return max_tokens, at least 1
   */
  public int maxTokens() {
    return maxTokens;
  }

  /**
   * The request field that carries {@link #maxTokens()}.
   *
   * @return the field; {@link TokenLimitField#MAX_TOKENS} unless set
   */
  public TokenLimitField maxTokensField() {
    return maxTokensField;
  }

  /**
   * The run's seed: each request gets a seed derived from it, the parent id and the chunk, so that
   * a request's seed does not depend on concurrency or on a resume.
   *
   * @return the seed; empty to send none
   */
  public OptionalLong seed() {
    return seed;
  }

  /**
   * Strings at which the server stops generating.
   *
   * @return the stop strings; empty for none
   */
  public List<String> stop() {
    return stop;
  }

  @Override
  public String toString() {
    return "GenerationSettings[model="
        + model
        + ", api="
        + api
        + ", temperature="
        + temperature
        + ", top_p="
        + topP
        + ", max_tokens="
        + maxTokens
        + (maxTokensField == TokenLimitField.MAX_TOKENS
            ? ""
            : " (sent as " + maxTokensField.field() + ")")
        + ", seed="
        + (seed.isPresent() ? seed.getAsLong() : "none")
        + ", stop="
        + stop
        + "]";
  }

  /** Builds {@link GenerationSettings}. */
  public static final class Builder {
    private final String model;
    private Api api = Api.CHAT;
    private String system = "";
    private double temperature = 0.7;
    private double topP = 1.0;
    private int maxTokens = 1024;
    private TokenLimitField maxTokensField = TokenLimitField.MAX_TOKENS;
    private OptionalLong seed = OptionalLong.empty();
    private List<String> stop = List.of();

    private Builder(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new DataException("model name is blank: give the name the server serves");
      }
      this.model = model;
    }

    /**
     * Sets the endpoint called.
     *
     * @param value the API
     * @return this builder
     */
    public Builder api(Api value) {
      this.api = Objects.requireNonNull(value, "api");
      return this;
    }

    /**
     * Sets the system prompt.
     *
     * @param value the prompt; empty for none
     * @return this builder
     */
    public Builder system(String value) {
      this.system = Objects.requireNonNull(value, "system");
      return this;
    }

    /**
     * Sets the sampling temperature.
     *
     * @param value in [0, 2]
     * @return this builder
     * @throws DataException when out of range
     */
    public Builder temperature(double value) {
      if (!(value >= 0 && value <= 2)) {
        throw new DataException("temperature must be in [0, 2], got " + value);
      }
      this.temperature = value;
      return this;
    }

    /**
     * Sets the nucleus sampling mass.
     *
     * @param value in (0, 1]
     * @return this builder
     * @throws DataException when out of range
     */
    public Builder topP(double value) {
      if (!(value > 0 && value <= 1)) {
        throw new DataException("top_p must be in (0, 1], got " + value);
      }
      this.topP = value;
      return this;
    }

    /**
     * Sets the most tokens a completion may have.
     *
     * @param value at least 1
     * @return this builder
     * @throws DataException when below 1
     */
    public Builder maxTokens(int value) {
      if (value < 1) {
        throw new DataException("max_tokens must be at least 1, got " + value);
      }
      this.maxTokens = value;
      return this;
    }

    /**
     * Sets the request field that carries the completion-length limit: {@code
     * max_completion_tokens} for OpenAI's reasoning models, which refuse {@code max_tokens}.
     *
     * @param value the field
     * @return this builder
     */
    public Builder maxTokensField(TokenLimitField value) {
      this.maxTokensField = Objects.requireNonNull(value, "maxTokensField");
      return this;
    }

    /**
     * Sets the run's seed, from which each request's seed is derived.
     *
     * @param value the seed
     * @return this builder
     */
    public Builder seed(long value) {
      this.seed = OptionalLong.of(value);
      return this;
    }

    /**
     * Sets the stop strings.
     *
     * @param values the strings, none empty
     * @return this builder
     * @throws DataException when one is empty
     */
    public Builder stop(List<String> values) {
      midtrain.data.internal.Args.noNulls(values, "stop", "stop string");
      for (String s : values) {
        if (s.isEmpty()) {
          throw new DataException("stop strings must not be empty");
        }
      }
      this.stop = List.copyOf(values);
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     * @throws DataException when {@code max_completion_tokens} is chosen for the completions API,
     *     which only takes {@code max_tokens}
     */
    public GenerationSettings build() {
      if (api == Api.COMPLETIONS && maxTokensField == TokenLimitField.MAX_COMPLETION_TOKENS) {
        throw new DataException(
            "max_completion_tokens is a chat API field; the completions API takes max_tokens:"
                + " send max_tokens (--max-tokens-field max_tokens) or use the chat API (--api"
                + " chat)");
      }
      return new GenerationSettings(this);
    }
  }
}
