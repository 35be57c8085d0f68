package midtrain.eval.internal;

import java.util.List;
import midtrain.eval.spi.TaskDocument;

/**
 * {@code boolq}: yes/no reading comprehension, lm-evaluation-harness's {@code boolq} (SuperGLUE,
 * version 2.0): {@code "{{passage}}\nQuestion: {{question}}?\nAnswer:"}, the choices {@code no} and
 * {@code yes}, the gold {@code label}; {@code acc} only, as its {@code metric_list}.
 *
 * <p>Documents have the Hugging Face {@code super_glue} ({@code boolq}) fields {@code passage},
 * {@code question} and {@code label} (0 no, 1 yes); the {@code google/boolq} shape, with a boolean
 * {@code answer} instead of {@code label}, is read too.
 */
public final class BoolqTaskProvider extends ChoiceTaskProvider {
  /** The harness's {@code doc_to_choice}. */
  static final List<String> CHOICES = List.of("no", "yes");

  /** Creates the provider; cheap. */
  public BoolqTaskProvider() {}

  @Override
  public String id() {
    return "boolq";
  }

  @Override
  public String description() {
    return "BoolQ yes/no questions on a passage, acc (lm-evaluation-harness boolq)";
  }

  @Override
  Doc read(TaskDocument d) {
    String text = d.text("passage") + "\nQuestion: " + d.text("question") + "?\nAnswer:";
    int gold;
    if (d.fields().get("label") != null) {
      gold = index(d, "label", 2);
    } else if (d.fields().get("answer") instanceof Boolean b) {
      gold = b ? 1 : 0;
    } else if (d.fields().get("answer") != null) {
      throw d.error("answer", "must be true or false, got " + d.fields().get("answer"));
    } else {
      throw d.error("label", "is missing (nor is there a boolean 'answer', as google/boolq)");
    }
    return new Doc(d, text, CHOICES, gold, null);
  }

  @Override
  boolean hasTestSplit() {
    return false; // no test_split
  }

  @Override
  boolean accNorm() {
    return false;
  }

  @Override
  String fields() {
    return "passage, question and label (0 or 1), as super_glue boolq";
  }
}
