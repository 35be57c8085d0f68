package midtrain.data.fim;

import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.token.TextTokenizer;

/**
 * The sentinel strings of a FIM format.
 *
 * @param prefix the prefix sentinel, e.g. {@code <fim_prefix>}
 * @param suffix the suffix sentinel
 * @param middle the middle sentinel
 * @param endOfText appended after a training example; empty for none
 */
public record FimSentinels(String prefix, String suffix, String middle, String endOfText) {
  /**
   * Validates that the three FIM sentinels are present and distinct.
   *
   * @param prefix the prefix sentinel, not empty
   * @param suffix the suffix sentinel, not empty
   * @param middle the middle sentinel, not empty
   * @param endOfText appended after a training example; empty for none
   * @throws DataException if {@code prefix}, {@code suffix} or {@code middle} is empty, or two of
   *     them are equal
   */
  public FimSentinels {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(suffix, "suffix");
    Objects.requireNonNull(middle, "middle");
    Objects.requireNonNull(endOfText, "endOfText");
    if (prefix.isEmpty() || suffix.isEmpty() || middle.isEmpty()) {
      throw new DataException("FIM sentinels prefix, suffix and middle must be non-empty");
    }
    if (prefix.equals(suffix) || prefix.equals(middle) || suffix.equals(middle)) {
      throw new DataException("FIM sentinels prefix, suffix and middle must differ: " + prefix);
    }
  }

  /**
   * Checks that a tokenizer has each sentinel as a token of its own.
   *
   * <p>Why up front: a tokenizer without them encodes a sentinel as pieces or as its unknown token,
   * and the FIM examples would be written without their markers.
   *
   * @param tokenizer the tokenizer that will encode the FIM text
   * @throws DataException naming the tokenizer and the first sentinel it lacks
   */
  public void requireTokensOf(TextTokenizer tokenizer) {
    tokenizer.requireToken(prefix, "FIM prefix sentinel");
    tokenizer.requireToken(suffix, "FIM suffix sentinel");
    tokenizer.requireToken(middle, "FIM middle sentinel");
    if (!endOfText.isEmpty()) {
      tokenizer.requireToken(endOfText, "FIM end-of-text sentinel");
    }
  }

  /**
   * The FIM paper's {@code <PRE>}, {@code <SUF>}, {@code <MID>}, {@code <EOT>}.
   *
   * @return the sentinels, with {@code <EOT>} as the end-of-text string
   */
  public static FimSentinels paper() {
    return new FimSentinels("<PRE>", "<SUF>", "<MID>", "<EOT>");
  }

  /**
   * StarCoder's {@code <fim_prefix>}, {@code <fim_suffix>}, {@code <fim_middle>}.
   *
   * @return the sentinels, with {@code <|endoftext|>} as the end-of-text string
   */
  public static FimSentinels starcoder() {
    return new FimSentinels("<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<|endoftext|>");
  }

  /**
   * bigcode Megatron-LM's {@code <fim-prefix>}, {@code <fim-suffix>}, {@code <fim-middle>}.
   *
   * @return the sentinels, with {@code <|endoftext|>} as the end-of-text string
   */
  public static FimSentinels bigcodeMegatron() {
    return new FimSentinels("<fim-prefix>", "<fim-suffix>", "<fim-middle>", "<|endoftext|>");
  }
}
