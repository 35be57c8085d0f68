package midtrain.data.internal.spi;

import java.util.Map;
import java.util.function.Supplier;
import midtrain.data.DataException;

/**
 * The outcome of discovering providers once: the index, or the failure to report on every use.
 *
 * <p>Registries keep one in a holder class. Were discovery to throw from the holder's static
 * initializer, the first call would see an {@link ExceptionInInitializerError} and every later one
 * a {@link NoClassDefFoundError}, neither carrying the message that names the classes at fault.
 *
 * @param <T> the provider type
 */
public final class Discovered<T> {
  private final Map<String, T> providers;
  private final DataException failure;

  private Discovered(Map<String, T> providers, DataException failure) {
    this.providers = providers;
    this.failure = failure;
  }

  /**
   * Runs a discovery, keeping its failure instead of throwing it.
   *
   * @param kind what the providers make, for messages ({@code rater}, {@code format})
   * @param discovery finds and indexes the providers
   * @param <T> the provider type
   * @return the index or the failure
   */
  public static <T> Discovered<T> run(String kind, Supplier<Map<String, T>> discovery) {
    try {
      return new Discovered<>(discovery.get(), null);
    } catch (DataException e) {
      return new Discovered<>(null, e);
    } catch (RuntimeException | LinkageError e) {
      // A provider's own code failed (its id(), say): still reported as this module's exception.
      return new Discovered<>(
          null, new DataException("cannot discover the " + kind + " providers: " + e, e));
    }
  }

  /**
   * Returns the index, or throws the discovery's failure again.
   *
   * @return the providers by id
   * @throws DataException with the message of the failed discovery
   */
  public Map<String, T> get() {
    if (failure != null) {
      // A fresh exception so its stack trace shows this caller; the first one is kept as the cause.
      throw new DataException(failure.getMessage(), failure);
    }
    return providers;
  }
}
