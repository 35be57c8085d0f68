package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 to bfloat16 / float16 narrowing against an oracle that knows only how to widen (the
 * reader's decoders): the result must be a nearest 16-bit value, the even one on a tie.
 */
class NarrowingTest {
  /** Widens bfloat16 bits exactly, the largest finite value's next step counting as 2^128. */
  static double bf16(int h) {
    return (h & 0x7FFF) == 0x7F80 ? Math.copySign(0x1p128, -(h >>> 15)) : bf16Finite(h);
  }

  private static double bf16Finite(int h) {
    return Float.intBitsToFloat((h & 0xFFFF) << 16);
  }

  /** Widens half bits exactly, infinity counting as 2^16, where overflow rounds to it. */
  static double f16(int h) {
    double v = (h & 0x7FFF) == 0x7C00 ? 65536.0 : Math.abs(SafetensorsFile.halfToFloat((short) h));
    return (h & 0x8000) != 0 ? -v : v;
  }

  /** Checks that {@code h} is a nearest value to {@code f} among its neighbours, even on a tie. */
  static void assertNearest(float f, int h, int maxMagnitude, boolean half) {
    int mag = h & 0x7FFF;
    double x = Math.abs((double) f);
    double got = Math.abs(half ? f16(h) : bf16(h));
    assertEquals(f < 0 || (f == 0 && 1 / f < 0), (h & 0x8000) != 0, "sign of " + f);
    for (int n : new int[] {mag - 1, mag + 1}) {
      if (n < 0 || n > maxMagnitude) {
        continue;
      }
      double other = Math.abs(half ? f16(n) : bf16(n));
      double dg = Math.abs(x - got);
      double dn = Math.abs(x - other);
      assertTrue(
          dg < dn || (dg == dn && (mag & 1) == 0),
          () ->
              f
                  + " became "
                  + Integer.toHexString(h & 0xFFFF)
                  + " ("
                  + got
                  + "), but "
                  + Integer.toHexString(n)
                  + " ("
                  + other
                  + ") is nearer or the even one of a tie");
    }
  }

  static float randomFloat(Random r, int minExp, int maxExp) {
    int exp = minExp + r.nextInt(maxExp - minExp + 1);
    // Some values sit exactly halfway between two 16-bit values, to exercise ties.
    int mant = r.nextInt(4) == 0 ? (r.nextInt(1 << 10) << 13) | 0x1000 : r.nextInt(1 << 23);
    int bits = (r.nextBoolean() ? 0x80000000 : 0) | (exp + 127) << 23 | mant;
    return Float.intBitsToFloat(bits);
  }

  @Test
  void bf16IsTheNearestValueTiesToEven() {
    Random r = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      float f = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : randomFloat(r, -126, 127);
      if (Float.isNaN(f)) {
        continue;
      }
      assertNearest(f, Narrowing.toBf16(f) & 0xFFFF, 0x7F80, false);
    }
    // Ties at the largest finite value's half step round to infinity; just below stays finite.
    assertEquals((short) 0x7F80, Narrowing.toBf16(Float.MAX_VALUE));
    assertEquals((short) 0x3F80, Narrowing.toBf16(1.00390625f)); // 1 + 2^-8: tie to 1.0 (even)
    assertEquals((short) 0x3F82, Narrowing.toBf16(1.01171875f)); // 1 + 3 * 2^-8: tie up to even
  }

  @Test
  void f16IsTheNearestValueTiesToEvenWithSubnormals() {
    Random r = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      float f = i % 3 == 0 ? Float.intBitsToFloat(r.nextInt()) : randomFloat(r, -27, 16);
      if (Float.isNaN(f)) {
        continue;
      }
      assertNearest(f, Narrowing.toF16(f) & 0xFFFF, 0x7C00, true);
    }
    assertEquals((short) 0x7BFF, Narrowing.toF16(65504f)); // the largest half
    assertEquals((short) 0x7BFF, Narrowing.toF16(65519.996f));
    assertEquals((short) 0x7C00, Narrowing.toF16(65520f)); // the tie rounds to infinity (even)
    assertEquals((short) 0x0001, Narrowing.toF16(0x1p-24f)); // the smallest subnormal
    assertEquals((short) 0x0000, Narrowing.toF16(0x1p-25f)); // half of it: tie to zero (even)
    assertEquals((short) 0x0001, Narrowing.toF16(0x1.8p-25f)); // above the tie: up
    assertEquals((short) 0x0400, Narrowing.toF16(0x1p-14f)); // the smallest normal
    assertEquals((short) 0x8000, Narrowing.toF16(-0f));
  }

  @Test
  void everyValueSurvivesWideningAndNarrowingAndSpecialsStaySpecial() {
    for (int h = 0; h < 0x10000; h++) {
      float bf = Float.intBitsToFloat(h << 16);
      float half = SafetensorsFile.halfToFloat((short) h);
      if (Float.isNaN(bf)) {
        assertTrue(Float.isNaN(Float.intBitsToFloat(Narrowing.toBf16(bf) << 16)), "bf16 NaN " + h);
      } else {
        assertEquals((short) h, Narrowing.toBf16(bf), "bf16 " + Integer.toHexString(h));
      }
      if (Float.isNaN(half)) {
        assertTrue(Float.isNaN(SafetensorsFile.halfToFloat(Narrowing.toF16(half))), "f16 NaN");
      } else {
        assertEquals((short) h, Narrowing.toF16(half), "f16 " + Integer.toHexString(h));
      }
    }
    for (float f : new float[] {Float.NaN, -Float.NaN, Float.intBitsToFloat(0x7F800001)}) {
      // A NaN whose payload is all in the dropped bits must not turn into infinity.
      assertTrue(Float.isNaN(Float.intBitsToFloat(Narrowing.toBf16(f) << 16)));
      assertTrue(Float.isNaN(SafetensorsFile.halfToFloat(Narrowing.toF16(f))));
    }
    assertEquals((short) 0xFC00, Narrowing.toF16(Float.NEGATIVE_INFINITY));
    assertEquals((short) 0xFF80, Narrowing.toBf16(Float.NEGATIVE_INFINITY));
  }
}
