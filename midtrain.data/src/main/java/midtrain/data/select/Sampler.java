package midtrain.data.select;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.internal.rng.Seeds;

/**
 * Down-samples or up-samples documents by a factor per domain (or per source), deterministically.
 *
 * <p>A factor {@code f} gives each document {@code floor(f)} copies plus one more with probability
 * {@code f - floor(f)}; the draw is a hash of the seed and the document id, so the same input,
 * factors and seed keep the same documents whatever the batch size or thread count. Copies after
 * the first get ids {@code <id>#1}, {@code <id>#2}, .... Documents whose key has no factor use
 * {@link #defaultFactor()}.
 */
public final class Sampler {
  private final boolean bySource;
  private final Map<String, Double> factors;
  private final double defaultFactor;
  private final long seed;

  private Sampler(boolean bySource, Map<String, Double> factors, double defaultFactor, long seed) {
    this.bySource = bySource;
    this.factors = factors;
    this.defaultFactor = defaultFactor;
    this.seed = seed;
  }

  /**
   * Makes a sampler keyed by domain.
   *
   * @param factors factor per domain, each at least 0
   * @param defaultFactor factor for other domains
   * @param seed the seed
   * @return the sampler
   */
  public static Sampler byDomain(Map<String, Double> factors, double defaultFactor, long seed) {
    return new Sampler(false, check(factors, defaultFactor), defaultFactor, seed);
  }

  /**
   * Makes a sampler keyed by source.
   *
   * @param factors factor per source, each at least 0
   * @param defaultFactor factor for other sources
   * @param seed the seed
   * @return the sampler
   */
  public static Sampler bySource(Map<String, Double> factors, double defaultFactor, long seed) {
    return new Sampler(true, check(factors, defaultFactor), defaultFactor, seed);
  }

  private static Map<String, Double> check(Map<String, Double> factors, double defaultFactor) {
    Objects.requireNonNull(factors, "factors");
    Map<String, Double> copy = new TreeMap<>();
    for (Map.Entry<String, Double> e : factors.entrySet()) {
      double f = e.getValue();
      if (!(f >= 0) || Double.isInfinite(f) || f > 1000) {
        throw new DataException(
            "sampling factor for '" + e.getKey() + "' must be in [0, 1000], got " + f);
      }
      copy.put(e.getKey(), f);
    }
    if (!(defaultFactor >= 0) || defaultFactor > 1000) {
      throw new DataException("default sampling factor must be in [0, 1000], got " + defaultFactor);
    }
    return java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Whether the factors are keyed by source rather than domain.
   *
   * @return true for a sampler made by {@link #bySource}, false for one made by {@link #byDomain}
   */
  public boolean bySource() {
    return bySource;
  }

  /**
   * The factors by key.
   *
   * @return an unmodifiable copy of the factors, each in [0, 1000], sorted by key
   */
  public Map<String, Double> factors() {
    return factors;
  }

  /**
   * The factor of keys with none of their own.
   *
   * @return the default factor, in [0, 1000]
   */
  public double defaultFactor() {
    return defaultFactor;
  }

  /**
   * The seed.
   *
   * @return the seed hashed with each document id to draw its fractional copy
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns how many copies of a document to emit.
   *
   * @param key the document's domain or source (empty when it has none)
   * @param id the document's id
   * @return 0 to drop it, 1 to keep it, more to repeat it
   */
  public int copies(String key, String id) {
    double f = factors.getOrDefault(key, defaultFactor);
    int whole = (int) Math.floor(f);
    double frac = f - whole;
    if (frac == 0) {
      return whole;
    }
    long h = Seeds.combine(seed, Seeds.hash(id));
    double u = (h >>> 11) * 0x1.0p-53;
    return whole + (u < frac ? 1 : 0);
  }
}
