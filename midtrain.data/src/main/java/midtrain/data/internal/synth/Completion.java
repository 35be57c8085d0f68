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
 * @param permanent whether the failure is about the request itself (a 4xx other than 408, 409 and
 *     429, or a 2xx answer without a usable completion), so that sending it again would fail again;
 *     false for transient failures (timeouts, dropped connections, 408, 409, 429, 5xx)
 */
record Completion(
    String text,
    String finishReason,
    long promptTokens,
    long completionTokens,
    String failure,
    String detail,
    boolean permanent) {
  static Completion ok(String text, String finishReason, long promptTokens, long completionTokens) {
    return new Completion(text, finishReason, promptTokens, completionTokens, "", "", false);
  }

  /** A failure that another attempt, now or in a later run, may not meet. */
  static Completion failed(String failure, String detail) {
    return new Completion("", "", 0, 0, failure, detail, false);
  }

  /** A failure of the request itself: sending it again would fail again. */
  static Completion failedPermanently(String failure, String detail) {
    return new Completion("", "", 0, 0, failure, detail, true);
  }

  boolean failed() {
    return !failure.isEmpty();
  }
}
