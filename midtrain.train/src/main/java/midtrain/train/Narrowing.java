package midtrain.train;

/**
 * Narrows float32 values to the 16-bit formats safetensors files hold, in Java: DJL's CPU engine
 * aborts the JVM on BF16 tensors, so weights are never converted through an NDArray.
 */
final class Narrowing {
  private Narrowing() {}

  /**
   * Rounds a float to bfloat16, to nearest with ties to even (as PyTorch's {@code .to(bfloat16)});
   * infinities stay infinite, a value past the largest bfloat16 becomes infinite, and a NaN stays a
   * NaN with its sign and top payload bits (made quiet, since dropping the low mantissa bits could
   * leave none set). PyTorch's scalar conversion writes every NaN as {@code 0x7FC0} instead, so a
   * NaN's bits, and only a NaN's, may differ from a file torch wrote.
   *
   * @param f the value
   * @return the bfloat16's 16 bits
   */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    // Adding 0x7FFF plus the lowest kept bit rounds the dropped half to nearest, ties to even; a
    // carry out of the mantissa moves into the exponent, up to infinity, as rounding must.
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /**
   * Rounds a float to IEEE half precision, to nearest with ties to even: values below half of the
   * smallest subnormal become signed zero, the subnormal range is kept, values from 65520 on become
   * infinite, and a NaN stays a quiet NaN with its sign.
   *
   * @param f the value
   * @return the half's 16 bits
   */
  static short toF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xFF;
    int mant = bits & 0x7FFFFF;
    if (exp == 0xFF) {
      return (short) (sign | 0x7C00 | (mant == 0 ? 0 : 0x200 | (mant >>> 13)));
    }
    int e = exp - 127 + 15; // the half's biased exponent
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // below 2^-25, half of the smallest subnormal: rounds to zero
      }
      // Subnormal: the value is h * 2^-24 with h = (1.mant) * 2^(exp - 126).
      int m = mant | 0x800000;
      int shift = 14 - e;
      return (short) (sign | roundShift(m, shift));
    }
    // A carry out of the mantissa raises the exponent, up to infinity (0x7C00), as it should.
    return (short) (sign | ((e << 10) + roundShift(mant, 13)));
  }

  /** {@code v >> shift}, rounded to nearest with ties to even. */
  private static int roundShift(int v, int shift) {
    int kept = v >>> shift;
    int rest = v & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (rest > half || (rest == half && (kept & 1) == 1)) {
      kept++;
    }
    return kept;
  }
}
