package midtrain.data.internal.simd;

/**
 * The hash of a normalized word: its UTF-8 bytes read as little-endian 8-byte chunks (the last one
 * zero-padded), folded into a 64-bit state seeded with the length. Zero is never returned, so
 * callers may use it as "no word".
 */
public final class WordHash {
  static final long SEED = 0x9E3779B97F4A7C15L;
  static final long K1 = 0xC2B2AE3D27D4EB4FL;
  static final long K2 = 0x165667B19E3779F9L;

  private WordHash() {}

  static long start(int length) {
    return SEED + length;
  }

  static long step(long h, long chunk) {
    return Long.rotateLeft(h + chunk * K1, 27) * K2;
  }

  static long finish(long h) {
    return h == 0 ? 1 : h;
  }

  /**
   * Hashes normalized word bytes (the scalar definition every kernel must match).
   *
   * @param b the bytes
   * @param off first byte
   * @param len number of bytes, at least 1
   * @return the hash, never 0
   */
  public static long of(byte[] b, int off, int len) {
    long h = start(len);
    int p = off;
    int end = off + len;
    while (p < end) {
      long c = 0;
      int k = Math.min(8, end - p);
      for (int i = 0; i < k; i++) {
        c |= (b[p + i] & 0xFFL) << (8 * i);
      }
      h = step(h, c);
      p += 8;
    }
    return finish(h);
  }

  /**
   * Hashes a run of UTF-16 chars: four chars per 64-bit chunk (the last one zero-padded), folded
   * like {@link #of}. Used by the rule raters, which work on the decoded text; it is not equal to
   * {@link #of} on the UTF-8 bytes of the same word.
   *
   * @param c the chars
   * @param off first char
   * @param len number of chars, may be 0
   * @return the hash, never 0
   */
  public static long ofChars(char[] c, int off, int len) {
    long h = start(len);
    int p = off;
    int end = off + len;
    for (; p + 4 <= end; p += 4) {
      h = step(h, c[p] | (long) c[p + 1] << 16 | (long) c[p + 2] << 32 | (long) c[p + 3] << 48);
    }
    if (p < end) {
      long k = 0;
      for (int i = 0; p + i < end; i++) {
        k |= (long) c[p + i] << (16 * i);
      }
      h = step(h, k);
    }
    return finish(h);
  }
}
