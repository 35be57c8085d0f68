package midtrain.eval.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import midtrain.eval.EvalException;

/**
 * A task's outcome for one model: headline metrics, which compare across models, details for the
 * report, and lines for a person to read.
 */
public final class TaskResult {
  private final Map<String, Double> metrics;
  private final Map<String, Object> details;
  private final List<String> summary;

  private TaskResult(
      Map<String, Double> metrics, Map<String, Object> details, List<String> summary) {
    this.metrics = metrics;
    this.details = details;
    this.summary = summary;
  }

  /**
   * Creates a result.
   *
   * @param metrics the headline numbers by name, in report order, for example {@code
   *     exact_match,strict-match}; two models' results are compared metric by metric
   * @param details everything else for the report, as JSON values: strings, numbers, booleans,
   *     lists and maps of them (no nulls; the harness writes an absent standard error as {@code
   *     "N/A"})
   * @param summary lines for a person to read, without line breaks
   * @return the result
   * @throws EvalException if an argument is null, a metric is not a finite number, or details hold
   *     something that is not a JSON value
   */
  public static TaskResult of(
      Map<String, Double> metrics, Map<String, ?> details, List<String> summary) {
    if (metrics == null
        || details == null
        || summary == null
        || summary.stream().anyMatch(java.util.Objects::isNull)) {
      throw new EvalException("metrics, details and summary must not be null");
    }
    metrics.forEach(
        (k, v) -> {
          if (k == null || v == null || !Double.isFinite(v)) {
            throw new EvalException("metric " + k + " is " + v + "; need a finite number");
          }
        });
    checkJson("details", details);
    return new TaskResult(
        Collections.unmodifiableMap(new LinkedHashMap<>(metrics)),
        Collections.unmodifiableMap(new LinkedHashMap<>(details)),
        List.copyOf(summary));
  }

  private static void checkJson(String where, Object v) {
    if (v instanceof Map<?, ?> m) {
      m.forEach(
          (k, x) -> {
            if (!(k instanceof String)) {
              throw new EvalException(where + " has a key that is not a string: " + k);
            }
            checkJson(where + "." + k, x);
          });
    } else if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        checkJson(where + "[" + i + "]", l.get(i));
      }
    } else if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
      throw new EvalException(where + " is not a JSON value: " + v);
    }
  }

  /**
   * Returns the headline metrics.
   *
   * @return the metrics by name, in report order, unmodifiable
   */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /**
   * Returns the details for the report.
   *
   * @return JSON values by name, unmodifiable at the top level
   */
  public Map<String, Object> details() {
    return details;
  }

  /**
   * Returns the lines for a person to read.
   *
   * @return the lines
   */
  public List<String> summary() {
    return summary;
  }
}
