package midtrain.data.synth;

import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import midtrain.data.DataException;
import midtrain.data.internal.spi.Discovered;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.SynthesizerProvider;

/** Finds synthesizer providers by id and creates synthesizers. */
public final class Synthesizers {
  private Synthesizers() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Holder {
    static final Discovered<SynthesizerProvider> PROVIDERS =
        Discovered.run(
            "synthesizer",
            () ->
                index(
                    ServiceLoader.load(
                        SynthesizerProvider.class, Synthesizers.class.getClassLoader())));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws DataException when two providers share an id or one cannot be loaded
   */
  public static Map<String, SynthesizerProvider> providers() {
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
  public static Map<String, SynthesizerProvider> index(Iterable<SynthesizerProvider> found) {
    return Registry.index(found, SynthesizerProvider::id, "synthesizer");
  }

  /**
   * Creates the synthesizer with id {@code id}, refusing parameters it does not know by name.
   *
   * @param id the provider's id, for example {@code rewrite}
   * @param params parameters by name, each among the provider's {@link
   *     SynthesizerProvider#parameters()}; empty for its defaults
   * @return the synthesizer the provider creates
   * @throws DataException if no provider has that id, a parameter is unknown to it, or the provider
   *     refuses a value
   */
  public static Synthesizer create(String id, Map<String, String> params) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(params, "params");
    SynthesizerProvider p = Registry.require(providers(), id, "synthesizer");
    for (String k : params.keySet()) {
      if (!p.parameters().contains(k)) {
        throw new DataException(
            "synthesizer '"
                + id
                + "': unknown parameter "
                + k
                + " (known: "
                + new java.util.TreeSet<>(p.parameters())
                + ")");
      }
    }
    return p.create(params);
  }
}
