package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplingTest {

  @Test
  void greedyTakesTheHighestScoreTheLowestIdAmongTiesAndNeverNan() {
    Sampling.Sampler g = Sampling.greedy().newSampler();
    assertEquals(2, g.next(new float[] {1, 2, 3, 3}, 4));
    assertEquals(1, g.next(new float[] {Float.NaN, 2, 1}, 3));
    assertEquals(0, g.next(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2));
    // Scores past the vocabulary (padding rows of an embedding table) are never chosen.
    assertEquals(1, g.next(new float[] {0, 1, 9}, 2));
    EvalException nan =
        assertThrows(EvalException.class, () -> g.next(new float[] {Float.NaN, Float.NaN}, 2));
    assertEquals("every one of the model's 2 scores is NaN", nan.getMessage());
    assertThrows(EvalException.class, () -> g.next(new float[] {1, 2}, 3));
    assertThrows(EvalException.class, () -> g.next(new float[] {1, 2}, 0));
  }

  @Test
  void settingsAreCheckedAndTemperatureZeroIsGreedy() {
    assertThrows(EvalException.class, () -> Sampling.builder().temperature(-0.1));
    assertThrows(EvalException.class, () -> Sampling.builder().temperature(Double.NaN));
    assertThrows(
        EvalException.class, () -> Sampling.builder().temperature(Double.POSITIVE_INFINITY));
    assertThrows(EvalException.class, () -> Sampling.builder().topK(-1));
    assertThrows(EvalException.class, () -> Sampling.builder().topP(0));
    assertThrows(EvalException.class, () -> Sampling.builder().topP(1.01));
    assertThrows(EvalException.class, () -> Sampling.builder().topP(Double.NaN));
    assertSame(Sampling.greedy(), Sampling.builder().temperature(0).topK(5).seed(3).build());
    assertSame(Sampling.greedy(), Sampling.greedy().withSeed(9));
    assertTrue(Sampling.greedy().isGreedy());
    Sampling s = Sampling.builder().temperature(0.2).topK(40).topP(0.95).seed(7).build();
    assertFalse(s.isGreedy());
    assertEquals(0.2, s.temperature());
    assertEquals(40, s.topK());
    assertEquals(0.95, s.topP());
    assertEquals(7, s.seed());
    assertEquals(s, s.withSeed(8).withSeed(7));
    assertEquals(s.hashCode(), s.withSeed(8).withSeed(7).hashCode());
    assertNotEquals(s, s.withSeed(8));
    assertEquals("sampling(temperature=0.2, top_k=40, top_p=0.95, seed=7)", s.toString());
  }

  @Test
  void aSeedGivesTheSameDrawsEveryTimeAndAnotherSeedOthers() {
    float[] logits = new float[64];
    Random r = new Random(5);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) r.nextGaussian();
    }
    Sampling s = Sampling.builder().seed(42).build();
    int[] a = draws(s, logits, 200);
    assertArrayEquals(a, draws(s, logits, 200));
    assertFalse(Arrays.equals(a, draws(s.withSeed(43), logits, 200)));
  }

  @Test
  void everyScoreExcludedFailsWithAMessage() {
    Sampling.Sampler s = Sampling.builder().build().newSampler();
    EvalException e =
        assertThrows(
            EvalException.class, () -> s.next(new float[] {Float.NaN, Float.NEGATIVE_INFINITY}, 2));
    assertEquals("every one of the model's 2 scores is NaN or negative infinity", e.getMessage());
  }

  @Test
  void topKKeepsTiesWithTheKthScoreAndTopPKeepsAtLeastTheMostProbable() {
    // Three equal highest scores with top_k 1: all three stay (transformers removes only scores
    // below the k-th).
    float[] tied = {1, 1, 1, 0};
    int[] d = draws(Sampling.builder().topK(1).seed(1).build(), tied, 3000);
    assertEquals(0, IntStream.of(d).filter(t -> t == 3).count());
    for (int t = 0; t < 3; t++) {
      int id = t;
      assertTrue(IntStream.of(d).filter(x -> x == id).count() > 800, "id " + t);
    }
    // A tiny top_p keeps only the most probable token.
    float[] logits = {0.5f, 3f, 1f, 2.9f};
    for (int x : draws(Sampling.builder().topP(1e-9).seed(2).build(), logits, 500)) {
      assertEquals(1, x);
    }
  }

  @Test
  void theDistributionIsTheReferenceOverRandomSettings() {
    // A straightforward port of the reference order (temperature, then top-k, then top-p over
    // the ascending cumulative softmax, every token sorted) gives each token's probability; the
    // sampler's must be the same, zeros included, on small and large vocabularies (where top-p
    // drops most tokens before its sort).
    Random r = new Random(11);
    for (int round = 0; round < 200; round++) {
      int vocab = new int[] {2, 7, 40, 2000, 50_000}[round % 5];
      float[] logits = logits(r, vocab);
      Sampling s = randomSettings(r, round);
      double[] want = reference(logits, vocab, s.temperature(), s.topK(), s.topP());
      double[] got = s.newSampler().distribution(logits, vocab);
      for (int i = 0; i < vocab; i++) {
        String what = s + ", vocab " + vocab + ", token " + i;
        if (want[i] == 0) {
          assertEquals(0.0, got[i], what);
        } else {
          assertEquals(want[i], got[i], 1e-12 + 1e-9 * want[i], what);
        }
      }
    }
  }

  @Test
  void drawsFollowTheDistribution() {
    Random r = new Random(12);
    int n = 30_000;
    for (int round = 0; round < 12; round++) {
      int vocab = 2 + r.nextInt(30);
      float[] logits = logits(r, vocab);
      Sampling s = randomSettings(r, round);
      double[] want = s.newSampler().distribution(logits, vocab);
      int[] counts = new int[vocab];
      for (int x : draws(s, logits, vocab, n)) {
        counts[x]++;
      }
      for (int i = 0; i < vocab; i++) {
        String what = s + ", vocab " + vocab + ", token " + i + ": " + Arrays.toString(want);
        if (want[i] == 0) {
          assertEquals(0, counts[i], what);
        } else {
          double sigma = Math.sqrt(Math.max(0, want[i] * (1 - want[i])) / n);
          assertEquals(want[i], counts[i] / (double) n, 5 * sigma + 1e-9, what);
        }
      }
    }
  }

  /** Coarse scores (so that ties occur), a NaN and a negative infinity, and padding past vocab. */
  private static float[] logits(Random r, int vocab) {
    float[] logits = new float[vocab + 3];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.round(r.nextGaussian() * 4) / 2f;
    }
    if (vocab > 4) {
      logits[r.nextInt(vocab)] = Float.NaN;
      logits[r.nextInt(vocab)] = Float.NEGATIVE_INFINITY;
    }
    return logits;
  }

  private static Sampling randomSettings(Random r, int seed) {
    double t = new double[] {0.2, 0.7, 1.0, 1.6}[r.nextInt(4)];
    int k = new int[] {0, 1, 3, 10, 50, 1500}[r.nextInt(6)];
    double p = new double[] {1.0, 0.95, 0.7, 0.3}[r.nextInt(4)];
    return Sampling.builder().temperature(t).topK(k).topP(p).seed(seed).build();
  }

  /** Each token's probability under temperature, top-k and top-p, as transformers orders them. */
  private static double[] reference(float[] logits, int vocab, double t, int k, double p) {
    double[] x = new double[vocab];
    for (int i = 0; i < vocab; i++) {
      x[i] = Float.isNaN(logits[i]) ? Double.NEGATIVE_INFINITY : logits[i] / t;
    }
    if (k > 0 && k < vocab) {
      double[] sorted = x.clone();
      Arrays.sort(sorted);
      double kth = sorted[vocab - k];
      for (int i = 0; i < vocab; i++) {
        if (x[i] < kth) {
          x[i] = Double.NEGATIVE_INFINITY;
        }
      }
    }
    double[] prob = softmax(x);
    if (p < 1) {
      // Ascending by probability; among equal ones the higher id first.
      Integer[] order = new Integer[vocab];
      for (int i = 0; i < vocab; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> prob[i]).thenComparing(i -> -i));
      double cum = 0;
      for (int j = 0; j < vocab - 1; j++) {
        cum += prob[order[j]];
        if (cum <= 1 - p) {
          x[order[j]] = Double.NEGATIVE_INFINITY;
        }
      }
      return softmax(x);
    }
    return prob;
  }

  private static double[] softmax(double[] x) {
    double max = Arrays.stream(x).max().orElseThrow();
    double[] e = Arrays.stream(x).map(v -> Math.exp(v - max)).toArray();
    double sum = Arrays.stream(e).sum();
    return Arrays.stream(e).map(v -> v / sum).toArray();
  }

  private static int[] draws(Sampling s, float[] logits, int n) {
    return draws(s, logits, logits.length, n);
  }

  private static int[] draws(Sampling s, float[] logits, int vocab, int n) {
    Sampling.Sampler sampler = s.newSampler();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = sampler.next(logits, vocab);
    }
    return out;
  }
}
