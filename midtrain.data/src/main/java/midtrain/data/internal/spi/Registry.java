package midtrain.data.internal.spi;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.TreeMap;
import java.util.function.Function;
import midtrain.data.DataException;

/** Indexes service providers by their stable id, so every SPI fails the same way on a clash. */
public final class Registry {
  private Registry() {}

  /**
   * Indexes providers by id; two classes claiming one id fail, naming both, as does a provider that
   * cannot be loaded.
   *
   * @param found the providers, for example a {@link java.util.ServiceLoader}
   * @param id how to read a provider's id
   * @param kind what the providers make, for messages ({@code mixer}, {@code rater})
   * @return an unmodifiable map sorted by id
   */
  public static <T> Map<String, T> index(
      Iterable<? extends T> found, Function<T, String> id, String kind) {
    Map<String, T> out = new TreeMap<>();
    try {
      for (T p : found) {
        String key = id.apply(p);
        T prev = out.putIfAbsent(key, p);
        if (prev != null && prev.getClass() != p.getClass()) {
          throw new DataException(
              "two "
                  + kind
                  + " providers claim id '"
                  + key
                  + "': "
                  + prev.getClass().getName()
                  + " and "
                  + p.getClass().getName()
                  + "; remove one or give it another id");
        }
      }
    } catch (ServiceConfigurationError e) {
      // ServiceLoader loads lazily, so a provider that cannot be loaded fails here, mid-iteration.
      throw new DataException(
          "cannot load the "
              + kind
              + " providers: "
              + e.getMessage()
              + " (fix or remove the META-INF/services line or the module's 'provides' clause"
              + " that names it)",
          e);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Looks a provider up, failing with the known ids listed.
   *
   * @param providers the index
   * @param id the id asked for
   * @param kind what the providers make, for messages
   * @return the provider
   */
  public static <T> T require(Map<String, T> providers, String id, String kind) {
    T p = providers.get(id);
    if (p == null) {
      throw new DataException(
          "unknown "
              + kind
              + " '"
              + id
              + "' (known: "
              + String.join(", ", providers.keySet())
              + ")");
    }
    return p;
  }
}
