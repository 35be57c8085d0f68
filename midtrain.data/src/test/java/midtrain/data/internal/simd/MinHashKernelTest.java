package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MinHashKernelTest {
  @Test
  void everyWidthMatchesTheScalarOracle() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int functions : new int[] {1, 3, 16, 17, 112, 128}) {
      MinHashKernel scalar = MinHashKernel.create(functions, 99, 0);
      for (int bits : KernelDifferentialTest.WIDTHS) {
        MinHashKernel vector = MinHashKernel.create(functions, 99, bits);
        for (int trial = 0; trial < 20; trial++) {
          int count = rnd.nextInt(0, 300);
          long[] sh = new long[count];
          for (int i = 0; i < count; i++) {
            sh[i] = rnd.nextLong();
          }
          int[] a = new int[functions];
          int[] b = new int[functions];
          scalar.signature(sh, count, a);
          vector.signature(sh, count, b);
          assertArrayEquals(a, b, "functions " + functions + " bits " + bits);
        }
      }
    }
  }

  @Test
  void signatureIsTheMinimumOfTheDefinedHash() {
    MinHashKernel k = MinHashKernel.create(4, 5, 0);
    long[] sh = {11, -3, 1L << 40};
    int[] sig = new int[4];
    k.signature(sh, 3, sig);
    for (int j = 0; j < 4; j++) {
      int min = Integer.MAX_VALUE;
      for (long s : sh) {
        min = Math.min(min, MinHashKernel.fmix32(MinHashKernel.fold(s) ^ k.seeds[j]));
      }
      assertEquals(min, sig[j]);
    }
  }

  @Test
  void matchingFractionEstimatesJaccard() {
    // Two sets sharing 600 of 1400 distinct elements: Jaccard 3/7.
    long[] a = new long[1000];
    long[] b = new long[1000];
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 600; i++) {
      a[i] = b[i] = rnd.nextLong();
    }
    for (int i = 600; i < 1000; i++) {
      a[i] = rnd.nextLong();
      b[i] = rnd.nextLong();
    }
    MinHashKernel k = MinHashKernel.create(1024, 1);
    int[] sa = new int[1024];
    int[] sb = new int[1024];
    k.signature(a, a.length, sa);
    k.signature(b, b.length, sb);
    int same = 0;
    for (int j = 0; j < 1024; j++) {
      same += sa[j] == sb[j] ? 1 : 0;
    }
    // Standard error of the estimate is sqrt(p(1-p)/1024) ~ 0.015; allow 4 of them.
    assertEquals(3.0 / 7, same / 1024.0, 0.062);
    assertNotEquals(0, same);
  }
}
