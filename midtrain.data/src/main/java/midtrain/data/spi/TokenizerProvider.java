package midtrain.data.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import midtrain.data.token.TextTokenizer;

/**
 * Opens tokenizers of one kind, found by {@link java.util.ServiceLoader} and chosen by {@link
 * #id()}.
 *
 * <p>The Hugging Face provider ({@code huggingface}) lives in module {@code midtrain.tokenizers},
 * so {@code midtrain.data} does not depend on its native library. Register with {@code provides
 * midtrain.data.spi.TokenizerProvider with ...} and a {@code META-INF/services} line; the
 * constructor must be cheap (load native code in {@link #open}).
 */
public interface TokenizerProvider {
  /**
   * The stable id, for example {@code huggingface} (in module {@code midtrain.tokenizers}).
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
   * The option names {@link #open} understands; others are refused by name.
   *
   * @return the names; none unless the provider overrides it
   */
  default Set<String> options() {
    return Set.of();
  }

  /**
   * Tells whether this provider reads a file of this name; used to pick a provider when none is
   * named.
   *
   * @param file the tokenizer file
   * @return true when the provider claims it
   */
  default boolean accepts(Path file) {
    return false;
  }

  /**
   * Opens a tokenizer.
   *
   * @param file the tokenizer's file (for example {@code tokenizer.json}); providers that need none
   *     ignore it
   * @param options provider options, keys among {@link #options()}
   * @return the tokenizer; the caller closes it
   * @throws midtrain.data.DataException when the file is missing or does not parse, naming it
   */
  TextTokenizer open(Path file, Map<String, String> options);
}
