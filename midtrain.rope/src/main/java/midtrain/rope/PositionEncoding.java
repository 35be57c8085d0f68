package midtrain.rope;

import java.util.function.IntFunction;
import midtrain.rope.internal.Encodings;

/**
 * A rotary position encoding bound to one model configuration: its inverse frequencies, attention
 * factor and cos/sin tables, possibly depending on the sequence length.
 *
 * <p>Get one with {@link PositionEncodings#fromModelConfig(java.util.Map)}. Implementations are
 * immutable and thread-safe. For a trainer or decoder that sees growing sequences, {@link
 * RotaryCache} reproduces transformers' recompute-on-growth behaviour on top of this interface.
 */
public interface PositionEncoding {

  /**
   * Returns the rope type (the id of the provider that built this encoding).
   *
   * @return for example {@code yarn}
   */
  String ropeType();

  /**
   * Returns the configuration this encoding was built from.
   *
   * @return the configuration
   */
  RopeConfig config();

  /**
   * Returns the frequencies transformers computes when the model is built (no sequence length).
   *
   * @return the initial frequencies
   */
  RopeFrequencies frequencies();

  /**
   * Returns the frequencies for a sequence of a given length (transformers' {@code seq_len}, the
   * largest position plus one). Only {@code dynamic} and {@code longrope} depend on it.
   *
   * @param seqLen the sequence length, non-negative
   * @return the frequencies
   */
  RopeFrequencies frequencies(int seqLen);

  /**
   * Tells whether {@link #frequencies(int)} changes with the sequence length.
   *
   * @return true for {@code dynamic} and {@code longrope}
   */
  boolean dependsOnSequenceLength();

  /**
   * Returns the longest sequence whose frequencies equal {@link #frequencies()}; a length-dependent
   * encoding recomputes them beyond it ({@code max_position_embeddings} for {@code dynamic}, {@code
   * original_max_position_embeddings} for {@code longrope}).
   *
   * @return the length; {@link Integer#MAX_VALUE} for encodings that never change
   */
  int originalLength();

  /**
   * Returns the initial inverse frequencies.
   *
   * @return a fresh array of {@code rotaryDim / 2} values
   */
  default double[] invFreq() {
    return frequencies().invFreq();
  }

  /**
   * Returns the initial attention factor, multiplied into cos and sin.
   *
   * @return the factor
   */
  default double attentionFactor() {
    return frequencies().attentionFactor();
  }

  /**
   * Computes cos/sin tables for positions {@code [start, start + count)} with the frequencies of a
   * sequence of length {@code start + count}.
   *
   * @param layout the lane layout of the rows
   * @param start the first position, non-negative
   * @param count the number of positions, non-negative
   * @return the tables
   * @throws RopeException when {@code start} or {@code count} is negative, or the tables would
   *     exceed the largest Java array
   */
  default RopeTable table(RopeLayout layout, int start, int count) {
    long end = (long) start + count;
    return frequencies((int) Math.min(end, Integer.MAX_VALUE)).table(layout, start, count);
  }

  /**
   * Wraps frequencies that do not depend on the sequence length, for providers.
   *
   * @param ropeType the rope type
   * @param config the configuration
   * @param frequencies the frequencies; their rotary dimension must match the configuration's
   * @return the encoding
   * @throws RopeException if the frequencies' rotary dimension is not the configuration's
   */
  static PositionEncoding fixed(String ropeType, RopeConfig config, RopeFrequencies frequencies) {
    return Encodings.fixed(ropeType, config, frequencies);
  }

  /**
   * Wraps frequencies that depend on the sequence length, for providers.
   *
   * @param ropeType the rope type
   * @param config the configuration
   * @param originalLength the longest sequence served by the initial frequencies, {@code
   *     bySeqLen.apply(0)}
   * @param bySeqLen computes the frequencies for a sequence length; must be pure and thread-safe,
   *     and give the configuration's rotary dimension (checked at each call)
   * @return the encoding
   * @throws RopeException if {@code originalLength} is not positive, or the initial frequencies'
   *     rotary dimension is not the configuration's
   */
  static PositionEncoding lengthDependent(
      String ropeType,
      RopeConfig config,
      int originalLength,
      IntFunction<RopeFrequencies> bySeqLen) {
    return Encodings.lengthDependent(ropeType, config, originalLength, bySeqLen);
  }
}
