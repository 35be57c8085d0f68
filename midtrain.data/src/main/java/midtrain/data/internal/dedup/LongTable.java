package midtrain.data.internal.dedup;

import midtrain.data.DataException;

/**
 * An open-addressing set of fixed-width keys ({@code width} longs each) in one primitive array,
 * with linear probing; the all-zero key marks an empty slot, so a zero key is stored as {@code {1,
 * 0, ...}} (a collision with the real key {@code {1, 0, ...}} that costs nothing in practice).
 */
public final class LongTable {
  private static final double LOAD = 0.7;

  private final int width;
  private long[] slots;
  private int mask;
  private long size;
  private long[] fresh = new long[64];
  private int freshCount;

  /**
   * Creates an empty table.
   *
   * @param width longs per key
   */
  public LongTable(int width) {
    this.width = width;
    allocate(1 << 10);
  }

  /**
   * Returns the bytes a table reaches while growing to hold {@code n} keys: the largest array plus
   * the one it is copied from.
   *
   * @param n keys
   * @param width longs per key
   * @return bytes
   */
  public static long peakBytes(long n, int width) {
    long cap = 1 << 10;
    while (cap * LOAD < n) {
      cap <<= 1;
    }
    return (cap + cap / 2) * width * 8L;
  }

  /** The most slots a table grows to: two longs a slot stay within Java's array limit. */
  private static final int MAX_CAPACITY = 1 << 29;

  /**
   * Returns the most keys a table holds before it refuses to grow.
   *
   * @return the keys at the load limit of the largest table
   */
  public static long maxKeys() {
    return (long) (MAX_CAPACITY * LOAD);
  }

  private void allocate(int capacity) {
    try {
      slots = new long[Math.multiplyExact(capacity, width)];
    } catch (OutOfMemoryError | ArithmeticException e) {
      slots = null;
      throw new DataException(
          String.format(
              java.util.Locale.ROOT,
              "dedup table cannot grow past %,d keys: %,d MiB more heap needed; raise -Xmx (MIDTRAIN_JAVA_OPTS for the midtrain command) or"
                  + " split the input",
              size,
              (long) capacity * width * 8 >> 20));
    }
    mask = capacity - 1;
  }

  /** The number of keys. */
  public long size() {
    return size;
  }

  /** The bytes of the slot array. */
  public long bytes() {
    return slots.length * 8L;
  }

  /**
   * Adds a one-long key.
   *
   * @param k the key
   * @return true when it was not present
   */
  public boolean add(long k) {
    if (width != 1) {
      throw new IllegalStateException("width " + width);
    }
    if (k == 0) {
      k = 1;
    }
    int i = (int) (k ^ (k >>> 29)) & mask;
    while (true) {
      long s = slots[i];
      if (s == 0) {
        slots[i] = k;
        added(k, 0);
        return true;
      }
      if (s == k) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Tells whether a one-long key is present.
   *
   * @param k the key
   * @return true when present
   */
  public boolean contains(long k) {
    if (k == 0) {
      k = 1;
    }
    int i = (int) (k ^ (k >>> 29)) & mask;
    while (true) {
      long s = slots[i];
      if (s == 0) {
        return false;
      }
      if (s == k) {
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Adds a two-long key.
   *
   * @param a first half
   * @param b second half
   * @return true when it was not present
   */
  public boolean add(long a, long b) {
    if (width != 2) {
      throw new IllegalStateException("width " + width);
    }
    if (a == 0 && b == 0) {
      a = 1;
    }
    int i = (int) (a ^ (a >>> 29)) & mask;
    while (true) {
      long s0 = slots[2 * i];
      long s1 = slots[2 * i + 1];
      if (s0 == 0 && s1 == 0) {
        slots[2 * i] = a;
        slots[2 * i + 1] = b;
        added(a, b);
        return true;
      }
      if (s0 == a && s1 == b) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  private void added(long a, long b) {
    size++;
    if (freshCount + 2 > fresh.length) {
      fresh = java.util.Arrays.copyOf(fresh, fresh.length * 2);
    }
    fresh[freshCount++] = a;
    if (width == 2) {
      fresh[freshCount++] = b;
    }
    if (size > (mask + 1L) * LOAD) {
      grow();
    }
  }

  private void grow() {
    long[] old = slots;
    int oldCap = mask + 1;
    if (oldCap >= MAX_CAPACITY) {
      throw new DataException("dedup table is full at " + size + " keys; split the input");
    }
    long keep = size;
    allocate(oldCap * 2);
    size = 0;
    int saved = freshCount;
    for (int i = 0; i < oldCap; i++) {
      if (width == 1) {
        long k = old[i];
        if (k != 0) {
          insertRaw(k, 0);
        }
      } else {
        long a = old[2 * i];
        long b = old[2 * i + 1];
        if (a != 0 || b != 0) {
          insertRaw(a, b);
        }
      }
    }
    size = keep;
    freshCount = saved;
  }

  private void insertRaw(long a, long b) {
    int i = (int) (a ^ (a >>> 29)) & mask;
    while (slots[width * i] != 0 || (width == 2 && slots[2 * i + 1] != 0)) {
      i = (i + 1) & mask;
    }
    slots[width * i] = a;
    if (width == 2) {
      slots[2 * i + 1] = b;
    }
  }

  /**
   * Returns the keys added since the last {@link #clearFresh()}, {@code width} longs each.
   *
   * @return a copy
   */
  public long[] fresh() {
    return java.util.Arrays.copyOf(fresh, freshCount);
  }

  /** Forgets which keys are new. */
  public void clearFresh() {
    freshCount = 0;
    if (fresh.length > 1 << 16) {
      fresh = new long[64];
    }
  }
}
