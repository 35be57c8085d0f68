package midtrain.data.internal.fasttext;

import java.io.IOException;

/** fastText's product-quantized matrix, optionally with separately quantized row norms. */
public final class QuantMatrix implements Matrix {
  private final boolean qnorm;
  private final long rows;
  private final int cols;
  private final byte[] codes;
  private final ProductQuantizer pq;
  private final byte[] normCodes;
  private final ProductQuantizer npq;

  private QuantMatrix(
      boolean qnorm,
      long rows,
      int cols,
      byte[] codes,
      ProductQuantizer pq,
      byte[] normCodes,
      ProductQuantizer npq) {
    this.qnorm = qnorm;
    this.rows = rows;
    this.cols = cols;
    this.codes = codes;
    this.pq = pq;
    this.normCodes = normCodes;
    this.npq = npq;
  }

  /**
   * Reads a quantized matrix: bool qnorm, int64 rows, int64 cols, int32 code size, the codes, the
   * quantizer, then (with qnorm) the norm codes and the norm quantizer.
   *
   * @param in the reader
   * @param what the matrix, for messages
   * @return the matrix
   */
  public static QuantMatrix load(BinReader in, String what) {
    boolean qnorm = in.readBool(what + " qnorm flag");
    long m = in.readLong(what + " rows");
    long n = in.readLong(what + " columns");
    int codesize = in.readInt(what + " code size");
    if (m < 0 || m > Integer.MAX_VALUE || n <= 0 || n > 1 << 20 || codesize < 0) {
      throw in.error(what + " has an impossible shape " + m + " x " + n + ", codes " + codesize);
    }
    byte[] codes = new byte[codesize];
    in.readBytes(codes, 0, codesize, what + " codes");
    ProductQuantizer pq = ProductQuantizer.load(in, what + " quantizer");
    if (pq.dim != n || (long) pq.nsubq * m != codesize) {
      throw in.error(
          what
              + ": quantizer of dim "
              + pq.dim
              + " with "
              + pq.nsubq
              + " sub-vectors does not fit "
              + m
              + " x "
              + n
              + " with "
              + codesize
              + " codes");
    }
    byte[] normCodes = null;
    ProductQuantizer npq = null;
    if (qnorm) {
      normCodes = new byte[(int) m];
      in.readBytes(normCodes, 0, (int) m, what + " norm codes");
      npq = ProductQuantizer.load(in, what + " norm quantizer");
      if (npq.dim != 1) {
        throw in.error(what + ": norm quantizer must have dim 1, has " + npq.dim);
      }
    }
    return new QuantMatrix(qnorm, m, (int) n, codes, pq, normCodes, npq);
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
    return true;
  }

  private float norm(int i) {
    return qnorm ? npq.centroids[npq.centroid(0, normCodes[i] & 0xFF)] : 1f;
  }

  @Override
  public float dotRow(float[] v, int i) {
    return pq.mulcode(v, codes, i, norm(i));
  }

  @Override
  public void addRowTo(float[] x, int i) {
    pq.addcode(x, codes, i, norm(i));
  }

  @Override
  public void save(BinWriter out) throws IOException {
    out.writeBool(qnorm);
    out.writeLong(rows);
    out.writeLong(cols);
    out.writeInt(codes.length);
    out.writeBytes(codes, 0, codes.length);
    pq.save(out);
    if (qnorm) {
      out.writeBytes(normCodes, 0, normCodes.length);
      npq.save(out);
    }
  }
}
