package midtrain.eval;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A multiple-choice benchmark's results: every item's scores and the mean {@code acc} and {@code
 * acc_norm} with their standard errors, as lm-evaluation-harness reports them.
 */
public final class MultipleChoiceResult {
  private final List<MultipleChoiceItemResult> items;
  private final double[] accValues;
  private final double[] accNormValues;

  private MultipleChoiceResult(List<MultipleChoiceItemResult> items) {
    this.items = items;
    this.accValues = new double[items.size()];
    this.accNormValues = new double[items.size()];
    for (int i = 0; i < items.size(); i++) {
      accValues[i] = items.get(i).correct() ? 1.0 : 0.0;
      accNormValues[i] = items.get(i).correctNorm() ? 1.0 : 0.0;
    }
  }

  /**
   * Aggregates item results.
   *
   * @param items the item results, at least one
   * @return the aggregate
   * @throws EvalException if {@code items} is empty or holds a null
   */
  public static MultipleChoiceResult of(List<MultipleChoiceItemResult> items) {
    if (items == null || items.isEmpty()) {
      throw new EvalException("items: need at least one item result");
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        throw new EvalException("item result " + i + " is null");
      }
    }
    return new MultipleChoiceResult(List.copyOf(items));
  }

  /**
   * Returns the item results.
   *
   * @return an unmodifiable list, in the order scored
   */
  public List<MultipleChoiceItemResult> items() {
    return items;
  }

  /**
   * Returns the number of items.
   *
   * @return the item count
   */
  public int count() {
    return items.size();
  }

  /**
   * Returns {@code acc}: the fraction of items whose highest-log-likelihood choice is correct.
   *
   * @return a value in [0, 1]
   */
  public double acc() {
    return Metrics.mean(accValues);
  }

  /**
   * Returns the standard error of {@link #acc()}.
   *
   * @return {@link Metrics#meanStderr}, empty for a single item (the harness reports "N/A")
   */
  public OptionalDouble accStderr() {
    return Metrics.meanStderr(accValues);
  }

  /**
   * Returns {@code acc_norm}: the fraction of items whose highest per-character log-likelihood
   * choice is correct.
   *
   * @return a value in [0, 1]
   */
  public double accNorm() {
    return Metrics.mean(accNormValues);
  }

  /**
   * Returns the standard error of {@link #accNorm()}.
   *
   * @return {@link Metrics#meanStderr}, empty for a single item (the harness reports "N/A")
   */
  public OptionalDouble accNormStderr() {
    return Metrics.meanStderr(accNormValues);
  }
}
