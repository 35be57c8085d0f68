package midtrain.data.internal.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector masks as bit sets (bit {@code i} for lane {@code i}), fast on every JDK the library runs
 * on.
 *
 * <p>Why not always {@link VectorMask#toLong}: the JIT compiles it to a few instructions only from
 * JDK 18 (JDK-8273949). On JDK 17 it reads the lanes one at a time through an array, and the
 * tokenizer, which takes three masks of every vector, ran at half its JDK 25 speed. There, the bits
 * are folded with vector operations that JDK 17 does compile: a blend of per-lane bit weights, ORs
 * of shifted copies, and an OR reduction, over ten times faster than its {@code toLong}.
 */
final class Masks {
  /** Whether {@link VectorMask#toLong} is compiled (JDK 18 and later). */
  static final boolean NATIVE_TO_LONG = Runtime.version().feature() >= 18;

  private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;

  private static final byte[] BYTE_WEIGHTS = new byte[64];
  private static final long[] LANE_SHIFTS = {0, 8, 16, 24, 32, 40, 48, 56};
  private static final long[] LONG_WEIGHTS = {1, 2, 4, 8, 16, 32, 64, 128};

  static {
    for (int i = 0; i < 64; i++) {
      BYTE_WEIGHTS[i] = (byte) (1 << (i & 7));
    }
  }

  private static final ByteVector WEIGHTS64 = ByteVector.fromArray(B64, BYTE_WEIGHTS, 0);
  private static final ByteVector WEIGHTS128 = ByteVector.fromArray(B128, BYTE_WEIGHTS, 0);
  private static final ByteVector WEIGHTS256 = ByteVector.fromArray(B256, BYTE_WEIGHTS, 0);
  private static final ByteVector WEIGHTS512 = ByteVector.fromArray(B512, BYTE_WEIGHTS, 0);
  private static final LongVector SHIFTS128 =
      LongVector.fromArray(LongVector.SPECIES_128, LANE_SHIFTS, 0);
  private static final LongVector SHIFTS256 =
      LongVector.fromArray(LongVector.SPECIES_256, LANE_SHIFTS, 0);
  private static final LongVector SHIFTS512 =
      LongVector.fromArray(LongVector.SPECIES_512, LANE_SHIFTS, 0);
  private static final LongVector LONG_WEIGHTS128 =
      LongVector.fromArray(LongVector.SPECIES_128, LONG_WEIGHTS, 0);
  private static final LongVector LONG_WEIGHTS256 =
      LongVector.fromArray(LongVector.SPECIES_256, LONG_WEIGHTS, 0);
  private static final LongVector LONG_WEIGHTS512 =
      LongVector.fromArray(LongVector.SPECIES_512, LONG_WEIGHTS, 0);

  private Masks() {}

  /**
   * Returns a byte mask's lanes as bits.
   *
   * @param species the mask's species, a constant at the call site (the vector operations compile
   *     to SIMD only then)
   * @param m the mask
   * @return bit {@code i} set when lane {@code i} is
   */
  static long byteBits(VectorSpecies<Byte> species, VectorMask<Byte> m) {
    return NATIVE_TO_LONG ? m.toLong() : foldBytes(species, m);
  }

  /**
   * Returns a long mask's lanes as bits.
   *
   * @param species the mask's species, a constant at the call site
   * @param m the mask
   * @return bit {@code i} set when lane {@code i} is
   */
  static long longBits(VectorSpecies<Long> species, VectorMask<Long> m) {
    return NATIVE_TO_LONG ? m.toLong() : foldLongs(species, m);
  }

  /** The fold {@link #byteBits} uses before JDK 18 (tested on every JDK). */
  static long foldBytes(VectorSpecies<Byte> species, VectorMask<Byte> m) {
    ByteVector w =
        species == B512
            ? WEIGHTS512
            : species == B256 ? WEIGHTS256 : species == B128 ? WEIGHTS128 : WEIGHTS64;
    // Each 8-byte group holds its lanes' weights (1, 2, ..., 128) or 0: ORing it onto itself
    // shifted by 32, 16 and 8 bits gathers them in its low byte.
    LongVector x = ByteVector.zero(species).blend(w, m).reinterpretAsLongs();
    x = x.or(x.lanewise(VectorOperators.LSHR, 32));
    x = x.or(x.lanewise(VectorOperators.LSHR, 16));
    x = x.or(x.lanewise(VectorOperators.LSHR, 8)).and(0xFFL);
    if (species == B64) {
      return x.lane(0);
    }
    LongVector shifts = species == B512 ? SHIFTS512 : species == B256 ? SHIFTS256 : SHIFTS128;
    return x.lanewise(VectorOperators.LSHL, shifts).reduceLanes(VectorOperators.OR);
  }

  /** The fold {@link #longBits} uses before JDK 18 (tested on every JDK). */
  static long foldLongs(VectorSpecies<Long> species, VectorMask<Long> m) {
    if (species.length() == 1) {
      return m.anyTrue() ? 1 : 0;
    }
    LongVector w =
        species == LongVector.SPECIES_512
            ? LONG_WEIGHTS512
            : species == LongVector.SPECIES_256 ? LONG_WEIGHTS256 : LONG_WEIGHTS128;
    return LongVector.zero(species).blend(w, m).reduceLanes(VectorOperators.OR);
  }
}
