package midtrain.data.mix;

import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import midtrain.data.DataException;
import midtrain.data.internal.spi.Discovered;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.MixerProvider;

/** Finds mixer providers by id and creates mixers. */
public final class Mixers {
  private Mixers() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Holder {
    static final Discovered<MixerProvider> PROVIDERS =
        Discovered.run(
            "mixer",
            () -> index(ServiceLoader.load(MixerProvider.class, Mixers.class.getClassLoader())));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws DataException when two providers share an id or one cannot be loaded
   */
  public static Map<String, MixerProvider> providers() {
    return Holder.PROVIDERS.get();
  }

  /**
   * Indexes providers by id; two classes with one id fail, naming both.
   *
   * @param found the providers to index, for example those a {@link ServiceLoader} found
   * @return the providers by id, sorted by id; a class found twice is kept once
   * @throws DataException if providers of two different classes share an id, or one cannot be
   *     loaded
   */
  public static Map<String, MixerProvider> index(Iterable<MixerProvider> found) {
    return Registry.index(found, MixerProvider::id, "mixer");
  }

  /**
   * Creates the mixer with id {@code id}, refusing parameters it does not know by name.
   *
   * @param id the provider's id, for example {@code ratio}
   * @param params the mixer's numeric parameters by name, each among the provider's {@link
   *     MixerProvider#parameters()}; empty for its defaults
   * @return the mixer the provider creates
   * @throws DataException if no provider has that id, a parameter is unknown to it, or the provider
   *     refuses a value
   */
  public static Mixer create(String id, Map<String, Double> params) {
    Objects.requireNonNull(id, "id");
    MixerProvider p = Registry.require(providers(), id, "mixer");
    for (String k : params.keySet()) {
      if (!p.parameters().contains(k)) {
        throw new DataException(
            "mixer '" + id + "': unknown parameter " + k + " (known: " + p.parameters() + ")");
      }
    }
    return p.create(params);
  }

  /**
   * Wraps a mixer so that general-purpose sources keep at least a share of the tokens, the guard
   * against forgetting that mid-training mixes use: when the inner mixer gives the {@code general}
   * sources together less than {@code minShare}, they are scaled up to exactly {@code minShare}
   * (keeping their proportions among themselves) and the other sources scaled down to the rest.
   *
   * @param inner the mixer
   * @param general the sources that count as general data
   * @param minShare the least combined share, in [0, 1]
   * @return the guarded mixer
   * @throws DataException when the share is out of range or no general source has weight and tokens
   *     while a share is asked for
   */
  public static Mixer withFloor(Mixer inner, java.util.Set<String> general, double minShare) {
    Objects.requireNonNull(inner, "inner");
    java.util.Set<String> g = java.util.Set.copyOf(general);
    if (!(minShare >= 0 && minShare <= 1)) {
      throw new DataException("general-data floor must be in [0, 1], got " + minShare);
    }
    return (weights, available) -> {
      Map<String, Double> p = new java.util.TreeMap<>(inner.proportions(weights, available));
      double have = 0;
      for (Map.Entry<String, Double> e : p.entrySet()) {
        if (g.contains(e.getKey())) {
          have += e.getValue();
        }
      }
      if (have >= minShare || minShare == 0) {
        return p;
      }
      if (have == 0) {
        throw new DataException(
            "general-data floor of "
                + minShare
                + " cannot be met: none of "
                + new java.util.TreeSet<>(g)
                + " has weight and tokens in this phase");
      }
      double up = minShare / have;
      double rest = 1 - have;
      double down = rest == 0 ? 0 : (1 - minShare) / rest;
      p.replaceAll((k, v) -> g.contains(k) ? v * up : v * down);
      return p;
    };
  }
}
