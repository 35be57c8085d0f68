package midtrain.data.internal.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import midtrain.data.internal.simd.Chars;

/**
 * Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) and
 * a byte search, both reading eight bytes at a time where the bytes are plain ASCII.
 */
public final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH = 0x8080808080808080L;

  private Utf8() {}

  /**
   * Returns the index of the first unpaired UTF-16 surrogate of a string (only JSON escapes make
   * one in text read from UTF-8), which has no UTF-8 encoding.
   *
   * @param s the string
   * @return the char index, or -1 when every surrogate is paired
   */
  public static int unpairedSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

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
      int n = Chars.utf8SequenceLength(a, i, end);
      if (n < 0) {
        return i;
      }
      i += n;
    }
    return -1;
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
}
