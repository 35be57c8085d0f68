package midtrain.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import midtrain.eval.internal.PythonText;

/**
 * A named filter that turns a generated continuation into the answer exact match compares: the
 * harness's {@code filter_list} entries made of {@code regex} (its {@code RegexFilter}) and {@code
 * take_first}, or its {@code none} filter, which keeps the continuation as it is.
 *
 * <p>Patterns are Java {@link Pattern}s compiled with {@link Pattern#UNICODE_CHARACTER_CLASS}, so
 * that {@code \d}, {@code \w} and {@code \s} mean what they do in Python's {@code re} on text. A
 * regex filter finds every match as Python's {@code re.findall} lists them, picks the one at {@code
 * groupSelect} (negative counts from the end, as a Python index), takes the first non-empty group
 * when the pattern has several, and strips surrounding whitespace; with no match it answers the
 * fallback, {@code "[invalid]"} by default. Where the harness would raise an {@code IndexError} (a
 * {@code groupSelect} past the matches, or a match whose groups are all empty) this answers the
 * fallback instead. Instances are immutable.
 */
public final class AnswerFilter {
  /** The harness's {@code RegexFilter} fallback. */
  public static final String INVALID = "[invalid]";

  private final String name;
  private final Pattern regex; // null: the "none" filter
  private final int groupSelect;
  private final String fallback;

  private AnswerFilter(String name, Pattern regex, int groupSelect, String fallback) {
    this.name = name;
    this.regex = regex;
    this.groupSelect = groupSelect;
    this.fallback = fallback;
  }

  /**
   * Returns the filter that keeps the continuation whole, the harness's default {@code none} filter
   * ({@code take_first} alone).
   *
   * @return the filter, named {@code none}
   */
  public static AnswerFilter none() {
    return new AnswerFilter("none", null, 0, INVALID);
  }

  /**
   * Returns a regex filter with the harness's defaults: the first match ({@code group_select 0})
   * and the fallback {@value #INVALID}.
   *
   * @param name the filter's name in results, for example {@code strict-match}
   * @param pattern a {@link Pattern} regex; Python's {@code re} syntax agrees for the usual cases
   * @return the filter
   * @throws EvalException if an argument is null, the name is blank, or the pattern does not
   *     compile
   */
  public static AnswerFilter regex(String name, String pattern) {
    if (name == null || pattern == null) {
      throw new EvalException((name == null ? "name" : "pattern") + " is null");
    }
    if (name.isBlank()) {
      throw new EvalException("a filter's name must not be blank");
    }
    try {
      // Python's re treats \d, \w and \s in str patterns as Unicode classes; so does this flag.
      return new AnswerFilter(
          name, Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS), 0, INVALID);
    } catch (PatternSyntaxException e) {
      throw new EvalException(
          "filter " + name + ": regex '" + pattern + "' does not compile: " + e.getDescription());
    }
  }

  /**
   * Returns a copy that picks another match ({@code group_select}).
   *
   * @param index the match's index, counting from 0; negative counts from the last ({@code -1})
   * @return the new filter
   * @throws EvalException if this is the {@code none} filter
   */
  public AnswerFilter withGroupSelect(int index) {
    requireRegex("groupSelect");
    return new AnswerFilter(name, regex, index, fallback);
  }

  /**
   * Returns a copy with another answer for continuations without a match ({@code fallback}).
   *
   * @param text the fallback answer
   * @return the new filter
   * @throws EvalException if {@code text} is null or this is the {@code none} filter
   */
  public AnswerFilter withFallback(String text) {
    requireRegex("fallback");
    if (text == null) {
      throw new EvalException("fallback is null");
    }
    return new AnswerFilter(name, regex, groupSelect, text);
  }

  private void requireRegex(String what) {
    if (regex == null) {
      throw new EvalException("the none filter has no regex, so no " + what);
    }
  }

  /**
   * Returns the filter's name.
   *
   * @return the name, as results key its answers
   */
  public String name() {
    return name;
  }

  /**
   * Extracts the answer from a continuation.
   *
   * @param continuation the generated text, after the stop sequences were cut off
   * @return the answer: the continuation itself for {@code none}, else the selected match,
   *     stripped, or the fallback
   * @throws EvalException if {@code continuation} is null
   */
  public String apply(String continuation) {
    if (continuation == null) {
      throw new EvalException("continuation is null");
    }
    if (regex == null) {
      return continuation;
    }
    // re.findall: the whole match without groups, group 1 with one, the tuple of groups with more
    // (a group that did not take part is "").
    Matcher m = regex.matcher(continuation);
    int groups = m.groupCount();
    List<String[]> found = new ArrayList<>();
    while (m.find()) {
      String[] g = new String[Math.max(1, groups)];
      for (int i = 0; i < g.length; i++) {
        String s = m.group(groups == 0 ? 0 : i + 1);
        g[i] = s == null ? "" : s;
      }
      found.add(g);
    }
    if (found.isEmpty()) {
      return fallback;
    }
    int at = groupSelect < 0 ? found.size() + groupSelect : groupSelect;
    if (at < 0 || at >= found.size()) {
      return fallback;
    }
    String[] match = found.get(at);
    String chosen = null;
    for (String s : match) {
      if (!s.isEmpty()) {
        chosen = s;
        break;
      }
    }
    if (chosen == null) {
      // One group of an empty match is the empty string in Python, not an error.
      if (match.length == 1) {
        return "";
      }
      return fallback;
    }
    return PythonText.strip(chosen);
  }

  @Override
  public String toString() {
    return regex == null
        ? "AnswerFilter[none]"
        : "AnswerFilter["
            + name
            + ": "
            + regex.pattern()
            + ", group "
            + groupSelect
            + ", fallback "
            + fallback
            + "]";
  }
}
