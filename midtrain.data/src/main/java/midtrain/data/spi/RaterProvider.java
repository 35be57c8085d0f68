package midtrain.data.spi;

import java.util.Map;
import java.util.Set;
import midtrain.data.rate.Rater;

/**
 * Makes document raters of one kind, found by {@link java.util.ServiceLoader} and chosen by {@link
 * #id()}.
 *
 * <p>Register with {@code provides midtrain.data.spi.RaterProvider with ...} in module-info (and a
 * {@code META-INF/services} line for class-path users). The constructor must be cheap, public and
 * without arguments; load models in {@link #create}. Two providers with one id make discovery fail,
 * naming both classes.
 */
public interface RaterProvider {
  /**
   * The stable id users name the rater by, for example {@code gopher-quality}.
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
  default Set<String> parameters() {
    return Set.of();
  }

  /**
   * Creates a rater.
   *
   * @param params parameters as text (numbers in decimal, lists comma-separated), keys among {@link
   *     #parameters()}
   * @return the rater
   * @throws midtrain.data.DataException when a parameter is invalid or a model cannot be loaded
   */
  Rater create(Map<String, String> params);
}
