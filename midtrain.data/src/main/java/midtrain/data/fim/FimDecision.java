package midtrain.data.fim;

import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Whether one document (or segment) gets FIM, and if so where and in which order.
 *
 * @param split the split points, empty when the document is left unchanged
 * @param mode the order of the pieces; ignored when {@code split} is empty
 */
public record FimDecision(Optional<FimSplit> split, FimMode mode) {
  private static final FimDecision NONE = new FimDecision(Optional.empty(), FimMode.PSM);

  /**
   * Rejects nulls.
   *
   * @param split the split points, or empty to leave the document unchanged
   * @param mode the order of the pieces; ignored when {@code split} is empty
   */
  public FimDecision {
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(mode, "mode");
  }

  /**
   * Leave the document unchanged.
   *
   * @return the shared decision with no split, whose {@link #applied()} is false
   */
  public static FimDecision none() {
    return NONE;
  }

  /**
   * Apply FIM at the given split points in the given order.
   *
   * @param split the split points, in code points
   * @param mode the order in which the pieces are written
   * @return a decision whose {@link #applied()} is true
   */
  public static FimDecision of(FimSplit split, FimMode mode) {
    return new FimDecision(Optional.of(split), mode);
  }

  /**
   * Whether FIM is applied.
   *
   * @return true when the decision has split points, false for {@link #none()}
   */
  public boolean applied() {
    return split.isPresent();
  }

  /**
   * Draws a decision for a text of {@code length} code points: FIM with probability {@code rate},
   * two boundaries uniform in {@code [0, length]} (as bigcode's {@code randint(0, len + 1)}), SPM
   * with probability {@code spmRate}.
   */
  static FimDecision draw(
      SplittableRandom rng, int length, double rate, double spmRate, FimMode spmMode) {
    if (!(rng.nextDouble() < rate)) {
      return NONE;
    }
    int a = rng.nextInt(length + 1);
    int b = rng.nextInt(length + 1);
    FimMode mode = rng.nextDouble() < spmRate ? spmMode : FimMode.PSM;
    return of(FimSplit.of(a, b), mode);
  }
}
