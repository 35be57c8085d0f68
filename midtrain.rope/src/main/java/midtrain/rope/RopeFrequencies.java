package midtrain.rope;

import java.util.Arrays;

/**
 * The inverse frequencies and attention factor of a rotary encoding at one sequence length, and the
 * cos/sin values they give. Immutable.
 *
 * <p>Position {@code m} rotates angle pair {@code k} by {@code m * invFreq[k]}. The attention
 * factor multiplies both cos and sin, as transformers does, so it multiplies both the rotated query
 * and the rotated key: attention logits grow by its square. A caller that rotates q and k with
 * these values must therefore not scale the logits again; a caller that rotates with unscaled
 * values (attention factor 1) must multiply the logits by {@code attentionFactor()^2} itself.
 */
public final class RopeFrequencies {
  private static final double TWO_PI = 2 * Math.PI;

  private final double[] invFreq;
  private final double attentionFactor;

  private RopeFrequencies(double[] invFreq, double attentionFactor) {
    this.invFreq = invFreq;
    this.attentionFactor = attentionFactor;
  }

  /**
   * Creates frequencies from their values.
   *
   * @param invFreq the inverse frequencies, one per pair of rotated lanes; copied
   * @param attentionFactor the factor applied to cos and sin, positive
   * @return the frequencies
   * @throws RopeException when a value is not finite or the factor is not positive
   */
  public static RopeFrequencies of(double[] invFreq, double attentionFactor) {
    if (invFreq.length == 0) {
      throw new RopeException("inv_freq must not be empty");
    }
    for (int k = 0; k < invFreq.length; k++) {
      if (!Double.isFinite(invFreq[k]) || invFreq[k] < 0) {
        throw new RopeException("inv_freq[" + k + "] must be finite and >= 0, got " + invFreq[k]);
      }
    }
    if (!(attentionFactor > 0) || !Double.isFinite(attentionFactor)) {
      throw new RopeException("attention_factor must be finite and > 0, got " + attentionFactor);
    }
    return new RopeFrequencies(invFreq.clone(), attentionFactor);
  }

  /**
   * Returns the inverse frequencies, one per pair of rotated lanes.
   *
   * @return a fresh array of {@code rotaryDim() / 2} values
   */
  public double[] invFreq() {
    return invFreq.clone();
  }

  /**
   * Returns one inverse frequency.
   *
   * @param k the pair index, {@code 0 .. rotaryDim()/2 - 1}
   * @return the inverse frequency
   */
  public double invFreq(int k) {
    return invFreq[k];
  }

  /**
   * Returns the factor multiplied into cos and sin (transformers' {@code attention_scaling}).
   *
   * @return the factor; 1 for the unscaled types
   */
  public double attentionFactor() {
    return attentionFactor;
  }

  /**
   * Returns the number of rotated lanes.
   *
   * @return twice the number of inverse frequencies
   */
  public int rotaryDim() {
    return 2 * invFreq.length;
  }

  /**
   * Returns the wavelength of each pair, {@code 2 pi / invFreq[k]}, in tokens.
   *
   * @return a fresh array; infinite where an inverse frequency is 0
   */
  public double[] wavelengths() {
    double[] out = new double[invFreq.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = TWO_PI / invFreq[k];
    }
    return out;
  }

  /**
   * Returns the cos row of one position in double precision, attention factor included.
   *
   * @param position the token position, non-negative
   * @param layout the lane layout
   * @return a fresh array of {@code rotaryDim()} values
   * @throws RopeException if {@code position} is negative
   */
  public double[] cosRow(long position, RopeLayout layout) {
    return row(position, layout, true);
  }

  /**
   * Returns the sin row of one position in double precision, attention factor included.
   *
   * @param position the token position, non-negative
   * @param layout the lane layout
   * @return a fresh array of {@code rotaryDim()} values
   * @throws RopeException if {@code position} is negative
   */
  public double[] sinRow(long position, RopeLayout layout) {
    return row(position, layout, false);
  }

  private double[] row(long position, RopeLayout layout, boolean cos) {
    checkPosition(position);
    int d = rotaryDim();
    double[] out = new double[d];
    for (int lane = 0; lane < d; lane++) {
      double angle = position * invFreq[layout.angleIndex(lane, d)];
      out[lane] = (cos ? Math.cos(angle) : Math.sin(angle)) * attentionFactor;
    }
    return out;
  }

  /**
   * Computes float32 cos/sin tables for consecutive positions.
   *
   * <p>Angles, cos and sin are evaluated in double and rounded once to float, so the tables are
   * closer to the exact values than transformers' float32 arithmetic.
   *
   * @param layout the lane layout of the rows
   * @param startPosition the first position, non-negative
   * @param positions the number of positions, non-negative
   * @return the tables
   * @throws RopeException when {@code startPosition} or {@code positions} is negative, or the
   *     tables would exceed the largest Java array
   */
  public RopeTable table(RopeLayout layout, int startPosition, int positions) {
    checkPosition(startPosition);
    if (positions < 0) {
      throw new RopeException("positions must be >= 0, got " + positions);
    }
    int d = rotaryDim();
    long size = (long) positions * d;
    if (size > Integer.MAX_VALUE - 8) {
      throw new RopeException(
          positions + " positions x " + d + " lanes exceed the largest float array");
    }
    float[] cos = new float[(int) size];
    float[] sin = new float[(int) size];
    int half = invFreq.length;
    for (int p = 0; p < positions; p++) {
      long m = (long) startPosition + p;
      int row = p * d;
      for (int k = 0; k < half; k++) {
        double angle = m * invFreq[k];
        float c = (float) (Math.cos(angle) * attentionFactor);
        float s = (float) (Math.sin(angle) * attentionFactor);
        if (layout == RopeLayout.ROTATE_HALF) {
          cos[row + k] = c;
          cos[row + half + k] = c;
          sin[row + k] = s;
          sin[row + half + k] = s;
        } else {
          cos[row + 2 * k] = c;
          cos[row + 2 * k + 1] = c;
          sin[row + 2 * k] = s;
          sin[row + 2 * k + 1] = s;
        }
      }
    }
    return new RopeTable(layout, startPosition, positions, d, attentionFactor, cos, sin);
  }

  private static void checkPosition(long position) {
    if (position < 0) {
      throw new RopeException("position must be >= 0, got " + position);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RopeFrequencies
        && Arrays.equals(invFreq, ((RopeFrequencies) o).invFreq)
        && Double.compare(attentionFactor, ((RopeFrequencies) o).attentionFactor) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(invFreq) + Double.hashCode(attentionFactor);
  }

  @Override
  public String toString() {
    return "RopeFrequencies{rotary_dim="
        + rotaryDim()
        + ", attention_factor="
        + attentionFactor
        + ", inv_freq="
        + Arrays.toString(invFreq)
        + "}";
  }
}
