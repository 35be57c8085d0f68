package midtrain.data.internal.simd;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * MinHash signatures: for each of {@code p} seeded hash functions, the minimum over a document's
 * shingle hashes. Hash function {@code j} of a shingle is murmur3's fmix32 of the shingle's folded
 * 32-bit value xor seed {@code j}; minima compare as signed ints. The vector kernel runs the {@code
 * p} functions in lanes for one shingle at a time (32-bit lanes, so AVX2 machines multiply natively
 * too); the scalar kernel is the fallback and test oracle, and both give the same bits.
 */
public abstract class MinHashKernel {
  final int[] seeds;

  MinHashKernel(int[] seeds) {
    this.seeds = seeds.clone();
  }

  /**
   * Creates a kernel with seeds derived from one 64-bit seed, with the default vector width.
   *
   * @param functions number of hash functions, at least 1
   * @param seed the seed
   * @return the kernel
   */
  public static MinHashKernel create(int functions, long seed) {
    return create(functions, seed, Kernels.defaultBits());
  }

  /**
   * Creates a kernel with a given vector width.
   *
   * @param functions number of hash functions, at least 1
   * @param seed the seed
   * @param bits 0 for scalar, else 64, 128, 256 or 512
   * @return the kernel
   */
  public static MinHashKernel create(int functions, long seed, int bits) {
    if (functions < 1) {
      throw new IllegalArgumentException("functions must be at least 1, got " + functions);
    }
    int[] s = new int[functions];
    long z = seed;
    for (int j = 0; j < functions; j++) {
      z += 0x9E3779B97F4A7C15L;
      s[j] = (int) NgramHasher.mix(z);
    }
    return bits == 0 ? new Scalar(s) : new Vector(s, bits);
  }

  /**
   * Returns the number of hash functions.
   *
   * @return the signature length
   */
  public int functions() {
    return seeds.length;
  }

  /**
   * Folds a 64-bit shingle hash to the 32-bit value the functions hash.
   *
   * @param h the shingle hash
   * @return its folded value
   */
  static int fold(long h) {
    return (int) h ^ (int) (h >>> 32);
  }

  static int fmix32(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h;
  }

  /**
   * Computes the signature of a set of shingles.
   *
   * @param shingles 64-bit shingle hashes (duplicates allowed: they do not change a minimum)
   * @param count how many to use; 0 gives a signature of {@link Integer#MAX_VALUE}s
   * @param sig receives {@link #functions()} minima
   */
  public abstract void signature(long[] shingles, int count, int[] sig);

  /** One function at a time: the oracle. */
  static final class Scalar extends MinHashKernel {
    Scalar(int[] seeds) {
      super(seeds);
    }

    @Override
    public void signature(long[] shingles, int count, int[] sig) {
      int p = seeds.length;
      java.util.Arrays.fill(sig, 0, p, Integer.MAX_VALUE);
      for (int i = 0; i < count; i++) {
        int x = fold(shingles[i]);
        for (int j = 0; j < p; j++) {
          int h = fmix32(x ^ seeds[j]);
          if (h < sig[j]) {
            sig[j] = h;
          }
        }
      }
    }
  }

  /** Functions in lanes. */
  static final class Vector extends MinHashKernel {
    private static final VectorSpecies<Integer> S64 = IntVector.SPECIES_64;
    private static final VectorSpecies<Integer> S128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> S256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> S512 = IntVector.SPECIES_512;

    private final VectorSpecies<Integer> species;

    Vector(int[] seeds, int bits) {
      super(seeds);
      switch (bits) {
        case 64:
          species = S64;
          break;
        case 128:
          species = S128;
          break;
        case 256:
          species = S256;
          break;
        case 512:
          species = S512;
          break;
        default:
          throw new IllegalArgumentException("vector bits must be 64, 128, 256 or 512: " + bits);
      }
    }

    @Override
    public void signature(long[] shingles, int count, int[] sig) {
      int p = seeds.length;
      java.util.Arrays.fill(sig, 0, p, Integer.MAX_VALUE);
      VectorSpecies<Integer> s = species;
      int bound = s.loopBound(p);
      for (int j = 0; j < bound; j += s.length()) {
        IntVector seed = IntVector.fromArray(s, seeds, j);
        IntVector min = IntVector.broadcast(s, Integer.MAX_VALUE);
        for (int i = 0; i < count; i++) {
          IntVector h = seed.lanewise(VectorOperators.XOR, fold(shingles[i]));
          h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
          h = h.mul(0x85EBCA6B);
          h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 13));
          h = h.mul(0xC2B2AE35);
          h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
          min = min.min(h);
        }
        min.intoArray(sig, j);
      }
      for (int j = bound; j < p; j++) {
        int m = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
          int h = fmix32(fold(shingles[i]) ^ seeds[j]);
          if (h < m) {
            m = h;
          }
        }
        sig[j] = m;
      }
    }
  }
}
