package midtrain.eval;

import java.time.Duration;

/** How one run of a candidate program ended, with what it printed last and how long it took. */
public final class ExecutionResult {
  /** The ways a run ends. */
  public enum Outcome {
    /** The program ran to its end and exited with status 0: every test in it passed. */
    PASSED,
    /** The program raised an error (a failed assertion, say) or exited with another status. */
    FAILED,
    /** The program ran past its time limit and was killed, with every process it started. */
    TIMED_OUT
  }

  private final Outcome outcome;
  private final String message;
  private final Duration elapsed;

  private ExecutionResult(Outcome outcome, String message, Duration elapsed) {
    this.outcome = outcome;
    this.message = message;
    this.elapsed = elapsed;
  }

  /**
   * Creates a result.
   *
   * @param outcome how the run ended
   * @param message what explains it: for a failure the last lines of the error output (the {@code
   *     AssertionError} and its traceback line, say); possibly empty
   * @param elapsed the wall-clock time from start to end
   * @return the result
   * @throws EvalException if an argument is null or {@code elapsed} is negative
   */
  public static ExecutionResult of(Outcome outcome, String message, Duration elapsed) {
    if (outcome == null || message == null || elapsed == null) {
      throw new EvalException(
          (outcome == null ? "outcome" : message == null ? "message" : "elapsed") + " is null");
    }
    if (elapsed.isNegative()) {
      throw new EvalException("elapsed is negative: " + elapsed);
    }
    return new ExecutionResult(outcome, message, elapsed);
  }

  /**
   * Returns how the run ended.
   *
   * @return the outcome
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns whether the program passed.
   *
   * @return {@code outcome() == PASSED}
   */
  public boolean passed() {
    return outcome == Outcome.PASSED;
  }

  /**
   * Returns what explains the outcome.
   *
   * @return the last lines of the error output, or a sentence such as {@code timed out after 3 s};
   *     possibly empty
   */
  public String message() {
    return message;
  }

  /**
   * Returns how long the run took.
   *
   * @return the wall-clock time from start to end
   */
  public Duration elapsed() {
    return elapsed;
  }

  @Override
  public String toString() {
    return outcome
        + " in "
        + elapsed.toMillis()
        + " ms"
        + (message.isEmpty() ? "" : ": " + message);
  }
}
