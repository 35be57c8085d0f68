package midtrain.data.fim;

import java.util.Objects;

/**
 * A document cut into its three FIM pieces.
 *
 * @param prefix text before the middle
 * @param middle the text the model learns to fill in
 * @param suffix text after the middle
 */
public record FimPieces(String prefix, String middle, String suffix) {
  /**
   * Rejects null pieces.
   *
   * @param prefix text before the middle, possibly empty
   * @param middle the text the model learns to fill in, possibly empty
   * @param suffix text after the middle, possibly empty
   */
  public FimPieces {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(middle, "middle");
    Objects.requireNonNull(suffix, "suffix");
  }

  /**
   * The training example: the pieces in {@code mode} order, followed by the end-of-text string.
   *
   * @param mode the order of the pieces
   * @param s the sentinel strings to write between them
   * @return {@link #prompt} followed by the middle and {@link FimSentinels#endOfText()}
   */
  public String render(FimMode mode, FimSentinels s) {
    return prompt(mode, s) + middle + s.endOfText();
  }

  /**
   * The inference prompt: everything up to where the model starts generating the middle.
   *
   * @param mode the order of the pieces
   * @param s the sentinel strings to write between them
   * @return for PSM, the prefix sentinel, prefix, suffix sentinel, suffix and middle sentinel; for
   *     SPM, the prefix and suffix sentinels, suffix, middle sentinel and prefix; for
   *     SPM_SUFFIX_FIRST, the suffix sentinel, suffix, prefix sentinel, prefix and middle sentinel
   */
  public String prompt(FimMode mode, FimSentinels s) {
    return switch (mode) {
      case PSM -> s.prefix() + prefix + s.suffix() + suffix + s.middle();
      case SPM -> s.prefix() + s.suffix() + suffix + s.middle() + prefix;
      case SPM_SUFFIX_FIRST -> s.suffix() + suffix + s.prefix() + prefix + s.middle();
    };
  }
}
