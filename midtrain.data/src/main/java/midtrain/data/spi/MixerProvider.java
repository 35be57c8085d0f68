package midtrain.data.spi;

import java.util.Map;
import midtrain.data.mix.Mixer;

/**
 * Makes data mixers of one kind, found by {@link java.util.ServiceLoader} and chosen by {@link
 * #id()}.
 *
 * <p>Register with {@code provides midtrain.data.spi.MixerProvider with ...} in module-info (and a
 * {@code META-INF/services/midtrain.data.spi.MixerProvider} line for class-path users). The
 * constructor must be cheap, public and without arguments; two providers with one id make discovery
 * fail, naming both classes.
 */
public interface MixerProvider {
  /**
   * The stable id users name the mixer by, for example {@code ratio} or {@code temperature}.
   *
   * @return the id, unique among the providers found
   */
  String id();

  /**
   * A one-line description for listings.
   *
   * @return the description; the id unless the provider overrides it
   */
  default String description() {
    return id();
  }

  /**
   * The parameter names {@link #create} understands; others are refused by name.
   *
   * @return the names; none unless the provider overrides it
   */
  default java.util.Set<String> parameters() {
    return java.util.Set.of();
  }

  /**
   * Creates a mixer.
   *
   * @param params the mixer's numeric parameters, keys among {@link #parameters()}
   * @return the mixer
   * @throws midtrain.data.DataException when a parameter is invalid
   */
  Mixer create(Map<String, Double> params);
}
