package midtrain.data.fim;

/** The tokenizer as token-level FIM needs it: ids to text and back. */
public interface TokenCodec {
  /**
   * The text of a run of token ids.
   *
   * @param ids token ids, each in the tokenizer's vocabulary
   * @return the text the ids decode to
   */
  String decode(int[] ids);

  /**
   * The token ids of a piece of text, without special tokens.
   *
   * @param text the text to encode
   * @return the ids, with no BOS, EOS or other token added by the tokenizer's post-processor
   */
  int[] encode(String text);
}
