/**
 * Opens Hugging Face {@code tokenizer.json} files as {@link midtrain.data.token.TextTokenizer}s:
 * {@link midtrain.tokenizers.HuggingFaceTokenizers#open}, or {@code
 * midtrain.data.token.Tokenizers.open(path)} with this module on the module path.
 */
package midtrain.tokenizers;
