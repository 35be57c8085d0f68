package midtrain.data.internal.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.Lineage;
import midtrain.data.internal.rng.Seeds;
import midtrain.data.internal.token.Files2;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import midtrain.data.io.InputNames;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.RejectsFile;
import midtrain.data.synth.EndpointConfig;
import midtrain.data.synth.GenerationSettings;
import midtrain.data.synth.LengthPolicy;
import midtrain.data.synth.Parsed;
import midtrain.data.synth.SynthesisListener;
import midtrain.data.synth.SynthesisReport;
import midtrain.data.synth.SynthesisRun;
import midtrain.data.synth.Synthesized;
import midtrain.data.synth.Synthesizer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Runs a {@link SynthesisRun}: reads inputs on the calling thread, prompts on {@code concurrency}
 * workers (a window of twice that many inputs in memory), journals each finished input, then writes
 * the output in input order from the journal.
 */
public final class Runner {
  private static final int BATCH = 256;

  private final List<Path> inputs;
  private final ReaderOptions readerOptions;
  private final Synthesizer synth;
  private final EndpointConfig endpoint;
  private final GenerationSettings gen;
  private final Path output;
  private final LengthPolicy lengthPolicy;
  private final long limit;
  private final boolean retryFailed;
  private final SynthesisListener listener;

  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
  private long totalBytes;

  /**
   * Keeps the run's settings; nothing is opened until {@link #run()}.
   *
   * @param inputs input files
   * @param readerOptions how records map to documents
   * @param synth the synthesizer
   * @param endpoint the server
   * @param gen model and sampling
   * @param output the output file
   * @param lengthPolicy what to do with length-cut completions
   * @param limit the most inputs taken
   * @param retryFailed whether inputs whose request failed permanently are asked for again
   * @param listener progress
   */
  public Runner(
      List<Path> inputs,
      ReaderOptions readerOptions,
      Synthesizer synth,
      EndpointConfig endpoint,
      GenerationSettings gen,
      Path output,
      LengthPolicy lengthPolicy,
      long limit,
      boolean retryFailed,
      SynthesisListener listener) {
    this.inputs = inputs;
    this.readerOptions = readerOptions;
    this.synth = synth;
    this.endpoint = endpoint;
    this.gen = gen;
    this.output = output;
    this.lengthPolicy = lengthPolicy;
    this.limit = limit;
    this.retryFailed = retryFailed;
    this.listener = listener;
  }

  /** A stable 64-bit FNV-1a hash of a string's UTF-16 units. */
  static long hash64(String s) {
    long h = 0xcbf29ce484222325L;
    for (int k = 0; k < s.length(); k++) {
      h ^= s.charAt(k);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /**
   * The seed of one request: from the run's seed, the parent id and the chunk, in [0, 2^31) since
   * some servers take 32-bit seeds only.
   */
  static OptionalLong requestSeed(OptionalLong seed, String parent, int chunk) {
    if (seed.isEmpty()) {
      return OptionalLong.empty();
    }
    long z = Seeds.mix(seed.getAsLong() ^ Seeds.mix(hash64(parent) + chunk * 0x9e3779b97f4a7c15L));
    return OptionalLong.of(z >>> 33);
  }

  /**
   * The journal header: what a resumed run must share with the one that wrote the journal, that is
   * every setting that changes what an entry means. How the inputs are read comes first (another id
   * or text field makes other documents of the same file); the request settings that do not change
   * a completion (endpoint, key, timeouts, retries, concurrency, the token-limit field's name) are
   * left out, so that a resume may change them.
   */
  ObjectNode header() {
    ObjectNode h = OpenAiClient.JSON.createObjectNode();
    h.put("journal", Journal.FORMAT);
    h.put("id_field", readerOptions.idField());
    h.put("text_field", readerOptions.textField());
    h.put("source_field", readerOptions.sourceField());
    h.put("domain_field", readerOptions.domainField());
    h.put("lang_field", readerOptions.langField());
    h.put("default_source", readerOptions.defaultSource());
    h.put("default_domain", readerOptions.defaultDomain());
    h.put("keep_meta", readerOptions.keepMeta());
    h.put("synthesizer", synth.id());
    ObjectNode s = h.putObject("settings");
    synth.settings().forEach(s::put);
    h.put("template_sha256", synth.templateHash());
    generator(h);
    h.put("system", gen.system());
    ArrayNode stop = h.putArray("stop");
    gen.stop().forEach(stop::add);
    h.put("length", lengthPolicy.name().toLowerCase(java.util.Locale.ROOT));
    return h;
  }

  private void generator(ObjectNode o) {
    o.put("model", gen.model());
    o.put("api", gen.api().name().toLowerCase(java.util.Locale.ROOT));
    o.put("temperature", gen.temperature());
    o.put("top_p", gen.topP());
    o.put("max_tokens", gen.maxTokens());
    if (gen.seed().isPresent()) {
      o.put("seed", gen.seed().getAsLong());
    } else {
      o.putNull("seed");
    }
  }

  /**
   * Runs or resumes.
   *
   * @return the report
   */
  public SynthesisReport run() {
    Formats.forPath(output); // an output name no format takes fails before any request
    for (Path p : inputs) {
      // Both are replaced once the inputs are read: an input named as either would lose its
      // documents to the outputs, and a resume would then read other inputs.
      for (Path written : List.of(output, SynthesisRun.rejectsFile(output))) {
        if (sameFile(p, written)) {
          throw new DataException(
              written
                  + " is also an input, and the run replaces it ("
                  + (written.equals(output) ? "the output" : "the list of rejected inputs")
                  + "); name another output");
        }
      }
    }
    for (Path p : inputs) {
      try {
        totalBytes += Files.size(p);
      } catch (IOException e) {
        throw new DataException("input " + p + ": cannot read it: " + e.getMessage(), e);
      }
    }
    OpenAiClient client = new OpenAiClient(endpoint, gen);
    Path journalFile = SynthesisRun.journalFile(output);
    int taken = 0;
    long resumed = 0;
    // Records the readers cannot read go, with file, line and reason, into the rejects file;
    // they are found while reading, so they wait in a spool until the output is assembled.
    Path spool = unreadableSpool(output);
    RejectsFile unreadableRecords = null;
    boolean spooled = false;
    try (Journal journal = new Journal(journalFile, header(), retryFailed)) {
      // After the journal, which makes the output's folder.
      unreadableRecords = RejectsFile.create(spool);
      ExecutorService pool =
          Executors.newFixedThreadPool(
              endpoint.concurrency(),
              r -> {
                Thread t = new Thread(r, "midtrain-synth");
                t.setDaemon(true);
                return t;
              });
      Semaphore window = new Semaphore(2 * endpoint.concurrency());
      try (BufferAllocator allocator = new RootAllocator();
          VectorSchemaRoot root = DocumentBatch.create(allocator)) {
        long doneBytes = 0;
        // Default ids as curation names them: same-named files in different folders apart.
        List<String> names = InputNames.of(inputs);
        VarCharVector parentLineage = DocumentBatch.utf8(root, DocumentBatch.LINEAGE);
        outer:
        for (int f = 0; f < inputs.size(); f++) {
          Path file = inputs.get(f);
          ReaderOptions named = readerOptions.toBuilder().inputName(names.get(f)).build();
          try (DocumentReader reader = Formats.openReader(file, named)) {
            while (true) {
              root.clear();
              int n = reader.read(root, BATCH, unreadableRecords);
              bytesRead.set(doneBytes + reader.bytesRead());
              if (n == 0) {
                break;
              }
              for (int row = 0; row < n; row++) {
                if (taken >= limit || fatal.get() != null) {
                  break outer;
                }
                Document doc = DocumentBatch.get(root, row);
                ArrayNode lineage =
                    parentLineage.isNull(row) ? null : Lineage.entries(parentLineage.get(row));
                int i = taken++;
                if (journal.done(i)) {
                  if (journal.idHash(i) != hash64(doc.id())) {
                    throw new DataException(
                        "journal "
                            + journalFile
                            + ": input "
                            + (i + 1)
                            + " is now '"
                            + doc.id()
                            + "', not the document the journal finished there: the inputs changed"
                            + " since the journal was written; give the same inputs in the same"
                            + " order, or delete the journal to start over");
                  }
                  resumed++;
                  progress();
                  continue;
                }
                window.acquireUninterruptibly();
                if (fatal.get() != null) {
                  window.release();
                  break outer;
                }
                pool.execute(
                    () -> {
                      try {
                        process(i, doc, lineage, client, journal);
                      } finally {
                        window.release();
                        progress();
                      }
                    });
              }
            }
            doneBytes += reader.bytesRead();
          }
        }
      } finally {
        pool.shutdown();
        try {
          while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
            // waiting for requests in flight; their entries reach the journal
          }
        } catch (InterruptedException e) {
          pool.shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
      if (fatal.get() != null) {
        throw fatal.get();
      }
      listener.progress(finished.get(), bytesRead.get(), totalBytes);
      // The output is written from the journal: the entries it is made of reach the disk first.
      journal.sync();
      unreadableRecords.close();
      spooled = true;
      try {
        return assemble(journal, taken, resumed, unreadableRecords.total(), client, spool);
      } finally {
        try {
          Files.deleteIfExists(spool);
        } catch (IOException e) {
          // Left behind, it is rewritten by the next run; the rejects file already holds it.
        }
      }
    } finally {
      if (!spooled && unreadableRecords != null) {
        unreadableRecords.discard();
      }
    }
  }

  /** Where a run keeps the records it could not read until the rejects file is written. */
  static Path unreadableSpool(Path output) {
    return output.resolveSibling(output.getFileName() + ".unreadable.jsonl");
  }

  /** Whether two paths name one file: the same file where both exist, else the same path. */
  private static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b);
      }
    } catch (IOException e) {
      // compared by name below
    }
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  private void progress() {
    listener.progress(finished.incrementAndGet(), bytesRead.get(), totalBytes);
  }

  private void process(
      int i, Document doc, ArrayNode lineage, OpenAiClient client, Journal journal) {
    if (fatal.get() != null) {
      return;
    }
    try {
      ObjectNode entry = OpenAiClient.JSON.createObjectNode();
      entry.put("i", i);
      entry.put("id", doc.id());
      if (lineage != null && !lineage.isEmpty()) {
        // The parent's own lineage, which its outputs continue (kept in the journal, since the
        // output is written from it).
        entry.set("lineage", lineage);
      }
      String check = synth.check(doc);
      List<String> prompts = check.isEmpty() ? synth.prompts(doc) : List.of();
      if (!check.isEmpty() || prompts.isEmpty()) {
        reject(entry, check.isEmpty() ? "empty-input" : check, "", false);
        journal.append(i, doc.id(), Journal.Outcome.DONE, entry);
        return;
      }
      ArrayNode outs = OpenAiClient.JSON.createArrayNode();
      ObjectNode parentMeta = parentMeta(doc);
      Map<String, Long> chunkRejects = new TreeMap<>();
      String firstReason = "";
      long pt = 0;
      long ct = 0;
      int k = 0;
      for (int c = 0; c < prompts.size(); c++) {
        OptionalLong seed = requestSeed(gen.seed(), doc.id(), c);
        Completion comp = client.complete(prompts.get(c), seed);
        if (comp.failed()) {
          // The whole input waits for a resume: a later run may find the server well again. A
          // request that was itself bad waits only for a run that asks for failed inputs.
          reject(entry, comp.failure(), comp.detail(), !comp.permanent());
          if (comp.permanent()) {
            entry.put("permanent", true);
          }
          journal.append(
              i,
              doc.id(),
              comp.permanent() ? Journal.Outcome.FAILED : Journal.Outcome.RETRY,
              entry);
          return;
        }
        pt += comp.promptTokens();
        ct += comp.completionTokens();
        String reason;
        if (comp.text().isBlank()) {
          reason = "empty";
        } else if (comp.finishReason().equals("length") && lengthPolicy == LengthPolicy.REJECT) {
          reason = "length";
        } else {
          Parsed parsed = synth.parse(doc, c, comp.text());
          reason = parsed.reason();
          for (Synthesized s : parsed.outputs()) {
            outs.add(record(doc, parentMeta, s, k++, c, prompts.size(), seed, comp.finishReason()));
          }
        }
        if (!reason.isEmpty()) {
          chunkRejects.merge(reason, 1L, Long::sum);
          if (firstReason.isEmpty()) {
            firstReason = reason;
          }
        }
      }
      entry.put("pt", pt);
      entry.put("ct", ct);
      if (outs.isEmpty()) {
        reject(entry, firstReason, "", false);
      } else {
        entry.set("outputs", outs);
        ObjectNode cr = entry.putObject("chunks_rejected");
        chunkRejects.forEach(cr::put);
      }
      journal.append(i, doc.id(), Journal.Outcome.DONE, entry);
    } catch (RuntimeException e) {
      RuntimeException f =
          e instanceof DataException
              ? e
              : new DataException(
                  "synthesizer '" + synth.id() + "' failed on document '" + doc.id() + "': " + e,
                  e);
      fatal.compareAndSet(null, f);
    }
  }

  private static void reject(ObjectNode entry, String reason, String detail, boolean retry) {
    entry.put("reason", reason);
    entry.put("detail", detail);
    entry.put("retry", retry);
  }

  /** The parent's meta as an object, read once per input and copied into each of its outputs. */
  private static ObjectNode parentMeta(Document parent) {
    ObjectNode meta = OpenAiClient.JSON.createObjectNode();
    if (!parent.meta().isEmpty()) {
      try {
        JsonNode m = OpenAiClient.JSON.readTree(parent.meta());
        if (m != null && m.isObject()) {
          meta.setAll((ObjectNode) m);
        }
      } catch (IOException e) {
        // readers only pass JSON objects through; anything else is not carried
      }
    }
    return meta;
  }

  private ObjectNode record(
      Document parent,
      ObjectNode parentMeta,
      Synthesized s,
      int k,
      int chunk,
      int chunks,
      OptionalLong seed,
      String finishReason) {
    ObjectNode meta = parentMeta.deepCopy();
    s.fields().forEach(meta::put);
    ObjectNode g = meta.putObject("synth");
    g.put("parent", parent.id());
    g.put("synthesizer", synth.id());
    ObjectNode st = g.putObject("settings");
    synth.settings().forEach(st::put);
    g.put("template_sha256", synth.templateHash());
    generator(g);
    if (seed.isPresent()) {
      g.put("request_seed", seed.getAsLong());
    }
    g.put("finish_reason", finishReason);
    g.put("chunk", chunk);
    g.put("chunks", chunks);
    ObjectNode o = OpenAiClient.JSON.createObjectNode();
    o.put("id", parent.id() + "#" + synth.id() + "-" + k);
    o.put("text", s.text());
    o.put("source", parent.source());
    o.put("domain", parent.domain());
    o.put("lang", parent.lang());
    try {
      o.put("meta", OpenAiClient.JSON.writeValueAsString(meta));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return o;
  }

  private SynthesisReport assemble(
      Journal journal,
      int taken,
      long resumed,
      long unreadable,
      OpenAiClient client,
      Path unreadableRecords) {
    Map<String, Long> rejected = new TreeMap<>();
    Map<String, Long> chunksRejected = new TreeMap<>();
    long synthesized = 0;
    long outputs = 0;
    long pending = 0;
    long failedPermanently = 0;
    Path rejectsFile = SynthesisRun.rejectsFile(output);
    Path rejectsTmp = Files2.temporary(rejectsFile);
    DocumentWriter writer = Formats.openWriter(output);
    boolean ok = false;
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(allocator);
        BufferedWriter rw = Files.newBufferedWriter(rejectsTmp, StandardCharsets.UTF_8)) {
      VarCharVector lineage = DocumentBatch.utf8(root, DocumentBatch.LINEAGE);
      // First the records no reader could read ({"file", "line", "reason", "detail"}), then the
      // inputs that were read and rejected ({"id", "reason", "detail"}).
      try (BufferedReader ur = Files.newBufferedReader(unreadableRecords, StandardCharsets.UTF_8)) {
        for (String line = ur.readLine(); line != null; line = ur.readLine()) {
          rw.write(line);
          rw.newLine();
        }
      }
      for (int i = 0; i < taken; i++) {
        if (!journal.has(i)) {
          throw new IllegalStateException("input " + i + " finished without a journal entry");
        }
        JsonNode e = journal.read(i);
        JsonNode outs = e.get("outputs");
        if (outs == null || outs.isEmpty()) {
          rejected.merge(e.path("reason").asText("unknown"), 1L, Long::sum);
          if (e.path("retry").asBoolean(false)) {
            pending++;
          } else if (e.path("permanent").asBoolean(false)) {
            failedPermanently++;
          }
          ObjectNode r = OpenAiClient.JSON.createObjectNode();
          r.put("id", e.path("id").asText());
          r.put("reason", e.path("reason").asText());
          r.put("detail", e.path("detail").asText());
          rw.write(OpenAiClient.JSON.writeValueAsString(r));
          rw.newLine();
          continue;
        }
        synthesized++;
        for (Map.Entry<String, JsonNode> c : e.path("chunks_rejected").properties()) {
          chunksRejected.merge(c.getKey(), c.getValue().asLong(), Long::sum);
        }
        ArrayNode entries = OpenAiClient.JSON.createArrayNode();
        if (e.path("lineage").isArray()) {
          entries.addAll((ArrayNode) e.get("lineage"));
        }
        entries.add("synthesized: " + synth.id() + " from " + e.path("id").asText());
        byte[] lin = OpenAiClient.JSON.writeValueAsBytes(entries);
        for (JsonNode o : outs) {
          DocumentBatch.append(
              root,
              new Document(
                  o.path("id").asText(),
                  o.path("text").asText(),
                  o.path("source").asText(),
                  o.path("domain").asText(),
                  o.path("lang").asText(),
                  o.path("meta").asText()));
          lineage.setSafe(root.getRowCount() - 1, lin);
          outputs++;
          if (root.getRowCount() >= BATCH) {
            writer.write(root);
            root.clear();
          }
        }
      }
      if (root.getRowCount() > 0) {
        writer.write(root);
      }
      ok = true;
    } catch (IOException e) {
      throw new DataException("cannot write " + rejectsFile + ": " + e.getMessage(), e);
    } finally {
      if (ok) {
        writer.close();
      } else {
        writer.abort();
      }
    }
    Files2.moveIntoPlace(rejectsFile);
    return new SynthesisReport(
        taken,
        resumed,
        synthesized,
        outputs,
        rejected,
        chunksRejected,
        unreadable,
        pending,
        failedPermanently,
        journal.droppedLines(),
        client.requests(),
        client.retries(),
        client.promptTokens(),
        client.completionTokens());
  }
}
