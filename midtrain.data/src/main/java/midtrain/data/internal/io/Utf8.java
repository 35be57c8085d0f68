package midtrain.data.internal.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) and
 * a byte search, both reading eight bytes at a time where the bytes are plain ASCII.
 */
public final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH = 0x8080808080808080L;
  private static final long ONES = 0x0101010101010101L;

  private Utf8() {}

  /**
   * Returns the offset of the first byte that is not valid UTF-8, or -1 when all are valid.
   *
   * @param a the bytes
   * @param off the first byte
   * @param len how many bytes
   * @return the offset of the first bad byte (a sequence cut by the end counts as bad), or -1
   */
  public static int invalidAt(byte[] a, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      // ASCII runs dominate real text: skip them a word at a time.
      while (i + 8 <= end && ((long) LONGS.get(a, i) & HIGH) == 0) {
        i += 8;
      }
      if (i >= end) {
        break;
      }
      int b = a[i];
      if (b >= 0) {
        i++;
        continue;
      }
      int n = sequenceLength(a, i, end);
      if (n < 0) {
        return i;
      }
      i += n;
    }
    return -1;
  }

  /**
   * Returns the length of the strictly valid UTF-8 sequence that starts at a byte above 0x7F.
   *
   * @param a the bytes
   * @param i the sequence's first byte (above 0x7F)
   * @param end one past the last byte that may be read
   * @return 2, 3 or 4, or -1 when no valid sequence starts there (a stray continuation byte, an
   *     overlong form, a surrogate, a code point above U+10FFFF, or a sequence cut by {@code end})
   */
  public static int sequenceLength(byte[] a, int i, int end) {
    int b = a[i] & 0xFF;
    int n;
    int lo = 0x80;
    int hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      if (b == 0xE0) {
        lo = 0xA0; // overlong below U+0800
      } else if (b == 0xED) {
        hi = 0x9F; // surrogates U+D800..U+DFFF
      }
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      if (b == 0xF0) {
        lo = 0x90; // overlong below U+10000
      } else if (b == 0xF4) {
        hi = 0x8F; // above U+10FFFF
      }
    } else {
      return -1; // continuation byte without a lead, C0/C1 overlong leads, F5..FF
    }
    if (i + n > end) {
      return -1; // cut by the end
    }
    int c1 = a[i + 1] & 0xFF;
    if (c1 < lo || c1 > hi) {
      return -1;
    }
    for (int k = 2; k < n; k++) {
      int c = a[i + k] & 0xFF;
      if (c < 0x80 || c > 0xBF) {
        return -1;
      }
    }
    return n;
  }

  /**
   * Tells whether valid UTF-8 text is blank as {@link String#isBlank} says, without decoding it
   * when it starts (after ASCII whitespace) with an ASCII byte, as nearly all text does.
   *
   * @param a the bytes
   * @param off the first byte
   * @param len how many bytes
   * @return whether the text is empty or whitespace only
   */
  public static boolean isBlank(byte[] a, int off, int len) {
    int end = off + len;
    int i = off;
    // The ASCII whitespace of Character.isWhitespace: 0x09 to 0x0D and 0x1C to 0x20.
    while (i < end && ((a[i] >= 0x09 && a[i] <= 0x0D) || (a[i] >= 0x1C && a[i] <= 0x20))) {
      i++;
    }
    if (i == end) {
      return true;
    }
    return a[i] < 0 && new String(a, i, end - i, StandardCharsets.UTF_8).isBlank();
  }

  /**
   * Tells whether all bytes are ASCII.
   *
   * @param a the bytes
   * @param off the first byte
   * @param len how many bytes
   * @return true when no byte has its high bit set
   */
  public static boolean isAscii(byte[] a, int off, int len) {
    int i = off;
    int end = off + len;
    long acc = 0;
    for (; i + 8 <= end; i += 8) {
      acc |= (long) LONGS.get(a, i);
    }
    for (; i < end; i++) {
      acc |= a[i];
    }
    return (acc & HIGH) == 0;
  }

  /**
   * Returns the index of the first occurrence of a byte in a range, or -1.
   *
   * @param a the bytes
   * @param from the first index searched
   * @param to one past the last index searched
   * @param b the byte
   * @return the index, or -1
   */
  public static int indexOf(byte[] a, int from, int to, byte b) {
    long pattern = ONES * (b & 0xFF);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(a, i) ^ pattern;
      // Classic zero-byte test; exact for the lowest zero byte, which is the one we want.
      long t = (x - ONES) & ~x & HIGH;
      if (t != 0) {
        return i + (Long.numberOfTrailingZeros(t) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
