package midtrain.data.internal.modify;

import java.util.Map;
import java.util.Set;
import midtrain.data.internal.simd.Chars;
import midtrain.data.modify.Modification;
import midtrain.data.modify.TextModifier;
import midtrain.data.spi.ModifierProvider;

/**
 * {@code c4-lines}: C4's line-level cleaning as datatrove's {@code C4QualityFilter} does it, the
 * text modified to the lines it keeps.
 *
 * <p>Each line ({@code str.splitlines}, stripped of whitespace) goes through datatrove's steps in
 * its order: a word (whitespace-separated, counted in code points) longer than {@code
 * max_word_length} removes the line; Wikipedia citations ({@code [12]}, {@code []}, {@code [edit]},
 * {@code [citation needed]}) are cut; a line not ending in {@code . ? ! " '}, or ending in {@code
 * ...}, is removed; so is one of fewer than {@code min_words_per_line} words (counted before the
 * cut); "lorem ipsum" removes the document ({@code lorem_ipsum}); a line with "javascript" is
 * removed; a curly bracket removes the document ({@code curly_bracket}); a line with a policy
 * phrase ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use
 * cookies") is removed. The phrase tests see only lines the earlier steps kept, and match
 * case-insensitively as Python's {@code str.lower} does. Fewer than {@code min_num_sentences}
 * sentences in the kept lines removes the document ({@code too_few_sentences}); otherwise the text
 * becomes the kept lines joined by line feeds.
 *
 * <p>Every switch and threshold has datatrove's name and default; {@code -1} disables a number.
 * Sentences are counted as the {@code c4} rater counts them (datatrove asks NLTK's punkt): a
 * sentence ends at a run of {@code . ! ?}, optionally closed by {@code " ' ) ]}, before whitespace
 * or the line's end, and a kept line holds at least one.
 */
public final class C4LinesProvider implements ModifierProvider {
  static final String ID = "c4-lines";

  private static final Set<String> PARAMS =
      Set.of(
          "remove_citations",
          "filter_no_terminal_punct",
          "min_num_sentences",
          "min_words_per_line",
          "max_word_length",
          "filter_lorem_ipsum",
          "filter_javascript",
          "filter_curly_bracket",
          "filter_policy");

  /** The cheap no-argument constructor ServiceLoader needs. */
  public C4LinesProvider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "C4 line cleaning: terminal punctuation, words per line, javascript and policy lines,"
        + " citations; lorem ipsum, curly brackets and too few sentences remove the document";
  }

  @Override
  public Set<String> parameters() {
    return PARAMS;
  }

  @Override
  public TextModifier create(Map<String, String> params) {
    Params p = new Params(ID, params);
    return new C4Lines(
        p.bool("remove_citations", true),
        p.bool("filter_no_terminal_punct", true),
        p.integer("min_num_sentences", 5, -1),
        p.integer("min_words_per_line", 3, -1),
        p.integer("max_word_length", 1000, -1),
        p.bool("filter_lorem_ipsum", true),
        p.bool("filter_javascript", true),
        p.bool("filter_curly_bracket", true),
        p.bool("filter_policy", true));
  }

  /** The modifier. */
  static final class C4Lines implements TextModifier {
    private final boolean citations;
    private final boolean terminal;
    private final int minSentences;
    private final int minWords;
    private final int maxWordLength;
    private final boolean lorem;
    private final boolean javascript;
    private final boolean curly;
    private final boolean policy;

    C4Lines(
        boolean citations,
        boolean terminal,
        int minSentences,
        int minWords,
        int maxWordLength,
        boolean lorem,
        boolean javascript,
        boolean curly,
        boolean policy) {
      this.citations = citations;
      this.terminal = terminal;
      this.minSentences = minSentences;
      this.minWords = minWords;
      this.maxWordLength = maxWordLength;
      this.lorem = lorem;
      this.javascript = javascript;
      this.curly = curly;
      this.policy = policy;
    }

    @Override
    public String id() {
      return ID;
    }

    @Override
    public Modification apply(String text) {
      StringBuilder kept = new StringBuilder(text.length());
      long removed = 0;
      long cut = 0;
      long sentences = 0;
      int keptLines = 0;
      int n = text.length();
      int i = 0;
      while (i < n) {
        int a = i;
        while (i < n && !isLineBreak(text.charAt(i))) {
          i++;
        }
        int b = i;
        if (i < n) {
          i += text.charAt(i) == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
        }
        while (a < b && Chars.isSpace(text.charAt(a))) {
          a++;
        }
        while (b > a && Chars.isSpace(text.charAt(b - 1))) {
          b--;
        }
        int words = 0;
        boolean tooLong = false;
        for (int w = a; w < b; ) {
          while (w < b && Chars.isSpace(text.charAt(w))) {
            w++;
          }
          if (w == b) {
            break;
          }
          int s = w;
          while (w < b && !Chars.isSpace(text.charAt(w))) {
            w++;
          }
          words++;
          if (maxWordLength != -1 && text.codePointCount(s, w) > maxWordLength) {
            tooLong = true;
          }
        }
        if (tooLong) {
          removed++;
          continue;
        }
        String line = text.substring(a, b);
        int lineCut = 0;
        if (citations && line.indexOf('[') >= 0) {
          StringBuilder without = new StringBuilder(line.length());
          lineCut = cutCitations(line, without);
          line = without.toString();
        }
        if (terminal && !endsTerminal(line)) {
          removed++;
          continue;
        }
        if (words < minWords) {
          removed++;
          continue;
        }
        int found = phrases(line);
        if (lorem && (found & LOREM) != 0) {
          return Modification.removed("lorem_ipsum");
        }
        if (javascript && (found & JAVASCRIPT) != 0) {
          removed++;
          continue;
        }
        if (curly && (found & CURLY) != 0) {
          return Modification.removed("curly_bracket");
        }
        if (policy && (found & POLICY) != 0) {
          removed++;
          continue;
        }
        sentences += sentences(line);
        cut += lineCut; // citations count as replacements only in the lines kept
        if (keptLines++ > 0) {
          kept.append('\n');
        }
        kept.append(line);
      }
      if (sentences < minSentences) {
        return Modification.removed("too_few_sentences");
      }
      String out = strip(kept.toString());
      return out.equals(text) ? Modification.unchanged(text) : Modification.kept(out, removed, cut);
    }

    /** Whether a char breaks lines for Python's {@code str.splitlines}. */
    static boolean isLineBreak(char c) {
      return (c >= 0x0A && c <= 0x0D)
          || (c >= 0x1C && c <= 0x1E)
          || c == 0x85
          || c == 0x2028
          || c == 0x2029;
    }

    private static String strip(String s) {
      int a = 0;
      int b = s.length();
      while (a < b && Chars.isSpace(s.charAt(a))) {
        a++;
      }
      while (b > a && Chars.isSpace(s.charAt(b - 1))) {
        b--;
      }
      return s.substring(a, b);
    }

    /**
     * Appends {@code line} without {@code [digits]}, {@code [edit]} and {@code [citation needed]}
     * (digits as Python's {@code \d}, any script); returns how many were cut.
     */
    static int cutCitations(String line, StringBuilder out) {
      int count = 0;
      int n = line.length();
      int i = 0;
      while (i < n) {
        if (line.charAt(i) == '[') {
          int j = i + 1;
          while (j < n && Character.isDigit(line.codePointAt(j))) {
            j += Character.charCount(line.codePointAt(j));
          }
          int end = -1;
          if (j < n && line.charAt(j) == ']') {
            end = j + 1;
          } else if (line.startsWith("[edit]", i)) {
            end = i + 6;
          } else if (line.startsWith("[citation needed]", i)) {
            end = i + 17;
          }
          if (end > 0) {
            count++;
            i = end;
            continue;
          }
        }
        out.append(line.charAt(i));
        i++;
      }
      return count;
    }

    static boolean endsTerminal(String line) {
      if (line.isEmpty()) {
        return false;
      }
      char last = line.charAt(line.length() - 1);
      return (last == '.' || last == '?' || last == '!' || last == '"' || last == '\'')
          && !line.endsWith("...");
    }

    private static final int LOREM = 1;
    private static final int JAVASCRIPT = 2;
    private static final int CURLY = 4;
    private static final int POLICY = 8;

    /**
     * The phrases found in a line, in one pass: each is looked for only where its first letter is,
     * so a line costs about one look at each character rather than one per phrase.
     */
    static int phrases(String line) {
      int found = 0;
      for (int i = 0; i < line.length(); i++) {
        switch (lower(line.charAt(i))) {
          case '{' -> found |= CURLY;
          case 'l' -> found |= at(line, i, "lorem ipsum") ? LOREM : 0;
          case 'j' -> found |= at(line, i, "javascript") ? JAVASCRIPT : 0;
          case 't' -> found |= at(line, i, "terms of use") ? POLICY : 0;
          case 'p' -> found |= at(line, i, "privacy policy") ? POLICY : 0;
          case 'c' -> found |= at(line, i, "cookie policy") ? POLICY : 0;
          case 'u' ->
              found |=
                  at(line, i, "uses cookies")
                          || at(line, i, "use of cookies")
                          || at(line, i, "use cookies")
                      ? POLICY
                      : 0;
          default -> {}
        }
      }
      return found;
    }

    /** Whether {@code phrase} starts at {@code i} of Python's {@code line.lower()}. */
    private static boolean at(String line, int i, String phrase) {
      int m = phrase.length();
      if (i + m > line.length()) {
        return false;
      }
      for (int k = 1; k < m; k++) {
        if (lower(line.charAt(i + k)) != phrase.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Lower-cases as Python's {@code str.lower} where it matters to the phrases (ASCII, lower
     * case): the only characters that lower-case to an ASCII letter on their own are A-Z and the
     * Kelvin sign (U+0130 lower-cases to an i and a combining dot, which no phrase holds).
     */
    private static char lower(char c) {
      if (c >= 'A' && c <= 'Z') {
        return (char) (c + 32);
      }
      return c == '\u212A' ? 'k' : c;
    }

    /** Counts sentence ends in a kept line, at least 1. */
    static int sentences(String d) {
      int count = 0;
      int to = d.length();
      int i = 0;
      while (i < to) {
        char ch = d.charAt(i);
        if (ch == '.' || ch == '!' || ch == '?') {
          while (i < to && (d.charAt(i) == '.' || d.charAt(i) == '!' || d.charAt(i) == '?')) {
            i++;
          }
          while (i < to
              && (d.charAt(i) == '"'
                  || d.charAt(i) == '\''
                  || d.charAt(i) == ')'
                  || d.charAt(i) == ']')) {
            i++;
          }
          if (i == to || Chars.isSpace(d.charAt(i))) {
            count++;
          }
        } else {
          i++;
        }
      }
      return Math.max(1, count);
    }
  }
}
