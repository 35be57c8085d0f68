package midtrain.data.internal.rate;

import java.util.Arrays;

/**
 * Counts the n-grams of one document exactly. When the n dense word ids fit in 63 bits together,
 * the packed ids are the key ({@link #packedSlot}: equal keys are equal n-grams, nothing to
 * confirm); otherwise open addressing on the n-gram hash, every hash match confirmed by comparing
 * the n word ids at the stored first position ({@link #slot}). One table uses one kind of key
 * between resets.
 */
final class GramTable {
  private long[] keys = new long[64];

  /** Position of each n-gram's first occurrence. */
  int[] first = new int[64];

  /** Occurrences counted so far. */
  int[] count = new int[64];

  private int mask = 63;

  /** 64 minus the table's bits, for {@link #packedSlot}. */
  private int shift = 58;

  /** Empties the table, sized for {@code expected} distinct n-grams. */
  void reset(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    if (keys.length < cap) {
      keys = new long[cap];
      first = new int[cap];
      count = new int[cap];
    } else {
      Arrays.fill(keys, 0, cap, 0L);
    }
    mask = cap - 1;
    shift = Long.numberOfLeadingZeros(mask);
  }

  /**
   * Returns the slot of the n-gram at {@code pos}; a new n-gram gets a slot with count 0 and {@code
   * first = pos}.
   *
   * @param h the n-gram's hash
   * @param ids the word ids
   * @param pos the n-gram's first word
   * @param n words per n-gram
   * @return the slot
   */
  int slot(long h, int[] ids, int pos, int n) {
    if (h == 0) {
      h = 1; // 0 marks an empty slot
    }
    int slot = (int) (h ^ (h >>> 32)) & mask;
    while (true) {
      long k = keys[slot];
      if (k == 0) {
        keys[slot] = h;
        first[slot] = pos;
        count[slot] = 0;
        return slot;
      }
      if (k == h) {
        int f = first[slot];
        if (f == pos || same(ids, f, pos, n)) {
          return slot;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Returns the slot of an n-gram given by its packed word ids; a new n-gram gets a slot with count
   * 0 and {@code first = pos}.
   *
   * @param key the packed ids, below 2^63
   * @param pos the n-gram's first word
   * @return the slot
   */
  int packedSlot(long key, int pos) {
    long k1 = key + 1; // 0 marks an empty slot
    // Fibonacci hashing: the top bits of the product.
    int slot = (int) ((k1 * 0x9E3779B97F4A7C15L) >>> shift);
    long[] keys = this.keys;
    while (true) {
      long k = keys[slot];
      if (k == k1) {
        return slot;
      }
      if (k == 0) {
        keys[slot] = k1;
        first[slot] = pos;
        count[slot] = 0;
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private static boolean same(int[] ids, int a, int b, int n) {
    for (int i = 0; i < n; i++) {
      if (ids[a + i] != ids[b + i]) {
        return false;
      }
    }
    return true;
  }
}
