package midtrain.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How a {@link GenerativeModel} chooses each next token: greedily, or by sampling with temperature,
 * top-k and top-p as Hugging Face transformers' {@code generate} does.
 *
 * <p>Sampling divides the scores by the temperature, then keeps the {@code k} highest (ties with
 * the {@code k}-th kept, as transformers' top-k warper does), then keeps the smallest set of the
 * most probable tokens whose probabilities sum to more than {@code p} (dropping, from the least
 * probable up, tokens while the mass dropped stays at or below {@code 1 - p}, and never the most
 * probable one), then draws from the softmax of what is left. The draws come from a generator
 * seeded with {@link #seed()}, so one sampling and one model give the same tokens every time; they
 * are not torch's draws, so they differ from those of a Python run with the same seed.
 *
 * <p>Instances are immutable; {@link #newSampler()} makes the stateful part for one generation.
 */
public final class Sampling {
  private static final Sampling GREEDY = new Sampling(0.0, 0, 1.0, 0L);

  private final double temperature;
  private final int topK;
  private final double topP;
  private final long seed;

  private Sampling(double temperature, int topK, double topP, long seed) {
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
    this.seed = seed;
  }

  /**
   * Returns greedy decoding: the highest score, the lowest id among equal ones (as {@code
   * torch.argmax}); NaN scores are never chosen.
   *
   * @return the greedy sampling
   */
  public static Sampling greedy() {
    return GREEDY;
  }

  /**
   * Returns a builder; its defaults are temperature 1, no top-k, no top-p, seed 0.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether this is greedy decoding (temperature 0).
   *
   * @return true for greedy decoding
   */
  public boolean isGreedy() {
    return temperature == 0.0;
  }

  /**
   * Returns the temperature the scores are divided by; 0 for greedy decoding.
   *
   * @return the temperature, 0 or above
   */
  public double temperature() {
    return temperature;
  }

  /**
   * Returns how many of the highest-scoring tokens are kept; 0 keeps all.
   *
   * @return top-k, 0 or above
   */
  public int topK() {
    return topK;
  }

  /**
   * Returns the probability mass of the most probable tokens that is kept; 1 keeps all.
   *
   * @return top-p, in {@code (0, 1]}
   */
  public double topP() {
    return topP;
  }

  /**
   * Returns the seed of the draws.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the same sampling with another seed, for example one per sample of a problem.
   *
   * @param seed the new seed
   * @return a sampling that differs from this one only in its seed
   */
  public Sampling withSeed(long seed) {
    return isGreedy() ? this : new Sampling(temperature, topK, topP, seed);
  }

  /**
   * Starts the draws of one generation from {@link #seed()}.
   *
   * @return a new sampler; it is not thread-safe
   */
  public Sampler newSampler() {
    return new Sampler(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sampling s
        && Double.compare(temperature, s.temperature) == 0
        && topK == s.topK
        && Double.compare(topP, s.topP) == 0
        && seed == s.seed;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(
        new long[] {Double.hashCode(temperature), topK, Double.hashCode(topP), seed});
  }

  @Override
  public String toString() {
    return isGreedy()
        ? "greedy"
        : "sampling(temperature="
            + temperature
            + ", top_k="
            + topK
            + ", top_p="
            + topP
            + ", seed="
            + seed
            + ")";
  }

  /** Chooses the tokens of one generation, one call per token. */
  public static final class Sampler {
    private final Sampling sampling;
    private final SplittableRandom random;
    private long[] keys = new long[0];
    private double[] weights = new double[0];

    private Sampler(Sampling sampling) {
      this.sampling = sampling;
      this.random = new SplittableRandom(sampling.seed);
    }

    /**
     * Chooses the next token from a model's scores for it.
     *
     * @param logits the scores, at least {@code vocabSize} of them; entries past it are ignored
     * @param vocabSize how many ids may be chosen, from 0
     * @return the chosen id, in {@code [0, vocabSize)}
     * @throws EvalException if {@code vocabSize} is below 1 or above the scores' length, or no
     *     score can be chosen (every one NaN, or, when sampling, NaN or negative infinity)
     */
    public int next(float[] logits, int vocabSize) {
      checkVocabulary(logits, vocabSize);
      return sampling.isGreedy() ? argmax(logits, vocabSize) : draw(logits, vocabSize);
    }

    private static void checkVocabulary(float[] logits, int n) {
      if (n < 1 || n > logits.length) {
        throw new EvalException("a vocabulary of " + n + " ids for " + logits.length + " scores");
      }
    }

    private static int argmax(float[] logits, int n) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (!Float.isNaN(logits[i]) && (best < 0 || logits[i] > logits[best])) {
          best = i;
        }
      }
      if (best < 0) {
        throw new EvalException("every one of the model's " + n + " scores is NaN");
      }
      return best;
    }

    private int draw(float[] logits, int n) {
      select(logits, n);
      double u = random.nextDouble() * keptSum;
      if (from < 0) {
        // Nothing was cut: draw from the softmax in id order.
        for (int i = 0; i < n; i++) {
          u -= weights[i];
          if (u < 0) {
            return i;
          }
        }
        return lastPositive;
      }
      for (int j = kept - 1; j > from; j--) {
        u -= weights[id(keys[j])];
        if (u < 0) {
          return id(keys[j]);
        }
      }
      return id(keys[from]);
    }

    /**
     * Each id's probability after temperature, top-k and top-p, as {@link #next} draws from: the
     * exact distribution, for tests that need more than a sample of draws.
     */
    double[] distribution(float[] logits, int n) {
      checkVocabulary(logits, n);
      double[] p = new double[n];
      if (sampling.isGreedy()) {
        p[argmax(logits, n)] = 1.0;
        return p;
      }
      select(logits, n);
      if (from < 0) {
        for (int i = 0; i < n; i++) {
          p[i] = weights[i] / keptSum;
        }
      } else {
        for (int j = from; j < kept; j++) {
          p[id(keys[j])] = weights[id(keys[j])] / keptSum;
        }
      }
      return p;
    }

    // What select() leaves for the draw: with from = -1 every id may be drawn with its weight;
    // else the ids of keys[from, kept), and keptSum is their weights' sum.
    private int from;
    private int kept;
    private double keptSum;
    private int lastPositive;

    private void select(float[] logits, int n) {
      if (keys.length < n) {
        keys = new long[n];
        weights = new double[n];
      }
      float max = Float.NEGATIVE_INFINITY;
      int valid = 0;
      for (int i = 0; i < n; i++) {
        float x = logits[i];
        if (usable(x)) {
          valid++;
          max = Math.max(max, x);
        }
      }
      if (valid == 0) {
        throw new EvalException(
            "every one of the model's " + n + " scores is NaN or negative infinity");
      }
      double t = sampling.temperature;
      int k = sampling.topK;
      boolean cutK = k > 0 && k < valid;
      boolean cutP = sampling.topP < 1.0;
      // The candidates go into keys in ascending order of score after the sort: the float's order
      // as a signed int in the high half, the id reversed in the low half, so that among equal
      // scores the higher ids come first and are the first dropped by top-p.
      int m = 0;
      double sum = 0;
      double dropped = 0;
      if (cutK) {
        // Only scores at or above the k-th highest can be kept (ties with it included); a small
        // k finds that score with a heap, so that only about k tokens are weighed and sorted.
        float floor = k <= HEAP_K ? kthHighest(logits, n, k) : Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          if (usable(logits[i]) && logits[i] >= floor) {
            keys[m++] = key(logits[i], i);
          }
        }
      } else {
        lastPositive = -1;
        for (int i = 0; i < n; i++) {
          float x = logits[i];
          double w = usable(x) ? Math.exp((x - max) / t) : 0.0;
          weights[i] = w;
          sum += w;
          lastPositive = w > 0 ? i : lastPositive;
        }
        if (!cutP) {
          // Nothing is cut: no sort.
          from = -1;
          keptSum = sum;
          return;
        }
        // Top-p alone drops, unsorted, every token lighter than tau = (1 - p) * sum / valid: they
        // come first in ascending order and all of them together weigh at most valid * tau, the
        // mass top-p may drop. Only the rest is sorted; in a peaked distribution that is a few
        // tokens of a vocabulary of 100k. The most probable tokens (weight 1) are always sorted,
        // so that one is always kept.
        double tau = (1.0 - sampling.topP) * sum / valid;
        for (int i = 0; i < n; i++) {
          double w = weights[i];
          if (!usable(logits[i])) {
            continue;
          }
          if (w <= tau && w < 1.0) {
            dropped += w;
          } else {
            keys[m++] = key(logits[i], i);
          }
        }
      }
      Arrays.sort(keys, 0, m);
      int start = 0;
      if (cutK) {
        // Keep every score at or above the k-th highest, ties included.
        start = Math.max(0, m - k);
        float threshold = logits[id(keys[start])];
        while (start > 0 && logits[id(keys[start - 1])] >= threshold) {
          start--;
        }
        for (int j = start; j < m; j++) {
          int id = id(keys[j]);
          weights[id] = Math.exp((logits[id] - max) / t);
          sum += weights[id];
        }
      }
      if (cutP) {
        double limit = (1.0 - sampling.topP) * sum;
        while (start < m - 1 && dropped + weights[id(keys[start])] <= limit) {
          dropped += weights[id(keys[start])];
          start++;
        }
        sum -= dropped;
      }
      from = start;
      kept = m;
      keptSum = sum;
    }

    /** Top-k up to this size finds its threshold with a heap; larger ones sort every score. */
    private static final int HEAP_K = 1024;

    private float[] heap = new float[0];

    /** The k-th highest usable score, k below the number of usable scores: a min-heap of k. */
    private float kthHighest(float[] logits, int n, int k) {
      if (heap.length < k) {
        heap = new float[k];
      }
      float[] h = heap;
      int size = 0;
      for (int i = 0; i < n; i++) {
        float x = logits[i];
        if (!usable(x)) {
          continue;
        }
        if (size < k) {
          // Sift up.
          int c = size++;
          while (c > 0 && h[(c - 1) >> 1] > x) {
            h[c] = h[(c - 1) >> 1];
            c = (c - 1) >> 1;
          }
          h[c] = x;
        } else if (x > h[0]) {
          // Replace the least and sift down.
          int c = 0;
          while (true) {
            int child = 2 * c + 1;
            if (child >= k) {
              break;
            }
            if (child + 1 < k && h[child + 1] < h[child]) {
              child++;
            }
            if (h[child] >= x) {
              break;
            }
            h[c] = h[child];
            c = child;
          }
          h[c] = x;
        }
      }
      return h[0];
    }

    private static boolean usable(float x) {
      return !Float.isNaN(x) && x != Float.NEGATIVE_INFINITY;
    }

    private static long key(float x, int id) {
      int bits = Float.floatToIntBits(x);
      int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
      return ((long) ordered << 32) | (Integer.MAX_VALUE - id);
    }

    private static int id(long key) {
      return Integer.MAX_VALUE - (int) key;
    }
  }

  /** Builds a {@link Sampling}. */
  public static final class Builder {
    private double temperature = 1.0;
    private int topK;
    private double topP = 1.0;
    private long seed;

    private Builder() {}

    /**
     * Sets the temperature the scores are divided by before sampling.
     *
     * @param temperature above 0 to sample, or 0 for greedy decoding (top-k and top-p then have no
     *     effect, as in transformers without {@code do_sample}); default 1
     * @return this builder
     * @throws EvalException if it is negative, NaN or infinite
     */
    public Builder temperature(double temperature) {
      if (!(temperature >= 0) || Double.isInfinite(temperature)) {
        throw new EvalException(
            "temperature must be 0 (greedy) or a finite number above 0, got " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets how many of the highest-scoring tokens are kept.
     *
     * @param k 0 or above; 0 keeps all (default)
     * @return this builder
     * @throws EvalException if it is negative
     */
    public Builder topK(int k) {
      if (k < 0) {
        throw new EvalException("top_k must be 0 (all tokens) or above, got " + k);
      }
      this.topK = k;
      return this;
    }

    /**
     * Sets the probability mass of the most probable tokens that is kept (nucleus sampling).
     *
     * @param p in {@code (0, 1]}; 1 keeps all (default)
     * @return this builder
     * @throws EvalException if it is outside {@code (0, 1]}
     */
    public Builder topP(double p) {
      if (!(p > 0 && p <= 1)) {
        throw new EvalException("top_p must be above 0 and at most 1, got " + p);
      }
      this.topP = p;
      return this;
    }

    /**
     * Sets the seed of the draws.
     *
     * @param seed any value; default 0
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the sampling; a temperature of 0 gives {@link Sampling#greedy()}.
     *
     * @return the sampling
     */
    public Sampling build() {
      return temperature == 0.0 ? GREEDY : new Sampling(temperature, topK, topP, seed);
    }
  }
}
