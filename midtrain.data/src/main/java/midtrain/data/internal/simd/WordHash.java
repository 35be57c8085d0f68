package midtrain.data.internal.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The hash of a normalized word: its UTF-8 bytes read as little-endian 16-byte blocks (the last one
 * zero-padded), each block's two 8-byte halves multiplied into 128 bits and folded, the blocks
 * chained, the length mixed in last. Zero is never returned, so callers may use it as "no word".
 *
 * <p>Why this shape: most words fit one block, which then costs one full multiply with no chain of
 * dependent multiplies, about half the time of a step per 8 bytes in the scan's word loop. Both
 * operands of a product are kept non-zero, since a zero one would erase the other half: each salt's
 * low byte is 0xFF, which neither a UTF-8 byte nor the zero padding ever is. The product is not
 * linear in the bytes, so words that differ in two places do not cancel out (see {@code
 * WordHashTest}): exact deduplication keys documents by their word hashes.
 */
public final class WordHash {
  static final long S1 = 0xA0761D6478BD64FFL;
  static final long S2 = 0xE7037ED1A0B428FFL;
  static final long K = 0x9E3779B97F4A7C15L;

  // The step of ofChars (the rule raters' hash, a definition of its own).
  private static final long SEED = 0x9E3779B97F4A7C15L;
  private static final long K1 = 0xC2B2AE3D27D4EB4FL;
  private static final long K2 = 0x165667B19E3779F9L;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // The masks of a word's first and second 8 bytes by its length, 1 to 16: the vector tokenizer's
  // short words and the Unicode tokenizer's ASCII test read a word as one block with them. They
  // are here, not in VectorTokenizer, since the Unicode tokenizer runs without the Vector API.
  static final long[] LOW_HALF = new long[17];
  static final long[] HIGH_HALF = new long[17];

  static {
    for (int n = 1; n <= 16; n++) {
      LOW_HALF[n] = n >= 8 ? -1L : (1L << (8 * n)) - 1;
      HIGH_HALF[n] = n <= 8 ? 0 : n == 16 ? -1L : (1L << (8 * (n - 8))) - 1;
    }
  }

  private WordHash() {}

  /** The value of one 16-byte block, given as its two little-endian halves. */
  static long block(long lo, long hi) {
    long a = lo ^ S1;
    long b = hi ^ S2;
    return (a * b) ^ Math.multiplyHigh(a, b);
  }

  /** The hash of the blocks so far, {@code h}, followed by a block of value {@code block}. */
  static long chain(long h, long block) {
    return block ^ (Long.rotateLeft(h, 29) * K);
  }

  /** The hash of a word of {@code length} bytes whose blocks gave {@code h}. */
  static long finish(long h, int length) {
    long x = h ^ length;
    return x == 0 ? 1 : x;
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
    long h = 0;
    int end = off + len;
    for (int p = off; p < end; p += 16) {
      long x = block(chunk(b, p, end), chunk(b, p + 8, end));
      h = p == off ? x : chain(h, x);
    }
    return finish(h, len);
  }

  /**
   * {@link #of} of the bytes {@code b[0, len)} where {@code b} is zero from {@code len} to the end
   * of its last 16-byte block, read 8 bytes at a time.
   *
   * @param b the bytes, zero-padded
   * @param len number of bytes, at least 1
   * @return the hash, never 0
   */
  static long ofPadded(byte[] b, int len) {
    long h = block((long) LONG_LE.get(b, 0), (long) LONG_LE.get(b, 8));
    for (int p = 16; p < len; p += 16) {
      h = chain(h, block((long) LONG_LE.get(b, p), (long) LONG_LE.get(b, p + 8)));
    }
    return finish(h, len);
  }

  /** The bytes {@code [p, p + 8)} as a little-endian long, zero at and past {@code end}. */
  private static long chunk(byte[] b, int p, int end) {
    long c = 0;
    for (int i = 0; i < 8 && p + i < end; i++) {
      c |= (b[p + i] & 0xFFL) << (8 * i);
    }
    return c;
  }

  /**
   * Hashes a run of UTF-16 chars: four chars per 64-bit chunk (the last one zero-padded), folded
   * into a state seeded with the length by a multiply, a rotation and a multiply per chunk. Used by
   * the rule raters, which work on the decoded text; it is not equal to {@link #of} on the UTF-8
   * bytes of the same word.
   *
   * @param c the chars
   * @param off first char
   * @param len number of chars, may be 0
   * @return the hash, never 0
   */
  public static long ofChars(char[] c, int off, int len) {
    long h = SEED + len;
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
    return h == 0 ? 1 : h;
  }

  private static long step(long h, long chunk) {
    return Long.rotateLeft(h + chunk * K1, 27) * K2;
  }
}
