package midtrain.data.decon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import midtrain.data.internal.decon.ReportParts;

/**
 * What a reviewer asks of a decontamination run: per benchmark, how many of its items appear in the
 * training data, how many training documents were affected, with examples; plus totals and every
 * rejected input record with its reason. Thread-safe; records arrive in input order when one thread
 * records.
 *
 * <p>A curation pipeline's decontamination stage writes its report without the rejected records
 * ({@code rejected}, {@code rejections}): records its readers reject never reach a stage, and the
 * pipeline counts them itself ({@code stats.json}, {@code _rejects/}), so the stage has no count to
 * give, and a 0 there would read as "none rejected".
 */
public final class DeconReport {
  /** Examples kept per benchmark. */
  public static final int EXAMPLES = 5;

  /** Rejected records listed by place (all are counted). */
  public static final int REJECTIONS_LISTED = 100;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    ReportParts.set(new Parts());
  }

  /** The first document found to hold an item, with the n-gram that matched. */
  private record Example(
      int item, String itemId, boolean numericId, String document, String ngram) {}

  private final Decontaminator decon;
  private final BitSet itemsHit;
  private final long[] docsAffected;
  private final List<List<Example>> examples = new ArrayList<>();
  private final List<String[]> rejections = new ArrayList<>();
  private long documents;
  private long contaminated;
  private long dropped;
  private long rejected;
  private long ngrams;
  private long overlaps;
  private long outputDocuments;

  /** Whether the JSON and the summary give the rejected records: not for a pipeline stage's. */
  private final boolean countsRejects;

  /**
   * Starts an empty report.
   *
   * @param decon the decontaminator whose results will be recorded
   */
  public DeconReport(Decontaminator decon) {
    this(decon, true);
  }

  private DeconReport(Decontaminator decon, boolean countsRejects) {
    this.decon = decon;
    this.countsRejects = countsRejects;
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
        List<Example> ex = examples.get(h.benchmarkIndex());
        if (ex.size() < EXAMPLES) {
          ex.add(new Example(h.item(), h.itemId(), h.numericId(), id, h.ngram()));
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
      for (Example ex : examples.get(b)) {
        g.writeStartObject();
        g.writeFieldName("item");
        writeId(g, ex.itemId(), ex.numericId());
        g.writeStringField("document", ex.document());
        g.writeStringField("ngram", ex.ngram());
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
    writeCounts(g, countsRejects);
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
                + " %d written%s%n",
            documents,
            index.n(),
            index.normalization().id(),
            contaminated,
            dropped,
            outputDocuments,
            countsRejects ? ", " + rejected + " rejected" : ""));
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
      for (Example ex : examples.get(b)) {
        sb.append(
            String.format(
                Locale.ROOT,
                "    item %s in document %s: \"%s\"%n",
                ex.itemId(),
                ex.document(),
                ex.ngram()));
      }
    }
    for (String[] r : rejections) {
      sb.append(String.format(Locale.ROOT, "  rejected %s: %s%n", r[0], r[1]));
    }
    return sb.toString();
  }

  /**
   * The totals and, with {@code rejects}, the rejections listed, as the summary and a saved part
   * both hold them.
   */
  private void writeCounts(JsonGenerator g, boolean rejects) throws IOException {
    g.writeNumberField("documents", documents);
    g.writeNumberField("contaminated", contaminated);
    g.writeNumberField("dropped", dropped);
    g.writeNumberField("output_documents", outputDocuments);
    g.writeNumberField("ngrams", ngrams);
    g.writeNumberField("overlapping_ngrams", overlaps);
    if (!rejects) {
      return;
    }
    g.writeNumberField("rejected", rejected);
    g.writeArrayFieldStart("rejections");
    for (String[] r : rejections) {
      g.writeStartObject();
      g.writeStringField("where", r[0]);
      g.writeStringField("reason", r[1]);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Reports in parts for the pipeline (see {@link ReportParts}). A part is saved with every item it
   * found, for the union, but only its examples: while a report holds fewer than {@link #EXAMPLES}
   * of a benchmark, it has found only those items, so a part's first {@link #EXAMPLES} examples
   * hold all the new ones the report takes.
   */
  private static final class Parts implements ReportParts.Access {
    @Override
    public DeconReport forStage(Decontaminator decon) {
      return new DeconReport(decon, false);
    }

    @Override
    public byte[] save(DeconReport part) {
      StringWriter w = new StringWriter();
      synchronized (part) {
        try (JsonGenerator g = MAPPER.createGenerator(w)) {
          g.writeStartObject();
          g.writeArrayFieldStart("benchmarks");
          BenchmarkIndex index = part.decon.index();
          for (int b = 0; b < index.benchmarks().size(); b++) {
            g.writeStartObject();
            g.writeStringField("name", index.benchmarks().get(b).name());
            g.writeNumberField("documents_affected", part.docsAffected[b]);
            g.writeArrayFieldStart("items");
            for (int i = part.itemsHit.nextSetBit(0); i >= 0; i = part.itemsHit.nextSetBit(i + 1)) {
              if (index.table().benchmarkOf(i) == b) {
                g.writeNumber(i);
              }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("examples");
            for (Example ex : part.examples.get(b)) {
              g.writeStartObject();
              g.writeNumberField("item", ex.item());
              g.writeStringField("id", ex.itemId());
              g.writeBooleanField("numeric", ex.numericId());
              g.writeStringField("document", ex.document());
              g.writeStringField("ngram", ex.ngram());
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          // Always with the rejects (none, in a pipeline): merge requires them, and so the parts
          // saved before stage reports left them out read as these do.
          part.writeCounts(g, true);
          g.writeEndObject();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void merge(DeconReport into, byte[] saved) throws IOException {
      JsonNode root = MAPPER.readTree(saved);
      if (root == null || !root.isObject()) {
        throw new IOException("not a JSON object");
      }
      // Everything is read and checked before the report changes, so a bad state leaves it whole.
      BenchmarkIndex index = into.decon.index();
      JsonNode bms = root.get("benchmarks");
      List<String> names = new ArrayList<>();
      if (bms != null && bms.isArray()) {
        bms.forEach(b -> names.add(b.path("name").asText()));
      }
      List<String> expected = index.benchmarks().stream().map(Benchmark::name).toList();
      if (!names.equals(expected)) {
        throw new IOException("it is for benchmarks " + names + ", not " + expected);
      }
      long[] affected = new long[expected.size()];
      BitSet items = new BitSet(index.itemCount());
      List<List<Example>> found = new ArrayList<>();
      for (int b = 0; b < expected.size(); b++) {
        JsonNode bm = bms.get(b);
        affected[b] = count(bm, "documents_affected");
        BitSet own = new BitSet(index.itemCount());
        for (JsonNode item : array(bm, "items")) {
          own.set(item(index, b, expected.get(b), item));
        }
        List<Example> exs = new ArrayList<>();
        for (JsonNode e : array(bm, "examples")) {
          int item = item(index, b, expected.get(b), e.get("item"));
          if (!own.get(item)) {
            throw new IOException(
                "benchmark '" + expected.get(b) + "' has an example of item " + item + " unfound");
          }
          exs.add(
              new Example(
                  item,
                  text(e, "id"),
                  e.path("numeric").asBoolean(),
                  text(e, "document"),
                  text(e, "ngram")));
        }
        items.or(own);
        found.add(exs);
      }
      List<String[]> rejections = new ArrayList<>();
      for (JsonNode r : array(root, "rejections")) {
        rejections.add(new String[] {text(r, "where"), text(r, "reason")});
      }
      long documents = count(root, "documents");
      long contaminated = count(root, "contaminated");
      long dropped = count(root, "dropped");
      long outputDocuments = count(root, "output_documents");
      long ngrams = count(root, "ngrams");
      long overlaps = count(root, "overlapping_ngrams");
      long rejected = count(root, "rejected");
      synchronized (into) {
        into.documents += documents;
        into.contaminated += contaminated;
        into.dropped += dropped;
        into.outputDocuments += outputDocuments;
        into.ngrams += ngrams;
        into.overlaps += overlaps;
        into.rejected += rejected;
        for (int b = 0; b < affected.length; b++) {
          // Each document is in one part, so the documents add up; an item found in several
          // parts counts once, with the example of the first part that found it.
          into.docsAffected[b] += affected[b];
          List<Example> ex = into.examples.get(b);
          for (Example e : found.get(b)) {
            if (!into.itemsHit.get(e.item()) && ex.size() < EXAMPLES) {
              ex.add(e);
            }
          }
        }
        into.itemsHit.or(items);
        for (String[] r : rejections) {
          if (into.rejections.size() < REJECTIONS_LISTED) {
            into.rejections.add(r);
          }
        }
      }
    }

    /** An item index of benchmark {@code b}. */
    private static int item(BenchmarkIndex index, int b, String name, JsonNode item)
        throws IOException {
      if (item == null
          || !item.canConvertToInt()
          || item.intValue() < 0
          || item.intValue() >= index.itemCount()
          || index.table().benchmarkOf(item.intValue()) != b) {
        throw new IOException(
            "benchmark '" + name + "' names item " + item + ", not one of its own");
      }
      return item.intValue();
    }

    private static JsonNode array(JsonNode node, String field) throws IOException {
      JsonNode n = node.get(field);
      if (n == null || !n.isArray()) {
        throw new IOException("no array '" + field + "'");
      }
      return n;
    }

    private static long count(JsonNode node, String field) throws IOException {
      JsonNode n = node.get(field);
      if (n == null || !n.canConvertToLong() || n.longValue() < 0) {
        throw new IOException("no count '" + field + "'");
      }
      return n.longValue();
    }

    private static String text(JsonNode node, String field) throws IOException {
      JsonNode n = node.get(field);
      if (n == null || !n.isTextual()) {
        throw new IOException("no text '" + field + "'");
      }
      return n.textValue();
    }
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
