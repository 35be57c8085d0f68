package midtrain.data.internal.fasttext;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * glibc's {@code expf} (2.27 and later, the FMA variant x86-64 selects on current CPUs), reproduced
 * step for step in double precision.
 *
 * <p>fastText computes probabilities with {@code std::exp(float)}, which is glibc's {@code expf}:
 * it is not correctly rounded (0.502 ulp), so {@code (float) Math.exp(x)} differs from it in about
 * 0.06% of arguments, enough to change the last printed digit of some probabilities.
 */
final class Expf {
  private Expf() {}

  private static final int N = 32;
  private static final double INV_LN2_N = 0x1.71547652b82fep+0 * N;
  private static final double SHIFT = 0x1.8p+52;
  private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N;
  private static final double C1 = 0x1.ebfce50fac4f3p-3 / N / N;
  private static final double C2 = 0x1.62e42ff0c52d6p-1 / N;
  private static final long[] T = new long[N];

  static {
    // T[i] = bits(2^(i/N)) - (i << 52) / N, with 2^(i/N) rounded to nearest from 40 digits.
    MathContext mc = new MathContext(40);
    for (int i = 0; i < N; i++) {
      BigDecimal target = BigDecimal.valueOf(2).pow(i);
      BigDecimal x = new BigDecimal(Math.pow(2, i / (double) N));
      for (int it = 0; it < 8; it++) {
        // Newton on x^N = 2^i: x -= (x^N - 2^i) / (N x^(N-1)).
        BigDecimal xn1 = x.pow(N - 1, mc);
        x =
            x.subtract(
                x.multiply(xn1, mc)
                    .subtract(target)
                    .divide(xn1.multiply(BigDecimal.valueOf(N)), mc),
                mc);
      }
      T[i] = Double.doubleToRawLongBits(x.doubleValue()) - (((long) i << 52) / N);
    }
  }

  /** glibc's FMA variant, with its special cases. */
  static float expfFma(float x) {
    int abstop = (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
    if (abstop >= (Float.floatToRawIntBits(88.0f) >>> 20)) {
      if (Float.floatToRawIntBits(x) == Float.floatToRawIntBits(Float.NEGATIVE_INFINITY)) {
        return 0f;
      }
      if (abstop >= (Float.floatToRawIntBits(Float.POSITIVE_INFINITY) >>> 20)) {
        return x + x;
      }
      if (x > 0x1.62e42ep6f) {
        return Float.POSITIVE_INFINITY;
      }
      if (x < -0x1.9fe368p6f) {
        return 0f;
      }
    }
    double z = INV_LN2_N * x;
    double kd = z + SHIFT;
    long ki = Double.doubleToRawLongBits(kd);
    kd -= SHIFT;
    double r = z - kd;
    long t = T[(int) (ki & (N - 1))];
    t += ki << (52 - 5);
    double s = Double.longBitsToDouble(t);
    double zz = Math.fma(C0, r, C1);
    double r2 = r * r;
    double y = Math.fma(C2, r, 1.0);
    y = Math.fma(zz, r2, y);
    y = y * s;
    return (float) y;
  }

  /**
   * glibc's generic {@code expf} (no fused multiply-add). On 2 million random arguments in [-20, 5]
   * it agreed bit for bit with glibc 2.36's FMA variant and with itself; it is used because {@link
   * Math#fma} is slow on CPUs without FMA.
   */
  static float expf(float x) {
    if (!(x > -0x1.9fe368p6f && x < 0x1.62e42ep6f)) {
      return expfFma(x); // the special cases
    }
    double z = INV_LN2_N * x;
    double kd = z + SHIFT;
    long ki = Double.doubleToRawLongBits(kd);
    kd -= SHIFT;
    double r = z - kd;
    long t = T[(int) (ki & (N - 1))] + (ki << (52 - 5));
    double s = Double.longBitsToDouble(t);
    double zz = C0 * r + C1;
    double r2 = r * r;
    double y = C2 * r + 1.0;
    y = zz * r2 + y;
    return (float) (y * s);
  }
}
