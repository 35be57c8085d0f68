package midtrain.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * One multiple-choice question: a context, the choices, and the index or indices of the correct
 * choices.
 *
 * <p>Each choice is scored as the continuation {@code targetDelimiter + choice} of the context (see
 * {@link MultipleChoiceScorer}), so the choice strings here carry no leading delimiter.
 */
public final class MultipleChoiceItem {
  private final String context;
  private final List<String> choices;
  private final List<Integer> gold;

  private MultipleChoiceItem(String context, List<String> choices, List<Integer> gold) {
    this.context = context;
    this.choices = choices;
    this.gold = gold;
  }

  /**
   * Creates an item with one correct choice.
   *
   * @param context the question text the choices continue; may be empty
   * @param choices the choices, at least one, none empty
   * @param gold the index of the correct choice
   * @return the item
   * @throws EvalException if a field is null, there are no choices, a choice is empty, or {@code
   *     gold} is not an index into {@code choices}
   */
  public static MultipleChoiceItem of(String context, List<String> choices, int gold) {
    return of(context, choices, List.of(gold));
  }

  /**
   * Creates an item with several acceptable choices; a prediction of any of them counts as correct,
   * as the harness's multiple-target tasks score it.
   *
   * @param context the question text the choices continue; may be empty
   * @param choices the choices, at least one, none empty
   * @param gold the indices of the correct choices, at least one, no repeats
   * @return the item
   * @throws EvalException if a field is null, there are no choices, a choice is empty, or {@code
   *     gold} is empty, repeats an index, or names one outside {@code choices}
   */
  public static MultipleChoiceItem of(String context, List<String> choices, List<Integer> gold) {
    if (context == null) {
      throw new EvalException("context is null");
    }
    if (choices == null || choices.isEmpty()) {
      throw new EvalException("choices: need at least one choice");
    }
    List<String> cs = new ArrayList<>(choices.size());
    for (int i = 0; i < choices.size(); i++) {
      String c = choices.get(i);
      // The harness divides a choice's log-likelihood by its length for acc_norm; an empty
      // choice would divide by zero there, and is a data error anyway.
      if (c == null || c.isEmpty()) {
        throw new EvalException("choices[" + i + "] is " + (c == null ? "null" : "empty"));
      }
      cs.add(c);
    }
    if (gold == null || gold.isEmpty()) {
      throw new EvalException("gold: need at least one correct choice index");
    }
    TreeSet<Integer> seen = new TreeSet<>();
    for (Integer g : gold) {
      // The harness only warns about an out-of-range gold and scores the item wrong, which hides
      // a broken data set behind a lower number; refuse it instead.
      if (g == null || g < 0 || g >= cs.size()) {
        throw new EvalException(
            "gold index " + g + " is not a choice index; there are " + cs.size() + " choices");
      }
      if (!seen.add(g)) {
        throw new EvalException("gold index " + g + " is repeated");
      }
    }
    return new MultipleChoiceItem(
        context, Collections.unmodifiableList(cs), List.copyOf(new ArrayList<>(gold)));
  }

  /**
   * Returns the context.
   *
   * @return the question text, possibly empty
   */
  public String context() {
    return context;
  }

  /**
   * Returns the choices.
   *
   * @return an unmodifiable list of the choices, in order
   */
  public List<String> choices() {
    return choices;
  }

  /**
   * Returns the indices of the correct choices.
   *
   * @return an unmodifiable list, at least one index, in the order given
   */
  public List<Integer> gold() {
    return gold;
  }

  /**
   * Tells whether a choice is a correct one.
   *
   * @param choice a choice index
   * @return true when {@code choice} is among {@link #gold()}
   */
  public boolean isGold(int choice) {
    return gold.contains(choice);
  }
}
