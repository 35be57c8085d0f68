package midtrain.data.internal.simd;

/**
 * Probes a blocked Bloom filter (one 64-bit word per key, four bits set in it) for a batch of
 * hashes in two passes.
 *
 * <p>Why two passes: the filter is megabytes, so nearly every probe misses the core's caches. The
 * first pass only loads each hash's word into an array, with no branch, so that the loads of many
 * hashes are in flight at once; the second tests the words against the hashes' bits, a vector of
 * hashes at a time. In one loop that loads and branches per hash, each miss waited for the last.
 * The scalar test is the fallback and the test oracle; the vector test is in {@link
 * VectorBloomProbe}, which is loaded only for a vector width.
 */
public final class BloomProbe {
  private final int bits;

  private BloomProbe(int bits) {
    if (bits != 0 && bits != 64 && bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException("vector width must be 0, 64, 128, 256 or 512: " + bits);
    }
    this.bits = bits;
  }

  /**
   * Creates a prober with the default kernel ({@link Kernels#defaultBits()}).
   *
   * @return the prober
   */
  public static BloomProbe create() {
    return new BloomProbe(Kernels.defaultBits());
  }

  /**
   * Creates a prober with a given kernel width.
   *
   * @param bits 0 for the scalar kernel, else 64, 128, 256 or 512
   * @return the prober
   */
  public static BloomProbe create(int bits) {
    return new BloomProbe(bits);
  }

  /**
   * Returns the filter word a hash lives in (its low 32 bits scaled to the filter's size).
   *
   * @param h the hash
   * @param words the filter's length in words
   * @return the word index
   */
  public static int slot(long h, int words) {
    return (int) (((h & 0xFFFFFFFFL) * words) >>> 32);
  }

  /**
   * Returns the four bits a hash sets in its word (from its top 24 bits).
   *
   * @param h the hash
   * @return the bit mask
   */
  public static long bits(long h) {
    return (1L << (h >>> 58)) | (1L << (h >>> 52)) | (1L << (h >>> 46)) | (1L << (h >>> 40));
  }

  /**
   * Finds the hashes that may be in the filter.
   *
   * @param filter the filter words (not empty)
   * @param hashes the hashes
   * @param count how many hashes
   * @param words scratch, at least {@code count} long
   * @param out receives the positions of the hashes that pass, in order; at least {@code count}
   *     long
   * @return how many passed
   */
  public int mayContain(long[] filter, long[] hashes, int count, long[] words, int[] out) {
    int n = filter.length;
    for (int i = 0; i < count; i++) {
      words[i] = filter[slot(hashes[i], n)];
    }
    return bits == 0
        ? test(hashes, words, 0, count, out, 0)
        : VectorBloomProbe.test(bits, hashes, words, count, out);
  }

  /** The second pass one hash at a time from {@code from}, after {@code live} passed. */
  static int test(long[] hashes, long[] words, int from, int count, int[] out, int live) {
    for (int i = from; i < count; i++) {
      long m = bits(hashes[i]);
      if ((words[i] & m) == m) {
        out[live++] = i;
      }
    }
    return live;
  }
}
