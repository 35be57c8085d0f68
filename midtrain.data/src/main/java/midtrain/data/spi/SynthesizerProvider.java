package midtrain.data.spi;

import java.util.Map;
import java.util.Set;
import midtrain.data.synth.Synthesizer;

/**
 * Makes synthesizers of one kind, found by {@link java.util.ServiceLoader} and chosen by {@link
 * #id()}.
 *
 * <p>Register with {@code provides midtrain.data.spi.SynthesizerProvider with ...} in module-info
 * (and a {@code META-INF/services/midtrain.data.spi.SynthesizerProvider} line for class-path
 * users). The constructor must be cheap, public and without arguments; read templates and other
 * files in {@link #create}. Two providers with one id make discovery fail, naming both classes.
 *
 * <p>By convention the parameter {@code template} names a prompt template file that replaces the
 * built-in prompt, and {@code max-input-chars} is the most document characters one prompt carries
 * (longer documents are split into chunks).
 */
public interface SynthesizerProvider {
  /**
   * The stable id users name the synthesizer by, for example {@code rewrite}; also the middle of
   * the derived ids of its outputs.
   *
   * @return the id, unique among the providers found; letters, digits, {@code -} and {@code _}
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
   * Creates a synthesizer.
   *
   * @param params parameters as text, keys among {@link #parameters()}
   * @return the synthesizer
   * @throws midtrain.data.DataException when a parameter is invalid or a template cannot be read
   */
  Synthesizer create(Map<String, String> params);
}
