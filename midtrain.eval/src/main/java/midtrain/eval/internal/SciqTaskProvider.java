package midtrain.eval.internal;

import java.util.List;
import midtrain.eval.spi.TaskDocument;

/**
 * {@code sciq}: lm-evaluation-harness's {@code sciq} (version 1.0): {@code
 * "{{support.lstrip()}}\nQuestion: {{question}}\nAnswer:"}, the choices {@code [distractor1,
 * distractor2, distractor3, correct_answer]} in that order (the harness does not shuffle them), the
 * gold always 3; {@code acc} and {@code acc_norm}.
 *
 * <p>Documents have the Hugging Face {@code allenai/sciq} fields {@code support} (possibly empty),
 * {@code question}, {@code distractor1} to {@code distractor3} and {@code correct_answer}.
 */
public final class SciqTaskProvider extends ChoiceTaskProvider {
  /** Creates the provider; cheap. */
  public SciqTaskProvider() {}

  @Override
  public String id() {
    return "sciq";
  }

  @Override
  public String description() {
    return "SciQ science questions with support, acc and acc_norm (lm-evaluation-harness sciq)";
  }

  static final List<String> CHOICE_FIELDS =
      List.of("distractor1", "distractor2", "distractor3", "correct_answer");

  @Override
  Doc read(TaskDocument d) {
    String text =
        PythonText.lstrip(d.text("support")) + "\nQuestion: " + d.text("question") + "\nAnswer:";
    String[] choices = new String[4];
    for (int i = 0; i < 4; i++) {
      choices[i] = d.text(CHOICE_FIELDS.get(i));
      if (choices[i].isEmpty()) {
        throw d.error(CHOICE_FIELDS.get(i), "is empty; a choice needs text to be scored");
      }
    }
    return new Doc(d, text, List.of(choices), 3, null);
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
    return "support, question, distractor1-3 and correct_answer, as allenai/sciq";
  }
}
