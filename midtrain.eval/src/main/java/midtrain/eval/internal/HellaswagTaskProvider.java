package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import midtrain.eval.spi.TaskDocument;

/**
 * {@code hellaswag}: commonsense sentence completion, lm-evaluation-harness's {@code hellaswag}
 * (version 1.0, {@code utils.process_docs}): the text {@code preprocess(activity_label + ": " +
 * ctx_a + " " + ctx_b.capitalize())}, the choices the preprocessed {@code endings}, the gold {@code
 * int(label)}; {@code acc} and {@code acc_norm} (the number papers report).
 *
 * <p>Documents have the Hugging Face {@code Rowan/hellaswag} fields {@code activity_label}, {@code
 * ctx_a}, {@code ctx_b}, {@code endings} (a list of strings) and {@code label} (a digit string, as
 * the data set has it, or an integer).
 */
public final class HellaswagTaskProvider extends ChoiceTaskProvider {
  private static final Pattern BRACKETS = Pattern.compile("\\[.*?\\]");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  /** Creates the provider; cheap. */
  public HellaswagTaskProvider() {}

  @Override
  public String id() {
    return "hellaswag";
  }

  @Override
  public String description() {
    return "HellaSwag sentence completion, acc and acc_norm (lm-evaluation-harness hellaswag)";
  }

  /**
   * The harness's {@code preprocess}: strip, {@code " [title]"} to {@code ". "}, bracketed spans
   * (WikiHow artifacts) removed, then each pair of spaces made one, in a single pass as Python's
   * {@code replace}.
   */
  static String preprocess(String text) {
    String t = PythonText.strip(text);
    t = t.replace(" [title]", ". ");
    t = BRACKETS.matcher(t).replaceAll("");
    return t.replace("  ", " ");
  }

  /**
   * Python's {@code str.capitalize}: the first character in title case, the rest in lower case.
   * Java's one-character title case misses the few characters whose title case is two (Python's
   * full mapping); English text has none.
   */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    int n = Character.charCount(first);
    return new StringBuilder()
        .appendCodePoint(Character.toTitleCase(first))
        .append(s.substring(n).toLowerCase(Locale.ROOT))
        .toString();
  }

  @Override
  Doc read(TaskDocument d) {
    String ctx = d.text("ctx_a") + " " + capitalize(d.text("ctx_b"));
    String text = preprocess(d.text("activity_label") + ": " + ctx);
    List<String> endings = new ArrayList<>();
    for (String e : strings(d, "endings", d.fields().get("endings"))) {
      endings.add(preprocess(e));
    }
    nonEmpty(d, "endings", endings);
    Object label = d.fields().get("label");
    int gold;
    if (label instanceof String s && DIGITS.matcher(PythonText.strip(s)).matches()) {
      // int(label): the data set writes the label as a string; int() ignores surrounding spaces.
      gold = parse(PythonText.strip(s));
    } else if (label instanceof Integer || label instanceof Long) {
      gold = (int) Math.min(Integer.MAX_VALUE, ((Number) label).longValue());
    } else if (label == null || "".equals(label)) {
      // The test split's rows have label "": the harness evaluates the validation split.
      throw d.error(
          "label",
          (label == null ? "is missing" : "is empty")
              + " (the test split has no labels; use the validation split)");
    } else {
      throw d.error(
          "label", "must be an ending's index, as a digit string or integer, got '" + label + "'");
    }
    if (gold < 0 || gold >= endings.size()) {
      throw d.error(
          "label",
          "is "
              + label
              + " but there are "
              + endings.size()
              + " endings (0 to "
              + (endings.size() - 1)
              + ")");
    }
    return new Doc(d, text, List.copyOf(endings), gold, null);
  }

  private static int parse(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  @Override
  boolean accNorm() {
    return true;
  }

  @Override
  String fields() {
    return "activity_label, ctx_a, ctx_b, endings and label, as Rowan/hellaswag";
  }
}
