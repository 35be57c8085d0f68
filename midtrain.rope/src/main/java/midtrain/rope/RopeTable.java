package midtrain.rope;

import java.nio.FloatBuffer;

/**
 * Float32 cos/sin caches for a run of consecutive positions, in one lane layout, attention factor
 * included. Immutable.
 *
 * <p>Both tables are row-major {@code [positions()][rotaryDim()]}: row {@code r} belongs to
 * position {@code startPosition() + r}. This is the shape transformers' rotary embedding returns
 * for one sequence, so a trainer can turn {@link #cosBuffer()} into a tensor of shape {@code
 * (positions, rotary_dim)} with one bulk copy (for example DJL's {@code
 * NDManager.create(FloatBuffer, Shape)}) and no per-element work.
 */
public final class RopeTable {
  private final RopeLayout layout;
  private final int startPosition;
  private final int positions;
  private final int rotaryDim;
  private final double attentionFactor;
  private final float[] cos;
  private final float[] sin;

  RopeTable(
      RopeLayout layout,
      int startPosition,
      int positions,
      int rotaryDim,
      double attentionFactor,
      float[] cos,
      float[] sin) {
    this.layout = layout;
    this.startPosition = startPosition;
    this.positions = positions;
    this.rotaryDim = rotaryDim;
    this.attentionFactor = attentionFactor;
    this.cos = cos;
    this.sin = sin;
  }

  /**
   * Returns the lane layout of the rows.
   *
   * @return the layout
   */
  public RopeLayout layout() {
    return layout;
  }

  /**
   * Returns the position of row 0.
   *
   * @return the first position
   */
  public int startPosition() {
    return startPosition;
  }

  /**
   * Returns the number of rows (positions).
   *
   * @return the row count
   */
  public int positions() {
    return positions;
  }

  /**
   * Returns the number of lanes per row.
   *
   * @return the rotary dimension
   */
  public int rotaryDim() {
    return rotaryDim;
  }

  /**
   * Returns the attention factor already multiplied into every value.
   *
   * @return the factor
   */
  public double attentionFactor() {
    return attentionFactor;
  }

  /**
   * Tells whether a position has a row.
   *
   * @param position the position
   * @return true when {@code startPosition() <= position < startPosition() + positions()}
   */
  public boolean covers(long position) {
    return position >= startPosition && position - startPosition < positions;
  }

  /**
   * Returns one cos value.
   *
   * @param position the position, covered by this table
   * @param lane the lane, {@code 0 .. rotaryDim() - 1}
   * @return the value
   * @throws RopeException when the table does not cover {@code position} or {@code lane} is outside
   *     {@code [0, rotaryDim())}
   */
  public float cos(int position, int lane) {
    return cos[index(position, lane)];
  }

  /**
   * Returns one sin value.
   *
   * @param position the position, covered by this table
   * @param lane the lane, {@code 0 .. rotaryDim() - 1}
   * @return the value
   * @throws RopeException when the table does not cover {@code position} or {@code lane} is outside
   *     {@code [0, rotaryDim())}
   */
  public float sin(int position, int lane) {
    return sin[index(position, lane)];
  }

  private int index(int position, int lane) {
    if (!covers(position)) {
      throw new RopeException(
          "position "
              + position
              + " is outside the table's ["
              + startPosition
              + ", "
              + ((long) startPosition + positions)
              + ")");
    }
    if (lane < 0 || lane >= rotaryDim) {
      throw new RopeException("lane " + lane + " is outside [0, " + rotaryDim + ")");
    }
    return (position - startPosition) * rotaryDim + lane;
  }

  /**
   * Returns a copy of the cos table, made with one bulk array copy.
   *
   * @return a fresh row-major array of {@code positions() * rotaryDim()} values
   */
  public float[] cosArray() {
    return cos.clone();
  }

  /**
   * Returns a copy of the sin table, made with one bulk array copy.
   *
   * @return a fresh row-major array of {@code positions() * rotaryDim()} values
   */
  public float[] sinArray() {
    return sin.clone();
  }

  /**
   * Returns a read-only view of the cos table, without copying.
   *
   * @return a buffer positioned at 0 holding {@code positions() * rotaryDim()} values, row-major
   */
  public FloatBuffer cosBuffer() {
    return FloatBuffer.wrap(cos).asReadOnlyBuffer();
  }

  /**
   * Returns a read-only view of the sin table, without copying.
   *
   * @return a buffer positioned at 0 holding {@code positions() * rotaryDim()} values, row-major
   */
  public FloatBuffer sinBuffer() {
    return FloatBuffer.wrap(sin).asReadOnlyBuffer();
  }

  // The kernel reads the arrays directly; they never leave the module.
  float[] cosData() {
    return cos;
  }

  float[] sinData() {
    return sin;
  }

  @Override
  public String toString() {
    return "RopeTable{layout="
        + layout.id()
        + ", positions=["
        + startPosition
        + ", "
        + ((long) startPosition + positions)
        + "), rotary_dim="
        + rotaryDim
        + ", attention_factor="
        + attentionFactor
        + "}";
  }
}
