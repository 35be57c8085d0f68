package midtrain.data.internal.rate;

import java.util.Arrays;
import midtrain.data.internal.simd.WordHash;

/**
 * Interns char ranges of one text exactly: open addressing on a 64-bit hash, every hash match
 * confirmed by comparing the chars, so two ranges share an id only when they are equal.
 */
final class SegmentTable {
  private long[] keys = new long[64];
  private int[] start = new int[64];
  private int[] end = new int[64];
  private int[] id = new int[64];
  private int mask = 63;
  private int size;

  /** Ranges up to this long are hashed whole; longer ones by their ends and length. */
  static final int WHOLE = 64;

  /**
   * Hashes a line or paragraph in constant time: a range of at most {@link #WHOLE} chars whole, a
   * longer one by its first and last 32 chars and its length. Equal ranges get equal hashes, which
   * is all {@link #intern} needs (it confirms every match by comparing the chars): ranges that
   * differ only in the middle share a probe chain and cost a comparison each, never a wrong id.
   *
   * @param c the text
   * @param s first char
   * @param e just past the last char
   * @return the hash, never 0
   */
  static long hash(char[] c, int s, int e) {
    int n = e - s;
    if (n <= WHOLE) {
      return WordHash.ofChars(c, s, n);
    }
    long h = WordHash.ofChars(c, s, 32) * 0x9E3779B97F4A7C15L + WordHash.ofChars(c, e - 32, 32);
    h ^= n;
    return h == 0 ? 1 : h;
  }

  /** Empties the table, sized for {@code expected} distinct ranges. */
  void reset(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    if (keys.length < cap) {
      keys = new long[cap];
      start = new int[cap];
      end = new int[cap];
      id = new int[cap];
    } else {
      // Only the first cap slots are used, so a large table left by a long document costs a
      // short one nothing.
      Arrays.fill(keys, 0, cap, 0L);
    }
    mask = cap - 1;
    size = 0;
  }

  /** Returns the number of distinct ranges interned since {@link #reset}. */
  int size() {
    return size;
  }

  /**
   * Returns the id of range {@code [s, e)}: the id of an equal range seen before, else the next
   * dense id ({@link #size()} before the call).
   *
   * @param c the text
   * @param h the range's hash, not 0
   * @param s first char
   * @param e just past the last char
   * @return the id
   */
  int intern(char[] c, long h, int s, int e) {
    int slot = (int) (h ^ (h >>> 32)) & mask;
    while (true) {
      long k = keys[slot];
      if (k == 0) {
        keys[slot] = h;
        start[slot] = s;
        end[slot] = e;
        id[slot] = size;
        if (++size * 2 > mask) {
          grow();
        }
        return size - 1;
      }
      if (k == h && same(c, start[slot], end[slot], s, e)) {
        return id[slot];
      }
      slot = (slot + 1) & mask;
    }
  }

  private static boolean same(char[] c, int s1, int e1, int s2, int e2) {
    int n = e1 - s1;
    if (n != e2 - s2) {
      return false;
    }
    if (n > 16) {
      return Arrays.equals(c, s1, e1, c, s2, e2);
    }
    for (int i = 0; i < n; i++) {
      if (c[s1 + i] != c[s2 + i]) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    int old = mask + 1;
    long[] k0 = Arrays.copyOf(keys, old);
    int[] s0 = Arrays.copyOf(start, old);
    int[] e0 = Arrays.copyOf(end, old);
    int[] i0 = Arrays.copyOf(id, old);
    int cap = old * 2;
    if (keys.length < cap) {
      keys = new long[cap];
      start = new int[cap];
      end = new int[cap];
      id = new int[cap];
    } else {
      Arrays.fill(keys, 0, cap, 0L);
    }
    mask = cap - 1;
    for (int j = 0; j < old; j++) {
      long h = k0[j];
      if (h != 0) {
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (keys[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = h;
        start[slot] = s0[j];
        end[slot] = e0[j];
        id[slot] = i0[j];
      }
    }
  }
}
