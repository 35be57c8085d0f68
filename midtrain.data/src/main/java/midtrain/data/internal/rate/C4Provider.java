package midtrain.data.internal.rate;

import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.rate.Rater;
import midtrain.data.spi.RaterProvider;

/**
 * {@code c4}: the verdict datatrove's {@code C4QualityFilter} (Raffel et al. 2020) reaches, without
 * rewriting the text.
 *
 * <p>Each line ({@code str.splitlines}, stripped) goes through datatrove's steps in order: a token
 * longer than {@code max_word_length} removes it; Wikipedia citations ({@code [12]}, {@code
 * [edit]}, {@code [citation needed]}) are cut; a line not ending in {@code . ? ! " '} or ending in
 * {@code ...} is removed, so is one of fewer than {@code min_words_per_line} tokens; "lorem ipsum"
 * drops the document; a "javascript" line is removed; a curly bracket drops the document; a line
 * with a policy phrase is removed; any other line is kept and adds its sentences. Outputs: {@code
 * removed_line_frac} (removed lines over all lines), {@code sentences} in kept lines, and {@code
 * lorem_ipsum} / {@code curly_bracket}, 1 for the rule that dropped the document first (datatrove
 * stops at the first). Unlike datatrove, scanning continues after a drop, so the counts cover the
 * whole document, and a dropping line counts as removed.
 *
 * <p>Sentences: datatrove asks NLTK's punkt; here a sentence ends at a run of {@code . ! ?},
 * optionally followed by closing {@code " ' ) ]}, then whitespace or the line end; a kept line
 * holds at least one. Phrases match case-insensitively as Python's {@code str.lower} does (ASCII
 * letters, plus the Kelvin sign as {@code k}).
 */
public final class C4Provider implements RaterProvider {
  static final String ID = "c4";
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
  public C4Provider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "C4 rules: terminal punctuation, words per line, lorem ipsum, javascript, curly"
        + " brackets, policy lines, sentences";
  }

  @Override
  public Set<String> parameters() {
    return PARAMS;
  }

  @Override
  public Rater create(Map<String, String> params) {
    return new C4(new RuleRater.Params(ID, params, PARAMS));
  }

  /** The rater. */
  static final class C4 extends RuleRater {
    static final List<String> METRICS =
        List.of("removed_line_frac", "sentences", "lorem_ipsum", "curly_bracket");

    private final boolean citations;
    private final boolean terminal;
    private final int minWords;
    private final int maxWordLength;
    private final boolean lorem;
    private final boolean javascript;
    private final boolean curly;
    private final boolean policy;

    C4(Params p) {
      super(
          ID,
          METRICS,
          List.of(
              new Rule(2, Op.GREATER, 0f, "lorem_ipsum"),
              new Rule(3, Op.GREATER, 0f, "curly_bracket"),
              new Rule(1, Op.LESS, p.integer("min_num_sentences", 5), "too_few_sentences")));
      citations = p.bool("remove_citations", true);
      terminal = p.bool("filter_no_terminal_punct", true);
      minWords = p.integer("min_words_per_line", 3);
      maxWordLength = p.integer("max_word_length", 1000);
      lorem = p.bool("filter_lorem_ipsum", true);
      javascript = p.bool("filter_javascript", true);
      curly = p.bool("filter_curly_bracket", true);
      policy = p.bool("filter_policy", true);
    }

    private static final int LOREM = 1;
    private static final int JAVASCRIPT = 2;
    private static final int POLICY = 4;
    private static final int CURLY = 8;

    @Override
    void measure(TextScan s, float[] out) {
      char[] c = s.c;
      int removed = 0;
      int sentences = 0;
      int drop = 0; // 0, or the first dropping rule: 1 lorem ipsum, 2 curly bracket
      int lines = s.splitLines();
      // Tokens of the stripped line, before citations are cut (as datatrove): the shared tokens
      // starting in the line (a token never spans a line break, which is whitespace).
      int[] tokStart = s.tokStart;
      int[] tokEnd = s.tokEnd;
      int tokens = s.tokens;
      int t = 0;
      for (int l = 0; l < lines; l++) {
        int a = s.lineStart[l];
        int b = s.lineEnd[l];
        while (a < b && TextScan.isSpace(c[a])) {
          a++;
        }
        while (b > a && TextScan.isSpace(c[b - 1])) {
          b--;
        }
        int words = 0;
        boolean tooLong = false;
        while (t < tokens && tokStart[t] < b) {
          int ws = tokStart[t];
          int we = tokEnd[t];
          words++;
          if (maxWordLength != -1 && we - ws > maxWordLength && s.cpLen(ws, we) > maxWordLength) {
            tooLong = true;
          }
          t++;
        }
        if (tooLong) {
          removed++;
          continue;
        }
        char[] d = c;
        int from = a;
        int to = b;
        if (citations && hasBracket(c, a, b)) {
          d = s.lineBuffer(b - a);
          from = 0;
          to = cutCitations(c, a, b, d);
        }
        if (terminal && !endsTerminal(d, from, to)) {
          removed++;
          continue;
        }
        if (words < minWords) {
          removed++;
          continue;
        }
        int found = phrases(d, from, to);
        if (lorem && (found & LOREM) != 0) {
          removed++;
          if (drop == 0) {
            drop = 1;
          }
          continue;
        }
        if (javascript && (found & JAVASCRIPT) != 0) {
          removed++;
          continue;
        }
        if (curly && (found & CURLY) != 0) {
          removed++;
          if (drop == 0) {
            drop = 2;
          }
          continue;
        }
        if (policy && (found & POLICY) != 0) {
          removed++;
          continue;
        }
        sentences += sentences(d, from, to);
      }
      out[0] = ratio(removed, lines);
      out[1] = sentences;
      out[2] = drop == 1 ? 1f : 0f;
      out[3] = drop == 2 ? 1f : 0f;
    }

    private static boolean hasBracket(char[] c, int a, int b) {
      for (int i = a; i < b; i++) {
        if (c[i] == '[') {
          return true;
        }
      }
      return false;
    }

    /** Copies {@code c[a, b)} into {@code d} without citations; returns the end in {@code d}. */
    static int cutCitations(char[] c, int a, int b, char[] d) {
      int o = 0;
      int i = a;
      while (i < b) {
        char ch = c[i];
        if (ch == '[') {
          int j = i + 1;
          while (j < b) {
            int cp = Character.codePointAt(c, j, b);
            if (!Character.isDigit(cp)) {
              break;
            }
            j += Character.charCount(cp);
          }
          if (j < b && c[j] == ']') {
            i = j + 1;
            continue;
          }
          if (regionIs(c, i, b, "[edit]")) {
            i += 6;
            continue;
          }
          if (regionIs(c, i, b, "[citation needed]")) {
            i += 17;
            continue;
          }
        }
        d[o++] = ch;
        i++;
      }
      return o;
    }

    private static boolean regionIs(char[] c, int i, int end, String s) {
      if (end - i < s.length()) {
        return false;
      }
      for (int k = 0; k < s.length(); k++) {
        if (c[i + k] != s.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    private static boolean endsTerminal(char[] d, int from, int to) {
      if (to == from) {
        return false;
      }
      char last = d[to - 1];
      if (last != '.' && last != '?' && last != '!' && last != '"' && last != '\'') {
        return false;
      }
      return !(to - from >= 3 && last == '.' && d[to - 2] == '.' && d[to - 3] == '.');
    }

    /** Lower-cases as Python's {@code str.lower} where the result matters: ASCII and Kelvin. */
    private static char lower(char ch) {
      if (ch >= 'A' && ch <= 'Z') {
        return (char) (ch + 32);
      }
      return ch == '\u212A' ? 'k' : ch;
    }

    private static boolean matches(char[] d, int i, int to, String phrase) {
      int len = phrase.length();
      if (to - i < len) {
        return false;
      }
      for (int k = 1; k < len; k++) {
        if (lower(d[i + k]) != phrase.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    /**
     * {@code PAIRS[a << 5 | b]}: whether a position whose char and next char, ORed with 0x20, are
     * letters {@code a} and {@code b} (0 for 'a'; 26 for '{', 31 for anything else) may start a
     * phrase or be a bracket. A superset of the exact test below: only the first two chars of a
     * phrase are tested, and neither is 'k' (whose Kelvin sign lower-cases without the 0x20 bit).
     * Pairs are rare in text where single letters are not, so the branch predicts well.
     */
    private static final boolean[] PAIRS = new boolean[1024];

    static {
      for (String p :
          List.of(
              "lorem ipsum",
              "javascript",
              "terms of use",
              "privacy policy",
              "cookie policy",
              "uses cookies",
              "use of cookies",
              "use cookies")) {
        PAIRS[(p.charAt(0) - 'a') << 5 | (p.charAt(1) - 'a')] = true;
      }
      for (int b = 0; b < 32; b++) {
        PAIRS[26 << 5 | b] = true; // '{' (and '[', which the exact test rejects)
      }
    }

    private static int letter(int ch) {
      return Math.min(((ch | 0x20) - 'a') & Integer.MAX_VALUE, 31);
    }

    /** Returns the phrase flags found in {@code d[from, to)}. */
    private static int phrases(char[] d, int from, int to) {
      int found = 0;
      boolean[] pairs = PAIRS;
      int next = from < to ? letter(d[from]) : 31;
      for (int i = from; i < to; i++) {
        int cur = next;
        next = i + 1 < to ? letter(d[i + 1]) : 31;
        if (!pairs[cur << 5 | next]) {
          continue;
        }
        char raw = d[i];
        char ch = lower(raw);
        switch (ch) {
          case '{' -> found |= CURLY;
          case 'l' -> {
            if (matches(d, i, to, "lorem ipsum")) {
              found |= LOREM;
            }
          }
          case 'j' -> {
            if (matches(d, i, to, "javascript")) {
              found |= JAVASCRIPT;
            }
          }
          case 't' -> {
            if (matches(d, i, to, "terms of use")) {
              found |= POLICY;
            }
          }
          case 'p' -> {
            if (matches(d, i, to, "privacy policy")) {
              found |= POLICY;
            }
          }
          case 'c' -> {
            if (matches(d, i, to, "cookie policy")) {
              found |= POLICY;
            }
          }
          case 'u' -> {
            if (matches(d, i, to, "uses cookies")
                || matches(d, i, to, "use of cookies")
                || matches(d, i, to, "use cookies")) {
              found |= POLICY;
            }
          }
          default -> {}
        }
      }
      return found;
    }

    /** Counts sentence ends in a kept line, at least 1. */
    static int sentences(char[] d, int from, int to) {
      int count = 0;
      int i = from;
      while (i < to) {
        char ch = d[i];
        if (ch == '.' || ch == '!' || ch == '?') {
          while (i < to && (d[i] == '.' || d[i] == '!' || d[i] == '?')) {
            i++;
          }
          while (i < to && (d[i] == '"' || d[i] == '\'' || d[i] == ')' || d[i] == ']')) {
            i++;
          }
          if (i == to || TextScan.isSpace(d[i])) {
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
