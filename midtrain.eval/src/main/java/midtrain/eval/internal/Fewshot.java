package midtrain.eval.internal;

import java.util.List;
import java.util.Random;
import midtrain.eval.EvalException;
import midtrain.eval.spi.TaskConfig;

/**
 * What the few-shot tasks and scorers share: the check that the count and the documents agree, and
 * the seeded draw of examples.
 */
public final class Fewshot {
  private Fewshot() {}

  /**
   * Moves a uniform sample of {@code n} elements, in the order drawn (as Python's {@code
   * random.sample} returns them), to the front of {@code list}: a partial Fisher-Yates shuffle.
   *
   * @param list the pool, reordered in place
   * @param n how many to draw, at most {@code list.size()}
   * @param rnd the generator, one {@code nextInt} per element drawn
   * @param <T> the element type
   */
  public static <T> void drawToFront(List<T> list, int n, Random rnd) {
    for (int k = 0; k < n; k++) {
      int j = k + rnd.nextInt(list.size() - k);
      T pick = list.get(j);
      list.set(j, list.get(k));
      list.set(k, pick);
    }
  }

  /**
   * Refuses {@code num-fewshot} above 0 without few-shot documents, and few-shot documents with
   * {@code num-fewshot} 0.
   *
   * @param config the task's configuration
   * @param numFewshot the examples wanted per prompt
   * @param split where the harness gets them, for example "draws them from the train split"
   * @throws EvalException naming the option
   */
  static void checkCount(TaskConfig config, int numFewshot, String split) {
    if (numFewshot > 0 && config.fewshot().isEmpty()) {
      throw config.error(
          "num-fewshot",
          "is "
              + numFewshot
              + " but no few-shot documents were given (the harness "
              + split
              + "); give them, or 0");
    }
    checkUsed(config, numFewshot);
  }

  /**
   * Refuses few-shot documents with {@code num-fewshot} 0.
   *
   * @param config the task's configuration
   * @param numFewshot the examples wanted per prompt
   * @throws EvalException naming the option
   */
  static void checkUsed(TaskConfig config, int numFewshot) {
    if (numFewshot == 0 && !config.fewshot().isEmpty()) {
      // Few-shot documents given and none used is a mistake (with mmlu, whose default is 0, the
      // usual one: the harness runs MMLU 5-shot only when asked), not something to pass over.
      throw config.error(
          "num-fewshot",
          "is 0 but few-shot documents were given; set it to the examples wanted per prompt, or"
              + " leave the few-shot documents out");
    }
  }
}
