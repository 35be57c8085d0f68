package midtrain.data.synth;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Synthesizer} made of one completion: output documents, or the reason it refused it.
 */
public final class Parsed {
  private final List<Synthesized> outputs;
  private final String reason;

  private Parsed(List<Synthesized> outputs, String reason) {
    this.outputs = outputs;
    this.reason = reason;
  }

  /**
   * A completion that gave outputs.
   *
   * @param outputs the outputs, at least one
   * @return the result
   * @throws IllegalArgumentException when {@code outputs} is empty
   */
  public static Parsed of(List<Synthesized> outputs) {
    midtrain.data.internal.Args.noNulls(outputs, "outputs", "output");
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("no outputs: use Parsed.rejected(reason) instead");
    }
    return new Parsed(List.copyOf(outputs), "");
  }

  /**
   * A completion refused, for example {@code unparseable} when no question-answer pair was found.
   *
   * @param reason a short reason, counted in the run's report (lower case, no spaces)
   * @return the result
   */
  public static Parsed rejected(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason is blank");
    }
    return new Parsed(List.of(), reason);
  }

  /**
   * The outputs.
   *
   * @return the outputs; empty when rejected
   */
  public List<Synthesized> outputs() {
    return outputs;
  }

  /**
   * Whether the completion was refused.
   *
   * @return true when {@link #reason()} is set
   */
  public boolean isRejected() {
    return !reason.isEmpty();
  }

  /**
   * The reason the completion was refused.
   *
   * @return the reason; empty when it gave outputs
   */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return isRejected() ? "rejected(" + reason + ")" : "outputs(" + outputs.size() + ")";
  }
}
