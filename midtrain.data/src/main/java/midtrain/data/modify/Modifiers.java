package midtrain.data.modify;

import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.internal.spi.Discovered;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.ModifierProvider;

/** Finds modifier providers by id and creates modifiers. */
public final class Modifiers {
  private Modifiers() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Holder {
    static final Discovered<ModifierProvider> PROVIDERS =
        Discovered.run(
            "modifier",
            () ->
                index(
                    ServiceLoader.load(ModifierProvider.class, Modifiers.class.getClassLoader())));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws DataException when two providers share an id or one cannot be loaded
   */
  public static Map<String, ModifierProvider> providers() {
    return Holder.PROVIDERS.get();
  }

  /**
   * Indexes providers by id; two classes with one id fail, naming both.
   *
   * @param found the providers
   * @return the index, sorted by id
   * @throws DataException when two classes claim one id
   */
  public static Map<String, ModifierProvider> index(Iterable<ModifierProvider> found) {
    Objects.requireNonNull(found, "found");
    return Registry.index(found, ModifierProvider::id, "modifier");
  }

  /**
   * Creates the modifier with id {@code id}, refusing parameters it does not know by name.
   *
   * @param id the provider id
   * @param params the parameters, keys among the provider's {@link ModifierProvider#parameters()}
   * @return the modifier, whose {@link TextModifier#describe()} holds the id and the parameters
   * @throws DataException when no provider has the id, a parameter is unknown or invalid
   */
  public static TextModifier create(String id, Map<String, String> params) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(params, "params");
    ModifierProvider p = Registry.require(providers(), id, "modifier");
    for (String k : params.keySet()) {
      if (!p.parameters().contains(k)) {
        throw new DataException(
            "modifier '"
                + id
                + "': unknown parameter "
                + k
                + " (known: "
                + new java.util.TreeSet<>(p.parameters())
                + ")");
      }
    }
    TextModifier r = p.create(Map.copyOf(params));
    if (r == null || !id.equals(r.id())) {
      // Counts and reasons are keyed by the modifier's id: one that differs from the provider's
      // would report under a name the user never wrote.
      throw new DataException(
          "modifier provider "
              + p.getClass().getName()
              + " with id '"
              + id
              + "' made "
              + (r == null ? "null" : "a modifier with id '" + r.id() + "'")
              + "; it must make a modifier with its own id");
    }
    return new Configured(r, id + new TreeMap<>(params));
  }

  /** A created modifier: the provider's, with a description holding its parameters. */
  private static final class Configured implements TextModifier {
    private final TextModifier inner;
    private final String description;

    Configured(TextModifier inner, String description) {
      this.inner = inner;
      this.description = description;
    }

    @Override
    public String id() {
      return inner.id();
    }

    @Override
    public Modification apply(String text) {
      return inner.apply(text);
    }

    @Override
    public String describe() {
      return description;
    }
  }
}
