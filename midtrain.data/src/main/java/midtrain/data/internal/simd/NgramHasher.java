package midtrain.data.internal.simd;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Hashes every run of {@code n} consecutive word hashes: {@code G(i) = sum_k w[i+k] * B^(n-1-k)}
 * modulo 2^64, then a 64-bit finalizer (murmur3's fmix64) so that all bits are mixed. The scalar
 * kernel rolls the polynomial (two multiplies per n-gram, a serial chain); the vector kernel sums
 * the {@code n} terms for a vector of positions at once (no chain). Both give the same bits.
 */
public abstract class NgramHasher {
  static final long BASE = 0x9E3779B97F4A7C15L | 1L;

  final int n;
  final long[] powers; // powers[j] = BASE^j

  NgramHasher(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, got " + n);
    }
    this.n = n;
    this.powers = new long[n];
    long p = 1;
    for (int j = 0; j < n; j++) {
      powers[j] = p;
      p *= BASE;
    }
  }

  /**
   * Creates a hasher with the default kernel.
   *
   * @param n words per n-gram
   * @return the hasher
   */
  public static NgramHasher create(int n) {
    return create(n, Kernels.defaultBits());
  }

  /**
   * Creates a hasher with a given kernel width.
   *
   * @param n words per n-gram
   * @param bits 0 for scalar, else 64, 128, 256 or 512
   * @return the hasher
   */
  public static NgramHasher create(int n, int bits) {
    return bits == 0 ? new Scalar(n) : new Vector(n, bits);
  }

  /**
   * Returns the n-gram length.
   *
   * @return words per n-gram
   */
  public int n() {
    return n;
  }

  /**
   * Hashes the n-grams of {@code words[0..count)} into {@code out}.
   *
   * @param words word hashes
   * @param count number of words
   * @param out receives {@code max(0, count - n + 1)} n-gram hashes; must be at least that long
   * @return the number of n-grams
   */
  public abstract int hash(long[] words, int count, long[] out);

  /**
   * Hashes the one n-gram that starts at word {@code i}: the same bits as {@link #hash} gives for
   * that position, for callers that need only a few positions.
   *
   * @param words word hashes
   * @param i the n-gram's first word; {@code words[i + n - 1]} must exist
   * @return the n-gram hash
   */
  public final long at(long[] words, int i) {
    long g = 0;
    for (int k = 0; k < n; k++) {
      g = g * BASE + words[i + k];
    }
    return mix(g);
  }

  /**
   * Finalizes a 64-bit value (murmur3 fmix64).
   *
   * @param h the value
   * @return the mixed value
   */
  public static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }

  /** Rolling polynomial: the fallback and test oracle. */
  static final class Scalar extends NgramHasher {
    Scalar(int n) {
      super(n);
    }

    @Override
    public int hash(long[] w, int count, long[] out) {
      int grams = count - n + 1;
      if (grams <= 0) {
        return 0;
      }
      long g = 0;
      for (int k = 0; k < n; k++) {
        g = g * BASE + w[k];
      }
      long top = powers[n - 1];
      out[0] = mix(g);
      for (int i = 1; i < grams; i++) {
        g = (g - w[i - 1] * top) * BASE + w[i + n - 1];
        out[i] = mix(g);
      }
      return grams;
    }
  }

  /** Direct sum over a vector of positions. */
  static final class Vector extends NgramHasher {
    private static final VectorSpecies<Long> S64 = LongVector.SPECIES_64;
    private static final VectorSpecies<Long> S128 = LongVector.SPECIES_128;
    private static final VectorSpecies<Long> S256 = LongVector.SPECIES_256;
    private static final VectorSpecies<Long> S512 = LongVector.SPECIES_512;

    private final int bits;

    Vector(int n, int bits) {
      super(n);
      if (bits != 64 && bits != 128 && bits != 256 && bits != 512) {
        throw new IllegalArgumentException("vector width must be 64, 128, 256 or 512: " + bits);
      }
      this.bits = bits;
    }

    @Override
    public int hash(long[] w, int count, long[] out) {
      int grams = count - n + 1;
      if (grams <= 0) {
        return 0;
      }
      // Constant species per branch, so that the vector operations compile to SIMD.
      int i =
          switch (bits) {
            case 512 -> vectors(S512, w, grams, out);
            case 256 -> vectors(S256, w, grams, out);
            case 128 -> vectors(S128, w, grams, out);
            default -> vectors(S64, w, grams, out);
          };
      for (; i < grams; i++) {
        long g = 0;
        for (int k = 0; k < n; k++) {
          g += w[i + k] * powers[n - 1 - k];
        }
        out[i] = mix(g);
      }
      return grams;
    }

    private int vectors(VectorSpecies<Long> species, long[] w, int grams, long[] out) {
      int upper = species.loopBound(grams);
      int i = 0;
      for (; i < upper; i += species.length()) {
        LongVector acc = LongVector.fromArray(species, w, i).mul(powers[n - 1]);
        for (int k = 1; k < n; k++) {
          acc = acc.add(LongVector.fromArray(species, w, i + k).mul(powers[n - 1 - k]));
        }
        acc = acc.lanewise(VectorOperators.XOR, acc.lanewise(VectorOperators.LSHR, 33));
        acc = acc.mul(0xFF51AFD7ED558CCDL);
        acc = acc.lanewise(VectorOperators.XOR, acc.lanewise(VectorOperators.LSHR, 33));
        acc = acc.mul(0xC4CEB9FE1A85EC53L);
        acc = acc.lanewise(VectorOperators.XOR, acc.lanewise(VectorOperators.LSHR, 33));
        acc.intoArray(out, i);
      }
      return i;
    }
  }
}
