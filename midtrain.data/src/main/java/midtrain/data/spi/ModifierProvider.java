package midtrain.data.spi;

import java.util.Map;
import java.util.Set;
import midtrain.data.modify.TextModifier;

/**
 * Makes text modifiers of one kind, found by {@link java.util.ServiceLoader} and chosen by {@link
 * #id()}.
 *
 * <p>Register with {@code provides midtrain.data.spi.ModifierProvider with ...} in module-info (and
 * a {@code META-INF/services} line for class-path users). The constructor must be cheap, public and
 * without arguments; compile patterns or load word lists in {@link #create}. Two providers with one
 * id make discovery fail, naming both classes.
 */
public interface ModifierProvider {
  /**
   * The stable id users name the modifier by, for example {@code pii}.
   *
   * @return the id, unique among the providers found: letters, digits, {@code _} or {@code -}
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
   * Creates a modifier.
   *
   * @param params parameters as text (numbers in decimal, booleans {@code true}/{@code false},
   *     lists comma-separated), keys among {@link #parameters()}
   * @return the modifier, safe to call from several threads at once
   * @throws midtrain.data.DataException when a parameter is invalid
   */
  TextModifier create(Map<String, String> params);
}
