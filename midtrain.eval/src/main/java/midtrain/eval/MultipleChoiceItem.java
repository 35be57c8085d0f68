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
 *
 * <p>An item made by {@link #withContexts} turns this around, as the harness's {@code
 * multiple_inputs} tasks (WinoGrande's partial evaluation) do: each choice ends its own context
 * (after a shared one, the few-shot examples, if any) and every choice is scored on the same
 * continuation after it.
 */
public final class MultipleChoiceItem {
  private final String context;
  private final List<String> choices;
  private final List<Integer> gold;
  // Null for an item whose choices share the context; the shared continuation otherwise.
  private final String continuation;

  private MultipleChoiceItem(
      String context, List<String> choices, List<Integer> gold, String continuation) {
    this.context = context;
    this.choices = choices;
    this.gold = gold;
    this.continuation = continuation;
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
    return make(context, choices, gold, null);
  }

  /**
   * Creates an item whose choices are contexts, each followed by the same continuation: choice
   * {@code i} is scored as the log-likelihood of {@code targetDelimiter + continuation} after
   * {@code contexts.get(i)}, as the harness scores a task with {@code multiple_inputs}
   * (WinoGrande's sentence up to the blank, filled with each option, then the rest of the
   * sentence); the same as {@link #withContexts(String, List, String, int)} with an empty shared
   * context.
   *
   * @param contexts the contexts, one per choice, at least one, none empty
   * @param continuation the text scored after each context, without the delimiter; not empty
   * @param gold the index of the correct context
   * @return the item
   * @throws EvalException if an argument is null, there are no contexts, a context or the
   *     continuation is empty, or {@code gold} is not an index into {@code contexts}
   */
  public static MultipleChoiceItem withContexts(
      List<String> contexts, String continuation, int gold) {
    return withContexts("", contexts, continuation, gold);
  }

  /**
   * Creates an item whose choices each end a shared context and are followed by the same
   * continuation: choice {@code i} is scored as the log-likelihood of {@code targetDelimiter +
   * continuation} after {@code context + choices.get(i)}, as the harness scores a task with {@code
   * multiple_inputs}, its few-shot examples being the shared context.
   *
   * <p>{@link #choices()} are the choices without the shared context, so {@code acc_norm} divides
   * by their lengths alone, as the harness's {@code process_results} divides by the lengths of
   * {@code doc_to_choice}, which hold no few-shot examples.
   *
   * @param context the text before every choice (few-shot examples), possibly empty
   * @param choices the choices, each scored after {@code context}, at least one, none empty
   * @param continuation the text scored after each choice, without the delimiter; not empty
   * @param gold the index of the correct choice
   * @return the item
   * @throws EvalException if an argument is null, there are no choices, a choice or the
   *     continuation is empty, or {@code gold} is not an index into {@code choices}
   */
  public static MultipleChoiceItem withContexts(
      String context, List<String> choices, String continuation, int gold) {
    if (context == null) {
      throw new EvalException("context is null");
    }
    if (continuation == null || continuation.isEmpty()) {
      throw new EvalException("continuation is " + (continuation == null ? "null" : "empty"));
    }
    return make(context, choices, List.of(gold), continuation);
  }

  private static MultipleChoiceItem make(
      String context, List<String> choices, List<Integer> gold, String continuation) {
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
        context,
        Collections.unmodifiableList(cs),
        List.copyOf(new ArrayList<>(gold)),
        continuation);
  }

  /**
   * Returns the context the choices share.
   *
   * @return the question text, possibly empty
   * @throws EvalException if the item has a context per choice ({@link #withContexts})
   */
  public String context() {
    if (continuation != null) {
      // Handing out "" here would let a caller score every choice after nothing, silently.
      throw new EvalException("the item has a context per choice; use context(int)");
    }
    return context;
  }

  /**
   * Tells whether every choice is scored after one shared context ({@link #of}) rather than each
   * being its own context before a shared continuation ({@link #withContexts}).
   *
   * @return true for an item made by {@link #of}
   */
  public boolean sharesContext() {
    return continuation == null;
  }

  /**
   * Returns the context choice {@code i} is scored after.
   *
   * @param i a choice index
   * @return the shared context, or for an item made by {@link #withContexts} the shared context
   *     followed by the choice
   * @throws EvalException if {@code i} is not a choice index
   */
  public String context(int i) {
    checkIndex(i);
    return continuation == null ? context : context + choices.get(i);
  }

  /**
   * Returns the text scored for choice {@code i}, without the scorer's delimiter.
   *
   * @param i a choice index
   * @return the choice, or for an item made by {@link #withContexts} the shared continuation
   * @throws EvalException if {@code i} is not a choice index
   */
  public String continuation(int i) {
    checkIndex(i);
    return continuation == null ? choices.get(i) : continuation;
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= choices.size()) {
      throw new EvalException(
          "choice index " + i + " is out of range; there are " + choices.size() + " choices");
    }
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
