package midtrain.rope;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import midtrain.rope.internal.Discovered;
import midtrain.rope.spi.PositionEncodingProvider;

/**
 * Finds position-encoding providers and builds encodings from a Hugging Face {@code config.json}.
 *
 * <pre>{@code
 * Map<String, Object> config = objectMapper.readValue(file, Map.class); // config.json
 * PositionEncoding rope = PositionEncodings.fromModelConfig(config);
 * double[] invFreq = rope.invFreq();              // same values as transformers
 * RopeTable table = rope.table(RopeLayout.ROTATE_HALF, 0, 4096);
 * RotaryKernel.preferred().rotate(table, q, 0, 4096, 32 * 128, 32, 128); // q: [seq][heads][dim]
 * }</pre>
 */
public final class PositionEncodings {
  private PositionEncodings() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Registry {
    static final Discovered<PositionEncodingProvider> PROVIDERS =
        Discovered.run(
            "position-encoding", () -> discover(PositionEncodings.class.getClassLoader()));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws RopeException when two providers share an id or one cannot be loaded
   */
  public static Map<String, PositionEncodingProvider> providers() {
    return Registry.PROVIDERS.get();
  }

  /**
   * Discovers providers visible to a class loader (and, on the module path, to this module's
   * layer).
   *
   * <p>The result does not change what {@link #create}, {@link #fromModelConfig} and {@link
   * #provider} find: they use the providers of this module's own class loader, discovered once. A
   * provider only a child class loader sees (a plugin folder, say) is used from this index
   * directly:
   *
   * <pre>{@code
   * RopeConfig config = RopeConfig.fromModelConfig(map);
   * RopeParams params = config.params();
   * PositionEncoding rope =
   *     PositionEncodings.discover(pluginLoader).get(config.ropeType()).create(config, params);
   * params.requireAllUsed(); // unknown keys fail, as in create
   * }</pre>
   *
   * @param loader the class loader to search
   * @return the providers, sorted by id
   * @throws RopeException when two providers share an id or one cannot be loaded
   */
  public static Map<String, PositionEncodingProvider> discover(ClassLoader loader) {
    return index(ServiceLoader.load(PositionEncodingProvider.class, loader));
  }

  static Map<String, PositionEncodingProvider> index(Iterable<PositionEncodingProvider> found) {
    Map<String, PositionEncodingProvider> out = new TreeMap<>();
    try {
      for (PositionEncodingProvider p : found) {
        PositionEncodingProvider prev = out.putIfAbsent(p.id(), p);
        if (prev != null && prev.getClass() != p.getClass()) {
          throw new RopeException(
              "two position-encoding providers claim id '"
                  + p.id()
                  + "': "
                  + prev.getClass().getName()
                  + " and "
                  + p.getClass().getName()
                  + "; remove one or give it another id");
        }
      }
    } catch (RopeException e) {
      throw e;
    } catch (ServiceConfigurationError | LinkageError e) {
      // ServiceLoader loads lazily, so a provider that cannot be loaded fails here, mid-iteration;
      // one whose superclass or interface is missing (a plugin without its dependency) is a
      // NoClassDefFoundError, which ServiceLoader passes through as is.
      throw new RopeException(
          "cannot load the position-encoding providers: "
              + (e instanceof LinkageError ? e.toString() : e.getMessage())
              + " (fix or remove the META-INF/services line or the module's 'provides' clause"
              + " that names it)",
          e);
    } catch (RuntimeException e) {
      // A provider's own code failed (its id(), say): still reported as this module's exception.
      throw new RopeException(
          "cannot index the position-encoding providers: one failed while its id was read: " + e,
          e);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Finds a provider by id.
   *
   * @param id the rope type
   * @return the provider
   * @throws RopeException when no provider has the id
   */
  public static PositionEncodingProvider provider(String id) {
    Objects.requireNonNull(id, "id");
    PositionEncodingProvider p = providers().get(id);
    if (p == null) {
      throw new RopeException(
          "rope_type '"
              + id
              + "' is not a known rope type (known: "
              + String.join(", ", providers().keySet())
              + ")");
    }
    return p;
  }

  /**
   * Builds the encoding a configuration names, checking that every scaling key was understood.
   *
   * @param config the configuration
   * @return the encoding
   * @throws RopeException when the rope type is unknown or a key is missing, unknown or invalid
   */
  public static PositionEncoding create(RopeConfig config) {
    PositionEncodingProvider provider;
    try {
      provider = provider(config.ropeType());
    } catch (RopeException e) {
      throw new RopeException(config.source() + "." + e.getMessage(), e);
    }
    RopeParams params = config.params();
    PositionEncoding encoding = provider.create(config, params);
    params.requireAllUsed();
    if (encoding.frequencies().rotaryDim() != config.rotaryDim()) {
      throw new RopeException(
          "provider "
              + provider.getClass().getName()
              + " returned "
              + encoding.frequencies().rotaryDim()
              + " rotary lanes for rotary_dim "
              + config.rotaryDim());
    }
    return encoding;
  }

  /**
   * Builds the encoding of a Hugging Face model configuration.
   *
   * @param config the parsed {@code config.json}
   * @return the encoding, with the values transformers computes
   * @throws RopeException when a key is missing, unknown or contradicts another, naming it
   */
  public static PositionEncoding fromModelConfig(Map<String, ?> config) {
    return create(RopeConfig.fromModelConfig(config));
  }
}
