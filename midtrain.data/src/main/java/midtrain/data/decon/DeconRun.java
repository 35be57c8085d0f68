package midtrain.data.decon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.Args;
import midtrain.data.internal.io.Compression;
import midtrain.data.internal.io.DecodedInput;
import midtrain.data.internal.io.FileOutput;
import midtrain.data.internal.io.RowBytes;
import midtrain.data.internal.io.Utf8;
import midtrain.data.internal.simd.ByteScan;
import midtrain.data.internal.simd.JsonString;
import midtrain.data.internal.token.Files2;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import midtrain.data.spi.FormatProvider;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Decontaminates files standalone: writes {@code report.json} ({@code {"documents": [...],
 * "benchmarks": [...], "summary": {...}}}, documents in input order) and, for the modes that change
 * the data, the output file. Records that cannot be read are rejected with file, line and reason
 * and the scan goes on.
 *
 * <p>JSON Lines in and out (names of the {@code jsonl} format, with gzip or zstd, or names no
 * format claims) take the fast path: the files are read in chunks of whole lines scanned by a pool
 * of threads, and each kept line is written as it was. Any other input format that {@link Formats}
 * reads (Arrow IPC, WARC, plain text, Parquet with its module), or an output in another format,
 * goes through the readers and writers a batch at a time, as {@link DocumentBatch} rows: ids are
 * then strings ({@code <file name>:<line>} where a record has none) and outputs have the batch's
 * columns.
 */
public final class DeconRun {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // Nested fields are read as trees; numbers keep their digits (1.50, 1e400) as ids.
  private static final ObjectMapper TREES =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();
  private static final JsonFactory JSON = MAPPER.getFactory();

  /** Bodies longer than this in bytes may exceed Jackson's limit in chars (never shorter ones). */
  private static final long MAX_STRING_BYTES = JSON.streamReadConstraints().getMaxStringLength();

  private final Decontaminator decon;
  private final List<Path> inputs;
  private final String textField;
  private final String idField;
  // The fields' paths: one name, or a top-level name and the names below it.
  private final String[] textPath;
  private final String[] idPath;
  private final Optional<Path> output;
  private final Path report;
  private final int threads;
  private final int chunkBytes;
  private final long maxLineBytes;
  private final Listener listener;

  private DeconRun(Builder b) {
    this.decon = Objects.requireNonNull(b.decon, "decontaminator");
    this.inputs = List.copyOf(b.inputs);
    this.textField = b.textField;
    this.idField = b.idField;
    this.textPath = textField.split("\\.", -1);
    this.idPath = idField.split("\\.", -1);
    this.output = b.output;
    this.report = Objects.requireNonNull(b.report, "report");
    this.threads = b.threads;
    // One thread reads, scans and drains each chunk in turn. 256 KB chunks scanned 7-9% faster
    // than 4 MB ones on one thread when files were read through Files.newInputStream, whose
    // temporary buffer grew to the request; since files are read through a buffer of their own
    // (ChannelInput) the two sizes scan alike (497 and 501 MB/s, medians of 3). Scanning threads
    // get chunks from another core, where the larger chunk means fewer hand-offs.
    this.chunkBytes = b.chunkBytes > 0 ? b.chunkBytes : b.threads == 1 ? 256 << 10 : 4 << 20;
    this.listener = b.listener;
    this.maxLineBytes = b.maxLineBytes;
  }

  /**
   * Starts a builder: text in {@code text}, ids in {@code id}, all processors, no output file.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DeconRun}. */
  public static final class Builder {
    private Decontaminator decon;
    private final List<Path> inputs = new ArrayList<>();
    private String textField = "text";
    private String idField = "id";
    private Optional<Path> output = Optional.empty();
    private Path report;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int chunkBytes; // 0: by thread count (see DeconRun's constructor)
    private long maxLineBytes = MAX_LINE_BYTES;
    private Listener listener = (records, bytes, total) -> {};

    private Builder() {}

    /**
     * Sets the decontaminator (index and mode).
     *
     * @param decon the decontaminator
     * @return this builder
     */
    public Builder decontaminator(Decontaminator decon) {
      this.decon = Objects.requireNonNull(decon, "decontaminator: decontaminator is null");
      return this;
    }

    /**
     * Adds input files.
     *
     * @param files JSONL files (optionally {@code .gz} or {@code .zst}) or files of any format
     *     {@link Formats} reads
     * @return this builder
     */
    public Builder inputs(List<Path> files) {
      // Checked before any is added, so a refused call leaves the builder as it was.
      inputs.addAll(Args.noNulls(files, "inputs", "file"));
      return this;
    }

    /**
     * Sets the field holding the text.
     *
     * @param field a field name, or a dot-separated path into nested objects ({@code doc.body})
     * @return this builder
     */
    public Builder textField(String field) {
      Objects.requireNonNull(field, "textField: field is null");
      // The readers' rules for paths, since other formats go through them.
      ReaderOptions.builder().textField(field);
      this.textField = field;
      return this;
    }

    /**
     * Sets the field holding the document id; documents without it are named {@code file:line}.
     *
     * @param field a field name, or a dot-separated path into nested objects
     * @return this builder
     */
    public Builder idField(String field) {
      Objects.requireNonNull(field, "idField: field is null");
      ReaderOptions.builder().idField(field);
      this.idField = field;
      return this;
    }

    /**
     * Sets the output file, its format from its name ({@code .jsonl}, {@code .jsonl.gz}, {@code
     * .arrow}, ...); not allowed in report mode.
     *
     * @param file the file
     * @return this builder
     */
    public Builder output(Path file) {
      this.output = Optional.of(Objects.requireNonNull(file, "output: file is null"));
      return this;
    }

    /**
     * Sets the report file.
     *
     * @param file the JSON file
     * @return this builder
     */
    public Builder report(Path file) {
      this.report = Objects.requireNonNull(file, "report: file is null");
      return this;
    }

    /**
     * Sets the scanning threads; 1 scans in the calling thread.
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new DataException("threads must be at least 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Sets what receives progress, on the thread that writes the report.
     *
     * @param l the listener
     * @return this builder
     */
    public Builder listener(Listener l) {
      this.listener = Objects.requireNonNull(l, "listener: listener is null");
      return this;
    }

    /**
     * Sets how many bytes of JSON Lines input are read and scanned at a time (a chunk ends at the
     * last whole line; a longer line makes a larger chunk). The default is 256 KB with one thread
     * (256 KB, 1 MB and 4 MB scan alike there since files are read through a buffer of their own)
     * and 4 MB with more, where fewer hand-offs between threads count more.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder chunkBytes(int bytes) {
      if (bytes < 1) {
        throw new DataException("chunk size must be at least 1 byte, got " + bytes);
      }
      this.chunkBytes = bytes;
      return this;
    }

    /** For tests: a smaller line limit than the readers' 65 MiB. */
    Builder maxLineBytes(long bytes) {
      this.maxLineBytes = bytes;
      return this;
    }

    /**
     * Builds the run.
     *
     * @return the run
     */
    public DeconRun build() {
      if (inputs.isEmpty()) {
        throw new DataException("no input files given");
      }
      if (report == null) {
        throw new DataException("no report file given");
      }
      if (output.isPresent() && decon != null && decon.mode() == DeconMode.REPORT) {
        throw new DataException(
            "an output file needs mode flag, drop, janitor or hybrid (report mode writes only the report)");
      }
      for (Path in : inputs) {
        formatOf(in);
      }
      if (textField.equals(idField)
          || textField.startsWith(idField + ".")
          || idField.startsWith(textField + ".")) {
        throw new DataException(
            "the text field '"
                + textField
                + "' and the id field '"
                + idField
                + "' overlap; name two fields");
      }
      writable("the report", report);
      if (Files.exists(report) && !Files.isRegularFile(report)) {
        // The finished report is moved onto it, which would replace a device or a pipe.
        throw new DataException("the report " + report + " is not a regular file; name a file");
      }
      output.ifPresent(o -> writable("the output", o));
      // Both are written before the inputs are read to the end: an input named as either would
      // be emptied, and its records lost.
      for (Path in : inputs) {
        if (sameFile(in, report)) {
          throw new DataException("the report " + report + " is also an input; name another file");
        }
        if (output.isPresent() && sameFile(in, output.get())) {
          throw new DataException(
              "the output " + output.get() + " is also an input; name another file");
        }
      }
      if (output.isPresent() && sameFile(output.get(), report)) {
        throw new DataException("the output and the report are the same file: " + report);
      }
      FormatProvider f = output.map(DeconRun::formatOf).orElse(null);
      if (f != null && !f.canWrite()) {
        throw new DataException(
            output.get()
                + ": format '"
                + f.id()
                + "' cannot be written; name the output .jsonl, .jsonl.gz, .jsonl.zst or .arrow");
      }
      return new DeconRun(this);
    }
  }

  /** Receives a run's progress, for a progress bar. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Reports progress after each chunk of lines or batch of documents.
     *
     * @param records input records so far: documents scanned plus records rejected
     * @param bytes input bytes consumed so far (compressed size for compressed inputs)
     * @param totalBytes the size of all inputs
     */
    void progress(long records, long bytes, long totalBytes);
  }

  /** The size of all inputs, for progress. */
  private long totalBytes() {
    long total = 0;
    for (Path file : inputs) {
      total += sizeOf(file);
    }
    return total;
  }

  /**
   * Creates the report's temporary file beside it, under a name no other file has: a fixed name
   * could be an input, the output or a file of the user's, which the run would empty and delete.
   */
  private Path temporaryReport() {
    Path abs = report.toAbsolutePath();
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
      Path tmp = abs.resolveSibling(abs.getFileName() + "." + suffix + ".tmp");
      try {
        Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        // An interrupted run (Ctrl-C runs the shutdown hooks) leaves no temporary file either.
        tmp.toFile().deleteOnExit();
        return tmp;
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw new DataException("cannot create a temporary file beside the report " + report, e);
        }
      } catch (IOException e) {
        throw new DataException(
            "cannot write the report " + report + ": " + DecodedInput.describe(e), e);
      }
    }
  }

  /** Refuses a path that names a folder, or whose folder does not exist. */
  private static void writable(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new DataException(option + " " + file + " is a folder; name a file");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new DataException(option + " " + file + ": its folder " + parent + " does not exist");
    }
  }

  /**
   * Whether two paths name one regular file: the same file where both exist, else the same path
   * once links are resolved. Devices and pipes are left alone (an input on /dev/stdin and an output
   * on /dev/stdout may be one terminal).
   */
  private static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isRegularFile(a) && Files.isSameFile(a, b);
      }
    } catch (IOException e) {
      // Compared by name below.
    }
    return canonical(a).equals(canonical(b));
  }

  /** A path with its links resolved, as far as it exists (a file not written yet: its folder). */
  private static Path canonical(Path p) {
    // Not normalized first: "link/.." is the link target's parent, as the system reads it.
    Path abs = p.toAbsolutePath();
    try {
      if (Files.exists(abs)) {
        return abs.toRealPath();
      }
      Path parent = abs.getParent();
      if (parent != null && Files.exists(parent)) {
        return parent.toRealPath().resolve(abs.getFileName());
      }
    } catch (IOException e) {
      // The path as given.
    }
    return abs.normalize();
  }

  /**
   * A regular file's size; 0 for a pipe or a device ({@code /dev/stdin}), whose size is unknown.
   */
  private static long sizeOf(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0; // unreadable: opening the file fails with a message naming it
    }
  }

  /** One block of whole lines of one file. */
  private record Chunk(Path file, long firstLine, byte[] data, int length) {}

  /** The scan of one chunk. */
  private static final class Scanned {
    final List<String> ids = new ArrayList<>();
    final List<Boolean> numeric = new ArrayList<>();
    final List<DocumentResult> results = new ArrayList<>();
    final List<String[]> rejects = new ArrayList<>();
    final List<Integer> order = new ArrayList<>(); // >= 0: document index, < 0: ~reject index
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final byte[] data;
    long newlines; // the chunk's line feeds

    Scanned(byte[] data) {
      this.data = data;
    }
  }

  /**
   * Runs the scan.
   *
   * @return the report (also written to the report file)
   */
  public DeconReport run() {
    // Every input is checked before the scan, so that a missing one does not fail a long run at
    // its end (after a progress bar that reached 100% without it).
    for (Path file : inputs) {
      if (!Files.exists(file)) {
        throw new DataException("input file not found: " + file);
      }
    }
    DeconReport rep = new DeconReport(decon);
    // The report goes to a temporary name first, so that a failed run leaves no report that looks
    // complete (nor an earlier run's report overwritten by half of this one).
    Path tmp = temporaryReport();
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
    try {
      try (OutputStream reportOut = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
          JsonGenerator g = JSON.createGenerator(reportOut)) {
        g.writeStartObject();
        g.writeArrayFieldStart("documents");
        boolean lines =
            inputs.stream().allMatch(f -> formatOf(f).id().equals("jsonl"))
                && output.map(f -> formatOf(f).id().equals("jsonl")).orElse(true);
        if (lines) {
          scanLines(rep, g, pool);
        } else {
          scanBatches(rep, g, pool);
        }
        g.writeRaw('\n');
        g.writeEndArray();
        rep.writeTail(g);
        g.writeEndObject();
      }
      Files2.moveIntoPlace(tmp, report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Best effort: the run's own outcome is what the caller needs to see.
      }
    }
    return rep;
  }

  /**
   * The format a file is read (or written) in: the one its name claims, else JSON Lines (the
   * command's default format, so that {@code data.json} keeps working), except for a Parquet name,
   * which needs its module rather than a JSON parser.
   */
  static FormatProvider formatOf(Path file) {
    try {
      return Formats.forPath(file);
    } catch (DataException e) {
      if (String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT).contains(".parquet")) {
        throw new DataException(
            e.getMessage() + "; Parquet needs the midtrain.data.parquet module", e);
      }
      return Formats.get("jsonl");
    }
  }

  /** JSON Lines in and out: each line is parsed in place and kept as it is (see {@link #parse}). */
  private void scanLines(DeconReport rep, JsonGenerator g, ExecutorService pool)
      throws IOException {
    try (OutputStream dataOut = output.isPresent() ? openOutput(output.get()) : null) {
      ArrayDeque<Future<Scanned>> inFlight = new ArrayDeque<>();
      ArrayDeque<byte[]> free = new ArrayDeque<>();
      // Parsers and buffers are reused from chunk to chunk: a new JSON factory and buffers for
      // each 256 KB chunk took 2% of a scan.
      Queue<Lines> idle = new ConcurrentLinkedQueue<>();
      long total = totalBytes();
      long done = 0;
      for (Path file : inputs) {
        long counted = 0;
        // Why the input ended early (a truncated or corrupt compressed stream), as the readers
        // report it: the lines read whole are scanned, and the one it cut is a reject.
        String failure = null;
        long failedLine = 1;
        // The readers' decoding, which counts the bytes read from disk; without their caps, which
        // reject a record, where this path has no record to reject.
        try (DecodedInput raw = DecodedInput.open(file, UNCAPPED)) {
          InputStream in;
          try {
            in = raw.stream(); // a decoder reads its header here ("Not in GZIP format")
          } catch (IOException ex) {
            failure = DecodedInput.describe(ex);
            in = InputStream.nullInputStream();
          }
          byte[] carry = new byte[0];
          long line = 1;
          boolean eof = failure != null;
          while (!eof) {
            // Chunk buffers are reused once drained: 4 MB arrays are costly to zero and to collect.
            byte[] buf = free.poll();
            // A line is never held past the limit: the buffer grows to at most limit + 2 (its
            // bytes, a '\r' and the '\n'), where a line without its newline is over the limit.
            int want = (int) Math.min(carry.length * 2L, maxLineBytes + 2);
            if (buf == null || buf.length < want) {
              buf = new byte[Math.max(chunkBytes, want)];
            }
            System.arraycopy(carry, 0, buf, 0, carry.length);
            int len = carry.length;
            try {
              int r;
              while (len < buf.length && (r = in.read(buf, len, buf.length - len)) > 0) {
                len += r;
              }
            } catch (IOException ex) {
              failure = DecodedInput.describe(ex);
            }
            eof = failure != null || len < buf.length;
            // At the end of a whole input the last line needs no newline; a failure cuts it.
            int cut = eof && failure == null ? len : lastNewline(buf, len) + 1;
            if (cut == 0 && !eof) {
              if (len <= maxLineBytes + 1) {
                // One line longer than the buffer: keep reading it.
                carry = Arrays.copyOf(buf, len);
                continue;
              }
              // A line over the readers' limit: rejected as they reject it (whole documents that
              // size are over their text limit too), and skipped without holding it.
              Skipped skipped = null;
              try {
                skipped = skipLine(in, buf, len, buf[len - 1]);
              } catch (IOException ex) {
                failure = DecodedInput.describe(ex); // the line cut is the truncated-stream reject
              }
              free.add(buf);
              drainAll(inFlight, free, rep, g, dataOut);
              if (skipped != null) {
                rep.reject(file + ":" + line, oversized(skipped.size()));
                line++;
              }
              failedLine = line;
              eof = skipped == null || skipped.rest() == null;
              carry = eof ? new byte[0] : skipped.rest();
              continue;
            }
            carry = Arrays.copyOfRange(buf, cut, len);
            Chunk c = new Chunk(file, line, buf, cut);
            if (pool == null) {
              // One thread: the scan counts the chunk's lines as it walks them, so that the
              // chunk is not read a second time only to count them (3% of a scan).
              Scanned s = scan(c, idle);
              line += s.newlines;
              free.add(drain(s, rep, g, dataOut));
            } else {
              // The next chunk's first line is needed before this one is scanned.
              line += countLines(buf, cut);
              inFlight.add(pool.submit(() -> scan(c, idle)));
              while (inFlight.size() > threads * 2) {
                free.add(drain(get(inFlight.poll()), rep, g, dataOut));
              }
            }
            failedLine = line;
            listener.progress(rep.documents() + rep.rejected(), done + raw.bytesRead(), total);
          }
          counted = raw.bytesRead();
        }
        drainAll(inFlight, free, rep, g, dataOut);
        if (failure != null) {
          rep.reject(file + ":" + failedLine, "truncated-stream: " + failure + "; input ends here");
        }
        // The whole file is read: its size, whatever the decoder left unread past its end (and
        // what was read, for a pipe, which has none).
        done += Math.max(sizeOf(file), counted);
        listener.progress(rep.documents() + rep.rejected(), done, total);
      }
    }
  }

  /** The longest line the line path holds: the JSONL reader's default line limit. */
  static final long MAX_LINE_BYTES = 4L * ReaderOptions.defaults().maxDocumentBytes() + (1 << 20);

  /** Decoding options of the line path: no cap on inflated bytes or on the ratio. */
  private static final ReaderOptions UNCAPPED =
      ReaderOptions.builder()
          .maxDecompressedBytes(Long.MAX_VALUE / 2) // not MAX_VALUE: the cap adds 1 to what is left
          .maxCompressionRatio(Integer.MAX_VALUE)
          .build();

  /** Rows per batch read in the other formats. */
  private static final int BATCH_ROWS = 4096;

  /**
   * Any other format, or an output that is not JSONL: documents go through the readers and writers
   * of {@link Formats} a batch at a time, the rows of a batch shared among the threads.
   */
  private void scanBatches(DeconReport rep, JsonGenerator g, ExecutorService pool)
      throws IOException {
    // Without an output, the fields that have no column are never written: the readers need not
    // gather them into meta (7% of a scan of an Arrow file with extra columns).
    ReaderOptions options =
        ReaderOptions.builder()
            .textField(textField)
            .idField(idField)
            .keepMeta(output.isPresent())
            .build();
    // One schema for every batch: the score columns any input carries (Arrow and Parquet files
    // written by a rating step), so that one output file can take the rows of all of them.
    Set<String> scores = new LinkedHashSet<>();
    for (Path file : inputs) {
      if (!Files.isRegularFile(file)) {
        continue; // a pipe cannot be opened twice (and carries no columns but JSON's)
      }
      try (DocumentReader reader = formatOf(file).openReader(file, options)) {
        scores.addAll(reader.scoreColumns());
      }
    }
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch =
            VectorSchemaRoot.create(DocumentBatch.schema(List.copyOf(scores)), allocator)) {
      DocumentWriter writer = output.map(f -> formatOf(f).openWriter(f)).orElse(null);
      long total = totalBytes();
      long done = 0;
      // Same-named inputs in different folders get the path tail that tells them apart in their
      // default ids, so the report names each document once.
      List<String> names = midtrain.data.io.InputNames.of(inputs);
      try {
        for (int k = 0; k < inputs.size(); k++) {
          Path file = inputs.get(k);
          ReaderOptions named =
              names.get(k).equals(String.valueOf(file.getFileName()))
                  ? options
                  : options.toBuilder().inputName(names.get(k)).build();
          try (DocumentReader reader = formatOf(file).openReader(file, named)) {
            while (true) {
              batch.clear();
              int rows =
                  reader.read(
                      batch,
                      BATCH_ROWS,
                      x ->
                          rep.reject(
                              x.file() + ":" + x.line(),
                              x.detail().isEmpty() ? x.reason() : x.reason() + ": " + x.detail()));
              if (rows == 0) {
                break;
              }
              DocumentResult[] results = scanRows(batch, pool);
              VarCharVector ids = DocumentBatch.utf8(batch, DocumentBatch.ID);
              for (int r = 0; r < rows; r++) {
                String id = new String(ids.get(r), StandardCharsets.UTF_8);
                rep.record(id, false, results[r]);
                g.writeRaw('\n');
                DeconReport.writeDocument(g, id, false, results[r], decon);
              }
              if (writer != null) {
                try (VectorSchemaRoot out = decon.output(batch, allocator, results)) {
                  writer.write(out);
                }
              }
              listener.progress(rep.documents() + rep.rejected(), done + reader.bytesRead(), total);
            }
            // As on the line path: the file's size, or what was read from a pipe.
            done += Math.max(sizeOf(file), reader.bytesRead());
            listener.progress(rep.documents() + rep.rejected(), done, total);
          }
        }
      } catch (Throwable e) {
        if (writer != null) {
          try {
            writer.abort();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
      if (writer != null) {
        writer.close();
      }
    }
  }

  /** Scans the rows of a batch, split among the pool's threads when there is one. */
  private DocumentResult[] scanRows(VectorSchemaRoot batch, ExecutorService pool) {
    int rows = batch.getRowCount();
    VarCharVector text = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
    DocumentResult[] results = new DocumentResult[rows];
    if (pool == null) {
      scanRows(text, 0, rows, results);
      return results;
    }
    int per = (rows + threads - 1) / threads;
    List<Future<?>> parts = new ArrayList<>();
    for (int from = 0; from < rows; from += per) {
      int lo = from;
      int hi = Math.min(rows, from + per);
      parts.add(pool.submit(() -> scanRows(text, lo, hi, results)));
    }
    // Every part is waited for before an error is thrown: the caller closes the batch, which the
    // other parts may still be reading.
    RuntimeException failed = null;
    for (Future<?> f : parts) {
      try {
        get(f);
      } catch (RuntimeException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
    return results;
  }

  private void scanRows(VarCharVector text, int from, int to, DocumentResult[] results) {
    RowBytes row = new RowBytes();
    for (int r = from; r < to; r++) {
      row.load(text, r);
      results[r] = decon.scan(row.bytes, 0, row.length);
    }
  }

  private static OutputStream openOutput(Path file) {
    try {
      return FileOutput.openEncoded(file, Compression.of(file));
    } catch (IOException e) {
      throw new DataException(
          "cannot write the output " + file + ": " + DecodedInput.describe(e), e);
    }
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Writes the results of every chunk in flight, in order, and keeps their buffers. */
  private void drainAll(
      ArrayDeque<Future<Scanned>> inFlight,
      ArrayDeque<byte[]> free,
      DeconReport rep,
      JsonGenerator g,
      OutputStream dataOut)
      throws IOException {
    while (!inFlight.isEmpty()) {
      free.add(drain(get(inFlight.poll()), rep, g, dataOut));
    }
  }

  /**
   * A line skipped to its end: its length, and the bytes read after its newline (null when the
   * input ended first).
   */
  private record Skipped(long size, byte[] rest) {}

  /**
   * Reads past the end of a line of which {@code size} bytes were read, through {@code buf}.
   *
   * @param last the last byte read
   * @return its length without a {@code '\r'} at its end, as a line in a chunk is measured, and
   *     what follows it
   */
  private static Skipped skipLine(InputStream in, byte[] buf, long size, byte last)
      throws IOException {
    for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) {
      int nl = ByteScan.indexOf(buf, 0, n, (byte) '\n');
      if (nl >= 0) {
        boolean cr = nl > 0 ? buf[nl - 1] == '\r' : last == '\r';
        return new Skipped(size + nl - (cr ? 1 : 0), Arrays.copyOfRange(buf, nl + 1, n));
      }
      size += n;
      last = buf[n - 1];
    }
    return new Skipped(size - (last == '\r' ? 1 : 0), null);
  }

  /** Writes one chunk's results; returns its buffer for reuse. */
  private byte[] drain(Scanned s, DeconReport rep, JsonGenerator g, OutputStream dataOut)
      throws IOException {
    for (int o : s.order) {
      if (o < 0) {
        String[] r = s.rejects.get(~o);
        rep.reject(r[0], r[1]);
      } else {
        DocumentResult r = s.results.get(o);
        rep.record(s.ids.get(o), s.numeric.get(o), r);
        g.writeRaw('\n');
        DeconReport.writeDocument(g, s.ids.get(o), s.numeric.get(o), r, decon);
      }
    }
    if (dataOut != null) {
      s.out.writeTo(dataOut);
    }
    return s.data;
  }

  private String oversized(long size) {
    return "oversized: a line of "
        + size
        + " bytes is over the line limit of "
        + maxLineBytes
        + " bytes (4 x maxDocumentBytes + 1 MiB, as the readers')";
  }

  private static int lastNewline(byte[] b, int len) {
    for (int i = len - 1; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long countLines(byte[] b, int len) {
    return ByteScan.count(b, 0, len, (byte) '\n');
  }

  private Scanned scan(Chunk c, Queue<Lines> idle) throws IOException {
    Lines lines = idle.poll();
    if (lines == null) {
      lines = new Lines();
    }
    Scanned s = scan(c, lines);
    if (lines.text.bytes.length <= KEPT_BUFFER_BYTES && lines.rest.length <= KEPT_BUFFER_BYTES) {
      idle.add(lines);
    }
    return s;
  }

  /** The largest buffer kept for the next chunk; one of a huge document is left to the GC. */
  private static final int KEPT_BUFFER_BYTES = 4 << 20;

  private Scanned scan(Chunk c, Lines lines) throws IOException {
    Scanned s = new Scanned(c.data());
    byte[] a = c.data();
    long line = c.firstLine();
    int p = 0;
    String fileName = c.file().toString();
    while (p < c.length()) {
      int e = ByteScan.indexOf(a, p, c.length(), (byte) '\n');
      if (e < 0) {
        e = c.length();
      } else {
        s.newlines++;
      }
      int end = e > p && a[e - 1] == '\r' ? e - 1 : e;
      if (end - p > maxLineBytes) {
        s.order.add(~s.rejects.size());
        s.rejects.add(new String[] {fileName + ":" + line, oversized(end - p)});
      } else {
        scanLine(a, p, end, fileName, line, lines, s);
      }
      p = e + 1;
      line++;
    }
    return s;
  }

  /** What one line's JSON gave: the id, or the reason to reject it; the text is in the decoder. */
  private static final class Parsed {
    String id;
    boolean numeric;
    String problem;
    boolean resumed;
    // The bytes of the line the kernel copied (and so checked as strict UTF-8), or -1.
    int copiedFrom = -1;
    int copiedTo = -1;
  }

  /**
   * Parses one line's object, copying the text value into {@code text}, and checks that the line is
   * strict UTF-8 (as the readers do: Jackson's decoding accepts overlong forms and other bytes that
   * are not, and a kept line is written out as it is).
   */
  private Parsed parse(byte[] a, int s, int e, Lines l, boolean resume) throws IOException {
    Parsed r = parseObject(a, s, e, l, resume);
    int bad;
    if (r.copiedFrom < 0) {
      bad = Utf8.invalidAt(a, s, e - s);
    } else {
      // The kernel checked the text value; a sequence cannot cross its quotes.
      bad = Utf8.invalidAt(a, s, r.copiedFrom - s);
      if (bad < 0) {
        bad = Utf8.invalidAt(a, r.copiedTo, e - r.copiedTo);
      }
    }
    if (bad >= 0) {
      r.problem =
          String.format(
              Locale.ROOT,
              "invalid UTF-8: byte 0x%02X at byte %d of the line",
              a[bad] & 0xFF,
              bad - s + 1);
    }
    return r;
  }

  /**
   * Parses one line's object, copying the text value into {@code text}.
   *
   * <p>Why a second parser: the text value is most of the line. When the kernel has copied it (and
   * with that checked its escapes and its UTF-8, more strictly than Jackson's skipping would),
   * Jackson is not made to scan it a second time: it parses the rest of the line, after the value,
   * as the rest of an object whose first member is a placeholder string, so that the parser is in
   * the state it was in after the text value. Without {@code resume}, Jackson parses and decodes
   * the whole line itself, for the reason of a line rejected after its text value (Jackson's
   * messages can name a column, which in the copy is not the line's).
   *
   * <p>A dotted field name is a path into nested objects, as for the readers ({@link
   * ReaderOptions}): its top-level value is read as a tree, and the text copied from it.
   */
  private Parsed parseObject(byte[] a, int s, int e, Lines l, boolean resume) throws IOException {
    Parsed r = new Parsed();
    boolean hasText = false;
    JsonParser p = l.json.createParser(a, s, e - s);
    try {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        r.problem = "not a JSON object";
        return r;
      }
      JsonToken tok;
      while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        boolean nestedText = textPath.length > 1 && name.equals(textPath[0]);
        boolean nestedId = idPath.length > 1 && name.equals(idPath[0]);
        if (nestedText || nestedId) {
          JsonNode tree = TREES.readTree(p);
          if (nestedText) {
            JsonNode leaf = leaf(tree, textPath);
            if (leaf != null && !leaf.isTextual()) {
              r.problem = "field '" + textField + "' is not a string";
            } else if (leaf != null) {
              hasText = true;
              setText(leaf.asText(), l, r);
            }
          }
          if (nestedId) {
            JsonNode leaf = leaf(tree, idPath);
            if (leaf != null) {
              setId(leaf, r);
            }
          }
        } else if (textPath.length == 1 && name.equals(textField)) {
          if (v == JsonToken.VALUE_STRING) {
            // The kernel copies the value's bytes from where Jackson found it.
            long at = p.currentTokenLocation().getByteOffset();
            // Jackson reports no byte offset for UTF-16/32 input, and its string length limit
            // is only checked when it decodes; both cases take its own decoding.
            // After a resume the parser reads a copy, where Jackson's offsets are not the line's.
            int end =
                !resume || r.resumed || at < 0 || e - s - at > MAX_STRING_BYTES
                    ? -1
                    : l.text.decode(a, s + (int) at + 1, e);
            hasText = true;
            if (end < 0 || l.text.loneSurrogate) {
              // Not a string the kernel copies as is: Jackson decodes it or reports the error.
              setText(p.getText(), l, r);
            } else {
              r.copiedFrom = s + (int) at;
              r.copiedTo = end;
              if (closesObject(a, end, e)) {
                // The value ends the line's object (the usual place of the text): nothing is
                // left for Jackson to check.
                return r;
              }
              p.close();
              p = l.restOfObject(a, end, e);
              r.resumed = true;
            }
          } else {
            r.problem = "field '" + textField + "' is not a string";
            p.skipChildren();
          }
        } else if (idPath.length == 1 && name.equals(idField)) {
          if (v.isScalarValue()) {
            String id = v == JsonToken.VALUE_NULL ? "" : p.getText();
            if (!id.isEmpty()) {
              // The number as written (1e5 stays 1e5); an empty id is no id, as for the readers.
              r.id = id;
              r.numeric = v.isNumeric();
            }
          } else {
            r.problem = "field '" + idField + "' is an object or an array, not an id";
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
      if (tok != JsonToken.END_OBJECT || p.nextToken() != null) {
        r.problem = "malformed JSON: trailing data after the object";
      } else if (!hasText && r.problem == null) {
        r.problem = "no '" + textField + "' field";
      }
    } catch (JsonProcessingException ex) {
      r.problem = "malformed JSON: " + ex.getOriginalMessage();
    } finally {
      p.close();
    }
    return r;
  }

  /** The text, unless it has an unpaired surrogate (from a JSON escape), which has no UTF-8. */
  private void setText(String text, Lines l, Parsed r) {
    int lone = Utf8.unpairedSurrogate(text);
    if (lone >= 0) {
      r.problem =
          "field '"
              + textField
              + "' has an unpaired surrogate (a \\u escape) at character "
              + (lone + 1)
              + ": it has no UTF-8 encoding";
    } else {
      l.text.set(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** An id from a nested scalar (a number stays a number in the report). */
  private void setId(JsonNode value, Parsed r) {
    if (value.isContainerNode()) {
      r.problem = "field '" + idField + "' is an object or an array, not an id";
      return;
    }
    String id = value.asText();
    if (!id.isEmpty()) {
      r.id = id;
      r.numeric = value.isNumber();
    }
  }

  /** Sets the value at a path, making the objects on the way that are missing. */
  private static void put(ObjectNode root, String[] path, String value) {
    ObjectNode n = root;
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode next = n.get(path[i]);
      if (next == null || next.isNull()) {
        n = n.putObject(path[i]);
      } else if (next instanceof ObjectNode o) {
        n = o;
      } else {
        return; // a value of the record's own on the way, which is kept as it is
      }
    }
    n.put(path[path.length - 1], value);
  }

  /** The value at a dotted path under its top-level value, or null where there is none. */
  private static JsonNode leaf(JsonNode tree, String[] path) {
    JsonNode n = tree;
    for (int i = 1; i < path.length && n != null; i++) {
      n = n.isObject() ? n.get(path[i]) : null;
    }
    return n == null || n.isNull() ? null : n;
  }

  /**
   * The bytes that open an object and a placeholder member, before the rest of a line: a string
   * value like the text's, so that what follows it reads as it did after the text (a number would
   * run on into a following ".5").
   */
  private static final byte[] REST_PREFIX = "{\"\":\"\"".getBytes(StandardCharsets.US_ASCII);

  /** Whether {@code a[from, end)} is JSON whitespace, one '}' and JSON whitespace. */
  private static boolean closesObject(byte[] a, int from, int end) {
    int i = from;
    while (i < end && isJsonSpace(a[i])) {
      i++;
    }
    if (i == end || a[i] != '}') {
      return false;
    }
    i++;
    while (i < end && isJsonSpace(a[i])) {
      i++;
    }
    return i == end;
  }

  private static boolean isJsonSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  /**
   * The parsers and buffers of one chunk's scan at a time (a chunk is scanned by one thread),
   * reused for later chunks: text and rest of a line.
   */
  private static final class Lines {
    /**
     * A factory of its own: each parser takes a child of its factory's field-name table and merges
     * it back on close, which made threads that shared one factory wait.
     */
    final JsonFactory json =
        JsonFactory.builder().streamReadConstraints(JSON.streamReadConstraints()).build();

    final JsonString text = JsonString.create();
    byte[] rest = new byte[256];

    /**
     * A parser over {@code a[from, end)}, the rest of an object after one of its values, positioned
     * past a placeholder member so that its next token is what followed that value.
     */
    JsonParser restOfObject(byte[] a, int from, int end) throws IOException {
      int n = REST_PREFIX.length + end - from;
      if (rest.length < n) {
        rest = new byte[Math.max(n, rest.length * 2)];
      }
      System.arraycopy(REST_PREFIX, 0, rest, 0, REST_PREFIX.length);
      System.arraycopy(a, from, rest, REST_PREFIX.length, end - from);
      JsonParser p = json.createParser(rest, 0, n);
      p.nextToken(); // {
      p.nextToken(); // the placeholder's name
      p.nextToken(); // its value
      return p;
    }
  }

  private void scanLine(byte[] a, int s, int e, String file, long line, Lines lines, Scanned out)
      throws IOException {
    boolean blank = true;
    for (int i = s; i < e && blank; i++) {
      blank = a[i] == ' ' || a[i] == '\t' || a[i] == '\r'; // as the readers' blank lines
    }
    if (blank) {
      return;
    }
    Parsed parsed = parse(a, s, e, lines, true);
    if (parsed.resumed && parsed.problem != null) {
      // The error came after the text value, where the parser read a copy: parse the whole line
      // again so that the reason, with any position in it, is the one Jackson gives for the line.
      parsed = parse(a, s, e, lines, false);
    }
    String problem = parsed.problem;
    String id = parsed.id;
    boolean numeric = parsed.numeric;
    if (problem != null) {
      out.order.add(~out.rejects.size());
      out.rejects.add(new String[] {file + ":" + line, problem});
      return;
    }
    if (id == null) {
      id = file + ":" + line;
      numeric = false;
    }
    DocumentResult r = decon.scan(lines.text.bytes, 0, lines.text.length);
    out.order.add(out.results.size());
    out.ids.add(id);
    out.numeric.add(numeric);
    out.results.add(r);
    if (output.isPresent()) {
      write(a, s, e, id, r, out.out);
    }
  }

  private void write(byte[] a, int s, int e, String id, DocumentResult r, ByteArrayOutputStream o)
      throws IOException {
    switch (decon.mode()) {
      case FLAG -> {
        ObjectNode node = (ObjectNode) MAPPER.readTree(a, s, e - s);
        ObjectNode f = node.putObject("decon");
        f.put("contaminated", r.contaminated());
        f.put("ngrams", r.ngrams());
        f.put("unique_overlaps", r.uniqueOverlaps());
        f.put("total_overlaps", r.totalOverlaps());
        f.put("overlap_fraction", r.overlapFraction());
        ArrayNode hits = f.putArray("benchmark_hits");
        for (Hit h : r.hits()) {
          if (h.numericId()) {
            hits.add(new BigInteger(h.itemId()));
          } else {
            hits.add(h.itemId());
          }
        }
        MAPPER.writeValue(o, node);
        o.write('\n');
      }
      case DROP, HYBRID -> {
        if (!r.dropped()) {
          o.write(a, s, e - s);
          o.write('\n');
        }
      }
      case JANITOR -> {
        if (r.dirtyNgrams() == 0) {
          if (!r.dropped()) {
            o.write(a, s, e - s);
            o.write('\n');
          }
        } else {
          JsonNode node = MAPPER.readTree(a, s, e - s);
          for (int k = 0; k < r.cleanChunks().size(); k++) {
            ObjectNode piece = ((ObjectNode) node).deepCopy();
            put(piece, textPath, r.cleanChunks().get(k));
            put(piece, idPath, id + "#" + k);
            MAPPER.writeValue(o, piece);
            o.write('\n');
          }
        }
      }
      case REPORT -> {}
    }
  }
}
