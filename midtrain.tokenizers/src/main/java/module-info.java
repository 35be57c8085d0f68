/**
 * Hugging Face {@code tokenizer.json} files for midtrain.data: the {@code huggingface} {@link
 * midtrain.data.spi.TokenizerProvider}, backed by DJL's binding to the Rust tokenizers library (its
 * native library ships inside the jar, so nothing is downloaded).
 */
module midtrain.tokenizers {
  requires transitive midtrain.data;
  requires ai.djl.api;
  requires ai.djl.tokenizers;
  requires com.fasterxml.jackson.databind;

  exports midtrain.tokenizers;

  provides midtrain.data.spi.TokenizerProvider with
      midtrain.tokenizers.internal.HuggingFaceTokenizerProvider;
}
