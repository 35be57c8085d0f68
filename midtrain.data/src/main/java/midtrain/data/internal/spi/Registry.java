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
    } catch (DataException e) {
      throw e;
    } catch (ServiceConfigurationError | LinkageError e) {
      // ServiceLoader loads lazily, so a provider that cannot be loaded fails here, mid-iteration;
      // one whose superclass or interface is missing (a plugin without its dependency) is a
      // NoClassDefFoundError, which ServiceLoader passes through as is.
      throw new DataException(
          "cannot load the "
              + kind
              + " providers: "
              + (e instanceof LinkageError ? e.toString() : e.getMessage())
              + " (fix or remove the META-INF/services line or the module's 'provides' clause"
              + " that names it)",
          e);
    } catch (RuntimeException e) {
      // A provider's own code failed (its id(), say): still reported as this module's exception.
      throw new DataException(
          "cannot index the " + kind + " providers: one failed while its id was read: " + e, e);
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
