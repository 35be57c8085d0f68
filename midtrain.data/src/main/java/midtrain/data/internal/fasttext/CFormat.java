package midtrain.data.internal.fasttext;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's {@code %g}, which is how C++ streams print a float or double at their default format: {@code
 * precision} significant digits, trailing zeros dropped, exponent form below 1e-4 or from
 * 10^precision on.
 */
public final class CFormat {
  private CFormat() {}

  /**
   * Formats like {@code printf("%.<precision>g", v)} with glibc (round half to even on the exact
   * binary value).
   *
   * @param v the value
   * @param precision significant digits, at least 1
   * @return the text
   */
  public static String g(double v, int precision) {
    if (Double.isNaN(v)) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-nan" : "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    int p = Math.max(1, precision);
    if (v == 0) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
    }
    BigDecimal r = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
    int x = r.precision() - r.scale() - 1;
    if (x < -4 || x >= p) {
      BigDecimal mant = r.movePointLeft(x).setScale(p - 1, RoundingMode.HALF_EVEN);
      String m = strip(mant.toPlainString());
      int ax = Math.abs(x);
      return m + "e" + (x < 0 ? "-" : "+") + (ax < 10 ? "0" : "") + ax;
    }
    return strip(r.setScale(Math.max(0, p - 1 - x), RoundingMode.HALF_EVEN).toPlainString());
  }

  private static String strip(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int e = s.length();
    while (s.charAt(e - 1) == '0') {
      e--;
    }
    if (s.charAt(e - 1) == '.') {
      e--;
    }
    return s.substring(0, e);
  }
}
