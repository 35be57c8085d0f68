package midtrain.eval;

/** Thrown when an evaluation cannot run on its input; the message names what is wrong. */
public final class EvalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong
   */
  public EvalException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what is wrong
   * @param cause the failure underneath
   */
  public EvalException(String message, Throwable cause) {
    super(message, cause);
  }
}
