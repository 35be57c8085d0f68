package midtrain.data.internal.simd;

/**
 * Finds and counts one byte value (a newline, in practice) a vector at a time: the line readers and
 * the decontamination scan split all their input into lines, which scalar or 8-byte loops did at a
 * noticeable share of a scan's time. The scalar loops here are the fallback and the test oracle;
 * the vector loops are in {@link VectorByteScan}, which is loaded only for a vector width.
 */
public final class ByteScan {
  private static final int BITS = Kernels.defaultBits();

  private ByteScan() {}

  /**
   * Counts a byte value.
   *
   * @param a the bytes
   * @param from first position
   * @param end one past the last position
   * @param b the value
   * @return how often it occurs in {@code [from, end)}; 0 when {@code end <= from}
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
   * @return its first position in {@code [from, end)}, or -1 (always when {@code end <= from})
   */
  public static int indexOf(byte[] a, int from, int end, byte b) {
    return indexOf(BITS, a, from, end, b);
  }

  static int indexOf(int bits, byte[] a, int from, int end, byte b) {
    if (from >= end) {
      return -1;
    }
    // BITS is a constant to the JIT compiler, so the default path has no test left here.
    return bits == 0
        ? scalarIndexOf(a, from, end, b)
        : VectorByteScan.indexOf(bits, a, from, end, b);
  }

  static long count(int bits, byte[] a, int from, int end, byte b) {
    if (from >= end) {
      // As indexOf: the vector loop would round a negative length down and count before from.
      return 0;
    }
    return bits == 0 ? scalarCount(a, from, end, b) : VectorByteScan.count(bits, a, from, end, b);
  }

  static int scalarIndexOf(byte[] a, int from, int end, byte b) {
    for (int p = from; p < end; p++) {
      if (a[p] == b) {
        return p;
      }
    }
    return -1;
  }

  static long scalarCount(byte[] a, int from, int end, byte b) {
    long n = 0;
    for (int p = from; p < end; p++) {
      if (a[p] == b) {
        n++;
      }
    }
    return n;
  }
}
