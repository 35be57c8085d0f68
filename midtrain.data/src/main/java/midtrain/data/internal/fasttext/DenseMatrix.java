package midtrain.data.internal.fasttext;

import java.io.IOException;
import java.util.SplittableRandom;

/**
 * A dense float32 matrix in row-major blocks, so matrices beyond 2^31 floats (2M buckets by 1024
 * dimensions) still load.
 */
public final class DenseMatrix implements Matrix {
  private final long rows;
  private final int cols;
  private final int shift;
  private final int mask;
  private final float[][] blocks;

  /**
   * Creates a zero matrix.
   *
   * @param rows the number of rows
   * @param cols the number of columns
   */
  public DenseMatrix(long rows, int cols) {
    if (rows < 0 || rows > Integer.MAX_VALUE || cols <= 0) {
      throw new IllegalArgumentException("bad matrix shape " + rows + " x " + cols);
    }
    this.rows = rows;
    this.cols = cols;
    // Rows per block: the largest power of two keeping a block under 2^30 floats.
    int s = 30;
    while (s > 0 && ((long) cols << s) > (1L << 30)) {
      s--;
    }
    this.shift = s;
    this.mask = (1 << s) - 1;
    int nblocks = (int) ((rows + mask) >>> s);
    this.blocks = new float[nblocks][];
    for (int b = 0; b < nblocks; b++) {
      long r = Math.min(rows - ((long) b << s), 1L << s);
      blocks[b] = new float[(int) (r * cols)];
    }
  }

  /**
   * Reads a matrix written by fastText: int64 rows, int64 cols, then the floats.
   *
   * @param in the reader
   * @param what the matrix, for messages
   * @return the matrix
   */
  public static DenseMatrix load(BinReader in, String what) {
    long m = in.readLong(what + " rows");
    long n = in.readLong(what + " columns");
    if (m < 0 || m > Integer.MAX_VALUE || n <= 0 || n > 1 << 20) {
      throw in.error(what + " has an impossible shape " + m + " x " + n);
    }
    DenseMatrix d = new DenseMatrix(m, (int) n);
    for (float[] b : d.blocks) {
      in.readFloats(b, 0, b.length, what + " values");
    }
    return d;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public boolean quantized() {
    return false;
  }

  /** Returns the block array holding row {@code i}. */
  public float[] block(int i) {
    return blocks[i >>> shift];
  }

  /** Returns the offset of row {@code i} in {@link #block(int)}. */
  public int offset(int i) {
    return (i & mask) * cols;
  }

  @Override
  public float dotRow(float[] v, int i) {
    float[] b = blocks[i >>> shift];
    int o = (i & mask) * cols;
    float d = 0f;
    for (int j = 0; j < cols; j++) {
      d += b[o + j] * v[j];
    }
    return d;
  }

  @Override
  public void addRowTo(float[] x, int i) {
    float[] b = blocks[i >>> shift];
    int o = (i & mask) * cols;
    for (int j = 0; j < cols; j++) {
      x[j] += b[o + j];
    }
  }

  /** Adds {@code a * x[j]} to row {@code i}, as fastText's {@code addVectorToRow}. */
  public void addVectorToRow(float[] x, int i, float a) {
    float[] b = blocks[i >>> shift];
    int o = (i & mask) * cols;
    for (int j = 0; j < cols; j++) {
      b[o + j] += a * x[j];
    }
  }

  /** Adds {@code a * row(i)} to {@code x}. */
  public void addRowTo(float[] x, int i, float a) {
    float[] b = blocks[i >>> shift];
    int o = (i & mask) * cols;
    for (int j = 0; j < cols; j++) {
      x[j] += a * b[o + j];
    }
  }

  /** Fills the matrix with uniform values in {@code [-bound, bound)}, seeded. */
  public void uniform(float bound, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (float[] b : blocks) {
      for (int j = 0; j < b.length; j++) {
        b[j] = (float) (r.nextDouble() * 2 * bound - bound);
      }
    }
  }

  @Override
  public void save(BinWriter out) throws IOException {
    out.writeLong(rows);
    out.writeLong(cols);
    for (float[] b : blocks) {
      out.writeFloats(b, 0, b.length);
    }
  }
}
