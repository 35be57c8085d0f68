package midtrain.data.internal.io;

import org.apache.arrow.vector.VarCharVector;

/**
 * One row's UTF-8 bytes copied into a buffer reused from row to row, for the per-document scans
 * (dedup, decontamination) that read a text column: {@code VarCharVector.get} allocates a new array
 * for every row.
 */
public final class RowBytes {
  /** The bytes; valid up to {@link #length}. */
  public byte[] bytes = new byte[4096];

  /** Number of valid bytes: 0 for a null cell. */
  public int length;

  /**
   * Loads one cell, replacing the previous one.
   *
   * @param v the column
   * @param row the row
   * @return this, for chaining
   */
  public RowBytes load(VarCharVector v, int row) {
    if (v.isNull(row)) {
      length = 0;
      return this;
    }
    int start = v.getStartOffset(row);
    length = v.getEndOffset(row) - start;
    if (bytes.length < length) {
      bytes = new byte[Math.max(length, bytes.length * 2)];
    }
    v.getDataBuffer().getBytes(start, bytes, 0, length);
    return this;
  }
}
