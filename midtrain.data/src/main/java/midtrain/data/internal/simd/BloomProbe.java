package midtrain.data.internal.simd;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Probes a blocked Bloom filter (one 64-bit word per key, four bits set in it) for a batch of
 * hashes in two passes.
 *
 * <p>Why two passes: the filter is megabytes, so nearly every probe misses the core's caches. The
 * first pass only loads each hash's word into an array, with no branch, so that the loads of many
 * hashes are in flight at once; the second tests the words against the hashes' bits, a vector of
 * hashes at a time. In one loop that loads and branches per hash, each miss waited for the last.
 * The scalar test is the fallback and the test oracle.
 */
public final class BloomProbe {
  private static final VectorSpecies<Long> S64 = LongVector.SPECIES_64;
  private static final VectorSpecies<Long> S128 = LongVector.SPECIES_128;
  private static final VectorSpecies<Long> S256 = LongVector.SPECIES_256;
  private static final VectorSpecies<Long> S512 = LongVector.SPECIES_512;

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
    // Constant species per branch, so that the vector operations compile to SIMD.
    return switch (bits) {
      case 0 -> test(hashes, words, 0, count, out, 0);
      case 512 -> test(S512, hashes, words, count, out);
      case 256 -> test(S256, hashes, words, count, out);
      case 128 -> test(S128, hashes, words, count, out);
      default -> test(S64, hashes, words, count, out);
    };
  }

  private static int test(long[] hashes, long[] words, int from, int count, int[] out, int live) {
    for (int i = from; i < count; i++) {
      long m = bits(hashes[i]);
      if ((words[i] & m) == m) {
        out[live++] = i;
      }
    }
    return live;
  }

  private static int test(
      VectorSpecies<Long> species, long[] hashes, long[] words, int count, int[] out) {
    int upper = species.loopBound(count);
    LongVector one = LongVector.broadcast(species, 1L);
    int live = 0;
    int i = 0;
    for (; i < upper; i += species.length()) {
      LongVector h = LongVector.fromArray(species, hashes, i);
      LongVector m =
          one.lanewise(VectorOperators.LSHL, h.lanewise(VectorOperators.LSHR, 58))
              .or(one.lanewise(VectorOperators.LSHL, h.lanewise(VectorOperators.LSHR, 52)))
              .or(one.lanewise(VectorOperators.LSHL, h.lanewise(VectorOperators.LSHR, 46)))
              .or(one.lanewise(VectorOperators.LSHL, h.lanewise(VectorOperators.LSHR, 40)));
      VectorMask<Long> pass =
          LongVector.fromArray(species, words, i).and(m).compare(VectorOperators.EQ, m);
      // The lanes from the mask's bits: laneIsSet costs a call a lane where it is not compiled.
      long set = Masks.longBits(species, pass);
      while (set != 0) {
        out[live++] = i + Long.numberOfTrailingZeros(set);
        set &= set - 1;
      }
    }
    return test(hashes, words, i, count, out, live);
  }
}
