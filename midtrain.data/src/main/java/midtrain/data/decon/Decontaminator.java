package midtrain.data.decon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.io.RowBytes;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Scans documents against a {@link BenchmarkIndex} in one {@link DeconMode}: immutable, and safe to
 * use from many threads at once (each thread gets its own scratch buffers).
 */
public final class Decontaminator {
  /** Column added in flag mode: whether the document is contaminated (bit). */
  public static final String COL_CONTAMINATED = "decon.contaminated";

  /** Column added in flag mode: the document's n-gram occurrences (int32). */
  public static final String COL_NGRAMS = "decon.ngrams";

  /** Column added in flag mode: distinct n-grams found in the index (int32). */
  public static final String COL_UNIQUE = "decon.unique_overlaps";

  /** Column added in flag mode: n-gram occurrences found in the index (int32). */
  public static final String COL_TOTAL = "decon.total_overlaps";

  /** Column added in flag mode: the JSON array of item ids hit (utf8). */
  public static final String COL_HITS = "decon.benchmark_hits";

  /** Column added in flag mode: the overlap fraction as a score (float32), for filters. */
  public static final String COL_FRACTION = DocumentBatch.scoreColumn("decon", "overlap_fraction");

  /** The columns flag mode adds, in this order. */
  public static final List<String> FLAG_COLUMNS =
      List.of(COL_CONTAMINATED, COL_NGRAMS, COL_UNIQUE, COL_TOTAL, COL_FRACTION, COL_HITS);

  private final BenchmarkIndex index;
  private final DeconMode mode;
  private final int window;
  private final int tooDirtyCutoff;
  private final int minSlice;
  private final double dropThreshold;
  private final double lcsThreshold;
  private final ThreadLocal<Scanner> scanners;

  private Decontaminator(Builder b) {
    this.index = b.index;
    this.mode = b.mode;
    this.window = b.window;
    this.tooDirtyCutoff = b.tooDirtyCutoff;
    this.minSlice = b.minSlice;
    this.dropThreshold = b.dropThreshold;
    this.lcsThreshold = b.lcsThreshold;
    this.scanners = ThreadLocal.withInitial(() -> new Scanner(this));
  }

  /**
   * Starts a builder: report mode, window 200, too-dirty cutoff 10, minimum slice 200, drop on any
   * hit, LCS threshold 0.5.
   *
   * @param index the benchmark index
   * @return the builder
   */
  public static Builder builder(BenchmarkIndex index) {
    return new Builder(index);
  }

  /** Builds a {@link Decontaminator}. */
  public static final class Builder {
    private final BenchmarkIndex index;
    private DeconMode mode = DeconMode.REPORT;
    private int window = 200;
    private int tooDirtyCutoff = 10;
    private int minSlice = 200;
    private double dropThreshold;
    private double lcsThreshold = 0.5;

    private Builder(BenchmarkIndex index) {
      this.index = Objects.requireNonNull(index, "index");
    }

    /**
     * Sets the mode.
     *
     * @param mode what to do with contaminated documents
     * @return this builder
     */
    public Builder mode(DeconMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the janitor window: characters removed on each side of a hit.
     *
     * @param window code points, at least 0
     * @return this builder
     */
    public Builder window(int window) {
      this.window = nonNegative("window", window);
      return this;
    }

    /**
     * Sets the janitor cutoff: a document with more hits than this is dropped whole.
     *
     * @param cutoff hits, at least 0
     * @return this builder
     */
    public Builder tooDirtyCutoff(int cutoff) {
      this.tooDirtyCutoff = nonNegative("too-dirty cutoff", cutoff);
      return this;
    }

    /**
     * Sets the janitor minimum slice: pieces must be longer than this to be kept.
     *
     * @param minSlice code points, at least 0
     * @return this builder
     */
    public Builder minSlice(int minSlice) {
      this.minSlice = nonNegative("minimum slice", minSlice);
      return this;
    }

    /**
     * Sets the drop threshold: in drop mode a contaminated document is dropped when its overlap
     * fraction exceeds this; 0 drops on any hit.
     *
     * @param threshold a fraction in [0, 1)
     * @return this builder
     */
    public Builder dropThreshold(double threshold) {
      if (!(threshold >= 0 && threshold < 1)) {
        throw new DataException("drop threshold must be in [0, 1), got " + threshold);
      }
      this.dropThreshold = threshold;
      return this;
    }

    /**
     * Sets the hybrid mode's LCS threshold: the fraction of an item's words that must appear, in
     * order, around its n-gram hits.
     *
     * @param threshold a fraction in (0, 1]
     * @return this builder
     */
    public Builder lcsThreshold(double threshold) {
      if (!(threshold > 0 && threshold <= 1)) {
        throw new DataException("LCS threshold must be in (0, 1], got " + threshold);
      }
      this.lcsThreshold = threshold;
      return this;
    }

    /**
     * Builds the decontaminator.
     *
     * @return the decontaminator
     */
    public Decontaminator build() {
      return new Decontaminator(this);
    }

    private static int nonNegative(String name, int v) {
      if (v < 0) {
        throw new DataException(name + " must be at least 0, got " + v);
      }
      return v;
    }
  }

  /**
   * Scans one text.
   *
   * @param text the document
   * @return what was found
   */
  public DocumentResult scan(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return scan(b, 0, b.length);
  }

  /**
   * Scans one UTF-8 text without copying it.
   *
   * @param utf8 the bytes
   * @param off first byte of the document
   * @param len length in bytes
   * @return what was found
   */
  public DocumentResult scan(byte[] utf8, int off, int len) {
    return scanners.get().scan(utf8, off, len);
  }

  /**
   * Scans a document batch and applies the mode, recording every document in the report: report
   * mode returns the batch's rows unchanged, flag mode adds the {@code decon.*} columns and {@link
   * #COL_FRACTION}, drop and hybrid modes leave out dropped rows, janitor mode replaces each row by
   * its clean pieces (ids {@code id#0}, {@code id#1}, ... when a row was cut).
   *
   * @param batch the batch, with {@code id} and {@code text} columns; the caller keeps it and still
   *     closes it
   * @param allocator the allocator for the new vectors
   * @param report receives one record per input row, in row order
   * @return a new root that the caller owns and must close; in report and flag modes its input
   *     columns share the batch's buffers (reference-counted, so closing both is safe)
   */
  public VectorSchemaRoot apply(
      VectorSchemaRoot batch, BufferAllocator allocator, DeconReport report) {
    VarCharVector text = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
    VarCharVector ids = DocumentBatch.utf8(batch, DocumentBatch.ID);
    int rows = batch.getRowCount();
    DocumentResult[] results = new DocumentResult[rows];
    RowBytes row = new RowBytes();
    for (int r = 0; r < rows; r++) {
      if (text.isNull(r) || ids.isNull(r)) {
        throw new DataException(
            "document batch row " + r + ": " + (ids.isNull(r) ? "id" : "text") + " is null");
      }
      row.load(text, r);
      results[r] = scan(row.bytes, 0, row.length);
      report.record(new String(ids.get(r), StandardCharsets.UTF_8), false, results[r]);
    }
    return output(batch, allocator, results);
  }

  /**
   * Applies the mode to a batch already scanned: the rows {@link #apply} returns.
   *
   * @param batch the batch; the caller keeps it and still closes it
   * @param allocator the allocator for the new vectors
   * @param results one per row of the batch
   * @return a new root that the caller owns and must close
   */
  VectorSchemaRoot output(
      VectorSchemaRoot batch, BufferAllocator allocator, DocumentResult[] results) {
    int rows = results.length;
    return switch (mode) {
      case REPORT -> batch.slice(0, rows);
      case FLAG -> flagged(batch, allocator, results);
      case DROP, HYBRID, JANITOR -> rebuilt(batch, allocator, results);
    };
  }

  /**
   * Adds the flag columns for results already computed by {@link #scan}: the {@code decon.*}
   * columns and {@link #COL_FRACTION}, replacing columns of the same names. For the curation
   * pipeline, which scans only the rows still alive.
   *
   * @param batch the batch; the caller keeps it and still closes it
   * @param allocator the allocator for the new vectors
   * @param results one per row of the batch; an empty entry leaves that row's flag columns null (a
   *     row that was not scanned)
   * @return a new root that the caller owns and must close; its input columns share the batch's
   *     buffers (reference-counted, so closing both is safe)
   */
  public VectorSchemaRoot flag(
      VectorSchemaRoot batch, BufferAllocator allocator, List<Optional<DocumentResult>> results) {
    if (results.size() != batch.getRowCount()) {
      throw new DataException(
          "flag: " + results.size() + " results for " + batch.getRowCount() + " rows");
    }
    DocumentResult[] r = new DocumentResult[results.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = results.get(i).orElse(null);
    }
    return flagged(batch, allocator, r);
  }

  private VectorSchemaRoot flagged(
      VectorSchemaRoot batch, BufferAllocator allocator, DocumentResult[] results) {
    int rows = results.length;
    List<FieldVector> vectors = new ArrayList<>();
    try (VectorSchemaRoot sliced = batch.slice(0, rows)) {
      for (FieldVector v : sliced.getFieldVectors()) {
        if (FLAG_COLUMNS.contains(v.getName())) {
          continue; // an earlier run's flags: replaced below
        }
        var tp = v.getTransferPair(allocator);
        tp.transfer();
        vectors.add((FieldVector) tp.getTo());
      }
    }
    BitVector contaminated = new BitVector(COL_CONTAMINATED, allocator);
    IntVector ngrams = new IntVector(COL_NGRAMS, allocator);
    IntVector unique = new IntVector(COL_UNIQUE, allocator);
    IntVector total = new IntVector(COL_TOTAL, allocator);
    Float4Vector fraction =
        new Float4Vector(
            Field.nullable(
                COL_FRACTION, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            allocator);
    VarCharVector hits = new VarCharVector(COL_HITS, allocator);
    for (int r = 0; r < rows; r++) {
      DocumentResult d = results[r];
      if (d == null) {
        contaminated.setNull(r);
        ngrams.setNull(r);
        unique.setNull(r);
        total.setNull(r);
        fraction.setNull(r);
        hits.setNull(r);
        continue;
      }
      contaminated.setSafe(r, d.contaminated() ? 1 : 0);
      ngrams.setSafe(r, d.ngrams());
      unique.setSafe(r, d.uniqueOverlaps());
      total.setSafe(r, d.totalOverlaps());
      fraction.setSafe(r, (float) d.overlapFraction());
      hits.setSafe(r, DeconReport.hitIdsJson(d).getBytes(StandardCharsets.UTF_8));
    }
    List<FieldVector> added = List.of(contaminated, ngrams, unique, total, fraction, hits);
    for (FieldVector v : added) {
      v.setValueCount(rows);
    }
    vectors.addAll(added);
    return new VectorSchemaRoot(vectors);
  }

  private VectorSchemaRoot rebuilt(
      VectorSchemaRoot batch, BufferAllocator allocator, DocumentResult[] results) {
    VectorSchemaRoot out = VectorSchemaRoot.create(batch.getSchema(), allocator);
    try {
      out.allocateNew();
      VarCharVector outText = DocumentBatch.utf8(out, DocumentBatch.TEXT);
      VarCharVector outId = DocumentBatch.utf8(out, DocumentBatch.ID);
      VarCharVector inId = DocumentBatch.utf8(batch, DocumentBatch.ID);
      int row = 0;
      for (int r = 0; r < results.length; r++) {
        DocumentResult d = results[r];
        if (d.dropped()) {
          continue;
        }
        boolean cut = mode == DeconMode.JANITOR && d.dirtyNgrams() > 0;
        int pieces = cut ? d.cleanChunks().size() : 1;
        for (int k = 0; k < pieces; k++) {
          for (int c = 0; c < out.getFieldVectors().size(); c++) {
            FieldVector to = out.getVector(c);
            if (!cut || (to != outText && to != outId)) {
              to.copyFromSafe(r, row, batch.getVector(c));
            }
          }
          if (cut) {
            outText.setSafe(row, d.cleanChunks().get(k).getBytes(StandardCharsets.UTF_8));
            String id = new String(inId.get(r), StandardCharsets.UTF_8) + "#" + k;
            outId.setSafe(row, id.getBytes(StandardCharsets.UTF_8));
          }
          row++;
        }
      }
      out.setRowCount(row);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * Returns the index.
   *
   * @return the benchmark index
   */
  public BenchmarkIndex index() {
    return index;
  }

  /**
   * Returns the mode.
   *
   * @return the mode
   */
  public DeconMode mode() {
    return mode;
  }

  /**
   * Returns the janitor window.
   *
   * @return code points removed on each side of a hit
   */
  public int window() {
    return window;
  }

  /**
   * Returns the janitor cutoff.
   *
   * @return the most hits a kept document may have
   */
  public int tooDirtyCutoff() {
    return tooDirtyCutoff;
  }

  /**
   * Returns the janitor minimum slice.
   *
   * @return code points a kept piece must exceed
   */
  public int minSlice() {
    return minSlice;
  }

  /**
   * Returns the drop threshold.
   *
   * @return the overlap fraction above which drop mode drops; 0 means any hit
   */
  public double dropThreshold() {
    return dropThreshold;
  }

  /**
   * Returns the hybrid LCS threshold.
   *
   * @return the fraction of an item's words needed to confirm it
   */
  public double lcsThreshold() {
    return lcsThreshold;
  }
}
