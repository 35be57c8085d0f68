package midtrain.data.mix;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import midtrain.data.DataException;

/**
 * Tokens to draw per source for one phase's budget.
 *
 * @param totalTokens the budget; the per-source tokens sum to it exactly
 * @param proportions the mixer's proportions
 * @param tokens tokens per source (largest-remainder rounding)
 * @param epochs passes over each source's available tokens the plan implies
 */
public record MixturePlan(
    long totalTokens,
    Map<String, Double> proportions,
    Map<String, Long> tokens,
    Map<String, Double> epochs) {
  /**
   * Copies the maps, sorted by source.
   *
   * @param totalTokens the phase's token budget
   * @param proportions the mixer's proportion per source, in [0, 1]
   * @param tokens the tokens to draw per source, summing to {@code totalTokens}
   * @param epochs the passes over each source's available tokens the plan implies; infinite for a
   *     source with tokens planned but none available
   */
  public MixturePlan {
    proportions = Collections.unmodifiableMap(new TreeMap<>(proportions));
    tokens = Collections.unmodifiableMap(new TreeMap<>(tokens));
    epochs = Collections.unmodifiableMap(new TreeMap<>(epochs));
  }

  /**
   * A builder planning with {@code mixer}.
   *
   * @param mixer turns the weights and available tokens into proportions
   * @return a builder with no sources, no budget and a repetition cap of 4 epochs
   */
  public static Builder builder(Mixer mixer) {
    return new Builder(mixer);
  }

  /** Builder for {@link MixturePlan}. */
  public static final class Builder {
    private final Mixer mixer;
    private final Map<String, Double> weights = new TreeMap<>();
    private final Map<String, Long> available = new TreeMap<>();
    private final Map<String, Double> maxEpochs = new HashMap<>();
    private double defaultMaxEpochs = 4.0;
    private long totalTokens = -1;

    private Builder(Mixer mixer) {
      this.mixer = Objects.requireNonNull(mixer, "mixer");
    }

    /**
     * Weights per source (for example a {@code MixtureSchedule}'s weights at a step).
     *
     * @param w weights by source, each finite and at least 0; they need not sum to 1, and replace
     *     earlier weights of the same sources
     * @return this builder
     * @throws DataException if a weight is null, negative, infinite or NaN
     */
    public Builder weights(Map<String, Double> w) {
      w.forEach(
          (k, v) -> {
            if (v == null || !Double.isFinite(v) || v < 0) {
              throw new DataException("mixture weight of source '" + k + "' must be >= 0: " + v);
            }
            weights.put(k, v);
          });
      return this;
    }

    /**
     * Tokens available in a source (for example its {@code SourceCount.tokens()}).
     *
     * @param source the source's name, as in the weights
     * @param tokens the tokens the source holds, at least 0; a weighted source never given here has
     *     0
     * @return this builder
     * @throws DataException if {@code tokens} is negative
     */
    public Builder available(String source, long tokens) {
      if (tokens < 0) {
        throw new DataException("available tokens of source '" + source + "' must be >= 0");
      }
      available.put(Objects.requireNonNull(source, "source"), tokens);
      return this;
    }

    /**
     * The token budget of the phase.
     *
     * @param n the tokens to draw over all sources, at least 0; required
     * @return this builder
     * @throws DataException if {@code n} is negative
     */
    public Builder totalTokens(long n) {
      if (n < 0) {
        throw new DataException("totalTokens must be >= 0, got " + n);
      }
      this.totalTokens = n;
      return this;
    }

    /**
     * The repetition cap for one source, in epochs (passes over its tokens).
     *
     * @param source the source's name
     * @param epochs the cap, positive and finite; fractions are allowed
     * @return this builder
     * @throws DataException if {@code epochs} is not positive or is infinite
     */
    public Builder maxEpochs(String source, double epochs) {
      maxEpochs.put(Objects.requireNonNull(source, "source"), checkEpochs(epochs, source));
      return this;
    }

    /**
     * The repetition cap for sources without their own (default 4, as data-constrained LMs).
     *
     * @param epochs the cap, positive and finite
     * @return this builder
     * @throws DataException if {@code epochs} is not positive or is infinite
     */
    public Builder defaultMaxEpochs(double epochs) {
      this.defaultMaxEpochs = checkEpochs(epochs, "default");
      return this;
    }

    /**
     * Plans, or fails naming every source that is short and by how many tokens.
     *
     * @return the plan; its tokens per source sum to the budget exactly
     * @throws DataException if the budget is not set, the weights do not sum to a positive number,
     *     the mixer's proportions are invalid, or a source would be drawn more often than its cap
     *     allows
     */
    public MixturePlan build() {
      if (totalTokens < 0) {
        throw new DataException("mixture plan: totalTokens not set");
      }
      double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
      if (!(sum > 0)) {
        throw new DataException("mixture weights " + weights + " do not sum to a positive number");
      }
      Map<String, Long> avail = new TreeMap<>();
      weights.keySet().forEach(k -> avail.put(k, available.getOrDefault(k, 0L)));
      Map<String, Double> p = new TreeMap<>(mixer.proportions(weights, avail));
      Map<String, Long> tokens = allocate(p, totalTokens);
      Map<String, Double> epochs = new TreeMap<>();
      List<String> short_ = new ArrayList<>();
      tokens.forEach(
          (k, t) -> {
            long have = avail.getOrDefault(k, 0L);
            double cap = maxEpochs.getOrDefault(k, defaultMaxEpochs);
            long allowed = (long) Math.floor(have * cap);
            epochs.put(
                k, have == 0 ? (t == 0 ? 0.0 : Double.POSITIVE_INFINITY) : t / (double) have);
            if (t > allowed) {
              short_.add(
                  "source '"
                      + k
                      + "' is short by "
                      + (t - allowed)
                      + " tokens (plan needs "
                      + t
                      + ", "
                      + have
                      + " available, at most "
                      + cap
                      + " epochs = "
                      + allowed
                      + ")");
            }
          });
      if (!short_.isEmpty()) {
        throw new DataException("mixture plan: " + String.join("; ", short_));
      }
      return new MixturePlan(totalTokens, p, tokens, epochs);
    }

    private static double checkEpochs(double e, String source) {
      if (!(e > 0) || Double.isInfinite(e)) {
        throw new DataException("maxEpochs of source '" + source + "' must be positive: " + e);
      }
      return e;
    }
  }

  /** Largest-remainder rounding, ties broken by source name, so the sum is exactly {@code n}. */
  static Map<String, Long> allocate(Map<String, Double> p, long n) {
    double sum = p.values().stream().mapToDouble(Double::doubleValue).sum();
    if (!(sum > 0)) {
      throw new DataException("mixer proportions " + p + " do not sum to a positive number");
    }
    Map<String, Long> out = new TreeMap<>();
    List<Map.Entry<String, Double>> frac = new ArrayList<>();
    long used = 0;
    for (Map.Entry<String, Double> e : p.entrySet()) {
      if (e.getValue() < 0 || !Double.isFinite(e.getValue())) {
        throw new DataException("mixer proportion of source '" + e.getKey() + "' is invalid");
      }
      double exact = n * (e.getValue() / sum);
      long floor = (long) Math.floor(exact);
      out.put(e.getKey(), floor);
      used += floor;
      frac.add(Map.entry(e.getKey(), exact - floor));
    }
    frac.sort(
        Map.Entry.<String, Double>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    for (int i = 0; used < n; i++, used++) {
      out.merge(frac.get(i % frac.size()).getKey(), 1L, Long::sum);
    }
    return out;
  }
}
