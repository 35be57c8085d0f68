package midtrain.data.token;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import midtrain.data.DataException;
import midtrain.data.fim.TokenCodec;

/**
 * Turns text into token ids: a Hugging Face {@code tokenizer.json} or any other tokenizer a {@link
 * midtrain.data.spi.TokenizerProvider} opens.
 *
 * <p>Implementations are thread-safe: {@link Tokenization} calls {@link #encodeBatch} from several
 * threads at once. BOS/EOS policy is not the tokenizer's business beyond what its own
 * post-processor adds when asked ({@code specials}); {@link Tokenization} adds the framing tokens a
 * recipe wants.
 */
public interface TextTokenizer extends TokenCodec, AutoCloseable {
  /**
   * The provider id that opened this tokenizer, for example {@code huggingface}.
   *
   * @return the id of the {@link midtrain.data.spi.TokenizerProvider} that opened it
   */
  String id();

  /**
   * A short name for messages, for example the file it was read from.
   *
   * @return the name, not meant to be parsed
   */
  String name();

  /**
   * Identifies the tokenizer: the SHA-256 of its file, recorded in shard manifests.
   *
   * @return a string that differs between tokenizers that encode differently
   */
  String hash();

  /**
   * Every id this tokenizer produces is in {@code [0, vocabSize())}.
   *
   * @return the number of ids, special tokens included
   */
  int vocabSize();

  /**
   * The id of a token given by its exact string (a special token or a vocabulary entry).
   *
   * @param token the token's string, matched exactly
   * @return its id, or empty when the tokenizer has no such token
   */
  OptionalInt tokenId(String token);

  /**
   * The special (added) tokens by content, for listings and policy checks.
   *
   * @return each special token's string mapped to its id; empty when there are none
   */
  Map<String, Integer> specialTokens();

  /**
   * Encodes one text.
   *
   * @param text the text; special-token strings in it become their ids
   * @param specials whether the tokenizer's post-processor adds its own special tokens (for example
   *     a template that prepends BOS)
   * @return the ids
   */
  int[] encode(String text, boolean specials);

  /** Encodes one text without the post-processor's special tokens (the FIM codec contract). */
  @Override
  default int[] encode(String text) {
    return encode(text, false);
  }

  /**
   * Encodes several texts; implementations with a native batch call override this.
   *
   * @param texts the texts
   * @param specials as in {@link #encode(String, boolean)}
   * @return the ids of each text, in order
   */
  default List<int[]> encodeBatch(List<String> texts, boolean specials) {
    List<int[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(encode(t, specials));
    }
    return out;
  }

  /** The text of a run of ids. */
  @Override
  String decode(int[] ids);

  /**
   * Returns the text of a run of ids, leaving out special tokens when asked, as Hugging Face's
   * {@code decode(ids, skip_special_tokens=True)}, which lm-evaluation-harness uses for generated
   * text.
   *
   * <p>The default decodes every id, which is right for tokenizers without special tokens;
   * tokenizers with them override it.
   *
   * @param ids the token ids
   * @param skipSpecialTokens whether special tokens are left out of the text
   * @return the text
   */
  default String decode(int[] ids, boolean skipSpecialTokens) {
    return decode(ids);
  }

  /**
   * The id of a token the configuration needs, or an error naming the token and tokenizer.
   *
   * @param token the token's exact string
   * @param purpose what the token is needed as, for the message, for example {@code BOS}
   * @return the token's id, as {@link #tokenId} finds it
   * @throws DataException if the tokenizer has no such token
   */
  default int requireToken(String token, String purpose) {
    return tokenId(token)
        .orElseThrow(
            () ->
                new DataException(
                    "tokenizer "
                        + name()
                        + " has no token '"
                        + token
                        + "' (needed as "
                        + purpose
                        + ")"));
  }

  /** Releases native resources; further calls fail. */
  @Override
  void close();
}
