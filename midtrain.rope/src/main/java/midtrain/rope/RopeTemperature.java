package midtrain.rope;

/**
 * The attention-temperature formulas of context extension, named so that they are not confused.
 *
 * <p>Three different quantities go by "temperature" or "scale":
 *
 * <ul>
 *   <li>{@link #yarnAttentionFactor(double)}, transformers' YaRN {@code attention_factor} {@code
 *       0.1 ln(s) + 1}. It multiplies cos and sin, hence both q and k, so the logits grow by its
 *       square. The YaRN paper writes the same thing as a softmax temperature {@code t} with {@code
 *       sqrt(1/t) = 0.1 ln(s) + 1}: {@link #yarnPaperTemperature(double)}.
 *   <li>{@link #longRopeAttentionFactor(double, int)}, transformers' LongRoPE default {@code sqrt(1
 *       + ln(s) / ln(L))} with {@code L = original_max_position_embeddings}; also applied to cos
 *       and sin.
 *   <li>{@link #surveyTemperature(double, double)}, {@code sqrt(1 + ln(s) / d)} as quoted in some
 *       surveys. It equals the LongRoPE factor only when {@code d = ln(L)}; with {@code d} the head
 *       dimension it is a much smaller correction and is <em>not</em> what transformers computes.
 * </ul>
 *
 * <p>What a caller does with the factor: a model that rotates q and k with tables from this module
 * (which already include it) does nothing more. A model that applies RoPE itself from {@code
 * inv_freq} alone must multiply cos and sin by the factor (or, equivalently, the attention logits
 * by its square) to get transformers' outputs.
 */
public final class RopeTemperature {
  private RopeTemperature() {}

  /**
   * Returns transformers' {@code get_mscale(scale, mscale)}: 1 for {@code scale <= 1}, else {@code
   * 0.1 * mscale * ln(scale) + 1}. DeepSeek-style configs divide two of these ({@code mscale} over
   * {@code mscale_all_dim}).
   *
   * @param scale the context extension factor {@code s}
   * @param mscale the multiplier of the logarithm
   * @return the scale
   */
  public static double yarnMscale(double scale, double mscale) {
    return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
  }

  /**
   * Returns transformers' default YaRN attention factor {@code 0.1 ln(s) + 1} (1 for {@code s <=
   * 1}), multiplied into cos and sin.
   *
   * @param scale the context extension factor {@code s}
   * @return the factor
   */
  public static double yarnAttentionFactor(double scale) {
    return yarnMscale(scale, 1);
  }

  /**
   * Returns the YaRN paper's softmax temperature {@code t = 1 / (0.1 ln(s) + 1)^2}: dividing the
   * logits by {@code t} equals multiplying q and k by {@link #yarnAttentionFactor(double)}.
   *
   * @param scale the context extension factor {@code s}
   * @return the temperature
   */
  public static double yarnPaperTemperature(double scale) {
    double a = yarnAttentionFactor(scale);
    return 1 / (a * a);
  }

  /**
   * Returns transformers' default LongRoPE attention factor {@code sqrt(1 + ln(s) / ln(L))} (1 for
   * {@code s <= 1}), multiplied into cos and sin.
   *
   * @param scale the context extension factor {@code s}
   * @param originalLength {@code L}, the pre-training context length, above 1
   * @return the factor
   * @throws RopeException if {@code originalLength} is 1 or less, where {@code ln(L)} is not
   *     positive
   */
  public static double longRopeAttentionFactor(double scale, int originalLength) {
    if (originalLength <= 1) {
      throw new RopeException(
          "original_max_position_embeddings must be > 1 for the LongRoPE attention factor, got "
              + originalLength);
    }
    return scale <= 1 ? 1.0 : Math.sqrt(1 + Math.log(scale) / Math.log(originalLength));
  }

  /**
   * Returns the survey formula {@code sqrt(1 + ln(s) / d)}; documented for comparison, not used by
   * any built-in rope type.
   *
   * @param scale the context extension factor {@code s}
   * @param d the denominator the survey names (the head dimension in most write-ups)
   * @return the value
   */
  public static double surveyTemperature(double scale, double d) {
    return Math.sqrt(1 + Math.log(scale) / d);
  }

  /**
   * Returns how much an attention factor multiplies the attention logits: its square, since it is
   * applied to both q and k.
   *
   * @param attentionFactor the factor in cos and sin
   * @return the logit multiplier
   */
  public static double logitMultiplier(double attentionFactor) {
    return attentionFactor * attentionFactor;
  }
}
