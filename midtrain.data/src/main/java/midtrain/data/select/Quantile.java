package midtrain.data.select;

import java.util.Arrays;
import java.util.Objects;
import midtrain.data.DataException;

/**
 * Keeps the top (or bottom) fraction of documents by one score, over the whole input.
 *
 * <p>A quantile needs every score before the first document can be judged, so the pipeline runs the
 * stages before it twice: once to collect the scores and fix the threshold ({@link #threshold}),
 * then again to select with it. Ties at the threshold are all kept, so slightly more than the
 * fraction may pass when many documents share the threshold score; NaN scores never pass.
 *
 * @param column the score column, short ({@code fasttext.hq}) or full form
 * @param keep the fraction kept, in (0, 1]
 * @param highest true to keep the highest scores, false the lowest
 */
public record Quantile(String column, double keep, boolean highest) {
  /**
   * Checks the column and the fraction.
   *
   * @param column the column, short or full form; a score named without its {@code score.} prefix
   *     gets it, so {@link #column()} holds the full form
   * @param keep the fraction kept, in (0, 1]
   * @param highest true to keep the highest scores, false the lowest
   * @throws DataException if {@code keep} is not in (0, 1]
   */
  public Quantile {
    Objects.requireNonNull(column, "column");
    column = Selection.resolve(column);
    if (!(keep > 0 && keep <= 1)) {
      throw new DataException("quantile on '" + column + "': keep must be in (0, 1], got " + keep);
    }
  }

  /**
   * Computes the threshold from every document's score: the score of the last document kept when
   * the scores are sorted best first.
   *
   * @param scores the scores, one per document reaching this stage (NaN for unscored ones); the
   *     array is sorted in place
   * @param count how many entries of {@code scores} are used
   * @return the threshold; a selection {@code column >= t} ({@code <=} for lowest) keeps the
   *     fraction
   */
  public double threshold(float[] scores, int count) {
    int valid = 0;
    for (int i = 0; i < count; i++) {
      if (!Float.isNaN(scores[i])) {
        scores[valid++] = scores[i];
      }
    }
    if (valid == 0) {
      return highest ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    Arrays.sort(scores, 0, valid);
    long kept = (long) Math.ceil(keep * count);
    if (kept > valid) {
      kept = valid;
    }
    if (kept == 0) {
      return highest ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    return highest ? scores[(int) (valid - kept)] : scores[(int) (kept - 1)];
  }

  /**
   * Returns the selection a threshold turns this quantile into.
   *
   * @param threshold from {@link #threshold}
   * @return {@code column >= threshold} (or {@code <=} for the lowest scores)
   */
  public Selection selection(double threshold) {
    return Selection.compare(column, highest ? ">=" : "<=", threshold);
  }
}
