package midtrain.eval.internal;

import midtrain.eval.spi.TaskDocument;

/**
 * {@code arc_easy}: the ARC Easy set as lm-evaluation-harness's {@code arc_easy} (version 1.0):
 * {@code "Question: {{question}}\nAnswer:"}, the choices' texts, the gold the index of {@code
 * answerKey} among {@code choices.label}; {@code acc} and {@code acc_norm}.
 *
 * <p>Documents have the Hugging Face {@code allenai/ai2_arc} fields {@code question}, {@code
 * choices} ({@code text} and {@code label}, lists of equal length) and {@code answerKey}.
 */
public final class ArcEasyTaskProvider extends ChoiceTaskProvider {
  /** Creates the provider; cheap. */
  public ArcEasyTaskProvider() {}

  @Override
  public String id() {
    return "arc_easy";
  }

  @Override
  public String description() {
    return "ARC Easy science questions, acc and acc_norm (lm-evaluation-harness arc_easy)";
  }

  /** The harness's {@code doc_to_text}, shared with {@code arc_challenge}. */
  static Doc readArc(TaskDocument d) {
    return labeled(d, "Question: " + d.text("question") + "\nAnswer:", false);
  }

  @Override
  Doc read(TaskDocument d) {
    return readArc(d);
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
