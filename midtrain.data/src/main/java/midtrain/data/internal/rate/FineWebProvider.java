package midtrain.data.internal.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.rate.Rater;
import midtrain.data.spi.RaterProvider;

/**
 * {@code fineweb}: the FineWeb quality rules with the defaults and rule order of datatrove's {@code
 * FineWebQualityFilter}.
 *
 * <p>Lines are the text split at each {@code \n}. {@code line_punct_ratio}: lines ending in {@code
 * . ' " ! ?}; {@code short_line_ratio}: lines of at most {@code short_line_length} code points;
 * {@code char_dup_ratio}: the length of non-blank lines equal to an earlier one over the length of
 * the text without its newlines; {@code list_ratio}: newlines per whitespace token.
 */
public final class FineWebProvider implements RaterProvider {
  static final String ID = "fineweb";
  private static final Set<String> PARAMS =
      Set.of(
          "line_punct_thr",
          "line_punct_exclude_zero",
          "short_line_thr",
          "short_line_length",
          "char_duplicates_ratio",
          "new_line_ratio");

  /** The cheap no-argument constructor ServiceLoader needs. */
  public FineWebProvider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "FineWeb rules: lines ending in punctuation, short lines, duplicated line chars, list"
        + " ratio";
  }

  @Override
  public Set<String> parameters() {
    return PARAMS;
  }

  @Override
  public Rater create(Map<String, String> params) {
    return new FineWeb(new RuleRater.Params(ID, params, PARAMS));
  }

  /** The rater. */
  static final class FineWeb extends RuleRater {
    static final List<String> METRICS =
        List.of("line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio");

    private final int shortLength;

    FineWeb(Params p) {
      super(ID, METRICS, rules(p));
      shortLength = p.integer("short_line_length", 30);
    }

    private static List<Rule> rules(Params p) {
      List<Rule> r = new ArrayList<>();
      boolean excludeZero = p.bool("line_punct_exclude_zero", false);
      r.add(
          new Rule(
              0,
              excludeZero ? Op.LESS_EQ_NONZERO : Op.LESS_EQ,
              (float) p.num("line_punct_thr", 0.12),
              "line_punct_ratio"));
      r.add(new Rule(1, Op.GREATER_EQ, (float) p.num("short_line_thr", 0.67), "short_line_ratio"));
      r.add(
          new Rule(
              2, Op.GREATER_EQ, (float) p.num("char_duplicates_ratio", 0.01), "char_dup_ratio"));
      r.add(new Rule(3, Op.GREATER, (float) p.num("new_line_ratio", 0.3), "list_ratio"));
      return r;
    }

    @Override
    void measure(TextScan s, float[] out) {
      char[] c = s.c;
      int n = s.len;
      SegmentTable seen = s.segments;
      s.tokenize();
      seen.reset(s.newlines + 1);
      int lines = 0;
      int punct = 0;
      int shortLines = 0;
      long dupChars = 0;
      // The shared tokens: a line is blank when no token starts in it (a token never spans a
      // \n, which is whitespace).
      int tokens = s.tokens;
      int[] tokStart = s.tokStart;
      int[] nl = s.newline;
      int newlines = s.newlines;
      int t = 0;
      for (int l = 0; l <= newlines; l++) {
        int start = l == 0 ? 0 : nl[l - 1] + 1;
        int end = l < newlines ? nl[l] : n;
        boolean blank = true;
        while (t < tokens && tokStart[t] < end) {
          blank = false;
          t++;
        }
        lines++;
        if (end > start) {
          char last = c[end - 1];
          if (last == '.' || last == '\'' || last == '"' || last == '!' || last == '?') {
            punct++;
          }
        }
        int len = end - start <= shortLength ? end - start : s.cpLen(start, end);
        if (len <= shortLength) {
          shortLines++;
        }
        if (!blank) {
          int before = seen.size();
          if (seen.intern(c, SegmentTable.hash(c, start, end), start, end) < before) {
            dupChars += s.cpLen(start, end);
          }
        }
      }
      out[0] = ratio(punct, lines);
      out[1] = ratio(shortLines, lines);
      out[2] = ratio(dupChars, s.cpLen() - newlines);
      out[3] = ratio(newlines, tokens);
    }
  }
}
