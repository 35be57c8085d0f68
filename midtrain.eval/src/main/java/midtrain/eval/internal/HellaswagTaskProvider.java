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
  // UNIX_LINES: Python's '.' stops at \n alone; Java's would also stop at \r, \u0085, \u2028 and
  // \u2029 and leave such a bracketed span in.
  private static final Pattern BRACKETS = Pattern.compile("\\[.*?\\]", Pattern.UNIX_LINES);
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
   * Python's {@code str.capitalize}: the first character in title case (the full mapping, so {@code
   * ß} becomes {@code Ss}), the rest in lower case, a capital sigma becoming the final {@code ς} by
   * CPython's own rule ({@code handle_capital_sigma}), which Java's {@code toLowerCase} applies
   * differently.
   */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    StringBuilder b = new StringBuilder(s.length());
    int simple = Character.toTitleCase(first);
    String upper = new String(Character.toChars(first)).toUpperCase(Locale.ROOT);
    if (simple != first
        || !Character.isLowerCase(first)
        || upper.codePointCount(0, upper.length()) == 1) {
      b.appendCodePoint(simple);
    } else {
      // SpecialCasing's title forms of the lower-case letters whose upper case is several (ß ->
      // SS, ﬁ -> FI, ŉ -> ʼN): the upper case up to and including its first cased letter, the
      // rest lowered (Ss, Fi, ʼN); Java has no full title-case mapping of its own.
      boolean cased = false;
      for (int k = 0; k < upper.length(); ) {
        int cp = upper.codePointAt(k);
        String c = new String(Character.toChars(cp));
        b.append(cased ? c.toLowerCase(Locale.ROOT) : c);
        cased |= isCased(cp);
        k += Character.charCount(cp);
      }
      if (upper.length() > 1 && upper.endsWith("\u0399")) {
        // Greek letters with ypogegrammeni (ᾷ, ῂ, ...): their upper case spells the iota out, their
        // title case keeps it below, U+0345.
        b.setCharAt(b.length() - 1, '\u0345');
      }
    }
    for (int k = Character.charCount(first); k < s.length(); ) {
      int cp = s.codePointAt(k);
      if (cp == 0x03A3) {
        b.append(finalSigma(s, k) ? '\u03C2' : '\u03C3');
      } else {
        // Apart from the sigma, lower-casing in the root locale needs no context.
        b.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
      }
      k += Character.charCount(cp);
    }
    return b.toString();
  }

  /**
   * CPython's {@code handle_capital_sigma}: the sigma at {@code at} ends a word when a cased letter
   * comes before it and none after it, case-ignorable characters skipped on both sides.
   */
  private static boolean finalSigma(String s, int at) {
    int j = at;
    int before = -1;
    while (j > 0) {
      int cp = s.codePointBefore(j);
      j -= Character.charCount(cp);
      if (!isCaseIgnorable(cp)) {
        before = cp;
        break;
      }
    }
    if (before < 0 || !isCased(before)) {
      return false;
    }
    j = at + 1;
    while (j < s.length()) {
      int cp = s.codePointAt(j);
      if (!isCaseIgnorable(cp)) {
        return !isCased(cp);
      }
      j += Character.charCount(cp);
    }
    return true;
  }

  /** Unicode's Cased: lower case, upper case or title case. */
  private static boolean isCased(int cp) {
    return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
  }

  /**
   * Unicode's Case_Ignorable: marks, format characters, modifier letters and symbols, and the
   * apostrophes, periods and colons that Word_Break counts inside words.
   */
  private static boolean isCaseIgnorable(int cp) {
    switch (Character.getType(cp)) {
      case Character.NON_SPACING_MARK,
      Character.ENCLOSING_MARK,
      Character.FORMAT,
      Character.MODIFIER_LETTER,
      Character.MODIFIER_SYMBOL:
        return true;
      default:
        break;
    }
    return switch (cp) {
      case 0x27,
          0x2E,
          0x3A,
          0xB7,
          0x387,
          0x55F,
          0x5F4,
          0x2018,
          0x2019,
          0x2024,
          0x2027,
          0xFE13,
          0xFE52,
          0xFE55,
          0xFF07,
          0xFF0E,
          0xFF1A ->
          true;
      default -> false;
    };
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
  boolean hasTestSplit() {
    return false; // no test_split
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
