package midtrain.data.internal.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.rate.Rater;
import midtrain.data.spi.RaterProvider;

/**
 * {@code gopher-quality}: the Gopher quality rules (Rae et al. 2021, appendix A) with the defaults
 * and rule order of datatrove's {@code GopherQualityFilter}.
 *
 * <p>Words: the whitespace tokens ({@code text.split()}); a token's <em>word</em> is the token with
 * datatrove's punctuation ({@code PUNCTUATION_SET}) stripped from both ends, and a token whose word
 * is empty is a symbol. {@code n_words} and {@code avg_word_length} count the non-symbol words; the
 * hash, ellipsis and alphabetic ratios divide by all tokens (as datatrove divides by all its
 * tokens); stop words are matched case-sensitively against the stripped words.
 */
public final class GopherQualityProvider implements RaterProvider {
  static final String ID = "gopher-quality";
  static final List<String> STOP_WORDS =
      List.of("the", "be", "to", "of", "and", "that", "have", "with");
  private static final Set<String> PARAMS =
      Set.of(
          "min_doc_words",
          "max_doc_words",
          "min_avg_word_length",
          "max_avg_word_length",
          "max_symbol_word_ratio",
          "max_bullet_lines_ratio",
          "max_ellipsis_lines_ratio",
          "max_non_alpha_words_ratio",
          "min_stop_words",
          "stop_words");

  /** The cheap no-argument constructor ServiceLoader needs. */
  public GopherQualityProvider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Gopher quality rules: word count and length, symbols, bullets, ellipses, alphabetic"
        + " words, stop words";
  }

  @Override
  public Set<String> parameters() {
    return PARAMS;
  }

  @Override
  public Rater create(Map<String, String> params) {
    return new GopherQuality(new RuleRater.Params(ID, params, PARAMS));
  }

  /** The rater. */
  static final class GopherQuality extends RuleRater {
    static final List<String> METRICS =
        List.of(
            "n_words",
            "avg_word_length",
            "hash_ratio",
            "ellipsis_ratio",
            "bullet_lines_ratio",
            "end_ellipsis_lines_ratio",
            "alpha_words_ratio",
            "stop_words");

    /** datatrove's PUNCTUATION: ASCII punctuation, some CJK/typographic marks, C0/C1 controls. */
    private static final boolean[] PUNCT = new boolean[0x10000];

    static {
      String marks =
          "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
              + "\u00ab\u00b4\u00bb\u2013\u2014\u2019\u201c\u201d\u201e\u2026\u2236\u2501\u25ba"
              + "\u3001\u3002\u3008\u3009\u300a\u300b\u300c\u300d\u3010\u3011\uff01\uff05\uff08"
              + "\uff09\uff0c\uff0e\uff11\uff1a\uff1b\uff1f\uff5e";
      for (int i = 0; i < marks.length(); i++) {
        PUNCT[marks.charAt(i)] = true;
      }
      int[][] ranges = {{0, 9}, {11, 13}, {13, 32}, {127, 160}};
      for (int[] r : ranges) {
        for (int ch = r[0]; ch < r[1]; ch++) {
          PUNCT[ch] = true;
        }
      }
    }

    private final char[][] stopWords;

    /** Lengths and first chars of the stop words, to reject most words at once. */
    private final long lengthMask;

    private final boolean[] firstChars = new boolean[0x10000];

    GopherQuality(Params p) {
      super(ID, METRICS, rules(p));
      List<String> sw = p.list("stop_words", STOP_WORDS);
      stopWords = new char[sw.size()][];
      long lengths = 0;
      for (int i = 0; i < sw.size(); i++) {
        stopWords[i] = sw.get(i).toCharArray();
        lengths |= 1L << Math.min(63, stopWords[i].length);
        firstChars[stopWords[i][0]] = true;
      }
      lengthMask = lengths;
    }

    private static List<Rule> rules(Params p) {
      List<Rule> r = new ArrayList<>();
      // datatrove skips a rule whose threshold is 0 or None.
      add(r, 0, Op.LESS, p.num("min_doc_words", 50), "gopher_short_doc");
      add(r, 0, Op.GREATER, p.num("max_doc_words", 100000), "gopher_long_doc");
      add(r, 1, Op.LESS, p.num("min_avg_word_length", 3), "gopher_below_avg_threshold");
      add(r, 1, Op.GREATER, p.num("max_avg_word_length", 10), "gopher_above_avg_threshold");
      double symbols = p.num("max_symbol_word_ratio", 0.1);
      add(r, 2, Op.GREATER, symbols, "gopher_too_many_hashes");
      add(r, 3, Op.GREATER, symbols, "gopher_too_many_ellipsis");
      add(r, 4, Op.GREATER, p.num("max_bullet_lines_ratio", 0.9), "gopher_too_many_bullets");
      add(r, 5, Op.GREATER, p.num("max_ellipsis_lines_ratio", 0.3), "gopher_too_many_end_ellipsis");
      add(r, 6, Op.LESS, p.num("max_non_alpha_words_ratio", 0.8), "gopher_below_alpha_threshold");
      add(r, 7, Op.LESS, p.num("min_stop_words", 2), "gopher_enough_stop_words");
      return r;
    }

    private static void add(List<Rule> r, int output, Op op, double threshold, String reason) {
      if (threshold != 0) {
        r.add(new Rule(output, op, (float) threshold, reason));
      }
    }

    @Override
    void measure(TextScan s, float[] out) {
      s.tokenize();
      char[] c = s.c;
      boolean[] punct = PUNCT;
      int tokens = s.tokens;
      int words = 0;
      long lengths = 0;
      int alpha = 0;
      int stops = 0;
      int[] tokStart = s.tokStart;
      int[] tokEnd = s.tokEnd;
      boolean bmp = s.lowSurrogates == 0;
      for (int k = 0; k < tokens; k++) {
        int ts = tokStart[k];
        int te = tokEnd[k];
        int ws = ts;
        int we = te;
        while (ws < we && punct[c[ws]]) {
          ws++;
        }
        while (we > ws && punct[c[we - 1]]) {
          we--;
        }
        if (ws < we) {
          words++;
          lengths += bmp ? we - ws : s.cpLen(ws, we);
          if (isStopWord(c, ws, we)) {
            stops++;
          }
        }
        if (hasLetter(c, ts, te)) {
          alpha++;
        }
      }
      // Non-overlapping counts, as Python's str.count.
      int hashes = 0;
      int ellipses = 0;
      int n = s.len;
      for (int i = 0; i < n; i++) {
        char ch = c[i];
        if (ch == '#') {
          hashes++;
        } else if (ch == '.') {
          if (i + 2 < n && c[i + 1] == '.' && c[i + 2] == '.') {
            ellipses++;
            i += 2;
          }
        } else if (ch == '\u2026') {
          ellipses++;
        }
      }
      // Lines as Python's str.splitlines.
      int lines = s.splitLines();
      int bullets = 0;
      int endEllipsis = 0;
      for (int l = 0; l < lines; l++) {
        int start = s.lineStart[l];
        int end = s.lineEnd[l];
        int a = start;
        while (a < end && TextScan.isSpace(c[a])) {
          a++;
        }
        if (a < end && (c[a] == '\u2022' || c[a] == '-')) {
          bullets++;
        }
        int b = end;
        while (b > a && TextScan.isSpace(c[b - 1])) {
          b--;
        }
        if (b > a
            && (c[b - 1] == '\u2026'
                || (b - a >= 3 && c[b - 1] == '.' && c[b - 2] == '.' && c[b - 3] == '.'))) {
          endEllipsis++;
        }
      }
      out[0] = words;
      out[1] = ratio(lengths, words);
      out[2] = ratio(hashes, tokens);
      out[3] = ratio(ellipses, tokens);
      out[4] = ratio(bullets, lines);
      out[5] = ratio(endEllipsis, lines);
      out[6] = ratio(alpha, tokens);
      out[7] = stops;
    }

    private boolean isStopWord(char[] c, int s, int e) {
      int len = e - s;
      if ((lengthMask & (1L << Math.min(63, len))) == 0 || !firstChars[c[s]]) {
        return false;
      }
      // A plain loop: Arrays.equals costs more than the comparison for words this short.
      for (char[] w : stopWords) {
        if (w.length == len) {
          int i = 0;
          while (i < len && w[i] == c[s + i]) {
            i++;
          }
          if (i == len) {
            return true;
          }
        }
      }
      return false;
    }

    /** Whether any code point is a letter (Python's {@code str.isalpha} on one character). */
    private static boolean hasLetter(char[] c, int s, int e) {
      for (int i = s; i < e; i++) {
        char ch = c[i];
        if (ch < 128) {
          if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') {
            return true;
          }
        } else if (Character.isHighSurrogate(ch) && i + 1 < e) {
          if (Character.isLetter(Character.toCodePoint(ch, c[i + 1]))) {
            return true;
          }
          i++;
        } else if (Character.isLetter(ch)) {
          return true;
        }
      }
      return false;
    }
  }
}
