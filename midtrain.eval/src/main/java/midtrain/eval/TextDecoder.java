package midtrain.eval;

/**
 * A tokenizer as generation sees it: token ids back to text.
 *
 * <p>The counterpart of {@link TextEncoder}; callers adapt their tokenizer to it. Generated text is
 * decoded from the first generated token on, each time as a whole, so a decoder that joins pieces
 * (a byte-level BPE, say) sees every token in its context.
 */
@FunctionalInterface
public interface TextDecoder {

  /**
   * Decodes token ids to text.
   *
   * @param ids the token ids, possibly none
   * @return the text, possibly empty; never null
   */
  String decode(int[] ids);
}
