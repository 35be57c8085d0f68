package midtrain.data.internal.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** The metrics, which are also the parameter names (each metric's threshold). */
  static final List<String> NAMES;

  private static final Set<String> PARAMS;

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
    NAMES = List.copyOf(m);
    PARAMS = Set.copyOf(NAMES);
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
    static final List<String> METRICS = NAMES;

    GopherRepetition(Params p) {
      super(ID, METRICS, rules(p));
    }

    private static List<Rule> rules(Params p) {
      List<Rule> r = new ArrayList<>();
      double[] defaults = {0.3, 0.2, 0.3, 0.2};
      for (int k = 0; k < 4; k++) {
        double t = p.num(NAMES.get(k), defaults[k]);
        if (t != 0) { // datatrove skips these four when 0 or None
          r.add(new Rule(k, Op.GREATER, (float) t, NAMES.get(k)));
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

    /**
     * Counts the g-grams keyed by their packed word ids.
     *
     * @param record null, or receives each g-gram's first position (an exact dense id)
     * @return the top one's count in the high half, {@code MAX_VALUE - first} in the low half
     */
    private static long topPacked(TextScan s, int g, int bits, int count, int[] record) {
      GramTable t = s.grams;
      t.reset(count);
      int[] wid = s.wid;
      int[] counts = t.count;
      int[] first = t.first;
      long mask = (1L << (g * bits)) - 1;
      long key = 0;
      for (int j = 0; j < g - 1; j++) {
        key = key << bits | wid[j];
      }
      long best = 0;
      for (int p = 0; p < count; p++) {
        key = (key << bits | wid[p + g - 1]) & mask;
        int slot = t.packedSlot(key, p);
        if (record != null) {
          record[p] = first[slot];
        }
        long v = (long) ++counts[slot] << 32 | (Integer.MAX_VALUE - first[slot]);
        if (v > best) {
          best = v;
        }
      }
      return best;
    }

    /** {@link #topPacked} for n-grams too long to pack: hashed, every match confirmed. */
    private static long topHashed(TextScan s, int g, int count, int[] record) {
      GramTable t = s.grams;
      s.hashGrams(g);
      long[] h = s.gramHash;
      int[] wid = s.wid;
      t.reset(count);
      long best = 0;
      for (int p = 0; p < count; p++) {
        int slot = t.slot(h[p], wid, p, g);
        if (record != null) {
          record[p] = t.first[slot];
        }
        long v = (long) ++t.count[slot] << 32 | (Integer.MAX_VALUE - t.first[slot]);
        if (v > best) {
          best = v;
        }
      }
      return best;
    }

    /**
     * datatrove's duplicate n-gram scan (a g-gram seen before adds its words' length and jumps past
     * itself), keyed by the ids of two or three 4-grams that cover each g-gram (5 to 10 words): the
     * position of each 4-gram's first occurrence, an exact id, so equal keys are equal g-grams.
     */
    private static long dupComposed(TextScan s, int g, int bits, int count) {
      GramTable t = s.grams;
      t.reset(count);
      int[] q = s.quadFirst();
      int[] prefix = s.prefix;
      int[] counts = t.count;
      boolean three = g > 8;
      int last = g - 4;
      long repeated = 0;
      int p = 0;
      while (p < count) {
        long key = q[p];
        if (three) {
          key = key << bits | q[p + 4];
        }
        key = key << bits | q[p + last];
        int slot = t.packedSlot(key, p);
        if (counts[slot] > 0) {
          repeated += prefix[p + g] - prefix[p];
          p += g;
        } else {
          counts[slot] = 1;
          p++;
        }
      }
      return repeated;
    }

    /**
     * {@link #dupComposed} for documents of over 2^21 4-grams (three ids no longer fit in 63 bits):
     * hashed, every match confirmed.
     */
    private static long dupHashed(TextScan s, int g, int count) {
      GramTable t = s.grams;
      s.hashGrams(g);
      long[] h = s.gramHash;
      int[] wid = s.wid;
      int[] prefix = s.prefix;
      t.reset(count);
      long repeated = 0;
      int p = 0;
      while (p < count) {
        int slot = t.slot(h[p], wid, p, g);
        if (t.count[slot] > 0) {
          repeated += prefix[p + g] - prefix[p];
          p += g;
        } else {
          t.count[slot] = 1;
          p++;
        }
      }
      return repeated;
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
      // The shared \n positions: every \n of [a, b) lies strictly inside it (the strip
      // removed the whitespace at both ends).
      s.tokenize();
      int[] nl = s.newline;
      int newlines = s.newlines;
      int l = 0;
      while (l < newlines && nl[l] < a) {
        l++;
      }
      seen.reset(16);
      int paragraphs = 0;
      int dupParas = 0;
      long dupParaChars = 0;
      int start = a;
      while (true) {
        // The next run of two or more \n ends this paragraph.
        int end = b;
        int next = -1;
        for (; l + 1 < newlines && nl[l + 1] < b; l++) {
          if (nl[l + 1] == nl[l] + 1) {
            end = nl[l];
            l++;
            while (l + 1 < newlines && nl[l + 1] == nl[l] + 1) {
              l++;
            }
            next = nl[l] + 1;
            l++;
            break;
          }
        }
        paragraphs++;
        int before = seen.size();
        if (seen.intern(c, SegmentTable.hash(c, start, end), start, end) < before) {
          dupParas++;
          dupParaChars += s.cpLen(start, end);
        }
        if (next < 0) {
          break;
        }
        start = next;
      }

      // Lines: the text split at \n+ (empty first and last elements kept).
      seen.reset(newlines + 1);
      int lines = 0;
      int dupLines = 0;
      long dupLineChars = 0;
      start = 0;
      l = 0;
      while (true) {
        int end = l < newlines ? nl[l] : n;
        lines++;
        int before = seen.size();
        if (seen.intern(c, SegmentTable.hash(c, start, end), start, end) < before) {
          dupLines++;
          dupLineChars += s.cpLen(start, end);
        }
        if (l >= newlines) {
          break;
        }
        while (l + 1 < newlines && nl[l + 1] == nl[l] + 1) {
          l++;
        }
        start = nl[l] + 1;
        l++;
      }
      out[0] = ratio(dupParas, paragraphs);
      out[1] = ratio(dupParaChars, textLen);
      out[2] = ratio(dupLines, lines);
      out[3] = ratio(dupLineChars, textLen);

      s.internWords();
      int[] prefix = s.prefix;
      int tokens = s.tokens;
      // Bits per dense word id: n-grams of up to 63 / bits words are keyed by their packed ids.
      int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(s.distinctWords - 1));
      GramTable t = s.grams;
      // Once every g-gram is unique, so is every longer n-gram: the top one is then the first,
      // seen once, and no longer n-gram repeats.
      boolean unique = false;
      int quads = 0; // 4-grams whose first positions s.quadFirst holds
      for (int k = 0; k < TOP.length; k++) {
        int g = TOP[k];
        int count = tokens - g + 1;
        if (count <= 0) {
          out[4 + k] = 0f;
          continue;
        }
        long best = 1; // count << 32 | (MAX - first): the larger wins, ties to the first seen
        int bestFirst = 0;
        if (!unique) {
          int[] record = null;
          if (g == 4) {
            record = s.quadFirst(count);
            quads = count;
          }
          best =
              g * bits <= 63
                  ? topPacked(s, g, bits, count, record)
                  : topHashed(s, g, count, record);
          bestFirst = Integer.MAX_VALUE - (int) best;
          best >>>= 32;
          unique = best == 1;
        }
        long chars = (long) (prefix[bestFirst + g] - prefix[bestFirst] + g - 1) * best;
        out[4 + k] = ratio(chars, textLen);
      }
      for (int k = 0; k < DUP.length; k++) {
        int g = DUP[k];
        int count = tokens - g + 1;
        if (count <= 0 || unique) {
          out[7 + k] = 0f;
          continue;
        }
        // Bits per 4-gram id (a position below quads).
        int quadBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(quads - 1));
        long repeated;
        if (quads > 0 && 3 * quadBits <= 63) {
          repeated = dupComposed(s, g, quadBits, count);
        } else {
          repeated = dupHashed(s, g, count);
        }
        // No repeat means the scan never jumped, so every g-gram was seen and all are unique.
        unique = repeated == 0;
        out[7 + k] = ratio(repeated, textLen);
      }
    }
  }
}
