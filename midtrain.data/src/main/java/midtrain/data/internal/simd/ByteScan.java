package midtrain.data.internal.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Finds and counts one byte value (a newline, in practice) a vector at a time: the line readers and
 * the decontamination scan split all their input into lines, which scalar or 8-byte loops did at a
 * noticeable share of a scan's time. The scalar loops are the fallback and the test oracle.
 */
public final class ByteScan {
  private static final VectorSpecies<Byte> S64 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Byte> S128 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Byte> S256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> S512 = ByteVector.SPECIES_512;

  private static final int BITS = Kernels.defaultBits();

  private ByteScan() {}

  /**
   * Counts a byte value.
   *
   * @param a the bytes
   * @param from first position
   * @param end one past the last position
   * @param b the value
   * @return how often it occurs in {@code [from, end)}
   */
  public static long count(byte[] a, int from, int end, byte b) {
    return count(BITS, a, from, end, b);
  }

  /**
   * Finds the first position of a byte value.
   *
   * @param a the bytes
   * @param from first position
   * @param end one past the last position
   * @param b the value
   * @return its first position in {@code [from, end)}, or -1
   */
  public static int indexOf(byte[] a, int from, int end, byte b) {
    return indexOf(BITS, a, from, end, b);
  }

  static int indexOf(int bits, byte[] a, int from, int end, byte b) {
    if (from >= end) {
      return -1;
    }
    // Constant species per branch, so that the vector operations compile to SIMD.
    return switch (bits) {
      case 0 -> scalarIndexOf(a, from, end, b);
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
    return scalarIndexOf(a, upper, end, b);
  }

  private static int scalarIndexOf(byte[] a, int from, int end, byte b) {
    for (int p = from; p < end; p++) {
      if (a[p] == b) {
        return p;
      }
    }
    return -1;
  }

  static long count(int bits, byte[] a, int from, int end, byte b) {
    long n = 0;
    int p = from;
    switch (bits) {
      case 0 -> {}
      case 512 -> {
        n = count(S512, a, from, end, b);
        p = from + S512.loopBound(end - from);
      }
      case 256 -> {
        n = count(S256, a, from, end, b);
        p = from + S256.loopBound(end - from);
      }
      case 128 -> {
        n = count(S128, a, from, end, b);
        p = from + S128.loopBound(end - from);
      }
      default -> {
        n = count(S64, a, from, end, b);
        p = from + S64.loopBound(end - from);
      }
    }
    for (; p < end; p++) {
      if (a[p] == b) {
        n++;
      }
    }
    return n;
  }

  private static long count(VectorSpecies<Byte> species, byte[] a, int from, int end, byte b) {
    int upper = from + species.loopBound(end - from);
    long n = 0;
    for (int p = from; p < upper; p += species.length()) {
      n += ByteVector.fromArray(species, a, p).compare(VectorOperators.EQ, b).trueCount();
    }
    return n;
  }
}
