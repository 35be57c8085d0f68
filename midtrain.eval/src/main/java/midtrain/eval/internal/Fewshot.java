package midtrain.eval.internal;

import midtrain.eval.EvalException;
import midtrain.eval.spi.TaskConfig;

/**
 * The check shared by the tasks that take few-shot documents: the count and the documents agree.
 */
final class Fewshot {
  private Fewshot() {}

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
