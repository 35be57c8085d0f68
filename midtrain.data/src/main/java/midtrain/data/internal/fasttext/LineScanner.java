package midtrain.data.internal.fasttext;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import midtrain.data.internal.simd.ByteScan;

/**
 * Splits a byte stream into lines without decoding it: each line keeps its newline, the last one
 * may lack it. Lines are views into a shared buffer, valid until the next call.
 */
public final class LineScanner {
  private final InputStream in;
  private byte[] buf = new byte[1 << 20];
  private int pos;
  private int limit;
  private boolean eof;

  /** The bytes of the current line. */
  public byte[] bytes;

  /** Where the current line starts in {@link #bytes}. */
  public int start;

  /** Where the current line ends (after its newline, if any). */
  public int end;

  /**
   * Wraps a stream; the caller closes it.
   *
   * @param in the input
   */
  public LineScanner(InputStream in) {
    this.in = in;
  }

  /**
   * Moves to the next line.
   *
   * @return false at the end of the input
   * @throws IOException when reading fails
   */
  public boolean next() throws IOException {
    int scanFrom = pos;
    while (true) {
      int i = ByteScan.indexOf(buf, scanFrom, limit, (byte) '\n');
      if (i >= 0) {
        bytes = buf;
        start = pos;
        end = i + 1;
        pos = end;
        return true;
      }
      scanFrom = limit;
      if (eof) {
        if (pos < limit) {
          bytes = buf;
          start = pos;
          end = limit;
          pos = limit;
          return true;
        }
        return false;
      }
      // Refill: keep the partial line at the front, growing the buffer for long lines.
      int keep = limit - pos;
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, keep);
        scanFrom -= pos;
        pos = 0;
        limit = keep;
      } else if (limit == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    }
  }
}
