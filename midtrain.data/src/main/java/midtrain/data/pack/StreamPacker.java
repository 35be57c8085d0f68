package midtrain.data.pack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import midtrain.data.DataException;

/**
 * Packs documents as they arrive, in bounded memory: the streaming counterpart of {@link Packer}
 * for corpora that do not fit in memory.
 *
 * <p>Documents are framed and appended to one token stream, handed to a {@link PackSink} piece by
 * piece (for example a token shard writer); rows are the stream's windows {@code [k * seqLen, k *
 * seqLen + seqLen + 1)}, exactly as {@link TokenLoader} cuts them, so shards written from the
 * pieces and loaded with {@link Framing#none()} give the rows reported here. In {@link
 * PackMode#CONCAT} the rows equal {@link Packer#pack}'s. The partial row at the end is dropped
 * (counted in {@link PackStats#droppedTokens()}), as the loader drops it.
 *
 * <p>{@link PackMode#LONG_CONTEXT}: a framed document of at least {@code seqLen + 1} tokens starts
 * at a row boundary, so its first {@code (length - 1) / seqLen} rows hold it alone; short documents
 * wait in a pool (at most about {@code 3 * seqLen} tokens) and fill the gap in front of the next
 * long document (the last one cut where the gap ends), or follow in arrival order when the pool is
 * full. Unlike {@link Packer}, a long document's tail stays right after it in the stream.
 *
 * <p>Memory: one row, the pool, and counters per source. Not thread-safe.
 */
public final class StreamPacker {
  private final int seqLen;
  private final Framing framing;
  private final PackMode mode;
  private final PackSink sink;
  private final Consumer<PackedRow> rowConsumer;

  private final int[] row;
  private int fill;
  private int[] runStart = new int[8];
  private int[] runSource = new int[8];
  private int runs;

  private final Map<String, Integer> sourceIndex = new HashMap<>();
  private final List<String> sourceNames = new ArrayList<>();
  private long[] realised = new long[4];

  private final ArrayDeque<Pending> pool = new ArrayDeque<>();
  private long poolTokens;

  private long streamTokens;
  private long documents;
  private long rows;
  private long singleRows;
  private long misalignedLong;
  private final TreeMap<Integer, Long> hist = new TreeMap<>();
  private boolean finished;

  private StreamPacker(Builder b) {
    this.seqLen = b.seqLen;
    this.framing = b.framing;
    this.mode = b.mode;
    this.sink = b.sink;
    this.rowConsumer = b.rows;
    this.row = new int[seqLen + 1];
  }

  /**
   * A builder for rows of {@code seqLen + 1} tokens.
   *
   * @param seqLen the model's sequence length, at least 2 and at most 2^28
   * @return a builder without framing, sink or row consumer, in {@link PackMode#CONCAT} mode
   * @throws DataException if {@code seqLen} is out of range
   */
  public static Builder builder(int seqLen) {
    return new Builder(seqLen);
  }

  private record Pending(String source, int[] tokens, int[] off) {}

  /**
   * Adds one tokenized document.
   *
   * @param source its source label (mixture component)
   * @param tokens its token ids (framed here when the framing asks for it); not kept after the call
   *     unless the document waits in the long-context pool
   * @throws IllegalStateException if the packer was finished
   */
  public void add(String source, int[] tokens) {
    Objects.requireNonNull(source, "source");
    if (finished) {
      throw new IllegalStateException("packer already finished");
    }
    int[] framed = framing.frame(tokens);
    documents++;
    hist.merge(PackStats.bucket(framed.length), 1L, Long::sum);
    if (framed.length == 0) {
      return;
    }
    if (mode == PackMode.CONCAT) {
      emit(source, framed, 0, framed.length);
    } else if (framed.length >= seqLen + 1) {
      long gap = Math.floorMod(-streamTokens, (long) seqLen);
      while (gap > 0 && !pool.isEmpty()) {
        Pending p = pool.peekFirst();
        int left = p.tokens.length - p.off[0];
        int take = (int) Math.min(gap, left);
        emit(p.source, p.tokens, p.off[0], take);
        p.off[0] += take;
        poolTokens -= take;
        gap -= take;
        if (take == left) {
          pool.pollFirst();
        }
      }
      if (gap > 0) {
        misalignedLong++;
      }
      emit(source, framed, 0, framed.length);
    } else {
      // The pool keeps the array: copy it unless framing already made a fresh one.
      int[] kept = framed == tokens ? tokens.clone() : framed;
      pool.addLast(new Pending(source, kept, new int[1]));
      poolTokens += kept.length;
      while (poolTokens > 2L * seqLen) {
        Pending p = pool.pollFirst();
        int left = p.tokens.length - p.off[0];
        emit(p.source, p.tokens, p.off[0], left);
        poolTokens -= left;
      }
    }
  }

  /**
   * Flushes the long-context pool and returns the statistics; the sink has had every piece.
   *
   * @return the final statistics, as {@link #stats()} gives them from now on
   * @throws IllegalStateException if the packer was already finished
   */
  public PackStats finish() {
    if (finished) {
      throw new IllegalStateException("packer already finished");
    }
    while (!pool.isEmpty()) {
      Pending p = pool.pollFirst();
      emit(p.source, p.tokens, p.off[0], p.tokens.length - p.off[0]);
    }
    poolTokens = 0;
    finished = true;
    return stats();
  }

  /**
   * The statistics so far (final after {@link #finish}).
   *
   * @return the counts so far; {@code droppedTokens} is the partial row at the end of the stream,
   *     and {@code paddedTokens} is always 0
   */
  public PackStats stats() {
    long dropped = rows == 0 ? streamTokens : fill - 1L;
    return new PackStats(documents, rows, singleRows, 0, dropped, hist);
  }

  /**
   * The realised mixture: label positions (1..seqLen) of complete rows per source, by source.
   *
   * @return an unmodifiable map from source label to label tokens, sorted by label; a source seen
   *     only in the partial row maps to 0
   */
  public Map<String, Long> tokensBySource() {
    Map<String, Long> out = new TreeMap<>();
    for (int i = 0; i < sourceNames.size(); i++) {
      out.put(sourceNames.get(i), realised[i]);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Tokens handed to the sink so far (the whole stream, including the dropped tail).
   *
   * @return the number of tokens, framing included; pool tokens count once handed over
   */
  public long streamTokens() {
    return streamTokens;
  }

  /**
   * Long documents that could not start at a row boundary (the pool was too small to fill).
   *
   * @return the number of such documents; 0 in {@link PackMode#CONCAT} mode
   */
  public long misalignedLongDocuments() {
    return misalignedLong;
  }

  private void emit(String source, int[] tokens, int from, int length) {
    if (length <= 0) {
      return;
    }
    sink.piece(source, tokens, from, length);
    streamTokens += length;
    int src = sourceIndex.computeIfAbsent(source, this::newSource);
    boolean newRun = true;
    int at = from;
    int left = length;
    while (left > 0) {
      if (newRun) {
        addRun(fill, src);
        newRun = false;
      }
      int take = Math.min(left, row.length - fill);
      System.arraycopy(tokens, at, row, fill, take);
      fill += take;
      at += take;
      left -= take;
      if (fill == row.length) {
        completeRow();
      }
    }
  }

  private int newSource(String name) {
    sourceNames.add(name);
    if (sourceNames.size() > realised.length) {
      realised = Arrays.copyOf(realised, realised.length * 2);
    }
    return sourceNames.size() - 1;
  }

  private void addRun(int start, int src) {
    if (runs == runStart.length) {
      runStart = Arrays.copyOf(runStart, runs * 2);
      runSource = Arrays.copyOf(runSource, runs * 2);
    }
    runStart[runs] = start;
    runSource[runs] = src;
    runs++;
  }

  private void completeRow() {
    rows++;
    if (runs == 1) {
      singleRows++;
    }
    Map<String, Long> bySource = rowConsumer == null ? null : new HashMap<>();
    for (int r = 0; r < runs; r++) {
      int lo = Math.max(1, runStart[r]);
      int hi = r + 1 < runs ? runStart[r + 1] : row.length;
      if (hi > lo) {
        realised[runSource[r]] += hi - lo;
        if (bySource != null) {
          bySource.merge(sourceNames.get(runSource[r]), (long) (hi - lo), Long::sum);
        }
      }
    }
    if (rowConsumer != null) {
      rowConsumer.accept(new PackedRow(row.clone(), Arrays.copyOf(runStart, runs), bySource));
    }
    // The last token is the next row's first (rows overlap by one); its run continues there.
    int lastSource = runSource[runs - 1];
    row[0] = row[seqLen];
    fill = 1;
    runs = 0;
    addRun(0, lastSource);
  }

  /** Builder for {@link StreamPacker}. */
  public static final class Builder {
    private final int seqLen;
    private Framing framing = Framing.none();
    private PackMode mode = PackMode.CONCAT;
    private PackSink sink = PackSink.discard();
    private Consumer<PackedRow> rows;

    private Builder(int seqLen) {
      this.seqLen = Packer.checkSeqLen(seqLen);
      if (seqLen > (1 << 28)) {
        throw new DataException("sequence length " + seqLen + " is too large");
      }
    }

    /**
     * BOS/EOS handling (default: none, for documents framed by {@code Tokenization}).
     *
     * @param framing the tokens added to each document that lacks them
     * @return this builder
     */
    public Builder framing(Framing framing) {
      this.framing = Objects.requireNonNull(framing, "framing");
      return this;
    }

    /**
     * Concatenation or long-context preference (default: concatenation).
     *
     * @param mode how documents are placed in rows
     * @return this builder
     */
    public Builder mode(PackMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Where the stream's pieces go (default: nowhere).
     *
     * @param sink receives the framed stream piece by piece
     * @return this builder
     */
    public Builder sink(PackSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Also hands every complete row to {@code rows} (costs a copy per row).
     *
     * @param rows called once per complete row, in order, on the thread that adds documents
     * @return this builder
     */
    public Builder rows(Consumer<PackedRow> rows) {
      this.rows = Objects.requireNonNull(rows, "rows");
      return this;
    }

    /**
     * Builds the packer.
     *
     * @return the packer, ready for {@link #add}
     */
    public StreamPacker build() {
      return new StreamPacker(this);
    }
  }
}
