package midtrain.eval;

/**
 * A tokenizer as benchmark scoring sees it: text to token ids, with no special tokens added.
 *
 * <p>This module depends on the JDK only, so callers adapt their tokenizer (for example a Hugging
 * Face tokenizer from {@code midtrain.tokenizers}) to this interface. It must not add a BOS or
 * other special token itself: {@link MultipleChoiceScorer.Builder#bosToken(int)} does that, the way
 * lm-evaluation-harness asks its tokenizer to (see {@code docs/eval.md}).
 */
@FunctionalInterface
public interface TextEncoder {

  /**
   * Encodes text to token ids.
   *
   * @param text the text, possibly empty
   * @return the token ids, possibly none; never null
   */
  int[] encode(String text);
}
