package midtrain.data.internal.fasttext;

import java.io.IOException;

/** A fastText weight matrix, dense or product-quantized, read as fastText reads it. */
public interface Matrix {
  /** Returns the number of rows. */
  long rows();

  /** Returns the number of columns. */
  int cols();

  /**
   * Returns the float32 dot product of row {@code i} with {@code v}, summed left to right.
   *
   * @param v the vector, {@link #cols()} long
   * @param i the row
   * @return the product
   */
  float dotRow(float[] v, int i);

  /**
   * Adds row {@code i} to {@code x}.
   *
   * @param x the vector, {@link #cols()} long
   * @param i the row
   */
  void addRowTo(float[] x, int i);

  /** Tells whether this is a product-quantized matrix. */
  boolean quantized();

  /**
   * Writes the matrix in fastText's layout.
   *
   * @param out the writer
   * @throws IOException when writing fails
   */
  void save(BinWriter out) throws IOException;
}
