package midtrain.data.synth;

/**
 * The request field that carries the completion-length limit ({@link
 * GenerationSettings#maxTokens()}).
 *
 * <p>OpenAI deprecated {@code max_tokens} in its chat API in favour of {@code
 * max_completion_tokens}, and its reasoning models answer HTTP 400 to {@code max_tokens}; vLLM,
 * llama.cpp's server, TGI and most other OpenAI-compatible servers take {@code max_tokens}, and
 * some ignore a field they do not know, so the limit would silently not apply.
 */
public enum TokenLimitField {
  /** {@code max_tokens}: what every OpenAI-compatible server takes; the default. */
  MAX_TOKENS("max_tokens"),
  /**
   * {@code max_completion_tokens}: what OpenAI's newer (reasoning) models require; chat API only.
   */
  MAX_COMPLETION_TOKENS("max_completion_tokens");

  private final String field;

  TokenLimitField(String field) {
    this.field = field;
  }

  /**
   * The field's name in the request body.
   *
   * @return the JSON field name
   */
  public String field() {
    return field;
  }
}
