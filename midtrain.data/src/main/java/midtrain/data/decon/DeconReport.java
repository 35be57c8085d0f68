package midtrain.data.decon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * What a reviewer asks of a decontamination run: per benchmark, how many of its items appear in the
 * training data, how many training documents were affected, with examples; plus totals and every
 * rejected input record with its reason. Thread-safe; records arrive in input order when one thread
 * records.
 */
public final class DeconReport {
  /** Examples kept per benchmark. */
  public static final int EXAMPLES = 5;

  /** Rejected records listed by place (all are counted). */
  public static final int REJECTIONS_LISTED = 100;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Decontaminator decon;
  private final BitSet itemsHit;
  private final long[] docsAffected;
  private final List<List<String[]>> examples = new ArrayList<>();
  private final List<String[]> rejections = new ArrayList<>();
  private long documents;
  private long contaminated;
  private long dropped;
  private long rejected;
  private long ngrams;
  private long overlaps;
  private long outputDocuments;

  /**
   * Starts an empty report.
   *
   * @param decon the decontaminator whose results will be recorded
   */
  public DeconReport(Decontaminator decon) {
    this.decon = decon;
    int benchmarks = decon.index().benchmarks().size();
    this.itemsHit = new BitSet(decon.index().itemCount());
    this.docsAffected = new long[benchmarks];
    for (int b = 0; b < benchmarks; b++) {
      examples.add(new ArrayList<>());
    }
  }

  /**
   * Records one scanned document.
   *
   * @param id the document id
   * @param numericId whether the id is a JSON number
   * @param r what the scan found
   */
  public synchronized void record(String id, boolean numericId, DocumentResult r) {
    documents++;
    ngrams += r.ngrams();
    overlaps += r.totalOverlaps();
    if (r.contaminated()) {
      contaminated++;
    }
    if (r.dropped()) {
      dropped++;
    }
    DeconMode mode = decon.mode();
    if (mode == DeconMode.JANITOR && r.dirtyNgrams() > 0) {
      outputDocuments += r.cleanChunks().size();
    } else if (!r.dropped()) {
      outputDocuments++;
    }
    if (r.hits().isEmpty()) {
      return; // most documents: nothing per benchmark to count
    }
    boolean[] seen = new boolean[docsAffected.length];
    for (Hit h : r.hits()) {
      if (!seen[h.benchmarkIndex()]) {
        seen[h.benchmarkIndex()] = true;
        docsAffected[h.benchmarkIndex()]++;
      }
      if (!itemsHit.get(h.item())) {
        itemsHit.set(h.item());
        List<String[]> ex = examples.get(h.benchmarkIndex());
        if (ex.size() < EXAMPLES) {
          ex.add(new String[] {h.itemId(), h.numericId() ? "n" : "s", id, h.ngram()});
        }
      }
    }
  }

  /**
   * Records an input record that could not be scanned.
   *
   * @param where the file and line (or row)
   * @param reason why it was rejected
   */
  public synchronized void reject(String where, String reason) {
    rejected++;
    if (rejections.size() < REJECTIONS_LISTED) {
      rejections.add(new String[] {where, reason});
    }
  }

  /**
   * Returns the documents scanned.
   *
   * @return the count
   */
  public synchronized long documents() {
    return documents;
  }

  /**
   * Returns the documents with a hit.
   *
   * @return the count
   */
  public synchronized long contaminated() {
    return contaminated;
  }

  /**
   * Returns the documents the mode removed.
   *
   * @return the count
   */
  public synchronized long dropped() {
    return dropped;
  }

  /**
   * Returns the documents written out (janitor pieces count one each).
   *
   * @return the count
   */
  public synchronized long outputDocuments() {
    return outputDocuments;
  }

  /**
   * Returns the input records rejected.
   *
   * @return the count
   */
  public synchronized long rejected() {
    return rejected;
  }

  /**
   * Returns how many items of a benchmark were found.
   *
   * @param benchmark index into the index's benchmarks
   * @return items found in at least one document
   */
  public synchronized int itemsContaminated(int benchmark) {
    int count = 0;
    for (int i = itemsHit.nextSetBit(0); i >= 0; i = itemsHit.nextSetBit(i + 1)) {
      if (decon.index().table().benchmarkOf(i) == benchmark) {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns how many documents hit a benchmark.
   *
   * @param benchmark index into the index's benchmarks
   * @return the count
   */
  public synchronized long documentsAffected(int benchmark) {
    return docsAffected[benchmark];
  }

  /**
   * Returns the report without per-document entries: {@code {"summary": {...}, "benchmarks":
   * [...]}}.
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = MAPPER.createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      writeTail(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** Writes the {@code summary} and {@code benchmarks} fields. */
  synchronized void writeTail(JsonGenerator g) throws IOException {
    BenchmarkIndex index = decon.index();
    g.writeArrayFieldStart("benchmarks");
    for (int b = 0; b < index.benchmarks().size(); b++) {
      Benchmark bm = index.benchmarks().get(b);
      g.writeStartObject();
      g.writeStringField("name", bm.name());
      g.writeStringField("file", bm.file());
      g.writeNumberField("items", bm.items().size());
      g.writeNumberField("ngrams", index.distinctNgrams(b));
      int hit = itemsContaminated(b);
      g.writeNumberField("items_contaminated", hit);
      g.writeNumberField(
          "items_contaminated_fraction",
          bm.items().isEmpty() ? 0 : (double) hit / bm.items().size());
      g.writeNumberField("documents_affected", docsAffected[b]);
      g.writeArrayFieldStart("examples");
      for (String[] ex : examples.get(b)) {
        g.writeStartObject();
        g.writeFieldName("item");
        writeId(g, ex[0], ex[1].equals("n"));
        g.writeStringField("document", ex[2]);
        g.writeStringField("ngram", ex[3]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("summary");
    g.writeNumberField("n", index.n());
    g.writeStringField("normalize", index.normalization().id());
    g.writeStringField("mode", decon.mode().id());
    g.writeNumberField("window", decon.window());
    g.writeNumberField("too_dirty_cutoff", decon.tooDirtyCutoff());
    g.writeNumberField("min_slice", decon.minSlice());
    g.writeNumberField("drop_threshold", decon.dropThreshold());
    g.writeNumberField("lcs_threshold", decon.lcsThreshold());
    g.writeNumberField("documents", documents);
    g.writeNumberField("contaminated", contaminated);
    g.writeNumberField("dropped", dropped);
    g.writeNumberField("output_documents", outputDocuments);
    g.writeNumberField("ngrams", ngrams);
    g.writeNumberField("overlapping_ngrams", overlaps);
    g.writeNumberField("rejected", rejected);
    g.writeArrayFieldStart("rejections");
    for (String[] r : rejections) {
      g.writeStartObject();
      g.writeStringField("where", r[0]);
      g.writeStringField("reason", r[1]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("index");
    g.writeNumberField("distinct_ngrams", index.distinctNgrams());
    g.writeNumberField("table_bytes", index.tableBytes());
    g.writeNumberField("bytes_per_ngram", index.bytesPerNgram());
    g.writeNumberField("kept_text_bytes", index.keptTextBytes());
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * Returns a readable summary, one line per benchmark.
   *
   * @return the text
   */
  public synchronized String summaryText() {
    BenchmarkIndex index = decon.index();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "decontamination: %d documents scanned (%d-grams, %s), %d contaminated, %d dropped,"
                + " %d written, %d rejected%n",
            documents,
            index.n(),
            index.normalization().id(),
            contaminated,
            dropped,
            outputDocuments,
            rejected));
    for (int b = 0; b < index.benchmarks().size(); b++) {
      Benchmark bm = index.benchmarks().get(b);
      int hit = itemsContaminated(b);
      sb.append(
          String.format(
              Locale.ROOT,
              "  %s: %d of %d items (%.2f%%) found in %d training documents%n",
              bm.name(),
              hit,
              bm.items().size(),
              bm.items().isEmpty() ? 0.0 : 100.0 * hit / bm.items().size(),
              docsAffected[b]));
      for (String[] ex : examples.get(b)) {
        sb.append(
            String.format(
                Locale.ROOT, "    item %s in document %s: \"%s\"%n", ex[0], ex[2], ex[3]));
      }
    }
    for (String[] r : rejections) {
      sb.append(String.format(Locale.ROOT, "  rejected %s: %s%n", r[0], r[1]));
    }
    return sb.toString();
  }

  // The names of a document entry's fields, encoded once: a report has an entry for every
  // document, and encoding its names anew took 1-3% of a scan.
  private static final SerializableString ID = new SerializedString("id");
  private static final SerializableString CONTAMINATED = new SerializedString("contaminated");
  private static final SerializableString NGRAMS = new SerializedString("ngrams");
  private static final SerializableString UNIQUE = new SerializedString("unique_overlaps");
  private static final SerializableString TOTAL = new SerializedString("total_overlaps");
  private static final SerializableString FRACTION = new SerializedString("overlap_fraction");
  private static final SerializableString HITS = new SerializedString("benchmark_hits");

  /** Writes one document entry of report.json. */
  static void writeDocument(
      JsonGenerator g, String id, boolean numericId, DocumentResult r, Decontaminator d)
      throws IOException {
    g.writeStartObject();
    g.writeFieldName(ID);
    writeId(g, id, numericId);
    g.writeFieldName(CONTAMINATED);
    g.writeBoolean(r.contaminated());
    g.writeFieldName(NGRAMS);
    g.writeNumber(r.ngrams());
    g.writeFieldName(UNIQUE);
    g.writeNumber(r.uniqueOverlaps());
    g.writeFieldName(TOTAL);
    g.writeNumber(r.totalOverlaps());
    g.writeFieldName(FRACTION);
    double fraction = r.overlapFraction();
    if (fraction == 0) {
      // Most documents: the text Double.toString gives, without its cost (2.6% of a scan).
      g.writeNumber("0.0");
    } else {
      g.writeNumber(fraction);
    }
    g.writeFieldName(HITS);
    g.writeStartArray();
    for (Hit h : r.hits()) {
      writeId(g, h.itemId(), h.numericId());
    }
    g.writeEndArray();
    if (d.index().benchmarks().size() > 1) {
      g.writeObjectFieldStart("hits_by_benchmark");
      String open = null;
      for (Hit h : r.hits()) {
        if (!h.benchmark().equals(open)) {
          if (open != null) {
            g.writeEndArray();
          }
          open = h.benchmark();
          g.writeArrayFieldStart(open);
        }
        writeId(g, h.itemId(), h.numericId());
      }
      if (open != null) {
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    switch (d.mode()) {
      case HYBRID -> {
        g.writeArrayFieldStart("lcs_ratios");
        for (Hit h : r.hits()) {
          g.writeNumber(h.lcsRatio());
        }
        g.writeEndArray();
        g.writeBooleanField("dropped", r.dropped());
      }
      case DROP -> g.writeBooleanField("dropped", r.dropped());
      case JANITOR -> {
        g.writeNumberField("dirty_ngrams", r.dirtyNgrams());
        g.writeArrayFieldStart("clean_chunks");
        for (String c : r.cleanChunks()) {
          g.writeString(c);
        }
        g.writeEndArray();
        g.writeBooleanField("dropped", r.dropped());
      }
      default -> {}
    }
    g.writeEndObject();
  }

  /** The item ids hit, as a JSON array. */
  static String hitIdsJson(DocumentResult r) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = MAPPER.createGenerator(w)) {
      g.writeStartArray();
      for (Hit h : r.hits()) {
        writeId(g, h.itemId(), h.numericId());
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static void writeId(JsonGenerator g, String id, boolean numeric) throws IOException {
    if (numeric) {
      g.writeNumber(id);
    } else {
      g.writeString(id);
    }
  }
}
