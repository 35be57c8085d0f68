package midtrain.data.synth;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a synthesis run did. Every input is counted once: it gave outputs ({@code synthesized}) or
 * was rejected with a reason, so {@code synthesized + sum(rejected) == inputs}.
 *
 * @param inputs input documents taken (after the limit), across the run and any it resumed
 * @param resumed inputs already finished in the journal, not requested again
 * @param synthesized inputs that gave at least one output
 * @param outputs output documents written
 * @param rejected inputs that gave no output, by reason ({@code empty-input}, {@code empty}, {@code
 *     length}, {@code unparseable}, {@code http-429}, {@code http-500}, {@code timeout}, ...)
 * @param chunksRejected chunks of inputs that did give outputs, dropped by reason; not counted in
 *     {@code rejected}
 * @param unreadable input records the readers could not read (not among {@code inputs})
 * @param pending inputs among {@code rejected} whose request failed transiently (timeout,
 *     connection, 408, 409, 429, 5xx): the output lacks them until a later run asks again
 * @param failedPermanently inputs among {@code rejected} whose request itself was bad (another 4xx,
 *     a 2xx without a usable completion): asked again only with {@link
 *     SynthesisRun.Builder#retryFailed}
 * @param journalLinesDropped lines a crash left cut or unwritten at the end of the journal, dropped
 *     when this run opened it (their inputs were asked for again)
 * @param requests HTTP requests sent by this run, retries included
 * @param retries retries by this run
 * @param promptTokens prompt tokens the server reported for this run's completed requests
 * @param completionTokens completion tokens the server reported for this run's completed requests
 */
public record SynthesisReport(
    long inputs,
    long resumed,
    long synthesized,
    long outputs,
    Map<String, Long> rejected,
    Map<String, Long> chunksRejected,
    long unreadable,
    long pending,
    long failedPermanently,
    long journalLinesDropped,
    long requests,
    long retries,
    long promptTokens,
    long completionTokens) {
  /**
   * Copies the maps, sorted by reason.
   *
   * @param inputs input documents taken
   * @param resumed inputs already finished in the journal
   * @param synthesized inputs that gave at least one output
   * @param outputs output documents written
   * @param rejected inputs that gave no output, by reason
   * @param chunksRejected chunks dropped from inputs that gave outputs, by reason
   * @param unreadable input records the readers could not read
   * @param pending inputs whose request failed transiently
   * @param failedPermanently inputs whose request failed permanently
   * @param journalLinesDropped torn lines dropped from the journal's end
   * @param requests HTTP requests sent
   * @param retries retries
   * @param promptTokens prompt tokens reported
   * @param completionTokens completion tokens reported
   */
  public SynthesisReport {
    rejected =
        Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(rejected, "rejected")));
    chunksRejected =
        Collections.unmodifiableMap(
            new TreeMap<>(Objects.requireNonNull(chunksRejected, "chunksRejected")));
  }

  /**
   * The inputs rejected, all reasons together.
   *
   * @return the count
   */
  public long rejectedTotal() {
    long n = 0;
    for (long v : rejected.values()) {
      n += v;
    }
    return n;
  }

  /**
   * Whether every input is accounted for: synthesized plus rejected equals inputs.
   *
   * @return true when balanced
   */
  public boolean balanced() {
    return synthesized + rejectedTotal() == inputs;
  }
}
