package midtrain.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Exact-match scoring of generated answers, the harness's {@code exact_match} metric ({@code
 * exact_match_hf_evaluate}, ported there from Hugging Face evaluate): both strings are normalized
 * the same way and compared for equality.
 *
 * <p>Normalization applies, in this order: each ignored regex (removed everywhere, in the order
 * added), lower-casing, removal of ASCII punctuation (Python's {@code string.punctuation}), removal
 * of ASCII digits. Instances are immutable; each {@code ignoring...} method returns a new one.
 */
public final class ExactMatch {
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private final List<Pattern> ignored;
  private final boolean ignoreCase;
  private final boolean ignorePunctuation;
  private final boolean ignoreNumbers;

  private ExactMatch(
      List<Pattern> ignored, boolean ignoreCase, boolean ignorePunctuation, boolean ignoreNumbers) {
    this.ignored = ignored;
    this.ignoreCase = ignoreCase;
    this.ignorePunctuation = ignorePunctuation;
    this.ignoreNumbers = ignoreNumbers;
  }

  /**
   * Returns the metric with no normalization, the harness's defaults.
   *
   * @return strict string equality
   */
  public static ExactMatch strict() {
    return new ExactMatch(List.of(), false, false, false);
  }

  /**
   * Returns a copy that also removes every match of a regex, as the harness's {@code
   * regexes_to_ignore}.
   *
   * @param regex a {@link Pattern} regex; Python's {@code re} syntax agrees for the usual cases
   * @return the new metric
   * @throws EvalException if {@code regex} is null or does not compile
   */
  public ExactMatch ignoringRegex(String regex) {
    if (regex == null) {
      throw new EvalException("regex is null");
    }
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new EvalException("regex '" + regex + "' does not compile: " + e.getDescription());
    }
    List<Pattern> more = new ArrayList<>(ignored);
    more.add(p);
    return new ExactMatch(List.copyOf(more), ignoreCase, ignorePunctuation, ignoreNumbers);
  }

  /**
   * Returns a copy that compares lower-cased strings ({@code ignore_case}).
   *
   * @return the new metric
   */
  public ExactMatch ignoringCase() {
    return new ExactMatch(ignored, true, ignorePunctuation, ignoreNumbers);
  }

  /**
   * Returns a copy that removes ASCII punctuation ({@code ignore_punctuation}).
   *
   * @return the new metric
   */
  public ExactMatch ignoringPunctuation() {
    return new ExactMatch(ignored, ignoreCase, true, ignoreNumbers);
  }

  /**
   * Returns a copy that removes the digits 0 to 9 ({@code ignore_numbers}).
   *
   * @return the new metric
   */
  public ExactMatch ignoringNumbers() {
    return new ExactMatch(ignored, ignoreCase, ignorePunctuation, true);
  }

  /**
   * Normalizes a string as this metric compares it.
   *
   * @param text the text
   * @return the normalized text
   * @throws EvalException if {@code text} is null
   */
  public String normalize(String text) {
    if (text == null) {
      throw new EvalException("text is null");
    }
    String s = text;
    for (Pattern p : ignored) {
      s = p.matcher(s).replaceAll("");
    }
    if (ignoreCase) {
      // Locale.ROOT: Python's str.lower does not depend on the machine's locale either.
      s = s.toLowerCase(Locale.ROOT);
    }
    if (ignorePunctuation || ignoreNumbers) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        boolean drop =
            (ignorePunctuation && PUNCTUATION.indexOf(ch) >= 0)
                || (ignoreNumbers && ch >= '0' && ch <= '9');
        if (!drop) {
          b.append(ch);
        }
      }
      s = b.toString();
    }
    return s;
  }

  /**
   * Tells whether a prediction matches a reference after normalization.
   *
   * @param prediction the model's answer
   * @param reference the correct answer
   * @return true when the normalized strings are equal
   * @throws EvalException if either is null
   */
  public boolean matches(String prediction, String reference) {
    if (prediction == null || reference == null) {
      throw new EvalException((prediction == null ? "prediction" : "reference") + " is null");
    }
    return normalize(prediction).equals(normalize(reference));
  }

  /**
   * Returns the fraction of predictions that match their references.
   *
   * @param predictions the model's answers, one per item
   * @param references the correct answers, in the same order
   * @return the mean of the 0/1 matches
   * @throws EvalException if the lists are empty, differ in size, or hold a null; the message names
   *     the item
   */
  public double score(List<String> predictions, List<String> references) {
    if (predictions == null || references == null) {
      throw new EvalException((predictions == null ? "predictions" : "references") + " is null");
    }
    if (predictions.isEmpty() || predictions.size() != references.size()) {
      throw new EvalException(
          "need as many references as predictions, at least one; got "
              + predictions.size()
              + " predictions and "
              + references.size()
              + " references");
    }
    double[] hits = new double[predictions.size()];
    for (int i = 0; i < hits.length; i++) {
      String p = predictions.get(i);
      String r = references.get(i);
      if (p == null || r == null) {
        throw new EvalException(
            "item " + i + ": " + (p == null ? "prediction" : "reference") + " is null");
      }
      hits[i] = matches(p, r) ? 1.0 : 0.0;
    }
    return Metrics.mean(hits);
  }
}
