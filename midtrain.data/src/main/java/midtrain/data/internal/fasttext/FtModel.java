package midtrain.data.internal.fasttext;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import midtrain.data.DataException;
import midtrain.data.fasttext.FastTextArgs;

/**
 * A fastText model: arguments, dictionary, input and output matrices, and prediction exactly as
 * fastText 0.9.2 computes it.
 */
public final class FtModel {
  /** fastText's file magic. */
  public static final int MAGIC = 793712314;

  /** The file version written. */
  public static final int VERSION = 12;

  private static final int SIGMOID_TABLE_SIZE = 512;
  private static final int MAX_SIGMOID = 8;
  private static final float[] SIGMOID = new float[SIGMOID_TABLE_SIZE + 1];

  static {
    for (int i = 0; i < SIGMOID_TABLE_SIZE + 1; i++) {
      // fastText: real x = real(i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID, then
      // 1.0 / (1.0 + std::exp(-x)) with the float overload of exp.
      float x = (float) (i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID;
      float e = Expf.expf(-x);
      SIGMOID[i] = (float) (1.0 / (1.0 + e));
    }
  }

  final FastTextArgs args;
  final Dictionary dict;
  final Matrix input;
  final Matrix output;
  final boolean qout;
  private final int[] treeLeft;
  private final int[] treeRight;
  private final int dim;
  private final int nlabels;

  FtModel(FastTextArgs args, Dictionary dict, Matrix input, Matrix output, boolean qout) {
    this.args = args;
    this.dict = dict;
    this.input = input;
    this.output = output;
    this.qout = qout;
    this.dim = args.dim();
    this.nlabels = (int) output.rows();
    if (args.loss() == FastTextArgs.Loss.HS && nlabels > 0) {
      int[][] tree = HsTree.build(dict.labelCounts());
      this.treeLeft = tree[0];
      this.treeRight = tree[1];
    } else {
      this.treeLeft = null;
      this.treeRight = null;
    }
  }

  /** Returns the arguments stored in the file. */
  public FastTextArgs args() {
    return args;
  }

  /** Returns the dictionary. */
  public Dictionary dictionary() {
    return dict;
  }

  /** Tells whether the input matrix is product-quantized (an {@code .ftz} model). */
  public boolean quantized() {
    return input.quantized();
  }

  /** Returns the number of labels. */
  public int nlabels() {
    return nlabels;
  }

  /**
   * Returns the probability fastText prints for a log-probability: {@code std::exp} of a float,
   * which is glibc's {@code expf}.
   *
   * @param score the log-probability
   * @return the probability
   */
  public static float probability(float score) {
    return Expf.expf(score);
  }

  static float stdLog(float x) {
    return (float) Math.log(x + 1e-5);
  }

  static float sigmoid(float x) {
    if (x < -MAX_SIGMOID) {
      return 0f;
    } else if (x > MAX_SIGMOID) {
      return 1f;
    }
    int i = (int) ((x + MAX_SIGMOID) * SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2);
    return SIGMOID[i];
  }

  /** Per-thread buffers for prediction. */
  public static final class State {
    final float[] hidden;
    final float[] out;

    /** The ids of the current line. */
    public final IntList words = new IntList();

    /** The labels of the current line. */
    public final IntList labels = new IntList();

    /** The predictions of the current line, best first. */
    public final KBest heap = new KBest();

    /** Tokenizer scratch. */
    public final Dictionary.Scratch scratch = new Dictionary.Scratch();

    State(int dim, int nlabels) {
      hidden = new float[dim];
      out = new float[Math.max(1, nlabels)];
    }
  }

  /** Creates buffers for one predicting thread. */
  public State newState() {
    return new State(dim, nlabels);
  }

  /**
   * Predicts the labels of the ids in {@code st.words}, leaving them best first in {@code st.heap}
   * (empty when there are no ids).
   *
   * @param st the buffers
   * @param k how many labels; -1 for all
   * @param threshold the lowest probability kept
   */
  public void predict(State st, int k, float threshold) {
    KBest heap = st.heap;
    heap.clear();
    if (args.model() != FastTextArgs.ModelKind.SUPERVISED) {
      throw new DataException(
          "the model is not supervised (" + args.model() + "): it has no labels");
    }
    if (k == -1) {
      k = nlabels;
    } else if (k <= 0) {
      throw new DataException("k needs to be 1 or higher (or -1 for all labels), got " + k);
    }
    IntList words = st.words;
    if (words.size == 0) {
      return;
    }
    float[] hidden = st.hidden;
    Arrays.fill(hidden, 0f);
    int[] ids = words.a;
    for (int i = 0, n = words.size; i < n; i++) {
      input.addRowTo(hidden, ids[i]);
    }
    float inv = (float) (1.0 / words.size);
    for (int j = 0; j < dim; j++) {
      hidden[j] *= inv;
    }
    if (treeLeft != null) {
      dfs(k, threshold, 2 * nlabels - 2, 0f, heap, hidden);
    } else {
      float[] out = st.out;
      computeOutput(hidden, out);
      for (int i = 0; i < nlabels; i++) {
        if (out[i] < threshold) {
          continue;
        }
        float s = stdLog(out[i]);
        if (heap.size == k && s < heap.front()) {
          continue;
        }
        heap.offer(s, i, k);
      }
    }
    heap.sortHeap();
  }

  private void computeOutput(float[] hidden, float[] out) {
    for (int i = 0; i < nlabels; i++) {
      out[i] = output.dotRow(hidden, i);
    }
    if (args.loss() == FastTextArgs.Loss.SOFTMAX) {
      float max = out[0];
      float z = 0f;
      for (int i = 0; i < nlabels; i++) {
        max = max < out[i] ? out[i] : max;
      }
      for (int i = 0; i < nlabels; i++) {
        out[i] = (float) Math.exp((double) (out[i] - max));
        z += out[i];
      }
      for (int i = 0; i < nlabels; i++) {
        out[i] /= z;
      }
    } else {
      for (int i = 0; i < nlabels; i++) {
        out[i] = sigmoid(out[i]);
      }
    }
  }

  private void dfs(int k, float threshold, int node, float score, KBest heap, float[] hidden) {
    if (score < stdLog(threshold)) {
      return;
    }
    if (heap.size == k && score < heap.front()) {
      return;
    }
    if (treeLeft[node] == -1 && treeRight[node] == -1) {
      heap.offer(score, node, k);
      return;
    }
    float f = output.dotRow(hidden, node - nlabels);
    // fastText: f = 1. / (1 + std::exp(-f)), exp in float, the division in double.
    f = (float) (1.0 / (1f + Expf.expf(-f)));
    dfs(k, threshold, treeLeft[node], score + stdLog((float) (1.0 - f)), heap, hidden);
    dfs(k, threshold, treeRight[node], score + stdLog(f), heap, hidden);
  }

  /**
   * Loads a {@code .bin} or {@code .ftz} file.
   *
   * @param file the model
   * @return the model
   * @throws DataException naming the file and what is wrong
   */
  public static FtModel load(Path file) {
    try (BinReader in = new BinReader(file)) {
      int magic = in.readInt("magic number");
      if (magic != MAGIC) {
        throw in.error(
            "not a fastText model: wrong magic number "
                + Integer.toUnsignedString(magic)
                + " (expected "
                + MAGIC
                + ")");
      }
      int version = in.readInt("version");
      if (version != 11 && version != 12) {
        throw in.error("unsupported fastText file version " + version + " (supported: 11, 12)");
      }
      int dim = in.readInt("args.dim");
      int ws = in.readInt("args.ws");
      int epoch = in.readInt("args.epoch");
      int minCount = in.readInt("args.minCount");
      int neg = in.readInt("args.neg");
      int wordNgrams = in.readInt("args.wordNgrams");
      int lossCode = in.readInt("args.loss");
      int modelCode = in.readInt("args.model");
      int bucket = in.readInt("args.bucket");
      int minn = in.readInt("args.minn");
      int maxn = in.readInt("args.maxn");
      int lrUpdateRate = in.readInt("args.lrUpdateRate");
      double t = in.readDouble("args.t");
      FastTextArgs.Loss loss;
      FastTextArgs.ModelKind kind;
      try {
        loss = FastTextArgs.Loss.ofCode(lossCode);
        kind = FastTextArgs.ModelKind.ofCode(modelCode);
      } catch (DataException e) {
        throw in.error(e.getMessage());
      }
      if (version == 11 && kind == FastTextArgs.ModelKind.SUPERVISED) {
        maxn = 0; // fastText: old supervised models do not use character n-grams
      }
      if (dim <= 0 || dim > 1 << 20 || bucket < 0 || minn < 0 || maxn < 0 || wordNgrams <= 0) {
        throw in.error(
            "impossible arguments: dim "
                + dim
                + ", bucket "
                + bucket
                + ", minn "
                + minn
                + ", maxn "
                + maxn
                + ", wordNgrams "
                + wordNgrams);
      }
      FastTextArgs args =
          FastTextArgs.builder()
              .dim(dim)
              .ws(Math.max(1, ws))
              .epoch(Math.max(1, epoch))
              .minCount(minCount)
              .neg(Math.max(0, neg))
              .wordNgrams(wordNgrams)
              .loss(loss)
              .model(kind)
              .bucket(bucket)
              .minn(minn)
              .maxn(maxn)
              .lrUpdateRate(Math.max(1, lrUpdateRate))
              .t(t)
              .build();
      Dictionary dict =
          Dictionary.load(
              in, args.label().getBytes(StandardCharsets.UTF_8), minn, maxn, bucket, wordNgrams);
      boolean quantInput = in.readBool("quantized-input flag");
      Matrix input =
          quantInput ? QuantMatrix.load(in, "input matrix") : DenseMatrix.load(in, "input matrix");
      if (!quantInput && dict.pruneidxSize >= 0) {
        throw in.error("a pruned dictionary needs a quantized input matrix");
      }
      boolean qout = in.readBool("quantized-output flag");
      Matrix output =
          quantInput && qout
              ? QuantMatrix.load(in, "output matrix")
              : DenseMatrix.load(in, "output matrix");
      long needRows =
          (long) dict.nwords + (dict.pruneidxSize >= 0 ? dict.prunedRows() : (long) bucket);
      if (input.cols() != dim || input.rows() < needRows) {
        throw in.error(
            "input matrix is "
                + input.rows()
                + " x "
                + input.cols()
                + ", expected at least "
                + needRows
                + " x "
                + dim);
      }
      if (output.cols() != dim) {
        throw in.error("output matrix has " + output.cols() + " columns, expected " + dim);
      }
      if (kind == FastTextArgs.ModelKind.SUPERVISED && output.rows() != dict.nlabels) {
        throw in.error(
            "output matrix has " + output.rows() + " rows for " + dict.nlabels + " labels");
      }
      return new FtModel(args, dict, input, output, quantInput && qout);
    }
  }

  /**
   * Writes the model in fastText's format, version 12.
   *
   * @param file the target, replaced
   */
  public void save(Path file) {
    try (OutputStream os = Files.newOutputStream(file)) {
      BinWriter out = new BinWriter(os);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(args.dim());
      out.writeInt(args.ws());
      out.writeInt(args.epoch());
      out.writeInt(args.minCount());
      out.writeInt(args.neg());
      out.writeInt(args.wordNgrams());
      out.writeInt(args.loss().code());
      out.writeInt(args.model().code());
      out.writeInt(args.bucket());
      out.writeInt(args.minn());
      out.writeInt(args.maxn());
      out.writeInt(args.lrUpdateRate());
      out.writeDouble(args.t());
      dict.save(out);
      out.writeBool(input.quantized());
      input.save(out);
      out.writeBool(qout);
      output.save(out);
      out.flush();
    } catch (IOException | UncheckedIOException e) {
      throw new DataException("cannot write fastText model " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Copies output row {@code i} into {@code vec} as fastText's {@code saveOutput} does: added to a
   * zero vector, so {@code -0.0} comes out as {@code 0}.
   *
   * @param i the row (a label id for a classifier)
   * @param vec receives the row, {@code dim} long
   */
  public void outputRow(int i, float[] vec) {
    Arrays.fill(vec, 0f);
    output.addRowTo(vec, i);
  }

  /**
   * Computes a word's vector as fastText's {@code getWordVector}: the mean of its subword rows.
   *
   * @param word the word's bytes
   * @param vec receives the vector
   */
  public void wordVector(byte[] word, float[] vec) {
    Arrays.fill(vec, 0f);
    int id = dict.find(word);
    IntList ids = new IntList();
    if (id >= 0 && id < dict.nwords) {
      ids.addAll(dict.subwords(id));
    } else if (id < 0 && !Arrays.equals(word, Dictionary.EOS) && args.maxn() > 0) {
      Dictionary.Scratch s = new Dictionary.Scratch();
      IntList none = new IntList();
      byte[] line = Arrays.copyOf(word, word.length);
      dict.getLine(line, 0, line.length, ids, none, s);
    }
    for (int i = 0; i < ids.size; i++) {
      input.addRowTo(vec, ids.a[i]);
    }
    if (ids.size > 0) {
      float inv = (float) (1.0 / ids.size);
      for (int j = 0; j < vec.length; j++) {
        vec[j] *= inv;
      }
    }
  }
}
