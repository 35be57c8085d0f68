package midtrain.data.internal.rate;

import java.util.Arrays;
import midtrain.data.internal.simd.Chars;
import midtrain.data.internal.simd.NgramHasher;
import midtrain.data.internal.simd.WordHash;

/**
 * One document's chars and whitespace tokens, reused from document to document on each thread so
 * that rating allocates nothing per word.
 *
 * <p>Definitions shared by every rule rater and by {@code rules_baseline.py}: a <em>token</em> is a
 * maximal run of non-whitespace chars, whitespace being Python's {@code str.isspace} (so the tokens
 * are Python's {@code text.split()}); a <em>length</em> counts code points (Python's {@code len}),
 * so a surrogate pair counts once.
 */
final class TextScan {
  private static final ThreadLocal<TextScan> LOCAL = ThreadLocal.withInitial(TextScan::new);
  private static final boolean[] ASCII_SPACE = new boolean[128];

  static {
    for (int b = 0; b < 128; b++) {
      ASCII_SPACE[b] = Chars.isAsciiSpace(b);
    }
  }

  /** The text's chars in {@code [0, len)}. */
  char[] c = new char[1 << 12];

  /** Number of chars. */
  int len;

  /** Number of low surrogates: code points = {@code len - lowSurrogates}. */
  int lowSurrogates;

  /** {@code lowBefore[i]}: low surrogates in {@code [0, i)}, built on demand when there are any. */
  private int[] lowBefore = new int[0];

  private boolean lowBeforeValid;

  /** Token count, valid after {@link #tokenize()}. */
  int tokens;

  /** Each token's first char. */
  int[] tokStart = new int[1 << 10];

  /** Just past each token's last char. */
  int[] tokEnd = new int[1 << 10];

  /** Number of {@code \n}, valid after {@link #tokenize()}. */
  int newlines;

  /** Each {@code \n}'s position. */
  int[] newline = new int[1 << 8];

  /** Whether the text holds a {@code str.splitlines} break other than {@code \n}. */
  boolean otherBreaks;

  /** First char of each line of {@link #splitLines()}. */
  int[] lineStart = new int[1 << 8];

  /** Just past each line of {@link #splitLines()}. */
  int[] lineEnd = new int[1 << 8];

  /** Scratch for a line rewritten by the C4 rater (citations removed). */
  char[] line = new char[256];

  /** Exact interning of lines, paragraphs and words. */
  final SegmentTable segments = new SegmentTable();

  /** N-gram counting. */
  final GramTable grams = new GramTable();

  /** Per-token dense word ids, valid after {@link #internWords()}. */
  int[] wid = new int[1 << 10];

  /** Number of distinct words, valid after {@link #internWords()}. */
  int distinctWords;

  /** Mixed word ids, the input of {@link #hashGrams}. */
  private long[] ids = new long[1 << 10];

  private boolean idsValid;

  /** Prefix sums of token lengths: {@code prefix[i]} is the length of tokens {@code [0, i)}. */
  int[] prefix = new int[1 << 10];

  /** Each 4-gram's first position, see {@link #quadFirst(int)}. */
  private int[] quadFirst = new int[1 << 10];

  /** N-gram hashes. */
  long[] gramHash = new long[1 << 10];

  private final NgramHasher[] hashers = new NgramHasher[11];

  /** The batch this text was loaded from (its tokens are shared). */
  private BatchText batch;

  private int row;

  private TextScan() {}

  /**
   * Loads one row of a batch into this thread's scan; its tokens come from the batch's shared
   * tokenization.
   *
   * @param b the batch's texts
   * @param row the row
   * @return the scan, valid until the next call on this thread
   */
  static TextScan load(BatchText b, int row) {
    TextScan s = LOCAL.get();
    int from = b.charStart[row];
    int n = b.charStart[row + 1] - from;
    if (s.c.length < n) {
      s.c = new char[Math.max(n, s.c.length * 2)];
    }
    System.arraycopy(b.chars, from, s.c, 0, n);
    s.len = n;
    s.lowSurrogates = b.lowSurrogates[row];
    s.lowBeforeValid = false;
    s.tokens = -1;
    s.batch = b;
    s.row = row;
    return s;
  }

  /**
   * Loads a text into this thread's scan (through a one-row {@link BatchText}, so that a single
   * text is scanned exactly as a batch row).
   *
   * @param text the document
   * @return the scan, valid until the next call on this thread
   */
  static TextScan load(String text) {
    return load(BatchText.single(text), 0);
  }

  /**
   * Returns whether a char is whitespace as Python's {@code str.isspace} (no whitespace is outside
   * the BMP).
   */
  static boolean isSpace(char ch) {
    if (ch > ' ' && ch < 0x7F) {
      return false; // the common case first
    }
    return ch < 128 ? ASCII_SPACE[ch] : Chars.isSpace(ch);
  }

  /**
   * Returns whether a char ends a line for Python's {@code str.splitlines}: {@code \n}, {@code \r},
   * VT, FF, the file/group/record separators, NEL, LINE and PARAGRAPH SEPARATOR.
   */
  static boolean isLineBreak(char ch) {
    if (ch < 128) {
      return (ch >= 0x0A && ch <= 0x0D) || (ch >= 0x1C && ch <= 0x1E);
    }
    return ch == 0x85 || ch == 0x2028 || ch == 0x2029;
  }

  /** Returns the code point length of {@code [from, to)}. */
  int cpLen(int from, int to) {
    if (lowSurrogates == 0) {
      return to - from;
    }
    if (!lowBeforeValid) {
      if (lowBefore.length < len + 1) {
        lowBefore = new int[Math.max(len + 1, lowBefore.length * 2)];
      }
      int k = 0;
      for (int i = 0; i < len; i++) {
        lowBefore[i] = k;
        if ((c[i] & 0xFC00) == 0xDC00) {
          k++;
        }
      }
      lowBefore[len] = k;
      lowBeforeValid = true;
    }
    return to - from - (lowBefore[to] - lowBefore[from]);
  }

  /** Returns the text's code point length. */
  int cpLen() {
    return len - lowSurrogates;
  }

  /**
   * Splits the text into tokens (Python's {@code text.split()}) and finds its {@code \n}, from the
   * batch's shared scan; idempotent per load.
   */
  void tokenize() {
    if (tokens >= 0) {
      return;
    }
    batch.tokenize();
    int first = batch.rowToken[row];
    int count = batch.rowToken[row + 1] - first;
    if (tokStart.length < count) {
      tokStart = new int[Math.max(count, tokStart.length * 2)];
      tokEnd = new int[tokStart.length];
    }
    // Positions are stored relative to the row: plain copies.
    System.arraycopy(batch.tokStart, first, tokStart, 0, count);
    System.arraycopy(batch.tokEnd, first, tokEnd, 0, count);
    first = batch.rowNewline[row];
    int nls = batch.rowNewline[row + 1] - first;
    if (newline.length < nls) {
      newline = new int[Math.max(nls, newline.length * 2)];
    }
    System.arraycopy(batch.newline, first, newline, 0, nls);
    newlines = nls;
    otherBreaks = batch.otherBreaks[row];
    tokens = count;
  }

  /**
   * Gives every token a dense word id in {@link #wid} (equal for equal tokens, different for
   * different ones: a hash match is confirmed by comparing the chars), sets {@link #distinctWords}
   * and fills {@link #prefix} with the token lengths.
   */
  void internWords() {
    tokenize();
    int n = tokens;
    if (wid.length < n) {
      wid = new int[Math.max(n, wid.length * 2)];
    }
    if (prefix.length < n + 1) {
      prefix = new int[Math.max(n + 1, prefix.length * 2)];
    }
    SegmentTable t = segments;
    t.reset(n);
    char[] c = this.c;
    int[] tokStart = this.tokStart;
    int[] tokEnd = this.tokEnd;
    int[] wid = this.wid;
    int[] prefix = this.prefix;
    int sum = 0;
    prefix[0] = 0;
    boolean bmp = lowSurrogates == 0;
    for (int k = 0; k < n; k++) {
      int s = tokStart[k];
      int e = tokEnd[k];
      wid[k] = t.intern(c, WordHash.ofChars(c, s, e - s), s, e);
      sum += bmp ? e - s : cpLen(s, e);
      prefix[k + 1] = sum;
    }
    distinctWords = t.size();
    idsValid = false;
  }

  /**
   * Hashes the n-grams of the interned words into {@link #gramHash}.
   *
   * @param n words per n-gram, 1 to 10
   * @return the number of n-grams
   */
  int hashGrams(int n) {
    if (!idsValid) {
      if (ids.length < tokens) {
        ids = new long[Math.max(tokens, ids.length * 2)];
      }
      for (int k = 0; k < tokens; k++) {
        // A bijective mix of the dense id: distinct words get distinct, well-spread values.
        ids[k] = NgramHasher.mix(wid[k] + 0x632BE59BD9B4E019L);
      }
      idsValid = true;
    }
    NgramHasher h = hashers[n];
    if (h == null) {
      // The scalar rolling kernel: documents hold a few hundred n-grams, too few for the vector
      // kernel's setup to pay off.
      h = NgramHasher.create(n, 0);
      hashers[n] = h;
    }
    if (gramHash.length < tokens) {
      gramHash = new long[Math.max(tokens, gramHash.length * 2)];
    }
    return h.hash(ids, tokens, gramHash);
  }

  /**
   * Splits the text into lines as Python's {@code str.splitlines} (no final empty line; {@code
   * \r\n} is one break), into {@link #lineStart} and {@link #lineEnd} (breaks excluded).
   *
   * @return the number of lines
   */
  int splitLines() {
    tokenize();
    int n = len;
    int most = newlines + 1;
    if (lineStart.length < most) {
      lineStart = new int[Math.max(most, lineStart.length * 2)];
      lineEnd = new int[lineStart.length];
    }
    int[] ls = lineStart;
    int[] le = lineEnd;
    if (!otherBreaks) {
      // Only \n breaks lines: the shared \n positions give the lines at once.
      int[] nl = newline;
      int start = 0;
      for (int k = 0; k < newlines; k++) {
        ls[k] = start;
        le[k] = nl[k];
        start = nl[k] + 1;
      }
      int lines = newlines;
      if (start < n) {
        ls[lines] = start;
        le[lines] = n;
        lines++;
      }
      return lines;
    }
    char[] c = this.c;
    int lines = 0;
    int i = 0;
    while (i < n) {
      int start = i;
      while (i < n && !isLineBreak(c[i])) {
        i++;
      }
      if (lines == ls.length) {
        ls = lineStart = Arrays.copyOf(ls, lines * 2);
        le = lineEnd = Arrays.copyOf(le, lines * 2);
      }
      ls[lines] = start;
      le[lines] = i;
      lines++;
      if (i < n) {
        i += (c[i] == '\r' && i + 1 < n && c[i + 1] == '\n') ? 2 : 1;
      }
    }
    return lines;
  }

  /**
   * Returns room for the first position of each of {@code count} 4-grams (gopher-repetition's exact
   * 4-gram ids).
   */
  int[] quadFirst(int count) {
    if (quadFirst.length < count) {
      quadFirst = new int[Math.max(count, quadFirst.length * 2)];
    }
    return quadFirst;
  }

  /** The 4-gram first positions written into {@link #quadFirst(int)}. */
  int[] quadFirst() {
    return quadFirst;
  }

  /** Makes {@link #line} at least {@code n} long. */
  char[] lineBuffer(int n) {
    if (line.length < n) {
      line = new char[Math.max(n, line.length * 2)];
    }
    return line;
  }
}
