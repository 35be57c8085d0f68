package midtrain.data.decon;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.internal.decon.NgramIndex;

/**
 * The n-gram index of a set of benchmarks: immutable and safe to share between threads.
 *
 * <p>About 10 bytes per distinct n-gram (packed primitive arrays: a 32-bit fingerprint and a 32-bit
 * posting each, plus bucket offsets), plus 2 for the n-gram Bloom filter and, for n of 6 or more, 2
 * per run of k words in the filter of word runs in front of it (about 14.3 in all for 13-grams of
 * GSM8K-like items), plus the normalized benchmark words kept so that every hash hit is verified
 * word by word.
 */
public final class BenchmarkIndex {
  private final NgramIndex index;
  private final List<Benchmark> benchmarks;
  private final List<BenchmarkItem> items;
  private final Normalization normalization;

  private BenchmarkIndex(Builder b) {
    this.benchmarks = List.copyOf(b.benchmarks);
    this.normalization = b.normalization;
    NgramIndex.Builder ib = new NgramIndex.Builder(b.n, b.normalization == Normalization.UNICODE);
    List<BenchmarkItem> all = new ArrayList<>();
    for (int i = 0; i < benchmarks.size(); i++) {
      for (BenchmarkItem item : benchmarks.get(i).items()) {
        ib.addItem(i, item.texts());
        all.add(item);
      }
    }
    this.items = List.copyOf(all);
    this.index = ib.build(b.bloom);
  }

  /**
   * Starts a builder: n = 13, janitor normalization, with the Bloom filter.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BenchmarkIndex}. */
  public static final class Builder {
    private int n = 13;
    private Normalization normalization = Normalization.JANITOR;
    private boolean bloom = true;
    private final List<Benchmark> benchmarks = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the n-gram length (13 as GPT-3 and lm-evaluation-harness, 8 as Llama).
     *
     * @param n words per n-gram, at least 1
     * @return this builder
     */
    public Builder n(int n) {
      if (n < 1) {
        throw new DataException("n (words per n-gram) must be at least 1, got " + n);
      }
      this.n = n;
      return this;
    }

    /**
     * Sets the normalization.
     *
     * @param normalization janitor or unicode
     * @return this builder
     */
    public Builder normalization(Normalization normalization) {
      this.normalization = Objects.requireNonNull(normalization, "normalization");
      return this;
    }

    /**
     * Puts the Bloom filters (on by default) in front of the table: one of n-grams (16 bits per
     * n-gram) and, for n of 6 or more, one of the runs of words a scan samples (16 bits per run),
     * so that a scan hashes most words of a text only when a sampled run is in a benchmark, and
     * most lookups of absent n-grams touch only the filters. Without them a scan is about 3x slower
     * end to end.
     *
     * @param bloom whether to add the filters
     * @return this builder
     */
    public Builder bloomFilter(boolean bloom) {
      this.bloom = bloom;
      return this;
    }

    /**
     * Adds a benchmark.
     *
     * @param benchmark the benchmark
     * @return this builder
     */
    public Builder add(Benchmark benchmark) {
      benchmarks.add(Objects.requireNonNull(benchmark, "benchmark"));
      return this;
    }

    /**
     * Builds the index.
     *
     * @return the index
     */
    public BenchmarkIndex build() {
      if (benchmarks.isEmpty()) {
        throw new DataException("no benchmarks given");
      }
      return new BenchmarkIndex(this);
    }
  }

  /**
   * Returns the n-gram length.
   *
   * @return words per n-gram
   */
  public int n() {
    return index.n();
  }

  /**
   * Returns the normalization.
   *
   * @return the normalization
   */
  public Normalization normalization() {
    return normalization;
  }

  /**
   * Returns the benchmarks, in the order added.
   *
   * @return an immutable list
   */
  public List<Benchmark> benchmarks() {
    return benchmarks;
  }

  /**
   * Returns the number of distinct n-grams over all benchmarks.
   *
   * @return the count
   */
  public int distinctNgrams() {
    return index.distinctNgrams();
  }

  /**
   * Returns the number of distinct n-grams of one benchmark.
   *
   * @param benchmark index into {@link #benchmarks()}
   * @return the count
   */
  public int distinctNgrams(int benchmark) {
    return index.benchmarkNgrams(benchmark);
  }

  /**
   * Returns the memory of the lookup structures (table, shared-item lists, Bloom filters).
   *
   * @return bytes
   */
  public long tableBytes() {
    return index.tableBytes();
  }

  /**
   * Returns the memory of the normalized benchmark words kept for verification.
   *
   * @return bytes
   */
  public long keptTextBytes() {
    return index.keptTextBytes();
  }

  /**
   * Returns the lookup memory per distinct n-gram.
   *
   * @return bytes per distinct n-gram
   */
  public double bytesPerNgram() {
    return index.distinctNgrams() == 0 ? 0 : (double) index.tableBytes() / index.distinctNgrams();
  }

  NgramIndex table() {
    return index;
  }

  BenchmarkItem item(int global) {
    return items.get(global);
  }

  int itemCount() {
    return items.size();
  }
}
