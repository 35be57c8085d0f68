package midtrain.eval;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A generative benchmark's results: every item's outcome and, per filter, the mean {@code
 * exact_match} with its standard error, as lm-evaluation-harness reports them.
 */
public final class GenerativeResult {
  private final List<String> filters;
  private final List<GenerativeItemResult> items;

  private GenerativeResult(List<String> filters, List<GenerativeItemResult> items) {
    this.filters = filters;
    this.items = items;
  }

  /**
   * Aggregates item results.
   *
   * @param filters the filters' names, in report order
   * @param items the item results, at least one, each with an answer for every filter
   * @return the aggregate
   * @throws EvalException if there are no filters or items, or an item lacks a filter's answer
   */
  public static GenerativeResult of(List<String> filters, List<GenerativeItemResult> items) {
    if (filters == null
        || filters.isEmpty()
        || filters.stream().anyMatch(java.util.Objects::isNull)) {
      throw new EvalException("filters: need at least one name, and no null");
    }
    if (items == null || items.isEmpty()) {
      throw new EvalException("items: need at least one item result");
    }
    for (int i = 0; i < items.size(); i++) {
      GenerativeItemResult r = items.get(i);
      if (r == null) {
        throw new EvalException("item result " + i + " is null");
      }
      if (!r.matches().keySet().containsAll(filters)) {
        throw new EvalException("item " + r.id() + " lacks an answer of a filter of " + filters);
      }
    }
    return new GenerativeResult(List.copyOf(filters), List.copyOf(items));
  }

  /**
   * Returns the filters' names.
   *
   * @return the names, in report order
   */
  public List<String> filters() {
    return filters;
  }

  /**
   * Returns the item results.
   *
   * @return an unmodifiable list, in the order scored
   */
  public List<GenerativeItemResult> items() {
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
   * Returns {@code exact_match} under one filter: the fraction of items whose answer matched.
   *
   * @param filter a filter's name
   * @return a value in [0, 1]
   * @throws EvalException if there is no such filter
   */
  public double exactMatch(String filter) {
    return Metrics.mean(values(filter));
  }

  /**
   * Returns the standard error of {@link #exactMatch}.
   *
   * @param filter a filter's name
   * @return {@link Metrics#meanStderr}, empty for a single item (the harness reports "N/A")
   * @throws EvalException if there is no such filter
   */
  public OptionalDouble exactMatchStderr(String filter) {
    return Metrics.meanStderr(values(filter));
  }

  private double[] values(String filter) {
    if (!filters.contains(filter)) {
      throw new EvalException("no filter named " + filter + " (filters: " + filters + ")");
    }
    double[] v = new double[items.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = items.get(i).matches().get(filter) ? 1.0 : 0.0;
    }
    return v;
  }
}
