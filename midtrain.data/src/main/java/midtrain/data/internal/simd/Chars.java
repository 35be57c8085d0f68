package midtrain.data.internal.simd;

/**
 * Byte classes of the janitor normalization: whitespace as Python's {@code str.isspace} (ASCII and
 * the multi-byte UTF-8 spaces), ASCII punctuation as Python's {@code string.punctuation}; and the
 * strict UTF-8 sequence check that the readers and the JSON string kernel share.
 */
public final class Chars {
  private Chars() {}

  /**
   * Returns whether an ASCII byte is whitespace: tab to carriage return, the four information
   * separators 0x1C to 0x1F, and space.
   *
   * @param b the byte value, 0 to 127
   * @return whether it is whitespace
   */
  public static boolean isAsciiSpace(int b) {
    return (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20);
  }

  /**
   * Returns whether a byte is one of the 32 characters of Python's {@code string.punctuation}.
   *
   * @param b the byte value
   * @return whether it is ASCII punctuation
   */
  public static boolean isAsciiPunct(int b) {
    return (b >= 0x21 && b <= 0x2F)
        || (b >= 0x3A && b <= 0x40)
        || (b >= 0x5B && b <= 0x60)
        || (b >= 0x7B && b <= 0x7E);
  }

  /**
   * Returns the length of the multi-byte UTF-8 whitespace character starting at {@code p}: U+0085,
   * U+00A0, U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
   *
   * @param a the bytes
   * @param p the position to test
   * @param end the end of the text (bytes from here on are not read)
   * @return 2 or 3 for a whitespace character, 0 otherwise
   */
  public static int spaceSequence(byte[] a, int p, int end) {
    int b0 = a[p] & 0xFF;
    if (b0 == 0xC2) {
      if (p + 1 < end) {
        int b1 = a[p + 1] & 0xFF;
        if (b1 == 0x85 || b1 == 0xA0) {
          return 2;
        }
      }
      return 0;
    }
    if (b0 < 0xE1 || b0 > 0xE3 || p + 2 >= end) {
      return 0;
    }
    int b1 = a[p + 1] & 0xFF;
    int b2 = a[p + 2] & 0xFF;
    boolean space =
        switch (b0) {
          case 0xE1 -> b1 == 0x9A && b2 == 0x80;
          case 0xE2 ->
              (b1 == 0x80 && (b2 <= 0x8A && b2 >= 0x80 || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF))
                  || (b1 == 0x81 && b2 == 0x9F);
          default -> b1 == 0x80 && b2 == 0x80;
        };
    return space ? 3 : 0;
  }

  /**
   * Returns whether a code point is whitespace as Python's {@code str.isspace}.
   *
   * @param cp the code point
   * @return whether it is whitespace
   */
  public static boolean isSpace(int cp) {
    if (cp < 0x80) {
      return isAsciiSpace(cp);
    }
    return cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
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
  public static int utf8SequenceLength(byte[] a, int i, int end) {
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
   * Returns the code point of a valid UTF-8 sequence ({@link #utf8SequenceLength}).
   *
   * @param a the bytes
   * @param i the sequence's first byte
   * @param n its length, 1 to 4
   * @return the code point
   */
  public static int decode(byte[] a, int i, int n) {
    return switch (n) {
      case 1 -> a[i];
      case 2 -> (a[i] & 0x1F) << 6 | (a[i + 1] & 0x3F);
      case 3 -> (a[i] & 0x0F) << 12 | (a[i + 1] & 0x3F) << 6 | (a[i + 2] & 0x3F);
      default ->
          (a[i] & 0x07) << 18
              | (a[i + 1] & 0x3F) << 12
              | (a[i + 2] & 0x3F) << 6
              | (a[i + 3] & 0x3F);
    };
  }

  /**
   * Returns the number of UTF-8 bytes of a character (not a surrogate).
   *
   * @param c the character
   * @return 1 to 4
   */
  public static int utf8Length(int c) {
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }

  /**
   * Writes the UTF-8 bytes of a character (not a surrogate) at {@code out[n]}.
   *
   * @param out the bytes
   * @param n where the character goes
   * @param c the character
   * @return the index after it
   */
  public static int encode(byte[] out, int n, int c) {
    if (c < 0x80) {
      out[n] = (byte) c;
      return n + 1;
    }
    if (c < 0x800) {
      out[n] = (byte) (0xC0 | c >>> 6);
      out[n + 1] = (byte) (0x80 | c & 0x3F);
      return n + 2;
    }
    if (c < 0x10000) {
      out[n] = (byte) (0xE0 | c >>> 12);
      out[n + 1] = (byte) (0x80 | c >>> 6 & 0x3F);
      out[n + 2] = (byte) (0x80 | c & 0x3F);
      return n + 3;
    }
    out[n] = (byte) (0xF0 | c >>> 18);
    out[n + 1] = (byte) (0x80 | c >>> 12 & 0x3F);
    out[n + 2] = (byte) (0x80 | c >>> 6 & 0x3F);
    out[n + 3] = (byte) (0x80 | c & 0x3F);
    return n + 4;
  }
}
