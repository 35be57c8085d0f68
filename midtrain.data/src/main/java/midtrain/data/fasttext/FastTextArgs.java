package midtrain.data.fasttext;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import midtrain.data.DataException;

/**
 * The hyper-parameters of a fastText model, with fastText's names and its defaults for {@code
 * supervised}.
 *
 * <p>Only {@code dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
 * lrUpdateRate, t} are stored in a {@code .bin} file; a loaded model reports fastText's defaults
 * for the others, as fastText itself does. {@link #pretrainedVectors()} is a training input rather
 * than a hyper-parameter, kept here as fastText keeps it among its arguments.
 */
public final class FastTextArgs {
  /** The loss functions, with the numbers fastText writes in model files. */
  public enum Loss {
    /** Hierarchical softmax over a Huffman tree of the label counts. */
    HS(1, "hs"),
    /** Negative sampling. */
    NS(2, "ns"),
    /** Full softmax. */
    SOFTMAX(3, "softmax"),
    /** Independent binary classifiers, one per label. */
    OVA(4, "one-vs-all");

    private final int code;
    private final String cliName;

    Loss(int code, String cliName) {
      this.code = code;
      this.cliName = cliName;
    }

    /**
     * Returns the number fastText stores for this loss.
     *
     * @return 1 to 4
     */
    public int code() {
      return code;
    }

    /**
     * Returns the name fastText's {@code -loss} option and its model dumps use.
     *
     * @return {@code hs}, {@code ns}, {@code softmax} or {@code one-vs-all}
     */
    public String cliName() {
      return cliName;
    }

    /**
     * Finds a loss by its stored number.
     *
     * @param code the number
     * @return the loss
     * @throws DataException when no loss has that number
     */
    public static Loss ofCode(int code) {
      for (Loss l : values()) {
        if (l.code == code) {
          return l;
        }
      }
      throw new DataException("unknown fastText loss number " + code + " (known: 1 to 4)");
    }

    /**
     * Parses fastText's {@code -loss} value.
     *
     * @param name {@code hs}, {@code ns}, {@code softmax}, {@code one-vs-all} or {@code ova}
     * @return the loss
     * @throws DataException for other names
     */
    public static Loss parse(String name) {
      switch (name.toLowerCase(Locale.ROOT)) {
        case "hs":
          return HS;
        case "ns":
          return NS;
        case "softmax":
          return SOFTMAX;
        case "one-vs-all":
        case "ova":
          return OVA;
        default:
          throw new DataException(
              "unknown loss '" + name + "' (known: hs, ns, softmax, one-vs-all, ova)");
      }
    }
  }

  /** The model kinds, with fastText's stored numbers; only {@link #SUPERVISED} predicts labels. */
  public enum ModelKind {
    /** Continuous bag of words embeddings. */
    CBOW(1),
    /** Skip-gram embeddings. */
    SKIPGRAM(2),
    /** Text classification. */
    SUPERVISED(3);

    private final int code;

    ModelKind(int code) {
      this.code = code;
    }

    /**
     * Returns the number fastText stores for this kind.
     *
     * @return 1 to 3
     */
    public int code() {
      return code;
    }

    /**
     * Finds a kind by its stored number.
     *
     * @param code the number
     * @return the kind
     * @throws DataException when no kind has that number
     */
    public static ModelKind ofCode(int code) {
      for (ModelKind m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      throw new DataException("unknown fastText model number " + code + " (known: 1 to 3)");
    }
  }

  private final double lr;
  private final int dim;
  private final int ws;
  private final int epoch;
  private final int minCount;
  private final int minCountLabel;
  private final int neg;
  private final int wordNgrams;
  private final Loss loss;
  private final ModelKind model;
  private final int bucket;
  private final int minn;
  private final int maxn;
  private final int thread;
  private final int lrUpdateRate;
  private final double t;
  private final String label;
  private final int seed;
  private final int verbose;
  private final Path pretrainedVectors;

  private FastTextArgs(Builder b) {
    this.lr = b.lr;
    this.dim = b.dim;
    this.ws = b.ws;
    this.epoch = b.epoch;
    this.minCount = b.minCount;
    this.minCountLabel = b.minCountLabel;
    this.neg = b.neg;
    this.wordNgrams = b.wordNgrams;
    this.loss = b.loss;
    this.model = b.model;
    this.bucket = b.bucket;
    this.minn = b.minn;
    this.maxn = b.maxn;
    this.thread = b.thread;
    this.lrUpdateRate = b.lrUpdateRate;
    this.t = b.t;
    this.label = b.label;
    this.seed = b.seed;
    this.verbose = b.verbose;
    this.pretrainedVectors = b.pretrainedVectors;
  }

  /**
   * Returns a builder holding fastText's supervised defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these values.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.lr = lr;
    b.dim = dim;
    b.ws = ws;
    b.epoch = epoch;
    b.minCount = minCount;
    b.minCountLabel = minCountLabel;
    b.neg = neg;
    b.wordNgrams = wordNgrams;
    b.loss = loss;
    b.model = model;
    b.bucket = bucket;
    b.minn = minn;
    b.maxn = maxn;
    b.thread = thread;
    b.lrUpdateRate = lrUpdateRate;
    b.t = t;
    b.label = label;
    b.seed = seed;
    b.verbose = verbose;
    b.pretrainedVectors = pretrainedVectors;
    return b;
  }

  /**
   * Returns the learning rate (default 0.1).
   *
   * @return the initial learning rate, positive and finite; training lowers it linearly to 0 over
   *     all epochs
   */
  public double lr() {
    return lr;
  }

  /**
   * Returns the vector size (default 100).
   *
   * @return the length of the word, subword and text vectors, at least 1
   */
  public int dim() {
    return dim;
  }

  /**
   * Returns the context window (default 5; unused by supervised training, but stored).
   *
   * @return the size of the context window in words, at least 1
   */
  public int ws() {
    return ws;
  }

  /**
   * Returns the number of epochs (default 5).
   *
   * @return how many times training passes over the input, at least 1
   */
  public int epoch() {
    return epoch;
  }

  /**
   * Returns the minimal count of a word (default 1).
   *
   * @return the number of occurrences below which a word is left out of the dictionary
   */
  public int minCount() {
    return minCount;
  }

  /**
   * Returns the minimal count of a label (default 0).
   *
   * @return the number of occurrences below which a label is left out of the dictionary
   */
  public int minCountLabel() {
    return minCountLabel;
  }

  /**
   * Returns the number of negatives sampled (default 5).
   *
   * @return the number of negative labels sampled per update with the {@code ns} loss, at least 0
   */
  public int neg() {
    return neg;
  }

  /**
   * Returns the longest word n-gram (default 1).
   *
   * @return the longest word n-gram whose hash becomes an input feature, at least 1 (1: single
   *     words only)
   */
  public int wordNgrams() {
    return wordNgrams;
  }

  /**
   * Returns the loss (default softmax).
   *
   * @return the loss that training minimises
   */
  public Loss loss() {
    return loss;
  }

  /**
   * Returns the model kind (supervised unless loaded from an embedding model).
   *
   * @return the model kind; {@link ModelKind#SUPERVISED} for every model trained here
   */
  public ModelKind model() {
    return model;
  }

  /**
   * Returns the number of hash buckets for n-grams (default 2000000).
   *
   * @return the number of input-matrix rows that hashed word and character n-grams share, at least
   *     0
   */
  public int bucket() {
    return bucket;
  }

  /**
   * Returns the shortest character n-gram (default 0).
   *
   * @return the length in characters of the shortest subword, at least 0
   */
  public int minn() {
    return minn;
  }

  /**
   * Returns the longest character n-gram; 0 turns subwords off (default 0).
   *
   * @return the length in characters of the longest subword, at least 0; 0 when words have no
   *     subwords
   */
  public int maxn() {
    return maxn;
  }

  /**
   * Returns the number of training threads (default 1; fastText's own default is 12).
   *
   * @return the number of threads that train in parallel, at least 1
   */
  public int thread() {
    return thread;
  }

  /**
   * Returns how many tokens pass between learning rate updates (default 100).
   *
   * @return the number of tokens a training thread reads before it adds them to the shared progress
   *     the learning rate falls with, at least 1
   */
  public int lrUpdateRate() {
    return lrUpdateRate;
  }

  /**
   * Returns the sampling threshold (default 1e-4; unused by supervised training, but stored).
   *
   * @return the threshold for sub-sampling frequent words
   */
  public double t() {
    return t;
  }

  /**
   * Returns the label prefix (default {@code __label__}).
   *
   * @return the prefix that marks a token of the input as a label, never empty
   */
  public String label() {
    return label;
  }

  /**
   * Returns the random seed (default 0).
   *
   * @return the seed of the input matrix's random initialisation and of each thread's label
   *     sampling
   */
  public int seed() {
    return seed;
  }

  /**
   * Returns the verbosity: 0 silent, 1 summary, 2 progress (default 0).
   *
   * @return the verbosity; above 0, training prints the dictionary sizes and its final loss
   */
  public int verbose() {
    return verbose;
  }

  /**
   * Returns the word vectors ({@code .vec} text) that initialise the input matrix, as fastText's
   * {@code -pretrainedVectors}; empty by default and for loaded models.
   *
   * @return the file, if any
   */
  public Optional<Path> pretrainedVectors() {
    return Optional.ofNullable(pretrainedVectors);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "FastTextArgs[lr=%s, dim=%d, ws=%d, epoch=%d, minCount=%d, minCountLabel=%d, neg=%d,"
            + " wordNgrams=%d, loss=%s, model=%s, bucket=%d, minn=%d, maxn=%d, thread=%d,"
            + " lrUpdateRate=%d, t=%s, label=%s, seed=%d%s]",
        lr,
        dim,
        ws,
        epoch,
        minCount,
        minCountLabel,
        neg,
        wordNgrams,
        loss.cliName(),
        model,
        bucket,
        minn,
        maxn,
        thread,
        lrUpdateRate,
        t,
        label,
        seed,
        pretrainedVectors == null ? "" : ", pretrainedVectors=" + pretrainedVectors);
  }

  /** Collects values for {@link FastTextArgs}; starts at fastText's supervised defaults. */
  public static final class Builder {
    private double lr = 0.1;
    private int dim = 100;
    private int ws = 5;
    private int epoch = 5;
    private int minCount = 1;
    private int minCountLabel = 0;
    private int neg = 5;
    private int wordNgrams = 1;
    private Loss loss = Loss.SOFTMAX;
    private ModelKind model = ModelKind.SUPERVISED;
    private int bucket = 2_000_000;
    private int minn = 0;
    private int maxn = 0;
    private int thread = 1;
    private int lrUpdateRate = 100;
    private double t = 1e-4;
    private String label = "__label__";
    private int seed = 0;
    private int verbose = 0;
    private Path pretrainedVectors;

    private Builder() {}

    /**
     * Sets the learning rate.
     *
     * @param v the initial learning rate; {@link #build()} requires a positive, finite number
     * @return this builder
     */
    public Builder lr(double v) {
      lr = v;
      return this;
    }

    /**
     * Sets the vector size.
     *
     * @param v the vector size; {@link #build()} requires at least 1
     * @return this builder
     */
    public Builder dim(int v) {
      dim = v;
      return this;
    }

    /**
     * Sets the context window.
     *
     * @param v the context window in words; {@link #build()} requires at least 1
     * @return this builder
     */
    public Builder ws(int v) {
      ws = v;
      return this;
    }

    /**
     * Sets the number of epochs.
     *
     * @param v the number of passes over the input; {@link #build()} requires at least 1
     * @return this builder
     */
    public Builder epoch(int v) {
      epoch = v;
      return this;
    }

    /**
     * Sets the minimal count of a word.
     *
     * @param v the number of occurrences a word needs to enter the dictionary
     * @return this builder
     */
    public Builder minCount(int v) {
      minCount = v;
      return this;
    }

    /**
     * Sets the minimal count of a label.
     *
     * @param v the number of occurrences a label needs to enter the dictionary
     * @return this builder
     */
    public Builder minCountLabel(int v) {
      minCountLabel = v;
      return this;
    }

    /**
     * Sets the number of negatives sampled.
     *
     * @param v the negative labels sampled per update with the {@code ns} loss; {@link #build()}
     *     requires at least 0
     * @return this builder
     */
    public Builder neg(int v) {
      neg = v;
      return this;
    }

    /**
     * Sets the longest word n-gram.
     *
     * @param v the longest word n-gram, 1 for single words only; {@link #build()} requires at least
     *     1
     * @return this builder
     */
    public Builder wordNgrams(int v) {
      wordNgrams = v;
      return this;
    }

    /**
     * Sets the loss.
     *
     * @param v the loss
     * @return this builder
     */
    public Builder loss(Loss v) {
      loss = Objects.requireNonNull(v, "loss");
      return this;
    }

    /**
     * Sets the model kind (only {@link ModelKind#SUPERVISED} can be trained here).
     *
     * @param v the model kind
     * @return this builder
     */
    public Builder model(ModelKind v) {
      model = Objects.requireNonNull(v, "model");
      return this;
    }

    /**
     * Sets the number of hash buckets.
     *
     * @param v the number of hash buckets shared by word and character n-grams; {@link #build()}
     *     requires at least 0
     * @return this builder
     */
    public Builder bucket(int v) {
      bucket = v;
      return this;
    }

    /**
     * Sets the shortest character n-gram.
     *
     * @param v the shortest subword in characters; {@link #build()} requires at least 0
     * @return this builder
     */
    public Builder minn(int v) {
      minn = v;
      return this;
    }

    /**
     * Sets the longest character n-gram.
     *
     * @param v the longest subword in characters, 0 for no subwords; {@link #build()} requires at
     *     least 0
     * @return this builder
     */
    public Builder maxn(int v) {
      maxn = v;
      return this;
    }

    /**
     * Sets the number of training threads.
     *
     * @param v the number of training threads; {@link #build()} requires at least 1
     * @return this builder
     */
    public Builder thread(int v) {
      thread = v;
      return this;
    }

    /**
     * Sets how many tokens pass between learning rate updates.
     *
     * @param v the tokens a thread reads between updates of the shared progress; {@link #build()}
     *     requires at least 1
     * @return this builder
     */
    public Builder lrUpdateRate(int v) {
      lrUpdateRate = v;
      return this;
    }

    /**
     * Sets the sampling threshold.
     *
     * @param v the threshold for sub-sampling frequent words
     * @return this builder
     */
    public Builder t(double v) {
      t = v;
      return this;
    }

    /**
     * Sets the label prefix.
     *
     * @param v the prefix that marks a token as a label; {@link #build()} requires it not to be
     *     empty
     * @return this builder
     */
    public Builder label(String v) {
      label = Objects.requireNonNull(v, "label");
      return this;
    }

    /**
     * Sets the random seed.
     *
     * @param v the random seed
     * @return this builder
     */
    public Builder seed(int v) {
      seed = v;
      return this;
    }

    /**
     * Sets the verbosity.
     *
     * @param v 0 for silent, 1 for a summary, 2 for progress
     * @return this builder
     */
    public Builder verbose(int v) {
      verbose = v;
      return this;
    }

    /**
     * Sets the word vectors that initialise the input matrix (fastText's {@code
     * -pretrainedVectors}): a {@code .vec} text file, {@code "n dim"} then {@code word v1 .. vdim}
     * per entry, with {@code dim} equal to {@link #dim(int)}.
     *
     * @param file the vectors
     * @return this builder
     */
    public Builder pretrainedVectors(Path file) {
      pretrainedVectors = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Clears {@link #pretrainedVectors(Path)}: the input matrix starts random.
     *
     * @return this builder
     */
    public Builder noPretrainedVectors() {
      pretrainedVectors = null;
      return this;
    }

    /**
     * Checks the values and builds.
     *
     * @return the arguments
     * @throws DataException naming the first value out of range
     */
    public FastTextArgs build() {
      check(dim > 0, "dim", dim);
      check(epoch > 0, "epoch", epoch);
      check(wordNgrams > 0, "wordNgrams", wordNgrams);
      check(bucket >= 0, "bucket", bucket);
      check(minn >= 0, "minn", minn);
      check(maxn >= 0, "maxn", maxn);
      check(thread > 0, "thread", thread);
      check(lrUpdateRate > 0, "lrUpdateRate", lrUpdateRate);
      check(neg >= 0, "neg", neg);
      check(ws > 0, "ws", ws);
      if (!(lr > 0) || !Double.isFinite(lr)) {
        throw new DataException("fastText argument lr must be a positive number, got " + lr);
      }
      if (label.isEmpty()) {
        throw new DataException("fastText argument label must not be empty");
      }
      return new FastTextArgs(this);
    }

    private static void check(boolean ok, String name, int v) {
      if (!ok) {
        throw new DataException("fastText argument " + name + " is out of range: " + v);
      }
    }
  }
}
