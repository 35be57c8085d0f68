package midtrain.data.internal.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads labelled pairs ({@code Question:} / {@code Answer:}, {@code Instruction:} / {@code
 * Response:}) out of a completion, tolerating the numbering and bold markup models add.
 */
final class Pairs {
  /** One pair. */
  record Pair(String first, String second) {}

  private final Pattern label;
  private final List<String> firstLabels;

  /**
   * @param firstLabels labels that open a pair, lower case
   * @param secondLabels labels of its second part, lower case
   */
  Pairs(List<String> firstLabels, List<String> secondLabels) {
    this.firstLabels = firstLabels;
    List<String> all = new ArrayList<>(firstLabels);
    all.addAll(secondLabels);
    this.label =
        Pattern.compile(
            "^\\s*(?:[-*#>]+\\s*)?(?:\\d+[.)]\\s*)?(?:\\*\\*|__)?(?:\\d+[.)]\\s*)?("
                + String.join("|", all)
                + ")(?:\\s*\\d+)?\\s*(?:(?:\\*\\*|__)\\s*[:：]|[:：]\\s*(?:\\*\\*|__)?)\\s*(.*)$",
            Pattern.CASE_INSENSITIVE);
  }

  /** The complete pairs found, in order; an opening part without a second part is dropped. */
  List<Pair> parse(String text) {
    List<Pair> out = new ArrayList<>();
    StringBuilder first = null;
    StringBuilder second = null;
    String opener = "";
    for (String line : text.split("\\R")) {
      Matcher m = label.matcher(line);
      String name = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
      boolean opens = name != null && firstLabels.contains(name);
      if (name != null && !opens && second == null && name.length() == 1 && opener.length() > 1) {
        // A one-letter second label ("A:") answers only a one-letter opener ("Q:"): after
        // "Question:" it is a multiple-choice option, part of the question.
        name = null;
      }
      if (name != null) {
        if (opens) {
          add(first, second, out);
          first = new StringBuilder(m.group(2).strip());
          second = null;
          opener = name;
        } else if (first != null && second == null) {
          second = new StringBuilder(m.group(2).strip());
        } else if (second != null) {
          second.append('\n').append(line); // a second answer label: keep it as text
        }
      } else if (second != null) {
        second.append('\n').append(line);
      } else if (first != null) {
        first.append('\n').append(line);
      }
    }
    add(first, second, out);
    return out;
  }

  private static void add(StringBuilder first, StringBuilder second, List<Pair> out) {
    if (first == null || second == null) {
      return;
    }
    String f = first.toString().strip();
    String s = second.toString().strip();
    if (!f.isEmpty() && !s.isEmpty()) {
      out.add(new Pair(f, s));
    }
  }
}
