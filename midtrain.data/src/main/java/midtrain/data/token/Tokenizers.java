package midtrain.data.token;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import midtrain.data.DataException;
import midtrain.data.internal.spi.Discovered;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.TokenizerProvider;

/** Finds tokenizer providers by id and opens tokenizers. */
public final class Tokenizers {
  private Tokenizers() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Holder {
    static final Discovered<TokenizerProvider> PROVIDERS =
        Discovered.run(
            "tokenizer",
            () ->
                index(
                    ServiceLoader.load(
                        TokenizerProvider.class, Tokenizers.class.getClassLoader())));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws DataException when two providers share an id or one cannot be loaded
   */
  public static Map<String, TokenizerProvider> providers() {
    return Holder.PROVIDERS.get();
  }

  /**
   * Indexes providers by id; two classes with one id fail, naming both.
   *
   * @param found the providers to index, for example those a {@link ServiceLoader} found
   * @return the providers by id, sorted by id; a class found twice is kept once
   * @throws DataException if providers of two different classes share an id, or one cannot be
   *     loaded
   */
  public static Map<String, TokenizerProvider> index(Iterable<TokenizerProvider> found) {
    return Registry.index(found, TokenizerProvider::id, "tokenizer");
  }

  /**
   * Opens a tokenizer with the provider {@code id}, refusing options it does not know by name.
   *
   * @param id the provider id
   * @param file the tokenizer file
   * @param options provider options
   * @return the tokenizer; the caller closes it
   */
  public static TextTokenizer open(String id, Path file, Map<String, String> options) {
    Objects.requireNonNull(id, "id");
    TokenizerProvider p = Registry.require(providers(), id, "tokenizer");
    for (String k : options.keySet()) {
      if (!p.options().contains(k)) {
        throw new DataException(
            "tokenizer '" + id + "': unknown option " + k + " (known: " + p.options() + ")");
      }
    }
    return p.open(file, options);
  }

  /**
   * Opens a tokenizer file with the first provider (by id) that claims it, for example {@code
   * huggingface} for {@code tokenizer.json}; a name that is no file but a provider's id opens that
   * provider (for a tokenizer of your own that needs no file, such as one over raw bytes).
   *
   * @param file the tokenizer file
   * @return the tokenizer; the caller closes it
   */
  public static TextTokenizer open(Path file) {
    Objects.requireNonNull(file, "file");
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    if (!Files.exists(file) && providers().containsKey(name)) {
      return open(name, file, Map.of());
    }
    for (TokenizerProvider p : providers().values()) {
      if (p.accepts(file)) {
        return p.open(file, Map.of());
      }
    }
    throw new DataException(
        "no tokenizer provider reads "
            + file
            + " (providers: "
            + String.join(", ", providers().keySet())
            + "; the huggingface provider needs module midtrain.tokenizers and a .json file)");
  }
}
