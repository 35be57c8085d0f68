package midtrain.data.internal.fasttext;

import java.io.IOException;

/**
 * fastText's product quantizer: 256 centroids per sub-vector, the last sub-vector maybe shorter.
 */
final class ProductQuantizer {
  static final int KSUB = 256;

  final int dim;
  final int nsubq;
  final int dsub;
  final int lastdsub;
  final float[] centroids;

  private ProductQuantizer(int dim, int nsubq, int dsub, int lastdsub, float[] centroids) {
    this.dim = dim;
    this.nsubq = nsubq;
    this.dsub = dsub;
    this.lastdsub = lastdsub;
    this.centroids = centroids;
  }

  static ProductQuantizer load(BinReader in, String what) {
    int dim = in.readInt(what + " dim");
    int nsubq = in.readInt(what + " nsubq");
    int dsub = in.readInt(what + " dsub");
    int lastdsub = in.readInt(what + " lastdsub");
    if (dim <= 0
        || dim > 1 << 20
        || dsub <= 0
        || lastdsub <= 0
        || lastdsub > dsub
        || nsubq <= 0
        || (long) (nsubq - 1) * dsub + lastdsub != dim) {
      throw in.error(
          what
              + " has an inconsistent shape: dim "
              + dim
              + ", nsubq "
              + nsubq
              + ", dsub "
              + dsub
              + ", lastdsub "
              + lastdsub);
    }
    float[] c = new float[dim * KSUB];
    in.readFloats(c, 0, c.length, what + " centroids");
    return new ProductQuantizer(dim, nsubq, dsub, lastdsub, c);
  }

  /** Offset of centroid {@code i} of sub-quantizer {@code m}, as fastText's get_centroids. */
  int centroid(int m, int i) {
    if (m == nsubq - 1) {
      return m * KSUB * dsub + i * lastdsub;
    }
    return (m * KSUB + i) * dsub;
  }

  float mulcode(float[] x, byte[] codes, int t, float alpha) {
    float res = 0f;
    int d = dsub;
    int code = nsubq * t;
    for (int m = 0; m < nsubq; m++) {
      int c = centroid(m, codes[code + m] & 0xFF);
      if (m == nsubq - 1) {
        d = lastdsub;
      }
      int xo = m * dsub;
      for (int n = 0; n < d; n++) {
        res += x[xo + n] * centroids[c + n];
      }
    }
    return res * alpha;
  }

  void addcode(float[] x, byte[] codes, int t, float alpha) {
    int d = dsub;
    int code = nsubq * t;
    for (int m = 0; m < nsubq; m++) {
      int c = centroid(m, codes[code + m] & 0xFF);
      if (m == nsubq - 1) {
        d = lastdsub;
      }
      int xo = m * dsub;
      for (int n = 0; n < d; n++) {
        x[xo + n] += alpha * centroids[c + n];
      }
    }
  }

  void save(BinWriter out) throws IOException {
    out.writeInt(dim);
    out.writeInt(nsubq);
    out.writeInt(dsub);
    out.writeInt(lastdsub);
    out.writeFloats(centroids, 0, centroids.length);
  }
}
