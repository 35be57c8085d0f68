package midtrain.data.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import midtrain.data.internal.simd.ByteScan;

/**
 * Splits a byte stream into lines without ever holding more than one line of at most {@code
 * maxLine} bytes: a longer line is skipped to its end and reported as too long, so a 10 GB line
 * costs no more memory than a short one.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped; the last line may lack its {@code
 * \n}. A UTF-8 byte order mark at the start of the stream is skipped.
 */
final class LineReader {
  /** What {@link #next()} found. */
  enum Kind {
    /** A line, in {@link #buffer()} from {@link #offset()} for {@link #length()} bytes. */
    LINE,
    /** A line over the limit, skipped; {@link #length()} is not meaningful. */
    TOO_LONG,
    /** The end of the stream. */
    END
  }

  private static final int CHUNK = 1 << 16;

  private final InputStream in;
  private final int maxLine;
  private byte[] buf;
  private int start;
  private int end;
  private boolean eof;
  private boolean first = true;
  private long line;
  private int lineOff;
  private int lineLen;
  private long skipped;
  private Kind pushedBack;

  LineReader(InputStream in, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
    this.buf = new byte[Math.min(Math.max(CHUNK, 16), Math.max(16, maxLine + 1))];
  }

  /** The 1-based number of the line last returned (or being read when a read failed). */
  long lineNumber() {
    return line;
  }

  byte[] buffer() {
    return buf;
  }

  int offset() {
    return lineOff;
  }

  int length() {
    return lineLen;
  }

  /**
   * Makes the next {@link #next()} return the line just read again (its bytes stay in place until
   * then), for a caller that had to look ahead.
   *
   * @param kind what the last {@link #next()} returned
   */
  void pushBack(Kind kind) {
    pushedBack = kind;
  }

  /** The bytes of the last too-long line that were skipped (at least {@code maxLine + 1}). */
  long skippedBytes() {
    return skipped;
  }

  /**
   * Reads the next line.
   *
   * @return what was found
   * @throws IOException from the stream; the line number stays on the line being read
   */
  Kind next() throws IOException {
    if (pushedBack != null) {
      Kind k = pushedBack;
      pushedBack = null;
      return k;
    }
    line++;
    int scanFrom = start;
    while (true) {
      int nl = ByteScan.indexOf(buf, scanFrom, end, (byte) '\n');
      if (nl >= 0) {
        return take(nl, nl + 1);
      }
      if (eof) {
        if (start == end) {
          line--;
          return Kind.END;
        }
        return take(end, end);
      }
      int have = end - start;
      if (have > maxLine) {
        return skipLongLine(have);
      }
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, have);
        start = 0;
        end = have;
      }
      scanFrom = end;
      if (end == buf.length) {
        try {
          buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, (long) maxLine + 1));
        } catch (OutOfMemoryError e) {
          // The heap cannot hold this line: treat it as too long rather than dying.
          return skipLongLine(have);
        }
      }
      fill();
    }
  }

  private Kind take(int lineEnd, int next) {
    int e = lineEnd;
    if (e > start && buf[e - 1] == '\r') {
      e--;
    }
    lineOff = start;
    lineLen = e - start;
    start = next;
    if (first) {
      first = false;
      if (lineLen >= 3
          && buf[lineOff] == (byte) 0xEF
          && buf[lineOff + 1] == (byte) 0xBB
          && buf[lineOff + 2] == (byte) 0xBF) {
        lineOff += 3;
        lineLen -= 3;
      }
    }
    if (lineLen > maxLine) {
      skipped = lineLen;
      return Kind.TOO_LONG;
    }
    return Kind.LINE;
  }

  private Kind skipLongLine(int have) throws IOException {
    first = false;
    skipped = have;
    start = 0;
    end = 0;
    if (buf.length > 1 << 20) {
      // Give the grown buffer back: the rest of the line is only counted, never held.
      buf = new byte[1 << 16];
    }
    while (true) {
      fill();
      int nl = ByteScan.indexOf(buf, start, end, (byte) '\n');
      if (nl >= 0) {
        skipped += nl - start;
        start = nl + 1;
        return Kind.TOO_LONG;
      }
      skipped += end - start;
      start = 0;
      end = 0;
      if (eof) {
        return Kind.TOO_LONG;
      }
    }
  }

  private void fill() throws IOException {
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
  }
}
