package midtrain.eval.internal;

import java.util.List;
import midtrain.eval.spi.TaskDocument;

/**
 * {@code piqa}: physical commonsense, lm-evaluation-harness's {@code piqa} (version 1.0): {@code
 * "Question: {{goal}}\nAnswer:"}, the choices {@code sol1} and {@code sol2}, the gold {@code
 * label}; {@code acc} and {@code acc_norm}.
 *
 * <p>Documents have the Hugging Face {@code piqa} fields {@code goal}, {@code sol1}, {@code sol2}
 * and {@code label} (0 or 1).
 */
public final class PiqaTaskProvider extends ChoiceTaskProvider {
  /** Creates the provider; cheap. */
  public PiqaTaskProvider() {}

  @Override
  public String id() {
    return "piqa";
  }

  @Override
  public String description() {
    return "PIQA physical commonsense, acc and acc_norm (lm-evaluation-harness piqa)";
  }

  @Override
  Doc read(TaskDocument d) {
    String text = "Question: " + d.text("goal") + "\nAnswer:";
    String sol1 = d.text("sol1");
    String sol2 = d.text("sol2");
    if (sol1.isEmpty()) {
      throw d.error("sol1", "is empty; a choice needs text to be scored");
    }
    if (sol2.isEmpty()) {
      throw d.error("sol2", "is empty; a choice needs text to be scored");
    }
    return new Doc(d, text, List.of(sol1, sol2), index(d, "label", 2), null);
  }

  @Override
  boolean hasTestSplit() {
    return false; // no test_split
  }

  @Override
  boolean accNorm() {
    return true;
  }

  @Override
  String fields() {
    return "goal, sol1, sol2 and label, as piqa";
  }
}
