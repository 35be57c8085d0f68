package midtrain.data.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.decon.Decontaminator;
import midtrain.data.dedup.Deduplicator;
import midtrain.data.internal.Args;
import midtrain.data.internal.Lineage;
import midtrain.data.internal.token.Files2;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import midtrain.data.io.InputNames;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.RejectSink;
import midtrain.data.io.RejectsFile;
import midtrain.data.io.ShardManifest;
import midtrain.data.rate.Rater;
import midtrain.data.select.Quantile;
import midtrain.data.select.Sampler;
import midtrain.data.select.Selection;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A curation pipeline: documents from input files through rating, filtering, sampling,
 * deduplication and decontamination to output shards.
 *
 * <pre>{@code
 * PipelineResult r = Pipeline.builder()
 *     .inputs(List.of(Path.of("crawl-00.jsonl.zst"), Path.of("crawl-01.jsonl.zst")))
 *     .rate(Raters.create("gopher-quality", Map.of()), Raters.create("c4", Map.of()))
 *     .filterPassing(Raters.create("gopher-quality", Map.of()))
 *     .filter("quality", Selection.parse("c4.pass == 1"))
 *     .dedup("exact", Dedup.exact())
 *     .outputDir(Path.of("curated"), ".jsonl.zst")
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p><b>Order and threads.</b> Inputs are read one at a time in the order given, in batches. Stages
 * up to the first deduplication run on worker threads, several batches at once; the deduplication
 * and everything after it run on one thread in input order. So the output is the same, byte for
 * byte, whatever the thread count: the same input, configuration and seeds give the same files.
 *
 * <p><b>Output and resuming.</b> With {@link Builder#outputDir}, input {@code k} (in the order
 * given) becomes output shard {@code part-0000k<suffix>}, written under a temporary name and
 * renamed when complete; then a completion marker, the deduplication keys the shard added and what
 * each decontamination stage found in it are written under {@code _state/}. A rerun with the same
 * inputs and stages skips completed shards (reloading their keys, statistics and decontamination
 * findings) and redoes the rest, so a killed run finishes without losing or duplicating a document,
 * and its {@code decontamination-<name>.json} covers every shard as an uninterrupted run's does. A
 * rerun whose inputs or stages differ is refused. Records the readers reject go to {@code
 * _rejects/part-0000k.jsonl} with file, line and reason; with {@link Builder#keepRemoved}, removed
 * documents go to {@code _removed/} with their lineage. With {@link Builder#outputFile}, rejects go
 * to {@code <file>.rejects.jsonl}.
 *
 * <p><b>Running again.</b> A pipeline holds only its configuration, and {@link #run} may be called
 * again: each run starts as a new process running the same pipeline would, with empty deduplication
 * tables (the deduplicators given to the builder are never fed: each run works on {@linkplain
 * midtrain.data.dedup.Deduplicator#emptyCopy copies}). So after a failure, running the same object
 * again resumes the output folder as above, and running a finished pipeline again skips every shard
 * of its folder, or writes its one output file anew. One run at a time: a call while another thread
 * runs the same object is refused, since the two would write the same output, and so is a run of
 * another pipeline, in this process or another, into an output folder a run is writing (an OS file
 * lock on {@code _state/lock}, released when the run ends or its process dies). Runs that write one
 * output file are not guarded against each other.
 *
 * <p>When every shard is done, {@code stats.json} and then {@code manifest.json} (each shard's
 * documents, size and SHA-256, the format {@link ShardManifest#verify} checks) are written.
 *
 * <p><b>Accounting.</b> Every input record ends written, rejected by a reader, or removed by a
 * stage with a reason; {@link PipelineResult#account()} prints the sum, and {@code stats.json}
 * holds the per-stage figures.
 *
 * <p><b>Memory.</b> At most {@code 2 x threads} batches are in flight. Deduplication tables grow
 * with the documents kept; {@link midtrain.data.dedup.Dedup#estimateBytes} says how much before a
 * run, and a table that cannot grow fails with a message instead of exhausting the heap. The id
 * check ({@link Builder#checkIds}, on by default) holds a 64-bit hash of every input id: 11 to 23
 * bytes an id, counted in the same check before the run.
 *
 * <p><b>Ids and lineage.</b> Default ids are unique within a run ({@link
 * midtrain.data.io.InputNames}); ids read from the input are checked, and the documents whose id an
 * earlier one had are counted in {@link PipelineResult#duplicateIds()}. A written document's
 * lineage is the one it came with followed by this run's stages.
 */
public final class Pipeline {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Lineage is one line of JSON, as readers and writers keep it. */
  private static final com.fasterxml.jackson.databind.ObjectWriter COMPACT =
      new ObjectMapper().writer();

  /** The state file naming the inputs and stages a folder's run was made with. */
  private static final String RUN_FILE = "run.txt";

  private final List<Path> inputs;
  private final ReaderOptions readerOptions;
  private final List<Stage> stages;
  private final Path outputDir;
  private final Path outputFile;
  private final String outputFormat;
  private final String suffix;
  private final int threads;
  private final int batchSize;
  private final boolean keepRemoved;
  private final PipelineListener listener;
  private final long expectedDocuments;
  private final boolean checkIds;

  /** Each input's reader options, named by {@link InputNames} so default ids are unique. */
  private final Map<Path, ReaderOptions> inputOptions;

  /**
   * Set while {@link #run} runs, so that a second thread's call is refused instead of writing the
   * same shards and state files.
   */
  private final AtomicBoolean running;

  private Pipeline(Builder b) {
    this.inputs = List.copyOf(b.inputs);
    this.readerOptions = b.readerOptions;
    this.stages = List.copyOf(b.stages);
    this.outputDir = b.outputDir;
    this.outputFile = b.outputFile;
    this.outputFormat = b.outputFormat;
    this.suffix = b.suffix;
    this.threads = b.threads;
    this.batchSize = b.batchSize;
    this.keepRemoved = b.keepRemoved;
    this.listener = b.listener;
    this.expectedDocuments = b.expectedDocuments;
    this.checkIds = b.checkIds;
    this.inputOptions = inputOptions(inputs, readerOptions);
    this.running = new AtomicBoolean();
  }

  /** A copy of a pipeline for one run, with the stages that run uses. */
  private Pipeline(Pipeline p, List<Stage> stages) {
    this.inputs = p.inputs;
    this.readerOptions = p.readerOptions;
    this.stages = List.copyOf(stages);
    this.outputDir = p.outputDir;
    this.outputFile = p.outputFile;
    this.outputFormat = p.outputFormat;
    this.suffix = p.suffix;
    this.threads = p.threads;
    this.batchSize = p.batchSize;
    this.keepRemoved = p.keepRemoved;
    this.listener = p.listener;
    this.expectedDocuments = p.expectedDocuments;
    this.checkIds = p.checkIds;
    this.inputOptions = p.inputOptions;
    this.running = p.running;
  }

  /**
   * The options each input is read with: the run's, with an input name where another input shares
   * the file name, so that {@code a/part-0.jsonl} and {@code b/part-0.jsonl} give different ids.
   */
  private static Map<Path, ReaderOptions> inputOptions(List<Path> inputs, ReaderOptions options) {
    Map<Path, ReaderOptions> out = new java.util.HashMap<>();
    List<String> names = InputNames.of(inputs);
    for (int k = 0; k < inputs.size(); k++) {
      Path p = inputs.get(k);
      boolean renamed = p.getFileName() == null || !names.get(k).equals(p.getFileName().toString());
      out.put(p, renamed ? options.toBuilder().inputName(names.get(k)).build() : options);
    }
    return out;
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the stage names in order.
   *
   * @return the names
   */
  public List<String> stageNames() {
    List<String> out = new ArrayList<>();
    for (Stage s : stages) {
      out.add(s.name);
    }
    return out;
  }

  /**
   * Runs the pipeline to completion, as a new process running it would: calling it again resumes
   * the output folder (or, when finished, skips all of it) and writes an output file anew.
   *
   * @return what happened to every record
   * @throws DataException on bad configuration, unreadable input or a refused resume, naming the
   *     file, or when this pipeline is running already
   */
  public PipelineResult run() {
    if (!running.compareAndSet(false, true)) {
      throw new DataException(
          "this pipeline is running already, writing "
              + (outputDir != null ? outputDir : outputFile)
              + "; a second run at the same time would write the same output: wait for the first"
              + " to return, or build a pipeline with another output");
    }
    try {
      FolderLock lock = FolderLock.take(outputDir);
      try {
        return runOnce();
      } finally {
        lock.close();
      }
    } finally {
      running.set(false);
    }
  }

  /** The lock file in an output folder's state, held while a run writes the folder. */
  private static final String LOCK_FILE = "lock";

  /**
   * Holds an output folder for one run, against other pipeline objects in this process and other
   * processes alike (an OS file lock), so that two runs never write the same shards and state.
   */
  private static final class FolderLock implements AutoCloseable {
    private final java.nio.channels.FileChannel channel;

    private FolderLock(java.nio.channels.FileChannel channel) {
      this.channel = channel;
    }

    /** Takes the folder's lock, or refuses; no lock for a run writing one output file. */
    static FolderLock take(Path outputDir) {
      if (outputDir == null) {
        return new FolderLock(null);
      }
      Path file = outputDir.resolve("_state").resolve(LOCK_FILE);
      java.nio.channels.FileChannel ch;
      try {
        Files.createDirectories(file.getParent());
        ch =
            java.nio.channels.FileChannel.open(
                file,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new DataException("pipeline output " + file + ": cannot open: " + e.getMessage(), e);
      }
      java.nio.channels.FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // another pipeline object of this process holds it
      } catch (IOException e) {
        // A file system without locks (some network mounts): the run goes on unguarded, as it
        // did before there was a lock, rather than refusing every run there.
        closeQuietly(ch);
        return new FolderLock(null);
      }
      if (lock == null) {
        closeQuietly(ch);
        throw new DataException(
            outputDir
                + " is being written by another pipeline run (in this process or another); a"
                + " second run at the same time would write the same shards: wait for it to end,"
                + " or use another output folder");
      }
      return new FolderLock(ch);
    }

    private static void closeQuietly(java.nio.channels.FileChannel ch) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // the lock, if any, goes with the channel; nothing else to release
      }
    }

    @Override
    public void close() {
      if (channel != null) {
        closeQuietly(channel); // releases the lock
      }
    }
  }

  private PipelineResult runOnce() {
    // The stages that gather state (dedup keys, quantile thresholds, the decontamination report)
    // are new for each run: kept from an earlier run, or shared with another pipeline, the keys
    // made every document seen before a duplicate of itself, and a resume reloaded saved keys on
    // top of them.
    List<Stage> fresh = new ArrayList<>();
    for (Stage s : stages) {
      fresh.add(s.forRun());
    }
    try (BufferAllocator allocator = new RootAllocator()) {
      return new Pipeline(this, fresh).runWith(allocator);
    }
  }

  private PipelineResult runWith(BufferAllocator allocator) {
    int firstSequential = stages.size();
    for (int i = 0; i < stages.size(); i++) {
      if (!stages.get(i).parallel()) {
        firstSequential = i;
        break;
      }
    }
    Path state = outputDir == null ? null : outputDir.resolve("_state");
    Map<String, Double> thresholds = new LinkedHashMap<>();
    String fingerprint = fingerprint();
    try {
      if (state != null) {
        checkResume(state, fingerprint);
      }
      checkDedupMemory(allocator);
      ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
      try {
        Claim claim = new Claim(state, fingerprint);
        calibrate(allocator, pool, firstSequential, state, claim, thresholds);
        return process(allocator, pool, firstSequential, state, claim, thresholds);
      } finally {
        pool.shutdownNow();
      }
    } catch (IOException e) {
      throw new DataException("pipeline output " + e.getMessage(), e);
    }
  }

  /**
   * Refuses an output folder whose state records another run with work committed. A state with no
   * committed work (a run that failed before its first commit) does not hold the folder.
   */
  private void checkResume(Path state, String fingerprint) throws IOException {
    Path fp = state.resolve(RUN_FILE);
    String old = Files.exists(fp) ? Files.readString(fp, StandardCharsets.UTF_8) : null;
    if (old != null && (old.equals(fingerprint) || !hasCommittedWork(state))) {
      return;
    }
    if (old != null) {
      throw new DataException(
          outputDir
              + " holds a run with other inputs or stages ("
              + firstDifference(old, fingerprint)
              + "); rerun it as it was, use another output folder, or remove the folder to start"
              + " this one over");
    }
    // No record of a run, but its shards: this run would rewrite only the shards it writes, and
    // the others would stay beside them, read as part of its output by any later reader.
    String stale = earlierOutput();
    if (stale != null) {
      throw new DataException(
          outputDir
              + " holds "
              + stale
              + " of an earlier run but no record of that run ("
              + state
              + "); remove the folder, or use another output folder");
    }
  }

  /**
   * A shard in the output folder, or null where there is none. (Rejects under {@code _rejects/} are
   * not looked at: a run that fails in its first shard leaves that shard's.)
   */
  private String earlierOutput() throws IOException {
    if (!Files.isDirectory(outputDir)) {
      return null;
    }
    try (java.util.stream.Stream<Path> s = Files.list(outputDir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("part-") && !n.endsWith(".tmp"))
          .sorted()
          .findFirst()
          .orElse(null);
    }
  }

  /** Where the rejects of a run with one output file go. */
  private static Path rejectsOf(Path outputFile) {
    return outputFile.resolveSibling(outputFile.getFileName() + ".rejects.jsonl");
  }

  /** The first line in which two run files differ, as {@code earlier: '..', now: '..'}. */
  private static String firstDifference(String earlier, String now) {
    String[] a = earlier.split("\\R");
    String[] b = now.split("\\R");
    // Another number of inputs shifts every line after them: say that, not a pair of lines.
    long inA = java.util.Arrays.stream(a).filter(l -> l.startsWith("input ")).count();
    long inB = java.util.Arrays.stream(b).filter(l -> l.startsWith("input ")).count();
    if (inA != inB) {
      return "earlier: " + inputs(inA) + ", now: " + inputs(inB);
    }
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String x = i < a.length ? "'" + a[i] + "'" : "nothing";
      String y = i < b.length ? "'" + b[i] + "'" : "nothing";
      if (!x.equals(y)) {
        return "earlier: " + x + ", now: " + y;
      }
    }
    return "only line ends differ";
  }

  private static String inputs(long n) {
    return n + (n == 1 ? " input" : " inputs");
  }

  /**
   * Whether the state holds anything besides the run file: shard markers, keys, thresholds,
   * reports.
   */
  private static boolean hasCommittedWork(Path state) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(state)) {
      return s.map(p -> p.getFileName().toString())
          .anyMatch(n -> !n.equals(RUN_FILE) && !n.equals(LOCK_FILE) && !n.endsWith(".tmp"));
    }
  }

  /**
   * Records a run in the state just before its first commit (a threshold or a shard), so that a run
   * failing earlier leaves the folder free.
   */
  private static final class Claim {
    private final Path state;
    private final String fingerprint;
    private boolean done;

    Claim(Path state, String fingerprint) {
      this.state = state;
      this.fingerprint = fingerprint;
    }

    void claim() throws IOException {
      if (done || state == null) {
        return;
      }
      Files.createDirectories(state);
      writeAtomically(state.resolve(RUN_FILE), fingerprint.getBytes(StandardCharsets.UTF_8));
      done = true;
    }
  }

  /**
   * Estimates the documents from a sample of the first input and fails before any work when the
   * deduplication tables would not fit in the heap.
   */
  private void checkDedupMemory(BufferAllocator allocator) throws IOException {
    List<Deduplicator> dedups = new ArrayList<>();
    for (Stage s : stages) {
      if (s instanceof Stages.Dedup) {
        dedups.add(((Stages.Dedup) s).dedup);
      }
    }
    if (dedups.isEmpty() && !checkIds) {
      return;
    }
    long docs = expectedDocuments;
    if (docs < 0) {
      long totalBytes = 0;
      for (Path p : inputs) {
        totalBytes += Files.size(p);
      }
      try (DocumentReader r = Formats.openReader(inputs.get(0), readerOptions);
          VectorSchemaRoot root = DocumentBatch.create(allocator)) {
        while (r.records() < 2000 && r.read(root, 500, x -> {}) > 0) {
          root.clear();
          root.setRowCount(0);
        }
        double perRecord =
            r.records() == 0 ? 1 : Math.max(1.0, (double) r.bytesRead() / r.records());
        docs = (long) Math.ceil(totalBytes / perRecord * 1.1);
      }
    }
    long need = 0;
    for (Deduplicator d : dedups) {
      need += d.estimateBytes(docs);
    }
    Runtime rt = Runtime.getRuntime();
    long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    midtrain.data.dedup.Dedup.requireFits("pipeline deduplication", need, docs, available);
    long ids = checkIds ? IdCheck.peakBytes(docs) : 0;
    if (need + ids > available) {
      throw new DataException(
          String.format(
              java.util.Locale.ROOT,
              "pipeline id check: about %,d documents need about %,d MiB to find repeated ids"
                  + "%s, but only %,d MiB of heap are available; raise -Xmx (for the midtrain"
                  + " command: MIDTRAIN_JAVA_OPTS=-Xmx...) or turn the check off (check_ids:"
                  + " false in the config, Pipeline.Builder.checkIds(false))",
              docs,
              ids >> 20,
              need == 0
                  ? ""
                  : String.format(
                      java.util.Locale.ROOT, " beside %,d MiB for the dedup tables", need >> 20),
              available >> 20));
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "midtrain-pipeline");
      t.setDaemon(true);
      return t;
    };
  }

  private String fingerprint() {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < inputs.size(); k++) {
      Path p = inputs.get(k);
      long size;
      String time;
      try {
        size = Files.size(p);
        time = Files.getLastModifiedTime(p).toString();
      } catch (IOException e) {
        throw new DataException(p + ": cannot read input (" + e.getMessage() + ")", e);
      }
      // Size and modification time: an edited input (even of the same size) is noticed.
      sb.append(String.format(java.util.Locale.ROOT, "input %05d %s %d %s%n", k, p, size, time));
    }
    sb.append("reader ").append(readerOptions).append('\n');
    for (Stage s : stages) {
      sb.append("stage ").append(s.describe()).append('\n');
    }
    sb.append("suffix ").append(suffix).append('\n');
    return sb.toString();
  }

  /** Fixes each quantile's threshold with a pass over the input through the stages before it. */
  private void calibrate(
      BufferAllocator allocator,
      ExecutorService pool,
      int firstSequential,
      Path state,
      Claim claim,
      Map<String, Double> thresholds)
      throws IOException {
    Map<String, Double> saved = new TreeMap<>();
    Path file = state == null ? null : state.resolve("thresholds.json");
    if (file != null && Files.exists(file)) {
      for (Map.Entry<String, Object> e : readJsonMap(file).entrySet()) {
        saved.put(e.getKey(), ((Number) e.getValue()).doubleValue());
      }
    }
    for (int q = 0; q < stages.size(); q++) {
      if (!(stages.get(q) instanceof Stages.QuantileFilter)) {
        continue;
      }
      Stages.QuantileFilter qf = (Stages.QuantileFilter) stages.get(q);
      if (q > firstSequential) {
        throw new DataException("quantile '" + qf.name + "' must come before deduplication stages");
      }
      Double t = saved.get(qf.name);
      if (t == null) {
        t = computeThreshold(allocator, pool, q, qf);
      }
      qf.fix(t);
      thresholds.put(qf.name, t);
      if (file != null) {
        claim.claim();
        writeAtomically(file, JSON.writeValueAsBytes(thresholds));
      }
    }
  }

  private double computeThreshold(
      BufferAllocator allocator, ExecutorService pool, int q, Stages.QuantileFilter qf) {
    float[] all = new float[1024];
    int n = 0;
    for (Path input : inputs) {
      try (DocumentReader reader = Formats.openReader(input, inputOptions.get(input))) {
        ArrayDeque<Future<Work>> inflight = new ArrayDeque<>();
        boolean more = true;
        while (more || !inflight.isEmpty()) {
          while (more && inflight.size() < 2 * threads) {
            Work w = readBatch(reader, allocator, r -> {});
            if (w == null) {
              more = false;
              break;
            }
            inflight.add(
                pool.submit(
                    () -> {
                      try {
                        runStages(w, 0, q, allocator);
                        qf.collect(w);
                        return w;
                      } catch (RuntimeException | Error e) {
                        w.close(); // as in processShard: a failed batch's buffers are freed
                        throw e;
                      }
                    }));
          }
          if (!inflight.isEmpty()) {
            try (Work w = take(inflight.poll(), inflight)) {
              if (n + w.calibrated > all.length) {
                all = Arrays.copyOf(all, Math.max(n + w.calibrated, all.length * 2));
              }
              System.arraycopy(w.calibration, 0, all, n, w.calibrated);
              n += w.calibrated;
            }
          }
        }
      }
    }
    return qf.quantile.threshold(all, n);
  }

  private Work readBatch(DocumentReader reader, BufferAllocator allocator, RejectSink rejects) {
    // Inputs rated in an earlier run keep their scores, so a later run can select on them.
    List<String> scores = reader.scoreColumns();
    VectorSchemaRoot root =
        scores.isEmpty()
            ? DocumentBatch.create(allocator)
            : VectorSchemaRoot.create(DocumentBatch.schema(scores), allocator);
    long before = reader.records();
    try {
      int got = reader.read(root, batchSize, rejects);
      if (got == 0 && reader.records() == before) {
        root.close();
        return null;
      }
      Work w = new Work(root, stages.size());
      w.records = reader.records() - before;
      w.readerRows = root.getRowCount();
      w.bytesRead = reader.bytesRead();
      return w;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private void runStages(Work w, int from, int to, BufferAllocator allocator) {
    for (int s = from; s < to; s++) {
      stages.get(s).run(w, s, allocator);
    }
  }

  private static Work take(Future<Work> f, ArrayDeque<Future<Work>> rest) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancelAll(rest);
      throw new DataException("pipeline interrupted", e);
    } catch (ExecutionException e) {
      cancelAll(rest);
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new DataException("pipeline stage failed: " + c, c);
    }
  }

  private static void cancelAll(ArrayDeque<Future<Work>> rest) {
    for (Future<Work> f : rest) {
      try {
        f.get().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // Already failing: the first error is the one reported.
      }
    }
    rest.clear();
  }

  /** The running totals of a run. */
  private final class Totals {
    long records;
    final Map<String, Long> rejected = new TreeMap<>();
    final StageStats[] stats = new StageStats[stages.size()];
    long written;
    long writtenBytes;
    long copies;
    int skipped;
    long idsChecked;
    long duplicateIds;
    String duplicateIdExample = "";

    void add(ShardStats s) {
      records += s.records;
      s.rejected.forEach((k, v) -> rejected.merge(k, v, Long::sum));
      for (int i = 0; i < stats.length; i++) {
        stats[i] = stats[i] == null ? s.stages.get(i) : stats[i].plus(s.stages.get(i));
      }
      written += s.written;
      idsChecked += s.idsChecked;
      duplicateIds += s.duplicateIds;
      if (duplicateIdExample.isEmpty()) {
        duplicateIdExample = s.duplicateIdExample;
      }
      writtenBytes += s.writtenBytes;
      copies += s.copies;
    }
  }

  /**
   * The statistics of one shard, also its completion marker.
   *
   * @param input the input file
   * @param records input records
   * @param rejected reader rejects by reason
   * @param stages per-stage statistics
   * @param written documents written
   * @param writtenBytes their text bytes
   * @param copies extra copies from up-sampling
   * @param idsChecked documents whose id was checked against those before them in the run
   * @param duplicateIds documents among them whose id an earlier one had
   * @param duplicateIdExample the first such id in the shard, or empty
   */
  record ShardStats(
      String input,
      long records,
      Map<String, Long> rejected,
      List<StageStats> stages,
      long written,
      long writtenBytes,
      long copies,
      long idsChecked,
      long duplicateIds,
      String duplicateIdExample) {
    ShardStats {
      // A marker written before ids were checked has none.
      duplicateIdExample = duplicateIdExample == null ? "" : duplicateIdExample;
    }
  }

  private PipelineResult process(
      BufferAllocator allocator,
      ExecutorService pool,
      int firstSequential,
      Path state,
      Claim claim,
      Map<String, Double> thresholds)
      throws IOException {
    Totals totals = new Totals();
    IdCheck idCheck = checkIds ? new IdCheck() : null;
    List<ShardManifest.Shard> manifest = new ArrayList<>();
    long totalBytes = 0;
    for (Path p : inputs) {
      totalBytes += Files.size(p);
    }
    long doneBytes = 0;
    long doneRecords = 0;
    DocumentWriter single = null;
    RejectsFile singleRejects = null;
    if (outputFile != null) {
      single =
          outputFormat == null
              ? Formats.openWriter(outputFile)
              : Formats.get(outputFormat).openWriter(outputFile);
    }
    boolean ok = false;
    try {
      if (state != null) {
        checkReportParts(state);
      }
      for (int k = 0; k < inputs.size(); k++) {
        Path input = inputs.get(k);
        String part = part(k);
        if (state != null) {
          Path marker = state.resolve(part + ".done.json");
          if (isDone(state, part)) {
            ShardStats s = JSON.readValue(marker.toFile(), ShardStats.class);
            if (!s.input.equals(input.toString())) {
              throw new DataException(
                  marker
                      + " belongs to input "
                      + s.input
                      + ", not "
                      + input
                      + "; refusing to resume");
            }
            loadKeys(state, part);
            if (idCheck != null) {
              idCheck.reload(state.resolve(part + ".ids.bin"));
            }
            for (int i = 0; i < stages.size(); i++) {
              stages.get(i).reloadShard(state, part, i);
            }
            totals.add(s);
            manifest.add(shardEntry(part, s.written));
            totals.skipped++;
            doneBytes += Files.size(input);
            doneRecords += s.records;
            continue;
          }
        }
        DocumentWriter out;
        DocumentWriter removed = null;
        RejectsFile rejects;
        if (single != null) {
          out = single;
          if (singleRejects == null) {
            singleRejects = RejectsFile.create(rejectsOf(outputFile));
          }
          rejects = singleRejects;
        } else {
          Files.createDirectories(outputDir);
          out = Formats.openWriter(outputDir.resolve(part + suffix));
          if (keepRemoved) {
            Files.createDirectories(outputDir.resolve("_removed"));
            removed = Formats.openWriter(outputDir.resolve("_removed").resolve(part + suffix));
          }
          Files.createDirectories(outputDir.resolve("_rejects"));
          rejects = RejectsFile.create(outputDir.resolve("_rejects").resolve(part + ".jsonl"));
        }
        stages.forEach(Stage::startShard);
        if (idCheck != null) {
          idCheck.startShard();
        }
        ShardStats s;
        try {
          s =
              processShard(
                  input,
                  idCheck,
                  allocator,
                  pool,
                  firstSequential,
                  out,
                  removed,
                  rejects,
                  doneRecords,
                  doneBytes,
                  totalBytes);
          if (single == null) {
            claim.claim(); // before the shard is renamed into place
            out.close();
            if (removed != null) {
              removed.close();
            }
            rejects.close();
          }
        } catch (RuntimeException | Error e) {
          if (single == null) {
            out.abort();
            if (removed != null) {
              removed.abort();
            }
            // The rejects of a failed shard are rewritten when it is redone.
            rejects.close();
          }
          throw e;
        }
        if (state != null) {
          saveKeys(state, part);
          if (idCheck != null) {
            idCheck.save(state.resolve(part + ".ids.bin"));
          }
        }
        for (int i = 0; i < stages.size(); i++) {
          stages.get(i).commitShard(state, part, i);
        }
        if (state != null) {
          writeAtomically(state.resolve(part + ".done.json"), JSON.writeValueAsBytes(s));
        }
        totals.add(s);
        if (single == null) {
          manifest.add(shardEntry(part, s.written));
        }
        doneBytes += Files.size(input);
        doneRecords += s.records;
      }
      ok = true;
    } finally {
      if (single != null) {
        if (ok) {
          single.close();
        } else {
          single.abort();
        }
      }
      if (singleRejects != null) {
        // As the output file: a failed run leaves an earlier run's rejects file as it was, not
        // this run's partial one beside that run's output.
        if (ok) {
          singleRejects.close();
        } else {
          singleRejects.discard();
        }
      }
    }
    List<StageStats> list = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      Stage st = stages.get(i);
      list.add(
          totals.stats[i] == null
              ? new StageStats(st.name, st.kind, 0, 0, 0, 0, Map.of())
              : totals.stats[i]);
    }
    PipelineResult result =
        new PipelineResult(
            totals.records,
            totals.rejected,
            list,
            totals.written,
            totals.writtenBytes,
            totals.copies,
            totals.skipped,
            thresholds,
            totals.idsChecked,
            totals.duplicateIds,
            totals.duplicateIdExample);
    if (outputDir != null) {
      writeAtomically(outputDir.resolve("stats.json"), JSON.writeValueAsBytes(result));
      for (Stage st : stages) {
        if (st instanceof Stages.Decon) {
          writeAtomically(
              outputDir.resolve("decontamination-" + st.name + ".json"),
              ((Stages.Decon) st).report.toJson().getBytes(StandardCharsets.UTF_8));
        }
      }
      // Written last: its presence says the whole output is complete and checksummed.
      new ShardManifest(manifest).write(outputDir);
    }
    return result;
  }

  private ShardManifest.Shard shardEntry(String part, long documents) throws IOException {
    Path file = outputDir.resolve(part + suffix);
    return new ShardManifest.Shard(
        file.getFileName().toString(), documents, Files.size(file), Files2.sha256(file));
  }

  private ShardStats processShard(
      Path input,
      IdCheck idCheck,
      BufferAllocator allocator,
      ExecutorService pool,
      int firstSequential,
      DocumentWriter out,
      DocumentWriter removed,
      RejectsFile rejects,
      long doneRecords,
      long doneBytes,
      long totalBytes) {
    StageStats[] stats = new StageStats[stages.size()];
    long records = 0;
    long written = 0;
    long writtenBytes = 0;
    long copies = 0;
    long rejectedBefore = rejects.total();
    Map<String, Long> rejectedCounts = new TreeMap<>();
    RejectSink sink =
        r -> {
          rejects.reject(r);
          rejectedCounts.merge(r.reason(), 1L, Long::sum);
        };
    try (DocumentReader reader = Formats.openReader(input, inputOptions.get(input))) {
      ArrayDeque<Future<Work>> inflight = new ArrayDeque<>();
      boolean more = true;
      while (more || !inflight.isEmpty()) {
        while (more && inflight.size() < 2 * threads) {
          Work w = readBatch(reader, allocator, sink);
          if (w == null) {
            more = false;
            break;
          }
          if (idCheck != null) {
            idCheck.add(w.root); // here, before any stage: input order, ids as read
          }
          inflight.add(
              pool.submit(
                  () -> {
                    try {
                      runStages(w, 0, firstSequential, allocator);
                      return w;
                    } catch (RuntimeException | Error e) {
                      w.close();
                      throw e;
                    }
                  }));
        }
        if (inflight.isEmpty()) {
          break;
        }
        try (Work w = take(inflight.poll(), inflight)) {
          runStages(w, firstSequential, stages.size(), allocator);
          for (int s = 0; s < stages.size(); s++) {
            if (stages.get(s) instanceof Stages.Decon) {
              ((Stages.Decon) stages.get(s)).record(w, s);
            }
            stats[s] = stats[s] == null ? w.stats[s] : stats[s].plus(w.stats[s]);
          }
          records += w.records;
          long[] wrote = write(w, out, removed, allocator);
          written += wrote[0];
          writtenBytes += wrote[1];
          copies += w.rows() - w.readerRows;
          if (listener != null) {
            listener.progress(doneRecords + records, doneBytes + w.bytesRead, totalBytes);
          }
        }
      }
    }
    List<StageStats> list = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      Stage st = stages.get(i);
      list.add(
          stats[i] == null ? new StageStats(st.name, st.kind, 0, 0, 0, 0, Map.of()) : stats[i]);
    }
    if (rejects.total() - rejectedBefore != sum(rejectedCounts)) {
      throw new IllegalStateException("reject count mismatch");
    }
    return new ShardStats(
        input.toString(),
        records,
        rejectedCounts,
        list,
        written,
        writtenBytes,
        copies,
        idCheck == null ? 0 : idCheck.shardChecked(),
        idCheck == null ? 0 : idCheck.shardDuplicates(),
        idCheck == null ? "" : idCheck.shardExample());
  }

  private static long sum(Map<String, Long> m) {
    long n = 0;
    for (long v : m.values()) {
      n += v;
    }
    return n;
  }

  private long[] write(
      Work w, DocumentWriter out, DocumentWriter removed, BufferAllocator allocator) {
    List<Integer> kept = Work.indexes(w.alive, true, w.rows());
    byte[] keptLineage = lineage(stages.size(), null);
    VarCharVector earlier = (VarCharVector) w.root.getVector(DocumentBatch.LINEAGE);
    long bytes = 0;
    if (!kept.isEmpty()) {
      int[] rows = new int[kept.size()];
      byte[][] lin = new byte[rows.length][];
      for (int r = 0; r < rows.length; r++) {
        rows[r] = kept.get(r);
        lin[r] = appendLineage(earlier, rows[r], keptLineage);
        bytes += w.textBytes(rows[r]);
      }
      try (VectorSchemaRoot root = Work.copyRows(w.root, rows, null, lin, allocator)) {
        out.write(root);
      }
    }
    if (removed != null) {
      List<Integer> dead = Work.indexes(w.alive, false, w.rows());
      if (!dead.isEmpty()) {
        int[] rows = new int[dead.size()];
        byte[][] lin = new byte[rows.length][];
        for (int r = 0; r < rows.length; r++) {
          rows[r] = dead.get(r);
          lin[r] = appendLineage(earlier, rows[r], lineage(w.diedAt[rows[r]], w.reason[rows[r]]));
        }
        try (VectorSchemaRoot root = Work.copyRows(w.root, rows, null, lin, allocator)) {
          removed.write(root);
        }
      }
    }
    return new long[] {kept.size(), bytes};
  }

  /** A JSON array of the stages passed, then {@code "stage: reason"} when removed there. */
  private byte[] lineage(int upTo, String reason) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < upTo; i++) {
      sb.append(i == 0 ? "" : ",").append(quote(stages.get(i).name));
    }
    if (reason != null) {
      sb.append(upTo == 0 ? "" : ",").append(quote(stages.get(upTo).name + ": removed: " + reason));
    }
    return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * This run's lineage entries after those the document came with, so that a curated document still
   * says where it came from (a synthesized one, say, the synthesizer and its parent).
   *
   * @param earlier the batch's lineage column, as the reader filled it; may be null
   * @param row the document's row
   * @param ours this run's entries, a JSON array
   * @return a JSON array: the earlier entries, then this run's
   */
  static byte[] appendLineage(VarCharVector earlier, int row, byte[] ours) {
    if (earlier == null || earlier.isNull(row)) {
      return ours;
    }
    ArrayNode out = Lineage.entries(earlier.get(row));
    try {
      for (JsonNode e : JSON.readTree(ours)) {
        out.add(e);
      }
      return COMPACT.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void saveKeys(Path state, String part) throws IOException {
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i) instanceof Stages.Dedup) {
        Deduplicator d = ((Stages.Dedup) stages.get(i)).dedup;
        Path file = state.resolve(part + ".keys-" + i + ".bin");
        try (OutputStream os = Files.newOutputStream(Files2.temporary(file));
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
          d.writeNewKeys(out);
        }
        Files2.moveIntoPlace(file);
      }
    }
  }

  private void loadKeys(Path state, String part) throws IOException {
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i) instanceof Stages.Dedup) {
        Deduplicator d = ((Stages.Dedup) stages.get(i)).dedup;
        Path file = state.resolve(part + ".keys-" + i + ".bin");
        try (InputStream is = Files.newInputStream(file);
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
          d.readKeys(in);
        } catch (IOException e) {
          throw new DataException(
              file
                  + ": cannot reload deduplication keys ("
                  + e.getMessage()
                  + "); delete "
                  + state.resolve(part + ".done.json")
                  + " to redo that shard",
              e);
        }
      }
    }
  }

  /**
   * Refuses a resume where done shards lack a decontamination stage's saved part, listing them all
   * (a folder written before parts were saved lacks every one): found shard by shard, each would
   * cost the user another run.
   */
  private void checkReportParts(Path state) {
    List<String> markers = new ArrayList<>();
    for (int k = 0; k < inputs.size(); k++) {
      String part = part(k);
      if (!isDone(state, part)) {
        continue;
      }
      Path marker = state.resolve(part + ".done.json");
      for (int i = 0; i < stages.size(); i++) {
        if (stages.get(i).lacksShardState(state, part, i)) {
          markers.add(marker.toString());
          break;
        }
      }
    }
    if (!markers.isEmpty()) {
      throw new DataException(
          outputDir
              + ": "
              + markers.size()
              + (markers.size() == 1 ? " done shard lacks" : " done shards lack")
              + " the decontamination findings a resume needs for its report (a folder written"
              + " before they were saved lacks them all); delete "
              + (markers.size() == 1 ? "its marker" : "their markers")
              + " to redo "
              + (markers.size() == 1 ? "it" : "them")
              + ", or remove the folder: "
              + String.join(" ", markers));
    }
  }

  private static Map<String, Object> readJsonMap(Path file) throws IOException {
    Map<String, Object> m = new TreeMap<>();
    JSON.readTree(file.toFile())
        .properties()
        .forEach(e -> m.put(e.getKey(), e.getValue().numberValue()));
    return m;
  }

  /** The name of input {@code k}'s shard, without the format's suffix. */
  private static String part(int k) {
    return String.format(java.util.Locale.ROOT, "part-%05d", k);
  }

  /** Whether a shard was committed: its marker and its output are in place. */
  private boolean isDone(Path state, String part) {
    return Files.exists(state.resolve(part + ".done.json"))
        && Files.exists(outputDir.resolve(part + suffix));
  }

  static void writeAtomically(Path file, byte[] data) throws IOException {
    Files.write(Files2.temporary(file), data);
    Files2.moveIntoPlace(file);
  }

  /** Builds a {@link Pipeline}. */
  public static final class Builder {
    private final List<Path> inputs = new ArrayList<>();
    private ReaderOptions readerOptions = ReaderOptions.defaults();
    private final List<Stage> stages = new ArrayList<>();
    private Path outputDir;
    private Path outputFile;
    private String outputFormat;
    private String suffix = ".jsonl.zst";
    private int threads = Runtime.getRuntime().availableProcessors();
    private int batchSize = 1024;
    private boolean keepRemoved;
    private PipelineListener listener;
    private long expectedDocuments = -1;
    private boolean checkIds = true;

    private Builder() {}

    /**
     * Sets how many documents to plan the deduplication and id check memory for, instead of
     * estimating it from a sample of the first input.
     *
     * @param n the number of documents the deduplication and id tables are sized and checked for,
     *     at least 0; without this call the pipeline reads the first 2000 or so records of the
     *     first input and scales their mean size to the size of all inputs, plus 10%. Unused
     *     without a deduplication stage when {@link #checkIds} is off
     * @return this builder
     * @throws DataException if {@code n} is negative
     */
    public Builder expectedDocuments(long n) {
      if (n < 0) {
        throw new DataException("expected documents must be at least 0, got " + n);
      }
      this.expectedDocuments = n;
      return this;
    }

    /**
     * Turns the check for repeated ids on (the default) or off.
     *
     * @param check true to count documents whose id an earlier input document of the run had (in
     *     {@link PipelineResult#duplicateIds()}, with an example), from a 64-bit hash of each id
     *     held in memory: 11 to 23 bytes an id (100 million ids: 2 GiB, a billion: 16 GiB), counted
     *     in the memory check before the run; false to skip it
     * @return this builder
     */
    public Builder checkIds(boolean check) {
      this.checkIds = check;
      return this;
    }

    /**
     * Adds input files, read in the order given.
     *
     * @param files the files, each in a format {@link Formats} reads by its name; added after those
     *     of earlier calls, and input {@code k} of them all becomes output shard {@code
     *     part-0000k}. Whether they exist is checked by {@link #build}
     * @return this builder
     */
    public Builder inputs(List<Path> files) {
      // Checked before any is added, so a refused call leaves the builder as it was.
      inputs.addAll(Args.noNulls(files, "inputs", "file"));
      return this;
    }

    /**
     * Sets how records map to documents.
     *
     * @param options the fields to read and the readers' limits, for every input; {@link
     *     ReaderOptions#defaults()} unless set
     * @return this builder
     */
    public Builder readerOptions(ReaderOptions options) {
      this.readerOptions = Objects.requireNonNull(options, "readerOptions: options is null");
      return this;
    }

    /**
     * Adds a stage that scores documents with raters.
     *
     * @param raters the raters, whose outputs become {@code score.<id>.<output>} columns that later
     *     stages select on; the stage is named {@code rate:} and their ids joined by commas, so two
     *     rate stages with the same raters are refused by {@link #build}
     * @return this builder
     */
    public Builder rate(Rater... raters) {
      Objects.requireNonNull(raters, "rate: raters is null");
      List<Rater> given = Args.noNulls(Arrays.asList(raters), "rate", "rater");
      List<String> ids = new ArrayList<>();
      for (Rater r : given) {
        ids.add(r.id());
      }
      stages.add(new Stages.Rate("rate:" + String.join(",", ids), given));
      return this;
    }

    /**
     * Adds a stage that modifies documents' text at this point of the pipeline; add it before the
     * first deduplication, since one added after runs on one thread and that deduplication saw the
     * old text.
     *
     * @param modifiers the modifiers, applied in order to each document's text; one that removes
     *     the document, or leaves its text blank, removes it with the reason {@code <id>: <why>}.
     *     The stage is named {@code modify:} and their ids joined by commas ({@code #2}, {@code #3}
     *     ... appended for later stages of the same ids); its statistics count, per modifier, the
     *     documents it changed, the lines it removed and the replacements it made
     * @return this builder
     * @throws DataException if no modifier is given or two share an id (their counts would mix)
     */
    public Builder modify(midtrain.data.modify.TextModifier... modifiers) {
      Objects.requireNonNull(modifiers, "modify: modifiers is null");
      List<midtrain.data.modify.TextModifier> given =
          Args.noNulls(Arrays.asList(modifiers), "modify", "modifier");
      if (given.isEmpty()) {
        throw new DataException("modify stage needs at least one modifier");
      }
      List<String> ids = new ArrayList<>();
      for (midtrain.data.modify.TextModifier r : given) {
        if (ids.contains(r.id())) {
          throw new DataException(
              "modify stage: modifier '" + r.id() + "' is given twice; use one, or two stages");
        }
        ids.add(r.id());
      }
      // Stage names must differ, and a modify stage has no name of its own to set: a second stage
      // of the same modifiers (which the message above suggests) is numbered.
      String base = "modify:" + String.join(",", ids);
      String name = base;
      for (int n = 2; named(name); n++) {
        name = base + "#" + n;
      }
      stages.add(new Stages.ModifyText(name, given));
      return this;
    }

    private boolean named(String name) {
      for (Stage s : stages) {
        if (s.name.equals(name)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Adds a stage keeping documents a selection accepts; removed ones get the stage name.
     *
     * @param name the stage's name, unique among the pipeline's stages; the reason given to the
     *     documents it removes, and its name in {@code stats.json}
     * @param selection the condition a document must meet to be kept, over its source, domain and
     *     lang and the score columns earlier stages add or the input carries ({@link #build} checks
     *     that each score column has one of the two)
     * @return this builder
     */
    public Builder filter(String name, Selection selection) {
      given("filter", name, "selection", selection);
      stages.add(new Stages.Filter(name, selection));
      return this;
    }

    /**
     * Adds a stage keeping documents a rule rater passed ({@code score.<id>.pass == 1}); removed
     * ones get the rule they failed. An earlier stage must rate with it, or the input carry its
     * scores.
     *
     * @param rater the rule rater whose {@code pass} output decides; the stage is named {@code
     *     pass:<id>}
     * @return this builder
     * @throws DataException if the rater has no {@code pass} output
     */
    public Builder filterPassing(Rater rater) {
      Objects.requireNonNull(rater, "filterPassing: rater is null");
      stages.add(new Stages.Verdict("pass:" + rater.id(), rater));
      return this;
    }

    /**
     * Adds a stage keeping documents whose {@code score.<id>.pass} the input carries as 1 (rated in
     * an earlier run); removed ones get the rater id as the reason.
     */
    Builder filterPassingFromInput(String raterId) {
      return filterPassing(Stages.carried(raterId));
    }

    /**
     * Adds a stage keeping a fraction of documents by score over the whole input.
     *
     * @param name the stage's name, unique among the pipeline's stages; the reason given to the
     *     documents it removes
     * @param quantile the score column, the fraction kept and which end of the scores is kept; the
     *     stages before it run twice, once to fix the threshold and once to select
     * @return this builder
     */
    public Builder quantile(String name, Quantile quantile) {
      given("quantile", name, "quantile", quantile);
      stages.add(new Stages.QuantileFilter(name, quantile));
      return this;
    }

    /**
     * Adds a stage sampling documents by domain or source.
     *
     * @param name the stage's name, unique among the pipeline's stages; the reason given to the
     *     documents it drops
     * @param sampler the factors per domain or per source and the seed; a factor below 1 drops
     *     documents, above 1 repeats them (copies get ids {@code <id>#1}, {@code <id>#2}, ...)
     * @return this builder
     */
    public Builder sample(String name, Sampler sampler) {
      given("sample", name, "sampler", sampler);
      stages.add(new Stages.Sample(name, sampler));
      return this;
    }

    /**
     * Adds a deduplication stage; each run deduplicates with an empty copy of the deduplicator
     * given, which may be given to other pipelines and stages too.
     *
     * @param name the stage's name, unique among the pipeline's stages
     * @param dedup the deduplicator to copy, holding no keys; its copies see the documents in input
     *     order and name the reason for each duplicate they remove
     * @return this builder
     * @throws DataException if the deduplicator already holds keys
     */
    public Builder dedup(String name, Deduplicator dedup) {
      given("dedup", name, "deduplicator", dedup);
      long held = dedup.keys();
      if (held > 0) {
        // Its keys would be ignored: a run starts from no keys, or those its output folder saved.
        throw new DataException(
            "dedup stage '"
                + name
                + "': the deduplicator given already holds "
                + held
                + (held == 1 ? " key" : " keys")
                + ", which a pipeline does not use (each run starts from an empty copy); give it"
                + " a new one, e.g. Dedup.exact()");
      }
      stages.add(new Stages.Dedup(name, dedup));
      return this;
    }

    /**
     * Adds a decontamination stage (report, drop or hybrid mode).
     *
     * @param name the stage's name, unique among the pipeline's stages; with an output folder, its
     *     findings are written to {@code decontamination-<name>.json} there
     * @param decon the benchmark index and the mode; each run reports anew
     * @return this builder
     * @throws DataException if the decontaminator's mode is janitor, which cuts documents into
     *     pieces and runs only with {@code midtrain decontaminate}
     */
    public Builder decontaminate(String name, Decontaminator decon) {
      given("decontaminate", name, "decontaminator", decon);
      stages.add(new Stages.Decon(name, decon));
      return this;
    }

    /**
     * Writes one shard per input into a directory, resumably; refused after {@link #outputFile}.
     *
     * @param dir the folder, created when the run starts if missing; it holds the shards, {@code
     *     _state/}, {@code _rejects/}, {@code stats.json} and {@code manifest.json}
     * @param fileSuffix the suffix of every shard's file name, which picks its format ({@code
     *     .jsonl.zst} unless set; {@link #build} refuses one no format writes)
     * @return this builder
     * @throws DataException if {@link #outputFile} was set already
     */
    public Builder outputDir(Path dir, String fileSuffix) {
      Objects.requireNonNull(dir, "outputDir: dir is null");
      Objects.requireNonNull(fileSuffix, "outputDir: fileSuffix is null");
      if (outputFile != null) {
        throw bothOutputs("outputFile(" + outputFile + ")", "outputDir(" + dir + ")");
      }
      this.outputDir = dir;
      this.suffix = fileSuffix;
      return this;
    }

    /**
     * Writes everything into one file, anew on every run (not resumable), and the readers' rejects
     * into {@code <file>.rejects.jsonl} beside it; removed documents are only counted. Refused
     * after {@link #outputDir}.
     *
     * @param file the file, replaced when the run ends; its format is the one its name's suffix
     *     picks
     * @return this builder
     * @throws DataException if {@link #outputDir} was set already
     */
    public Builder outputFile(Path file) {
      Objects.requireNonNull(file, "outputFile: file is null");
      if (outputDir != null) {
        throw bothOutputs("outputDir(" + outputDir + ")", "outputFile(" + file + ")");
      }
      this.outputFile = file;
      this.outputFormat = null;
      return this;
    }

    /**
     * Writes everything into one file of a named format, whatever its file name says.
     *
     * @param file the file, replaced when the run ends, as with {@link #outputFile(Path)}
     * @param formatId the id of a format that can write, such as {@code jsonl} or {@code arrow}
     * @return this builder
     * @throws DataException if no format has that id, if it cannot write, or if {@link #outputDir}
     *     was set already; a refused format leaves the builder as it was
     */
    public Builder outputFile(Path file, String formatId) {
      // Checked first, so that a refused format leaves the builder as it was.
      if (!Formats.get(formatId).canWrite()) {
        throw new DataException("format '" + formatId + "' cannot be written");
      }
      outputFile(file);
      this.outputFormat = formatId;
      return this;
    }

    /**
     * Fails on a stage's null name or argument where it is given; found later, at build or run, it
     * failed with the text of an internal NullPointerException.
     */
    private static void given(String stage, String name, String argument, Object value) {
      if (name == null) {
        throw new NullPointerException(stage + ": name is null");
      }
      if (value == null) {
        throw new NullPointerException(stage + " '" + name + "': " + argument + " is null");
      }
    }

    /**
     * The refusal of a second kind of output: the last one set would win without a word, where a
     * configuration file giving both is refused.
     */
    private static DataException bothOutputs(String first, String second) {
      return new DataException(
          "pipeline output set twice, "
              + first
              + " and then "
              + second
              + "; a pipeline writes one file or one folder: set only one");
    }

    /**
     * Sets the worker threads (default: all cores).
     *
     * @param n the number of threads running the stages before the first deduplication, at least 1;
     *     up to {@code 2 x n} batches are in flight. The output does not depend on it
     * @return this builder
     * @throws DataException if {@code n} is less than 1
     */
    public Builder threads(int n) {
      if (n < 1) {
        throw new DataException("threads must be at least 1, got " + n);
      }
      this.threads = n;
      return this;
    }

    /**
     * Sets documents per batch (default 1024).
     *
     * @param n the most records read into one batch, at least 1; larger batches take more memory
     *     per batch in flight
     * @return this builder
     * @throws DataException if {@code n} is less than 1
     */
    public Builder batchSize(int n) {
      if (n < 1) {
        throw new DataException("batch size must be at least 1, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /**
     * Also writes removed documents, with their lineage, under the output folder's {@code
     * _removed/} (an output file has no such place: there they are only counted).
     *
     * @param keep true to write removed documents too; false (the default) only counts them
     * @return this builder
     */
    public Builder keepRemoved(boolean keep) {
      this.keepRemoved = keep;
      return this;
    }

    /**
     * Receives progress.
     *
     * @param l the listener, called after each written batch on the thread that writes the output;
     *     without one, progress goes unreported
     * @return this builder
     */
    public Builder listener(PipelineListener l) {
      this.listener = Objects.requireNonNull(l, "listener: listener is null");
      return this;
    }

    /**
     * Builds the pipeline, checking that it has inputs and an output.
     *
     * @return the pipeline, which may be run more than once (see {@link Pipeline#run})
     * @throws DataException if there are no inputs or no output, two stages share a name, an input
     *     is missing, has no format or is the output (or a file of the output folder), or a stage
     *     reads a score column that no earlier stage adds and a non-empty input does not carry
     */
    public Pipeline build() {
      if (inputs.isEmpty()) {
        throw new DataException("pipeline has no input files");
      }
      if (outputDir == null && outputFile == null) {
        throw new DataException("pipeline has no output: set outputDir or outputFile");
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      for (Stage s : stages) {
        if (!names.add(s.name)) {
          throw new DataException(
              "two pipeline stages are named '" + s.name + "'; name them apart");
        }
      }
      Path outFile = outputFile == null ? null : outputFile.toAbsolutePath().normalize();
      Path outDir = outputDir == null ? null : outputDir.toAbsolutePath().normalize();
      for (Path p : inputs) {
        Formats.forPath(p);
        if (!Files.isRegularFile(p)) {
          throw new DataException(p + ": input file not found");
        }
        // The output replaces its file (or the folder's shards) at the end: the input would be lost
        // or, read again by a later run of a folder, doubled.
        Path abs = p.toAbsolutePath().normalize();
        if (abs.equals(outFile)) {
          throw new DataException(
              p + " is both an input and the output file; write the output elsewhere");
        }
        if (outFile != null && abs.equals(rejectsOf(outFile))) {
          // A glob or folder that takes in the output's rejects would count them again each run.
          throw new DataException(
              p
                  + " is the output's rejects file, an input too (a glob or folder may take it"
                  + " in); narrow the inputs or write the output elsewhere");
        }
        if (outDir != null && isOutputOf(abs, outDir)) {
          throw new DataException(
              p
                  + " is an input and a file of the output folder "
                  + outputDir
                  + "; write elsewhere");
        }
      }
      if (outputDir != null) {
        Formats.forPath(Path.of("x" + suffix));
      }
      checkColumns();
      return new Pipeline(this);
    }

    /** Whether a file is one the run writes in its output folder: a shard, rejects, removed. */
    private static boolean isOutputOf(Path file, Path dir) {
      Path parent = file.getParent();
      return parent != null
          && (parent.equals(dir) && file.getFileName().toString().startsWith("part-")
              || parent.equals(dir.resolve("_removed"))
              || parent.equals(dir.resolve("_rejects")));
    }

    /**
     * Fails, naming the stage and column, when a stage reads a column that no earlier stage adds
     * and an input does not carry, so a run never stops at its first batch for it.
     */
    private void checkColumns() {
      java.util.Set<String> have = new java.util.HashSet<>();
      for (org.apache.arrow.vector.types.pojo.Field f : DocumentBatch.schema().getFields()) {
        have.add(f.getName());
      }
      // Columns read before any stage adds them, each with the first stage that reads it.
      Map<String, Stage> fromInput = new LinkedHashMap<>();
      for (Stage s : stages) {
        for (String c : s.reads()) {
          if (!have.contains(c)) {
            fromInput.putIfAbsent(c, s);
          }
        }
        have.addAll(s.adds());
      }
      if (fromInput.isEmpty()) {
        return;
      }
      for (Path p : inputs) {
        try (DocumentReader r = Formats.openReader(p, readerOptions)) {
          List<String> carried = r.scoreColumns();
          for (Map.Entry<String, Stage> e : fromInput.entrySet()) {
            if (carried.contains(e.getKey())) {
              continue;
            }
            if (!hasDocument(r)) {
              break;
            }
            throw new DataException(
                e.getValue().label()
                    + " reads column '"
                    + e.getKey()
                    + "', which no earlier stage adds and input "
                    + p
                    + " does not carry (its score columns: "
                    + carried
                    + "); add the rate stage that makes it before this one");
          }
        }
      }
    }

    /** Whether a reader yields a document; an empty input lacks no column. */
    private static boolean hasDocument(DocumentReader r) {
      try (BufferAllocator a = new RootAllocator();
          VectorSchemaRoot root = DocumentBatch.create(a)) {
        return r.read(root, 1, x -> {}) > 0;
      }
    }
  }
}
