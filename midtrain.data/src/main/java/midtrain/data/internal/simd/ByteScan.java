package midtrain.data.internal.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Counts one byte value (a newline, in practice) a vector at a time; counting the lines of each
 * JSONL chunk was a scalar loop over every byte. (Finding one is {@code Utf8.indexOf}, eight bytes
 * at a time.) The scalar loop is the fallback and the test oracle.
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
