package midtrain.data.rewrite;

import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.internal.spi.Discovered;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.RewriterProvider;

/** Finds rewriter providers by id and creates rewriters. */
public final class Rewriters {
  private Rewriters() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Holder {
    static final Discovered<RewriterProvider> PROVIDERS =
        Discovered.run(
            "rewriter",
            () ->
                index(
                    ServiceLoader.load(RewriterProvider.class, Rewriters.class.getClassLoader())));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws DataException when two providers share an id or one cannot be loaded
   */
  public static Map<String, RewriterProvider> providers() {
    return Holder.PROVIDERS.get();
  }

  /**
   * Indexes providers by id; two classes with one id fail, naming both.
   *
   * @param found the providers
   * @return the index, sorted by id
   * @throws DataException when two classes claim one id
   */
  public static Map<String, RewriterProvider> index(Iterable<RewriterProvider> found) {
    Objects.requireNonNull(found, "found");
    return Registry.index(found, RewriterProvider::id, "rewriter");
  }

  /**
   * Creates the rewriter with id {@code id}, refusing parameters it does not know by name.
   *
   * @param id the provider id
   * @param params the parameters, keys among the provider's {@link RewriterProvider#parameters()}
   * @return the rewriter, whose {@link TextRewriter#describe()} holds the id and the parameters
   * @throws DataException when no provider has the id, a parameter is unknown or invalid
   */
  public static TextRewriter create(String id, Map<String, String> params) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(params, "params");
    RewriterProvider p = Registry.require(providers(), id, "rewriter");
    for (String k : params.keySet()) {
      if (!p.parameters().contains(k)) {
        throw new DataException(
            "rewriter '"
                + id
                + "': unknown parameter "
                + k
                + " (known: "
                + new java.util.TreeSet<>(p.parameters())
                + ")");
      }
    }
    TextRewriter r = p.create(Map.copyOf(params));
    if (r == null || !id.equals(r.id())) {
      // Counts and reasons are keyed by the rewriter's id: one that differs from the provider's
      // would report under a name the user never wrote.
      throw new DataException(
          "rewriter provider "
              + p.getClass().getName()
              + " with id '"
              + id
              + "' made "
              + (r == null ? "null" : "a rewriter with id '" + r.id() + "'")
              + "; it must make a rewriter with its own id");
    }
    return new Configured(r, id + new TreeMap<>(params));
  }

  /** A created rewriter: the provider's, with a description holding its parameters. */
  private static final class Configured implements TextRewriter {
    private final TextRewriter inner;
    private final String description;

    Configured(TextRewriter inner, String description) {
      this.inner = inner;
      this.description = description;
    }

    @Override
    public String id() {
      return inner.id();
    }

    @Override
    public Rewrite apply(String text) {
      return inner.apply(text);
    }

    @Override
    public String describe() {
      return description;
    }
  }
}
