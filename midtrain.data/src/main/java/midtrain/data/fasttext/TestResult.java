package midtrain.data.fasttext;

import midtrain.data.internal.fasttext.CFormat;

/**
 * Precision and recall at k over a labelled file, as {@code fasttext test} counts them.
 *
 * @param examples the lines with at least one known label and one input id
 * @param k the number of labels predicted per line (-1: all)
 * @param precision correct predictions over predictions ({@code NaN} when none)
 * @param recall correct predictions over gold labels ({@code NaN} when none)
 */
public record TestResult(long examples, int k, double precision, double recall) {
  /**
   * Returns what {@code fasttext test} prints: {@code N}, {@code P@k} and {@code R@k}, tab
   * separated, with three significant digits.
   *
   * @return three lines, each ending in a newline
   */
  public String report() {
    return "N\t"
        + examples
        + "\nP@"
        + k
        + "\t"
        + CFormat.g(precision, 3)
        + "\nR@"
        + k
        + "\t"
        + CFormat.g(recall, 3)
        + "\n";
  }
}
