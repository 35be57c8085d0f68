package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void meanStderrUsesTheSampleStandardDeviation() {
    // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; 5 / 3 = 1.6667;
    // sqrt = 1.290994; / sqrt(4) = 0.645497
    assertEquals(
        0.6454972243679028, Metrics.meanStderr(new double[] {1, 2, 3, 4}).getAsDouble(), 1e-15);
    assertTrue(Metrics.meanStderr(new double[] {1}).isEmpty());
    assertThrows(EvalException.class, () -> Metrics.mean(new double[0]));
  }

  @Test
  void passAtKMatchesTheCombinatorialDefinition() {
    // 1 - C(7,1)/C(10,1) = 1 - 7/10
    assertEquals(0.3, Metrics.passAtK(10, 3, 1), 1e-12);
    // 1 - C(7,5)/C(10,5) = 1 - 21/252 = 11/12
    assertEquals(11.0 / 12.0, Metrics.passAtK(10, 3, 5), 1e-12);
    // n - c = 7 < 8: every draw of 8 holds a correct sample
    assertEquals(1.0, Metrics.passAtK(10, 3, 8), 0);
    assertEquals(0.0, Metrics.passAtK(10, 0, 10), 0);
    assertEquals(1.0, Metrics.passAtK(5, 5, 1), 0);
    // 1 - 199/200
    assertEquals(0.005, Metrics.passAtK(200, 1, 1), 1e-15);
    // Large binomials, checked with exact integers: 1 - C(190,100)/C(200,100).
    BigDecimal ratio =
        new BigDecimal(binomial(190, 100))
            .divide(new BigDecimal(binomial(200, 100)), MathContext.DECIMAL128);
    assertEquals(1.0 - ratio.doubleValue(), Metrics.passAtK(200, 10, 100), 1e-12);
  }

  @Test
  void passAtKRefusesImpossibleCounts() {
    assertThrows(EvalException.class, () -> Metrics.passAtK(0, 0, 1));
    assertThrows(EvalException.class, () -> Metrics.passAtK(10, 11, 1));
    EvalException e = assertThrows(EvalException.class, () -> Metrics.passAtK(10, 0, 11));
    assertTrue(e.getMessage().contains("k must be"), e.getMessage());
  }

  private static BigInteger binomial(int n, int k) {
    BigInteger r = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return r;
  }
}
