package midtrain.tokenizers;

import java.nio.file.Path;
import midtrain.data.token.TextTokenizer;
import midtrain.tokenizers.internal.HfTokenizer;

/** Opens Hugging Face {@code tokenizer.json} files directly, without service discovery. */
public final class HuggingFaceTokenizers {
  /** The provider id: {@code huggingface}. */
  public static final String ID = "huggingface";

  private HuggingFaceTokenizers() {}

  /**
   * Opens a {@code tokenizer.json} (or a directory holding one).
   *
   * @param file the file
   * @return the tokenizer; the caller closes it
   * @throws midtrain.data.DataException when the file is missing or does not parse, naming it
   */
  public static TextTokenizer open(Path file) {
    return HfTokenizer.open(file);
  }
}
