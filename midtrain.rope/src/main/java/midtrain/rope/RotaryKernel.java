package midtrain.rope;

import midtrain.rope.internal.Kernels;
import midtrain.rope.internal.RotationKernel;

/**
 * Applies a {@link RopeTable} to query/key data in place, in the table's layout.
 *
 * <p>The data is a {@code float[]} of head vectors addressed by strides, so any row-major tensor
 * layout works without copying: vector (token {@code t}, head {@code h}) starts at {@code offset +
 * t * tokenStride + h * headStride}. For {@code [seq][heads][head_dim]} (transformers before its
 * transpose) use {@code tokenStride = heads * head_dim, headStride = head_dim}; for {@code
 * [heads][seq][head_dim]} use {@code tokenStride = head_dim, headStride = seq * head_dim}. The
 * first {@code rotaryDim} lanes of each vector are rotated; the rest (partial rotary) are left
 * alone. Vectors must not overlap.
 *
 * <p>{@link #preferred()} runs on the Vector API at the width the system property {@value
 * #VECTOR_BITS_PROPERTY} names (0 = the scalar reference; 64, 128, 256 or 512 bits), by default the
 * widest this CPU has. Every width gives bit-for-bit the scalar reference's results. Stateless and
 * thread-safe; the hot loops allocate nothing.
 */
public final class RotaryKernel {
  /** System property choosing {@link #preferred()}'s vector width in bits; 0 means scalar. */
  public static final String VECTOR_BITS_PROPERTY = Kernels.VECTOR_BITS_PROPERTY;

  private static final RotaryKernel SCALAR = new RotaryKernel(Kernels.scalar());

  /** Read at first use, so that a test or launcher can set the property before. */
  private static final class Preferred {
    static final RotaryKernel INSTANCE = new RotaryKernel(Kernels.fromProperty());
  }

  private final RotationKernel impl;

  private RotaryKernel(RotationKernel impl) {
    this.impl = impl;
  }

  /**
   * Returns the default kernel: the width {@value #VECTOR_BITS_PROPERTY} names, else the widest
   * native one, else (without the Vector API module) the scalar reference.
   *
   * @return the kernel
   * @throws RopeException when the property is malformed or names a width this CPU lacks
   */
  public static RotaryKernel preferred() {
    return Preferred.INSTANCE;
  }

  /**
   * Returns the scalar reference kernel.
   *
   * @return the kernel
   */
  public static RotaryKernel scalar() {
    return SCALAR;
  }

  // Package-private so that tests can run every width the hardware has in one JVM.
  static RotaryKernel ofVectorBits(int bits) {
    return new RotaryKernel(Kernels.forBits(bits));
  }

  static int maxVectorBits() {
    return Kernels.maxBits();
  }

  /**
   * Returns the vector width.
   *
   * @return the width in bits, 0 for the scalar reference
   */
  public int vectorBits() {
    return impl.vectorBits();
  }

  /**
   * Rotates one head vector at one position.
   *
   * @param table the cos/sin tables
   * @param position the vector's position, covered by the table
   * @param x the data
   * @param offset the vector's first lane
   * @throws RopeException when the table does not cover {@code position}, {@code offset} is
   *     negative, or the data ends before the vector's {@code table.rotaryDim()} lanes
   */
  public void rotate(RopeTable table, int position, float[] x, int offset) {
    checkPosition(table, position, 0);
    checkExtent(table, x, offset, 1, 0, 1, 0);
    apply(table, x, offset, 1, 0, (position - table.startPosition()) * table.rotaryDim());
  }

  /**
   * Rotates a block of tokens at consecutive positions: token {@code t} takes table row {@code t},
   * that is position {@code table.startPosition() + t}.
   *
   * @param table the cos/sin tables, with at least {@code tokens} rows
   * @param x the data
   * @param offset the first lane of token 0, head 0
   * @param tokens the number of tokens
   * @param tokenStride the distance between tokens, in floats
   * @param heads the number of heads per token
   * @param headStride the distance between heads, in floats
   * @throws RopeException when the table is too short or the data too small, an offset, count or
   *     stride is negative, or a stride is below the rotary dimension where it would make vectors
   *     overlap
   */
  public void rotate(
      RopeTable table,
      float[] x,
      int offset,
      int tokens,
      int tokenStride,
      int heads,
      int headStride) {
    if (tokens > table.positions()) {
      throw new RopeException(
          tokens + " tokens need as many table rows, but the table has " + table.positions());
    }
    checkExtent(table, x, offset, tokens, tokenStride, heads, headStride);
    int d = table.rotaryDim();
    for (int t = 0; t < tokens; t++) {
      apply(table, x, offset + t * tokenStride, heads, headStride, t * d);
    }
  }

  /**
   * Rotates a block of tokens at arbitrary positions, as packed sequences need (positions restart
   * at each document).
   *
   * @param table the cos/sin tables, covering every position
   * @param positions the position of each token
   * @param x the data
   * @param offset the first lane of token 0, head 0
   * @param tokenStride the distance between tokens, in floats
   * @param heads the number of heads per token
   * @param headStride the distance between heads, in floats
   * @throws RopeException when a position is outside the table or the data too small, an offset,
   *     count or stride is negative, or a stride is below the rotary dimension where it would make
   *     vectors overlap
   */
  public void rotate(
      RopeTable table,
      int[] positions,
      float[] x,
      int offset,
      int tokenStride,
      int heads,
      int headStride) {
    checkExtent(table, x, offset, positions.length, tokenStride, heads, headStride);
    // All positions are checked before any data is touched, so a bad call changes nothing.
    for (int t = 0; t < positions.length; t++) {
      checkPosition(table, positions[t], t);
    }
    int d = table.rotaryDim();
    for (int t = 0; t < positions.length; t++) {
      int row = (positions[t] - table.startPosition()) * d;
      apply(table, x, offset + t * tokenStride, heads, headStride, row);
    }
  }

  private void apply(RopeTable table, float[] x, int offset, int heads, int headStride, int row) {
    if (table.layout() == RopeLayout.ROTATE_HALF) {
      impl.rotateHalf(
          x, offset, heads, headStride, table.cosData(), table.sinData(), row, table.rotaryDim());
    } else {
      impl.interleaved(
          x, offset, heads, headStride, table.cosData(), table.sinData(), row, table.rotaryDim());
    }
  }

  private static void checkPosition(RopeTable table, int position, int token) {
    if (!table.covers(position)) {
      throw new RopeException(
          "position "
              + position
              + " of token "
              + token
              + " is outside the table's ["
              + table.startPosition()
              + ", "
              + ((long) table.startPosition() + table.positions())
              + ")");
    }
  }

  private static void checkExtent(
      RopeTable table,
      float[] x,
      int offset,
      int tokens,
      int tokenStride,
      int heads,
      int headStride) {
    int d = table.rotaryDim();
    if (offset < 0 || tokens < 0 || heads < 0 || tokenStride < 0 || headStride < 0) {
      throw new RopeException(
          "offset, tokens, heads and strides must be >= 0, got offset="
              + offset
              + ", tokens="
              + tokens
              + ", tokenStride="
              + tokenStride
              + ", heads="
              + heads
              + ", headStride="
              + headStride);
    }
    if (heads > 1 && headStride < d) {
      throw new RopeException(
          "headStride " + headStride + " is below the rotary dimension " + d + ": heads overlap");
    }
    if (tokens > 1 && tokenStride < d) {
      throw new RopeException(
          "tokenStride "
              + tokenStride
              + " is below the rotary dimension "
              + d
              + ": tokens overlap");
    }
    if (tokens == 0 || heads == 0) {
      return;
    }
    long end = offset + (long) (tokens - 1) * tokenStride + (long) (heads - 1) * headStride + d;
    if (end > x.length) {
      throw new RopeException(
          "the data ends at "
              + x.length
              + " but the last head vector ends at "
              + end
              + " (offset "
              + offset
              + ", "
              + tokens
              + " tokens x "
              + tokenStride
              + ", "
              + heads
              + " heads x "
              + headStride
              + ", rotary_dim "
              + d
              + ")");
    }
  }

  @Override
  public String toString() {
    return impl.vectorBits() == 0
        ? "RotaryKernel{scalar}"
        : "RotaryKernel{" + vectorBits() + " bits}";
  }
}
