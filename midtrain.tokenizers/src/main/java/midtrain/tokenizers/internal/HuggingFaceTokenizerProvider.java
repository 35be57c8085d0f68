package midtrain.tokenizers.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import midtrain.data.spi.TokenizerProvider;
import midtrain.data.token.TextTokenizer;

/** The {@code huggingface} provider: {@code tokenizer.json} files through DJL. */
public final class HuggingFaceTokenizerProvider implements TokenizerProvider {
  /** Cheap: the native library loads on the first {@link #open}. */
  public HuggingFaceTokenizerProvider() {}

  @Override
  public String id() {
    return "huggingface";
  }

  @Override
  public String description() {
    return "Hugging Face tokenizer.json (Rust tokenizers through DJL, offline)";
  }

  @Override
  public boolean accepts(Path file) {
    Path name = file.getFileName();
    return Files.isDirectory(file)
        || (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json"));
  }

  @Override
  public TextTokenizer open(Path file, Map<String, String> options) {
    return HfTokenizer.open(file);
  }
}
