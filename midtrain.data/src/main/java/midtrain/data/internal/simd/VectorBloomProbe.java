package midtrain.data.internal.simd;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector test of {@link BloomProbe}, in a class of its own (see {@link Kernels}). */
final class VectorBloomProbe {
  private static final VectorSpecies<Long> S64 = LongVector.SPECIES_64;
  private static final VectorSpecies<Long> S128 = LongVector.SPECIES_128;
  private static final VectorSpecies<Long> S256 = LongVector.SPECIES_256;
  private static final VectorSpecies<Long> S512 = LongVector.SPECIES_512;

  private VectorBloomProbe() {}

  /** The second pass of {@link BloomProbe#mayContain} at a vector width. */
  static int test(int bits, long[] hashes, long[] words, int count, int[] out) {
    // Constant species per branch, so that the vector operations compile to SIMD.
    return switch (bits) {
      case 512 -> test(S512, hashes, words, count, out);
      case 256 -> test(S256, hashes, words, count, out);
      case 128 -> test(S128, hashes, words, count, out);
      default -> test(S64, hashes, words, count, out);
    };
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
    return BloomProbe.test(hashes, words, i, count, out, live);
  }
}
