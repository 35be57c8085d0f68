package midtrain.data.internal.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector loops of {@link ByteScan}, in a class of their own (see {@link Kernels}). */
final class VectorByteScan {
  private static final VectorSpecies<Byte> S64 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Byte> S128 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Byte> S256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> S512 = ByteVector.SPECIES_512;

  private VectorByteScan() {}

  /** {@link ByteScan#indexOf} at a vector width, for a range that is not empty. */
  static int indexOf(int bits, byte[] a, int from, int end, byte b) {
    // Constant species per branch, so that the vector operations compile to SIMD.
    return switch (bits) {
      case 512 -> indexOf(S512, a, from, end, b);
      case 256 -> indexOf(S256, a, from, end, b);
      case 128 -> indexOf(S128, a, from, end, b);
      default -> indexOf(S64, a, from, end, b);
    };
  }

  private static int indexOf(VectorSpecies<Byte> species, byte[] a, int from, int end, byte b) {
    int upper = from + species.loopBound(end - from);
    for (int p = from; p < upper; p += species.length()) {
      // firstTrue, not toLong: JDK 17 compiles the one, not the other (see Masks).
      int f = ByteVector.fromArray(species, a, p).compare(VectorOperators.EQ, b).firstTrue();
      if (f < species.length()) {
        return p + f;
      }
    }
    return ByteScan.scalarIndexOf(a, upper, end, b);
  }

  /** {@link ByteScan#count} at a vector width, for a range that is not empty. */
  static long count(int bits, byte[] a, int from, int end, byte b) {
    return switch (bits) {
      case 512 -> count(S512, a, from, end, b);
      case 256 -> count(S256, a, from, end, b);
      case 128 -> count(S128, a, from, end, b);
      default -> count(S64, a, from, end, b);
    };
  }

  private static long count(VectorSpecies<Byte> species, byte[] a, int from, int end, byte b) {
    int upper = from + species.loopBound(end - from);
    long n = 0;
    for (int p = from; p < upper; p += species.length()) {
      n += ByteVector.fromArray(species, a, p).compare(VectorOperators.EQ, b).trueCount();
    }
    return n + ByteScan.scalarCount(a, upper, end, b);
  }
}
