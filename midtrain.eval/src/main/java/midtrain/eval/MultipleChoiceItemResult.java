package midtrain.eval;

import java.util.List;

/**
 * One item's scores: the log-likelihood of each choice and the choices {@code acc} and {@code
 * acc_norm} predict.
 */
public final class MultipleChoiceItemResult {
  private final double[] loglikelihoods;
  private final int predicted;
  private final int predictedNorm;
  private final List<Integer> gold;

  private MultipleChoiceItemResult(
      double[] loglikelihoods, int predicted, int predictedNorm, List<Integer> gold) {
    this.loglikelihoods = loglikelihoods;
    this.predicted = predicted;
    this.predictedNorm = predictedNorm;
    this.gold = gold;
  }

  /**
   * Computes an item's predictions from the log-likelihoods of its choices.
   *
   * <p>{@code acc} predicts the highest log-likelihood; {@code acc_norm} the highest log-likelihood
   * divided by the choice's length in characters (Unicode code points, as Python's {@code len}
   * counts; the delimiter is not counted). Ties go to the first choice, as numpy's {@code argmax}.
   *
   * @param item the item
   * @param loglikelihoods one finite log-likelihood per choice, in the item's order
   * @return the result
   * @throws EvalException if the number of log-likelihoods is not the number of choices, or one is
   *     not finite
   */
  public static MultipleChoiceItemResult of(MultipleChoiceItem item, double[] loglikelihoods) {
    if (item == null || loglikelihoods == null) {
      throw new EvalException(item == null ? "item is null" : "loglikelihoods is null");
    }
    List<String> choices = item.choices();
    if (loglikelihoods.length != choices.size()) {
      throw new EvalException(
          "loglikelihoods: "
              + loglikelihoods.length
              + " values for "
              + choices.size()
              + " choices");
    }
    double[] lls = loglikelihoods.clone();
    int best = 0;
    int bestNorm = 0;
    double bestNormValue = Double.NaN;
    for (int c = 0; c < lls.length; c++) {
      if (!Double.isFinite(lls[c])) {
        throw new EvalException("loglikelihoods[" + c + "] is " + lls[c]);
      }
      String choice = choices.get(c);
      double norm = lls[c] / choice.codePointCount(0, choice.length());
      // Strictly greater: the first of equal values wins, as numpy's argmax.
      if (c == 0 || lls[c] > lls[best]) {
        best = c;
      }
      if (c == 0 || norm > bestNormValue) {
        bestNorm = c;
        bestNormValue = norm;
      }
    }
    return new MultipleChoiceItemResult(lls, best, bestNorm, item.gold());
  }

  /**
   * Returns the log-likelihood of each choice.
   *
   * @return a copy, one value per choice
   */
  public double[] loglikelihoods() {
    return loglikelihoods.clone();
  }

  /**
   * Returns the choice {@code acc} predicts.
   *
   * @return the index of the highest log-likelihood, the first on ties
   */
  public int predicted() {
    return predicted;
  }

  /**
   * Returns the choice {@code acc_norm} predicts.
   *
   * @return the index of the highest log-likelihood per character, the first on ties
   */
  public int predictedNorm() {
    return predictedNorm;
  }

  /**
   * Returns the correct choices.
   *
   * @return the item's gold indices
   */
  public List<Integer> gold() {
    return gold;
  }

  /**
   * Tells whether {@code acc} counts this item correct.
   *
   * @return true when {@link #predicted()} is a gold index
   */
  public boolean correct() {
    return gold.contains(predicted);
  }

  /**
   * Tells whether {@code acc_norm} counts this item correct.
   *
   * @return true when {@link #predictedNorm()} is a gold index
   */
  public boolean correctNorm() {
    return gold.contains(predictedNorm);
  }
}
