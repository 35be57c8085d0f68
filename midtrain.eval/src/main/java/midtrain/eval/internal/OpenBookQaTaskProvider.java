package midtrain.eval.internal;

import midtrain.eval.spi.TaskDocument;

/**
 * {@code openbookqa}: lm-evaluation-harness's {@code openbookqa} (version 1.0): the bare {@code
 * question_stem} as the text, the choices' texts, the gold the index of {@code answerKey.lstrip()}
 * among {@code choices.label}; {@code acc} and {@code acc_norm}.
 *
 * <p>Documents have the Hugging Face {@code allenai/openbookqa} ({@code main}) fields {@code
 * question_stem}, {@code choices} ({@code text} and {@code label}) and {@code answerKey}.
 */
public final class OpenBookQaTaskProvider extends ChoiceTaskProvider {
  /** Creates the provider; cheap. */
  public OpenBookQaTaskProvider() {}

  @Override
  public String id() {
    return "openbookqa";
  }

  @Override
  public String description() {
    return "OpenBookQA science questions, acc and acc_norm (lm-evaluation-harness openbookqa)";
  }

  @Override
  Doc read(TaskDocument d) {
    return labeled(d, d.text("question_stem"), true);
  }

  @Override
  boolean hasTestSplit() {
    return true; // test_split: test
  }

  @Override
  boolean accNorm() {
    return true;
  }

  @Override
  String fields() {
    return "question_stem, choices {text, label} and answerKey, as allenai/openbookqa";
  }
}
