package midtrain.data.mix;

import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import midtrain.data.DataException;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.MixerProvider;

/** Finds mixer providers by id and creates mixers. */
public final class Mixers {
  private Mixers() {}

  private static final class Holder {
    static final Map<String, MixerProvider> PROVIDERS =
        index(ServiceLoader.load(MixerProvider.class, Mixers.class.getClassLoader()));
  }

  /** Every provider found by {@link ServiceLoader}, by id. */
  public static Map<String, MixerProvider> providers() {
    return Holder.PROVIDERS;
  }

  /** Indexes providers by id; two classes with one id fail, naming both. */
  public static Map<String, MixerProvider> index(Iterable<MixerProvider> found) {
    return Registry.index(found, MixerProvider::id, "mixer");
  }

  /** Creates the mixer with id {@code id}, refusing parameters it does not know by name. */
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
}
