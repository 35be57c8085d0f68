package midtrain.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generative item's outcome: the prompt's length, the continuation, each filter's answer and
 * whether it matched the target.
 */
public final class GenerativeItemResult {
  private final String id;
  private final int promptTokens;
  private final int generatedTokens;
  private final String continuation;
  private final Map<String, String> answers;
  private final String target;
  private final Map<String, Boolean> matches;

  private GenerativeItemResult(
      String id,
      int promptTokens,
      int generatedTokens,
      String continuation,
      Map<String, String> answers,
      String target,
      Map<String, Boolean> matches) {
    this.id = id;
    this.promptTokens = promptTokens;
    this.generatedTokens = generatedTokens;
    this.continuation = continuation;
    this.answers = answers;
    this.target = target;
    this.matches = matches;
  }

  /**
   * Creates an item result.
   *
   * @param id the item's id
   * @param promptTokens the context tokens the model was given, after truncation
   * @param generatedTokens the tokens generated, the one that stopped generation included
   * @param continuation the generated text, cut at the stop strings
   * @param answers each filter's answer, by filter name, in filter order
   * @param target the correct answer
   * @param matches whether each filter's answer matched, by the same names
   * @return the result
   * @throws EvalException if an argument is null, a count is negative, or the two maps do not have
   *     the same names
   */
  public static GenerativeItemResult of(
      String id,
      int promptTokens,
      int generatedTokens,
      String continuation,
      Map<String, String> answers,
      String target,
      Map<String, Boolean> matches) {
    if (id == null
        || continuation == null
        || answers == null
        || target == null
        || matches == null) {
      throw new EvalException("an item result's id, texts and maps must not be null");
    }
    if (promptTokens < 0 || generatedTokens < 0) {
      throw new EvalException("token counts must be 0 or more");
    }
    if (!answers.keySet().equals(matches.keySet())
        || answers.containsValue(null)
        || matches.containsValue(null)) {
      throw new EvalException(
          "item " + id + ": answers and matches must name the same filters, without nulls");
    }
    return new GenerativeItemResult(
        id,
        promptTokens,
        generatedTokens,
        continuation,
        Collections.unmodifiableMap(new LinkedHashMap<>(answers)),
        target,
        Collections.unmodifiableMap(new LinkedHashMap<>(matches)));
  }

  /**
   * Returns the item's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the number of context tokens the model was given, after truncation.
   *
   * @return the prompt length in tokens
   */
  public int promptTokens() {
    return promptTokens;
  }

  /**
   * Returns the number of tokens generated, the one that stopped generation included.
   *
   * @return the count
   */
  public int generatedTokens() {
    return generatedTokens;
  }

  /**
   * Returns the generated text, cut at the stop strings.
   *
   * @return the continuation
   */
  public String continuation() {
    return continuation;
  }

  /**
   * Returns each filter's answer.
   *
   * @return answers by filter name, in filter order, unmodifiable
   */
  public Map<String, String> answers() {
    return answers;
  }

  /**
   * Returns the target the answers were compared with.
   *
   * @return the target
   */
  public String target() {
    return target;
  }

  /**
   * Returns whether each filter's answer matched the target.
   *
   * @return matches by filter name, in filter order, unmodifiable
   */
  public Map<String, Boolean> matches() {
    return matches;
  }
}
