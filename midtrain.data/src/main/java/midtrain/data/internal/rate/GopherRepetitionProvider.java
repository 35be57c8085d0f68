package midtrain.data.internal.rate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.internal.simd.WordHash;
import midtrain.data.rate.Rater;
import midtrain.data.spi.RaterProvider;

/**
 * {@code gopher-repetition}: the Gopher repetition rules (Rae et al. 2021, table A1) with the
 * defaults, splits and rule order of datatrove's {@code GopherRepetitionFilter}.
 *
 * <p>Paragraphs: the stripped text split at runs of two or more {@code \n}; lines: the text split
 * at runs of {@code \n}. An element is a duplicate when an equal element came before; the char
 * fractions divide the duplicates' lengths by the text's length. N-grams run over the whitespace
 * tokens: {@code top_N_gram_frac} is the length of the most frequent n-gram (words joined by one
 * space; ties go to the first seen) times its count, {@code dup_N_gram_frac} the length (words
 * joined without spaces, as datatrove) of the n-grams found again by datatrove's left-to-right scan
 * that jumps past each repeat. Every comparison is exact (hash matches are confirmed).
 */
public final class GopherRepetitionProvider implements RaterProvider {
  static final String ID = "gopher-repetition";
  static final int[] TOP = {2, 3, 4};
  static final double[] TOP_DEFAULT = {0.2, 0.18, 0.16};
  static final int[] DUP = {5, 6, 7, 8, 9, 10};
  static final double[] DUP_DEFAULT = {0.15, 0.14, 0.13, 0.12, 0.11, 0.10};
  private static final Set<String> PARAMS;

  static {
    Set<String> p = new LinkedHashSet<>();
    p.add("dup_para_frac");
    p.add("dup_para_char_frac");
    p.add("dup_line_frac");
    p.add("dup_line_char_frac");
    for (int n : TOP) {
      p.add("top_" + n + "_gram_frac");
    }
    for (int n : DUP) {
      p.add("dup_" + n + "_gram_frac");
    }
    PARAMS = Set.copyOf(p);
  }

  /** The cheap no-argument constructor ServiceLoader needs. */
  public GopherRepetitionProvider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Gopher repetition rules: duplicate lines and paragraphs, top and duplicate n-grams";
  }

  @Override
  public Set<String> parameters() {
    return PARAMS;
  }

  @Override
  public Rater create(Map<String, String> params) {
    return new GopherRepetition(new RuleRater.Params(ID, params, PARAMS));
  }

  /** The rater. */
  static final class GopherRepetition extends RuleRater {
    static final List<String> METRICS;

    static {
      List<String> m = new ArrayList<>();
      m.add("dup_para_frac");
      m.add("dup_para_char_frac");
      m.add("dup_line_frac");
      m.add("dup_line_char_frac");
      for (int n : TOP) {
        m.add("top_" + n + "_gram_frac");
      }
      for (int n : DUP) {
        m.add("dup_" + n + "_gram_frac");
      }
      METRICS = List.copyOf(m);
    }

    GopherRepetition(Params p) {
      super(ID, METRICS, rules(p));
    }

    private static List<Rule> rules(Params p) {
      List<Rule> r = new ArrayList<>();
      String[] fixed = {
        "dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac"
      };
      double[] defaults = {0.3, 0.2, 0.3, 0.2};
      for (int k = 0; k < 4; k++) {
        double t = p.num(fixed[k], defaults[k]);
        if (t != 0) { // datatrove skips these four when 0 or None
          r.add(new Rule(k, Op.GREATER, (float) t, fixed[k]));
        }
      }
      for (int k = 0; k < TOP.length; k++) {
        double t = p.num("top_" + TOP[k] + "_gram_frac", TOP_DEFAULT[k]);
        r.add(new Rule(4 + k, Op.GREATER, (float) t, "top_" + TOP[k] + "_gram"));
      }
      for (int k = 0; k < DUP.length; k++) {
        double t = p.num("dup_" + DUP[k] + "_gram_frac", DUP_DEFAULT[k]);
        r.add(new Rule(7 + k, Op.GREATER, (float) t, "duplicated_" + DUP[k] + "_n_grams"));
      }
      return r;
    }

    @Override
    void measure(TextScan s, float[] out) {
      char[] c = s.c;
      int n = s.len;
      double textLen = s.cpLen();
      SegmentTable seen = s.segments;

      // Paragraphs of text.strip(), split at \n{2,}.
      int a = 0;
      int b = n;
      while (a < b && TextScan.isSpace(c[a])) {
        a++;
      }
      while (b > a && TextScan.isSpace(c[b - 1])) {
        b--;
      }
      seen.reset(16);
      int paragraphs = 0;
      int dupParas = 0;
      long dupParaChars = 0;
      int i = a;
      while (true) {
        int start = i;
        int end;
        int next;
        while (true) {
          if (i >= b) {
            end = b;
            next = -1;
            break;
          }
          if (c[i] == '\n' && i + 1 < b && c[i + 1] == '\n') {
            end = i;
            while (i < b && c[i] == '\n') {
              i++;
            }
            next = i;
            break;
          }
          i++;
        }
        paragraphs++;
        int before = seen.size();
        if (seen.intern(c, WordHash.ofChars(c, start, end - start), start, end) < before) {
          dupParas++;
          dupParaChars += s.cpLen(start, end);
        }
        if (next < 0) {
          break;
        }
        i = next;
      }

      // Lines: the text split at \n+ (empty first and last elements kept).
      seen.reset(64);
      int lines = 0;
      int dupLines = 0;
      long dupLineChars = 0;
      i = 0;
      while (true) {
        int start = i;
        while (i < n && c[i] != '\n') {
          i++;
        }
        int end = i;
        lines++;
        int before = seen.size();
        if (seen.intern(c, WordHash.ofChars(c, start, end - start), start, end) < before) {
          dupLines++;
          dupLineChars += s.cpLen(start, end);
        }
        if (i >= n) {
          break;
        }
        while (i < n && c[i] == '\n') {
          i++;
        }
      }
      out[0] = ratio(dupParas, paragraphs);
      out[1] = ratio(dupParaChars, textLen);
      out[2] = ratio(dupLines, lines);
      out[3] = ratio(dupLineChars, textLen);

      s.internWords();
      int[] prefix = s.prefix;
      long[] ids = s.ids;
      GramTable t = s.grams;
      // Once every g-gram is unique, so is every longer n-gram: the top one is then the first,
      // seen once, and no longer n-gram repeats.
      boolean unique = false;
      for (int k = 0; k < TOP.length; k++) {
        int g = TOP[k];
        int count = s.tokens - g + 1;
        if (count <= 0) {
          out[4 + k] = 0f;
          continue;
        }
        int best = 1;
        int bestFirst = 0;
        if (!unique) {
          s.hashGrams(g);
          long[] h = s.gramHash;
          t.reset(count);
          best = 0;
          bestFirst = Integer.MAX_VALUE;
          for (int p = 0; p < count; p++) {
            int slot = t.slot(h[p], ids, p, g);
            int cnt = ++t.count[slot];
            if (cnt >= best) {
              int f = t.first[slot];
              if (cnt > best || f < bestFirst) {
                best = cnt;
                bestFirst = f;
              }
            }
          }
          unique = best == 1;
        }
        long chars = (long) (prefix[bestFirst + g] - prefix[bestFirst] + g - 1) * best;
        out[4 + k] = ratio(chars, textLen);
      }
      for (int k = 0; k < DUP.length; k++) {
        int g = DUP[k];
        int count = s.tokens - g + 1;
        if (count <= 0 || unique) {
          out[7 + k] = 0f;
          continue;
        }
        s.hashGrams(g);
        long[] h = s.gramHash;
        t.reset(count);
        long repeated = 0;
        int p = 0;
        while (p < count) {
          int slot = t.slot(h[p], ids, p, g);
          if (t.count[slot] > 0) {
            repeated += prefix[p + g] - prefix[p];
            p += g;
          } else {
            t.count[slot] = 1;
            p++;
          }
        }
        // No repeat means the scan never jumped, so every g-gram was seen and all are unique.
        unique = repeated == 0;
        out[7 + k] = ratio(repeated, textLen);
      }
    }
  }
}
