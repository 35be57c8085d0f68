package midtrain.data.internal.synth;

/**
 * The outcome of one prompt after retries: a completion, or the failure that ended the retries.
 *
 * @param text the generated text; empty on failure
 * @param finishReason the server's finish reason ({@code stop}, {@code length}), or empty
 * @param promptTokens prompt tokens the server reported, 0 when it reported none
 * @param completionTokens completion tokens the server reported, 0 when it reported none
 * @param failure empty on success, else {@code http-<status>}, {@code timeout}, {@code connection}
 *     or {@code bad-response}
 * @param detail what went wrong, for the rejects file (never the API key)
 */
record Completion(
    String text,
    String finishReason,
    long promptTokens,
    long completionTokens,
    String failure,
    String detail) {
  static Completion ok(String text, String finishReason, long promptTokens, long completionTokens) {
    return new Completion(text, finishReason, promptTokens, completionTokens, "", "");
  }

  static Completion failed(String failure, String detail) {
    return new Completion("", "", 0, 0, failure, detail);
  }

  boolean failed() {
    return !failure.isEmpty();
  }
}
