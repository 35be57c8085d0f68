package midtrain.eval.internal;

import java.util.List;
import midtrain.eval.spi.TaskDocument;

/**
 * {@code winogrande}: pronoun resolution by partial evaluation, lm-evaluation-harness's {@code
 * winogrande} (version 1.0, {@code preprocess_winogrande.py}): each choice is a context, the
 * sentence up to its first {@code _} with the option put in, and every choice is scored on the same
 * continuation, the rest of the sentence after the blank, stripped; {@code acc} only.
 *
 * <p>Documents have the Hugging Face {@code allenai/winogrande} fields {@code sentence} (with one
 * {@code _}), {@code option1}, {@code option2} and {@code answer} ({@code "1"} or {@code "2"}).
 */
public final class WinograndeTaskProvider extends ChoiceTaskProvider {
  /** Creates the provider; cheap. */
  public WinograndeTaskProvider() {}

  @Override
  public String id() {
    return "winogrande";
  }

  @Override
  public String description() {
    return "WinoGrande fill-in-the-blank, partial evaluation, acc (lm-evaluation-harness"
        + " winogrande)";
  }

  @Override
  Doc read(TaskDocument d) {
    String sentence = d.text("sentence");
    int blank = sentence.indexOf('_');
    if (blank < 0) {
      throw d.error("sentence", "has no '_', the blank the options fill");
    }
    String target = PythonText.strip(sentence.substring(blank + 1));
    if (target.isEmpty()) {
      // Partial evaluation scores the text after the blank; with none there is nothing to score.
      throw d.error("sentence", "has nothing after the blank to score the options by");
    }
    String before = sentence.substring(0, blank);
    List<String> contexts = List.of(before + d.text("option1"), before + d.text("option2"));
    Object answer = d.fields().get("answer");
    int gold;
    if ("1".equals(answer)) {
      gold = 0;
    } else if ("2".equals(answer)) {
      gold = 1;
    } else if (answer == null) {
      throw d.error("answer", "is missing");
    } else {
      throw d.error(
          "answer",
          "must be \"1\" or \"2\" (the string, as the data set has it), got '"
              + answer
              + "'"
              + ("".equals(answer)
                  ? " (the test split has no answers; use the validation split)"
                  : ""));
    }
    if (contexts.get(0).isEmpty() || contexts.get(1).isEmpty()) {
      throw d.error(
          contexts.get(0).isEmpty() ? "option1" : "option2",
          "is empty and the blank starts the sentence: nothing to score after");
    }
    return new Doc(d, null, contexts, gold, target);
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
    return "sentence, option1, option2 and answer (\"1\" or \"2\"), as allenai/winogrande";
  }
}
