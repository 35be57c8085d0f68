package midtrain.eval.internal;

import midtrain.eval.spi.TaskDocument;

/**
 * {@code arc_challenge}: the ARC Challenge set, as lm-evaluation-harness's {@code arc_challenge}
 * ({@code include: arc_easy.yaml}, another data set configuration): the same template, choices,
 * gold and metrics as {@link ArcEasyTaskProvider}.
 */
public final class ArcChallengeTaskProvider extends ChoiceTaskProvider {
  /** Creates the provider; cheap. */
  public ArcChallengeTaskProvider() {}

  @Override
  public String id() {
    return "arc_challenge";
  }

  @Override
  public String description() {
    return "ARC Challenge science questions, acc and acc_norm (lm-evaluation-harness"
        + " arc_challenge)";
  }

  @Override
  Doc read(TaskDocument d) {
    return ArcEasyTaskProvider.readArc(d);
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
    return "question, choices {text, label} and answerKey, as allenai/ai2_arc";
  }
}
