package midtrain.data.internal.rate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import midtrain.data.DocumentBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The decoded texts (and, on demand, the whitespace tokens) of the last batch rated on this thread,
 * shared by every rule rater that rates the same batch after it.
 *
 * <p>The pipeline runs each rater over a whole batch before the next rater, so four rule raters
 * would otherwise decode and tokenize every document four times. The cache is per thread (a rater
 * instance is called from several threads on different batches) and is keyed by content, not by
 * identity: each call copies the batch's text bytes (a memcpy, about 1% of the rating time) and
 * compares them with the cached ones, so a root refilled in place or a new root at a recycled
 * address can never be served stale text. A null text is the empty string, as for {@code
 * TextRater}.
 */
final class BatchText {
  private static final ThreadLocal<BatchText> LOCAL = ThreadLocal.withInitial(BatchText::new);

  /** A one-row instance per thread for a single text, so that it never evicts the batch. */
  private static final ThreadLocal<BatchText> SINGLE = ThreadLocal.withInitial(BatchText::new);

  /** Number of rows, -1 before the first batch. */
  int rows = -1;

  /** {@code bytes[byteStart[r], byteStart[r + 1])} is row {@code r}'s UTF-8 text. */
  private int[] byteStart = new int[1];

  private byte[] bytes = new byte[0];

  /** The next batch's key is read here, then swapped with the cached one when it differs. */
  private int[] nextByteStart = new int[1];

  private byte[] nextBytes = new byte[0];

  /** All rows' chars: row {@code r} is {@code chars[charStart[r], charStart[r + 1])}. */
  char[] chars = new char[0];

  int[] charStart = new int[1];

  /** Low surrogates per row: the row's code point length is its char length minus this. */
  int[] lowSurrogates = new int[0];

  /** Whether {@link #tokStart}, {@link #tokEnd} and {@link #rowToken} hold this batch's tokens. */
  private boolean tokenized;

  /** Tokens of row {@code r}: indices {@code [rowToken[r], rowToken[r + 1])}. */
  int[] rowToken = new int[1];

  /** {@code \n} of row {@code r}: indices {@code [rowNewline[r], rowNewline[r + 1])}. */
  int[] rowNewline = new int[1];

  /** Each {@code \n}'s position in its row (so that a row's positions copy as they are). */
  int[] newline = new int[0];

  /**
   * Whether a row holds a line break of {@code str.splitlines} other than {@code \n} (so that its
   * {@code splitlines} lines are not its {@code \n}-separated lines).
   */
  boolean[] otherBreaks = new boolean[0];

  /** Each token's first char, relative to its row's first char. */
  int[] tokStart = new int[0];

  /** Just past each token's last char, relative to its row's first char. */
  int[] tokEnd = new int[0];

  private BatchText() {}

  /**
   * Returns this thread's decoded copy of a batch's texts, decoding only when the content differs
   * from the batch seen last on this thread.
   *
   * @param batch a document batch
   * @return the texts, valid until the next call on this thread
   */
  static BatchText of(VectorSchemaRoot batch) {
    BatchText t = LOCAL.get();
    t.load(DocumentBatch.utf8(batch, DocumentBatch.TEXT), batch.getRowCount());
    return t;
  }

  /**
   * Returns this thread's one-row instance holding a single text.
   *
   * @param text the text
   * @return the instance, valid until the next call on this thread
   */
  static BatchText single(String text) {
    BatchText t = SINGLE.get();
    int m = text.length();
    t.rows = 1;
    if (t.chars.length < m) {
      t.chars = new char[Math.max(m, 2 * t.chars.length)];
    }
    if (t.lowSurrogates.length < 1) {
      t.lowSurrogates = new int[1];
      t.charStart = new int[2];
    }
    text.getChars(0, m, t.chars, 0);
    t.charStart[0] = 0;
    t.charStart[1] = m;
    t.lowSurrogates[0] = lowSurrogates(t.chars, 0, m);
    t.tokenized = false;
    return t;
  }

  private static int lowSurrogates(char[] c, int from, int to) {
    int low = 0;
    for (int i = from; i < to; i++) {
      if ((c[i] & 0xFC00) == 0xDC00) {
        low++;
      }
    }
    return low;
  }

  private void load(VarCharVector text, int n) {
    if (nextByteStart.length < n + 1) {
      nextByteStart = new int[Math.max(n + 1, nextByteStart.length * 2)];
    }
    int[] starts = nextByteStart;
    long total = 0;
    for (int r = 0; r < n; r++) {
      if (!text.isNull(r)) {
        total += text.getEndOffset(r) - text.getStartOffset(r);
      }
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("a batch holds more than 2 GB of text: " + total + " bytes");
    }
    if (nextBytes.length < total) {
      nextBytes =
          new byte[(int) Math.max(total, Math.min(Integer.MAX_VALUE - 16, 2L * nextBytes.length))];
    }
    ArrowBuf data = text.getDataBuffer();
    int o = 0;
    for (int r = 0; r < n; r++) {
      starts[r] = o;
      if (!text.isNull(r)) {
        int s = text.getStartOffset(r);
        int len = text.getEndOffset(r) - s;
        data.getBytes(s, nextBytes, o, len);
        o += len;
      }
    }
    starts[n] = o;
    if (n == rows
        && Arrays.equals(starts, 0, n + 1, byteStart, 0, n + 1)
        && Arrays.equals(nextBytes, 0, o, bytes, 0, o)) {
      return; // the batch seen last: keep its chars and tokens
    }
    int[] si = byteStart;
    byteStart = nextByteStart;
    nextByteStart = si;
    byte[] sb = bytes;
    bytes = nextBytes;
    nextBytes = sb;
    rows = n;
    tokenized = false;
    decode();
  }

  private void decode() {
    int n = rows;
    if (charStart.length < n + 1) {
      charStart = new int[Math.max(n + 1, charStart.length * 2)];
      lowSurrogates = new int[charStart.length];
    }
    // UTF-8 never takes fewer bytes than UTF-16 chars, so the byte count bounds the chars.
    int total = byteStart[n];
    if (chars.length < total) {
      chars = new char[Math.max(total, (int) Math.min(Integer.MAX_VALUE - 16, 2L * chars.length))];
    }
    int o = 0;
    for (int r = 0; r < n; r++) {
      charStart[r] = o;
      int s = byteStart[r];
      int len = byteStart[r + 1] - s;
      // The JDK's decoder (and its replacement of malformed input), exactly as TextRater's.
      String str = new String(bytes, s, len, StandardCharsets.UTF_8);
      int m = str.length();
      str.getChars(0, m, chars, o);
      // Only non-ASCII text (fewer chars than bytes) can hold surrogates.
      lowSurrogates[r] = m == len ? 0 : lowSurrogates(chars, o, o + m);
      o += m;
    }
    charStart[n] = o;
  }

  /**
   * Splits every row into tokens (Python's {@code text.split()}) and finds its {@code \n}, once per
   * batch.
   */
  void tokenize() {
    if (tokenized) {
      return;
    }
    int n = rows;
    if (rowToken.length < n + 1) {
      rowToken = new int[Math.max(n + 1, rowToken.length * 2)];
      rowNewline = new int[rowToken.length];
      otherBreaks = new boolean[rowToken.length];
    }
    if (tokStart.length < 1024) {
      tokStart = new int[1024];
      tokEnd = new int[1024];
      newline = new int[1024];
    }
    char[] c = chars;
    int[] tokStart = this.tokStart;
    int[] tokEnd = this.tokEnd;
    int[] newline = this.newline;
    int count = 0;
    int lines = 0;
    for (int r = 0; r < n; r++) {
      rowToken[r] = count;
      rowNewline[r] = lines;
      boolean other = false;
      int base = charStart[r];
      int i = base;
      int end = charStart[r + 1];
      while (i < end) {
        // Line breaks are whitespace, so only the whitespace runs are searched for them.
        char ch = 0;
        while (i < end && TextScan.isSpace(ch = c[i])) {
          if (ch == '\n') {
            if (lines == newline.length) {
              newline = this.newline = Arrays.copyOf(newline, lines * 2);
            }
            newline[lines++] = i - base;
          } else if (TextScan.isLineBreak(ch)) {
            other = true;
          }
          i++;
        }
        if (i == end) {
          break;
        }
        int start = i;
        while (i < end && !TextScan.isSpace(c[i])) {
          i++;
        }
        if (count == tokStart.length) {
          tokStart = this.tokStart = Arrays.copyOf(tokStart, count * 2);
          tokEnd = this.tokEnd = Arrays.copyOf(tokEnd, count * 2);
        }
        tokStart[count] = start - base;
        tokEnd[count] = i - base;
        count++;
      }
      otherBreaks[r] = other;
    }
    rowToken[n] = count;
    rowNewline[n] = lines;
    tokenized = true;
  }
}
