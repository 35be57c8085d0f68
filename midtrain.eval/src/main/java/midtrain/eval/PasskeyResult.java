package midtrain.eval;

import java.util.ArrayList;
import java.util.List;

/** The passkey test's outcome: every trial, and the accuracy per cell, per length and overall. */
public final class PasskeyResult {
  /**
   * One trial.
   *
   * @param length the requested prompt length in tokens
   * @param depth where the key was put, from 0 to 1
   * @param key the pass key
   * @param promptTokens the prompt's actual length in tokens, at most {@code length}
   * @param continuation the generated text
   * @param answer the first run of digits in it, without leading zeros; empty when none
   * @param correct whether the answer is the key
   */
  public record Trial(
      int length,
      double depth,
      int key,
      int promptTokens,
      String continuation,
      String answer,
      boolean correct) {}

  /**
   * One length and depth's trials, summed.
   *
   * @param length the prompt length in tokens
   * @param depth the key's depth
   * @param trials the trials run
   * @param correct the trials answered correctly
   */
  public record Cell(int length, double depth, int trials, int correct) {
    /**
     * Returns the fraction answered correctly.
     *
     * @return {@code correct / trials}
     */
    public double accuracy() {
      return (double) correct / trials;
    }
  }

  private final List<Integer> lengths;
  private final List<Double> depths;
  private final List<Trial> trials;

  private PasskeyResult(List<Integer> lengths, List<Double> depths, List<Trial> trials) {
    this.lengths = lengths;
    this.depths = depths;
    this.trials = trials;
  }

  /**
   * Aggregates trials.
   *
   * @param lengths the lengths tested, in report order
   * @param depths the depths tested, in report order
   * @param trials the trials, at least one for each length and depth, none for others
   * @return the result
   * @throws EvalException if a cell has no trial or a trial is of no listed cell
   */
  public static PasskeyResult of(List<Integer> lengths, List<Double> depths, List<Trial> trials) {
    if (lengths == null
        || depths == null
        || trials == null
        || trials.stream().anyMatch(java.util.Objects::isNull)) {
      throw new EvalException("lengths, depths and trials must not be null");
    }
    for (Trial t : trials) {
      if (!lengths.contains(t.length()) || !depths.contains(t.depth())) {
        throw new EvalException(
            "a trial at length " + t.length() + ", depth " + t.depth() + " is of no listed cell");
      }
    }
    PasskeyResult r =
        new PasskeyResult(List.copyOf(lengths), List.copyOf(depths), List.copyOf(trials));
    for (Cell c : r.cells()) {
      if (c.trials() == 0) {
        throw new EvalException(
            "no trial at length " + c.length() + ", depth " + c.depth() + ": every cell needs one");
      }
    }
    return r;
  }

  /**
   * Returns every trial.
   *
   * @return the trials, in the order run
   */
  public List<Trial> trials() {
    return trials;
  }

  /**
   * Returns the lengths tested.
   *
   * @return the lengths, in report order
   */
  public List<Integer> lengths() {
    return lengths;
  }

  /**
   * Returns the depths tested.
   *
   * @return the depths, in report order
   */
  public List<Double> depths() {
    return depths;
  }

  /**
   * Returns each length and depth's counts.
   *
   * @return the cells, lengths outermost, in report order
   */
  public List<Cell> cells() {
    List<Cell> out = new ArrayList<>();
    for (int l : lengths) {
      for (double d : depths) {
        int n = 0;
        int ok = 0;
        for (Trial t : trials) {
          if (t.length() == l && t.depth() == d) {
            n++;
            ok += t.correct() ? 1 : 0;
          }
        }
        out.add(new Cell(l, d, n, ok));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Returns the accuracy over every depth of one length.
   *
   * @param length a tested length
   * @return the fraction of its trials answered correctly
   * @throws EvalException if the length was not tested
   */
  public double accuracy(int length) {
    if (!lengths.contains(length)) {
      throw new EvalException("length " + length + " was not tested (lengths: " + lengths + ")");
    }
    return fraction(trials.stream().filter(t -> t.length() == length).toList());
  }

  /**
   * Returns the accuracy over every trial.
   *
   * @return the fraction of trials answered correctly
   */
  public double accuracy() {
    return fraction(trials);
  }

  private static double fraction(List<Trial> ts) {
    return (double) ts.stream().filter(Trial::correct).count() / ts.size();
  }
}
