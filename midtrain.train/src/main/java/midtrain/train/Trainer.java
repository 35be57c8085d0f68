package midtrain.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import midtrain.sched.LearningRateSchedule;

/**
 * The training loop: next-token prediction with AdamW, LR schedule, gradient accumulation and
 * global-norm clipping, checkpoints every N steps, a JSONL metrics log, a NaN stop and an optional
 * outlier-skip policy.
 *
 * <p>Everything a step does is a function of the model, the optimizer state and {@code (step,
 * micro)} batches, so a run resumed from a checkpoint continues bit for bit (on CPU) as if it had
 * never stopped.
 */
public final class Trainer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The trainer-state key of the outlier policy's recent losses, oldest first. */
  static final String OUTLIER_WINDOW = "outlier_window";

  /** Receives one call per finished step, for progress bars. */
  public interface StepListener {
    /**
     * Called after each step.
     *
     * @param metrics the step's metrics line
     */
    void onStep(StepMetrics metrics);
  }

  /**
   * What one step did.
   *
   * @param step the optimizer step (0-based)
   * @param loss mean loss over its micro-batches
   * @param lr the learning rate used
   * @param gradNorm the global gradient norm before clipping
   * @param tokens tokens that carried a loss
   * @param tokensPerSecond throughput of this step
   * @param skipped true when the outlier policy skipped the update
   * @param tokensBySource tokens of this step per data source
   */
  public record StepMetrics(
      long step,
      double loss,
      double lr,
      double gradNorm,
      long tokens,
      double tokensPerSecond,
      boolean skipped,
      Map<String, Long> tokensBySource) {}

  private final LlamaModel model;
  private final BatchSource data;
  private final LearningRateSchedule schedule;
  private final Builder cfg;
  private final AdamW optimizer;
  private final List<LlamaModel> replicas = new ArrayList<>();
  private final List<NDManager> replicaManagers = new ArrayList<>();
  private final long startStep;
  private long nextStep;
  private final Deque<Double> window = new ArrayDeque<>();
  private Path lastCheckpoint;
  private final int droppedMetricLines;

  private Trainer(Builder b) {
    // A newer checkpoint would stop the run when it reaches that step; say so before any step.
    long start = b.resume == null ? 0 : b.resume.step();
    for (Path p : TrainingCheckpoint.list(b.runDir)) {
      if (TrainingCheckpoint.stepOf(p) > start) {
        throw new TrainException(
            b.runDir
                + " already holds "
                + p.getFileName()
                + ", beyond step "
                + start
                + " where this run starts; resume from the newest checkpoint or use another"
                + " directory");
      }
    }
    if (b.resume != null) {
      requireFloat32(b.resume.dir());
    }
    this.model = b.model;
    this.data = b.data;
    this.schedule = b.schedule;
    this.cfg = b;
    this.optimizer =
        new AdamW(model.parameters(), b.beta1, b.beta2, b.eps, b.weightDecay, model.manager());
    if (b.resume != null) {
      Object fp = b.resume.state().get("data_fingerprint");
      if (!data.fingerprint().equals(fp) && !b.allowChangedData) {
        optimizer.close();
        throw new TrainException(
            "checkpoint "
                + b.resume.dir()
                + " was trained on data "
                + fp
                + " but the data now is "
                + data.fingerprint()
                + ": refusing to resume on changed data (override to allow)");
      }
      try {
        b.resume.restoreOptimizer(optimizer);
        restoreWindow(b.resume);
      } catch (RuntimeException e) {
        optimizer.close();
        throw e;
      }
      this.startStep = b.resume.step();
      this.lastCheckpoint = b.resume.dir();
    } else {
      this.startStep = 0;
    }
    this.nextStep = startStep;
    this.droppedMetricLines = keepMetricsBefore(b.runDir.resolve("metrics.jsonl"), startStep);
    // Data parallelism: one replica per extra device, refreshed from the master after each update.
    for (int d = 1; d < b.devices.size(); d++) {
      NDManager dm = NDManager.newBaseManager(b.devices.get(d));
      replicaManagers.add(dm);
      replicas.add(LlamaModel.of(model.config(), model.weights(), dm));
    }
  }

  /**
   * Starts configuring a run.
   *
   * @param model the model to train (its parameters are updated in place)
   * @param data the batches
   * @param schedule the learning rate per step
   * @param runDir where checkpoints and metrics go
   * @return a builder
   */
  public static Builder builder(
      LlamaModel model, BatchSource data, LearningRateSchedule schedule, Path runDir) {
    return new Builder(model, data, schedule, runDir);
  }

  /**
   * Returns the step the run starts from (0, or the resumed checkpoint's).
   *
   * @return the first step to run
   */
  public long startStep() {
    return startStep;
  }

  /**
   * Returns how many lines of an existing {@code metrics.jsonl} were dropped because they log steps
   * this run takes again (from {@link #startStep} on), or were not metrics lines.
   *
   * @return the lines dropped when the trainer was built
   */
  public int droppedMetricLines() {
    return droppedMetricLines;
  }

  /**
   * Returns the next step to run.
   *
   * @return the number of steps taken so far
   */
  public long nextStep() {
    return nextStep;
  }

  /**
   * Trains until {@code totalSteps} optimizer steps have been taken; call again with a larger
   * target to continue (for example after switching to a long-context stage), the optimizer state
   * carrying over. A checkpoint is written at every {@code checkpointEvery} steps and at the
   * target.
   *
   * @param totalSteps the step count to reach
   * @return the metrics of the last step, or null when no step ran
   * @throws TrainException if a step's loss is not finite (naming the last good checkpoint), or the
   *     run directory, its {@code metrics.jsonl} or a checkpoint cannot be written
   */
  public StepMetrics train(long totalSteps) {
    StepMetrics last = null;
    try {
      Files.createDirectories(cfg.runDir);
    } catch (IOException e) {
      throw new TrainException("cannot create " + cfg.runDir + ": " + e.getMessage(), e);
    }
    try (BufferedWriter log =
        Files.newBufferedWriter(
            cfg.runDir.resolve("metrics.jsonl"),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      for (long step = nextStep; step < totalSteps; step++) {
        last = step(step);
        nextStep = step + 1;
        log.write(line(last));
        log.newLine();
        log.flush();
        if (cfg.listener != null) {
          cfg.listener.onStep(last);
        }
        long done = step + 1;
        if (done % cfg.checkpointEvery == 0 || done == totalSteps) {
          Map<String, Object> state = new LinkedHashMap<>();
          state.put("data_fingerprint", data.fingerprint());
          state.put("lr", schedule.lr(done));
          // The outlier policy's memory: without it a resumed run judges its first steps against
          // an empty window and takes updates the uninterrupted run would have skipped.
          state.put(OUTLIER_WINDOW, new ArrayList<>(window));
          lastCheckpoint =
              TrainingCheckpoint.save(
                      cfg.runDir,
                      done,
                      model,
                      optimizer,
                      state,
                      cfg.checkpointOptions,
                      modelFilesNow())
                  .dir();
          TrainingCheckpoint.prune(cfg.runDir, cfg.keepLast);
        }
      }
    } catch (IOException e) {
      throw new TrainException("cannot write " + cfg.runDir.resolve("metrics.jsonl") + ": " + e, e);
    }
    return last;
  }

  /**
   * Writes the model as trained so far as a standalone Hugging Face model directory: the weights in
   * the options' dtype and shards, {@code config.json}, the tokenizer and generation files of the
   * {@link Builder#modelFiles} directory and a {@code manifest.json}, replacing an earlier export
   * of that name. Checkpoints stay float32; this is the copy to publish or evaluate.
   *
   * @param target the directory to write
   * @param options the dtype (bfloat16 or float16 round to nearest, ties to even) and shard limit
   * @throws TrainException as {@link HfCheckpoint#export} fails
   */
  public void exportModel(Path target, SaveOptions options) {
    HfCheckpoint.export(target, model.config(), model.weights(), options, modelFilesNow());
  }

  /**
   * Where a checkpoint's or export's tokenizer and generation files come from: the configured
   * directories, then the newest checkpoint, whose copies win. The checkpoint a run resumed from is
   * pruned in time, and without the newest one its files would silently give way to the base's
   * (which may have changed since), so one run's checkpoints would carry different tokenizers.
   */
  private List<Path> modelFilesNow() {
    if (lastCheckpoint == null || cfg.modelFiles.isEmpty()) {
      return cfg.modelFiles;
    }
    List<Path> from = new ArrayList<>(cfg.modelFiles);
    from.add(lastCheckpoint);
    return from;
  }

  /**
   * Refuses to resume from weights that are not float32: rounded weights would continue another run
   * than the one that wrote the optimizer state, so the resume could not be exact.
   */
  private static void requireFloat32(Path dir) {
    try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
      Set<DType> dtypes = hf.dtypes();
      if (!dtypes.equals(Set.of(DType.F32))) {
        throw new TrainException(
            "checkpoint "
                + dir
                + " holds "
                + dtypes
                + " weights; resuming needs the float32 weights training checkpoints are written"
                + " with (to continue from a rounded model, start a new run with it as the base"
                + " model)");
      }
    }
  }

  /**
   * Returns the newest checkpoint written or resumed from.
   *
   * @return its directory, or null before the first
   */
  public Path lastCheckpoint() {
    return lastCheckpoint;
  }

  /** Frees the optimizer state. */
  @Override
  public void close() {
    optimizer.close();
    for (LlamaModel r : replicas) {
      r.close();
    }
    for (NDManager m : replicaManagers) {
      m.close();
    }
  }

  /**
   * Returns the number of model copies a step's micro-batches are spread over: 1 plus one replica
   * per extra device.
   *
   * @return the data-parallel width
   */
  public int dataParallel() {
    return 1 + replicas.size();
  }

  private StepMetrics step(long step) {
    long t0 = System.nanoTime();
    double lr = schedule.lr(step);
    NDManager base = model.manager();
    try (NDManager sm = base.newSubManager()) {
      double loss = 0;
      long tokens = 0;
      Map<String, Long> bySource = new TreeMap<>();
      int scheduled = data.microBatches(step);
      int accumulation = scheduled > 0 ? scheduled : cfg.accumulation;
      NDArray inv = LlamaModel.scalar(sm, 1f / accumulation);
      NDManager[] scopes = new NDManager[dataParallel()];
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.zeroGradients();
        for (int micro = 0; micro < accumulation; micro++) {
          TokenBatch b = data.batch(step, micro);
          // Micro-batch m runs on model copy m mod width: the master, then the replicas.
          int copy = micro % dataParallel();
          LlamaModel m = copy == 0 ? model : replicas.get(copy - 1);
          // One scope per model copy and step: parameters are attached to it once (attaching
          // again to a sibling scope would hand them back to an already closed one).
          if (scopes[copy] == null) {
            scopes[copy] = copy == 0 ? sm : sm.newSubManager(m.manager().getDevice());
          }
          NDManager ms = scopes[copy];
          NDArray x = ms.create(b.inputs(), new Shape(b.rows(), b.seqLen()));
          NDArray y = ms.create(b.labels(), new Shape(b.rows(), b.seqLen()));
          NDArray seg =
              b.hasSegments() && cfg.documentMasking
                  ? ms.create(b.segments(), new Shape(b.rows(), b.seqLen()))
                  : null;
          NDArray l = m.loss(x, y, seg, seg != null && cfg.resetPositions);
          loss += l.getFloat() / accumulation;
          gc.backward(l.mul(copy == 0 ? inv : LlamaModel.scalar(ms, 1f / accumulation)));
          tokens += b.trainedTokens();
          b.tokensBySource().forEach((k, v) -> bySource.merge(k, v, Long::sum));
        }
      }
      if (!Double.isFinite(loss)) {
        throw new TrainException(
            "loss is "
                + loss
                + " at step "
                + step
                + "; stopping. Last good checkpoint: "
                + (lastCheckpoint == null ? "none yet" : lastCheckpoint.toString()));
      }
      reduceGradients(sm);
      double sq = 0;
      for (NDArray p : model.parameters().values()) {
        LlamaModel.visit(p, sm);
        sq += p.getGradient().square().sum().getFloat();
      }
      double norm = Math.sqrt(sq);
      boolean skip = isOutlier(loss);
      if (!skip) {
        if (cfg.maxGradNorm > 0 && norm > cfg.maxGradNorm) {
          float scale = (float) (cfg.maxGradNorm / (norm + 1e-6));
          for (NDArray p : model.parameters().values()) {
            p.getGradient().muli(scale);
          }
        }
        optimizer.step(model.parameters(), lr, sm);
      }
      broadcastWeights();
      double secs = (System.nanoTime() - t0) / 1e9;
      return new StepMetrics(step, loss, lr, norm, tokens, tokens / secs, skip, bySource);
    }
  }

  /** Adds every replica's gradients into the master's, in replica order, then clears them. */
  private void reduceGradients(NDManager sm) {
    for (LlamaModel r : replicas) {
      Map<String, NDArray> rp = r.parameters();
      for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
        NDArray master = e.getValue();
        LlamaModel.visit(master, sm);
        NDArray g = rp.get(e.getKey()).getGradient();
        NDArray moved = g.toDevice(master.getDevice(), true);
        moved.attach(sm);
        master.getGradient().addi(moved);
        g.subi(g);
      }
    }
  }

  /** Copies the master's weights into every replica after an update. */
  private void broadcastWeights() {
    for (LlamaModel r : replicas) {
      Map<String, NDArray> rp = r.parameters();
      for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
        NDArray target = rp.get(e.getKey());
        try (NDArray moved = e.getValue().toDevice(target.getDevice(), true)) {
          // In place, so the replica's parameter keeps its identity (and its gradient buffer).
          target.subi(target).addi(moved);
        }
      }
    }
  }

  /**
   * Refills the outlier window from a checkpoint's trainer state, so that the resumed run judges
   * its next losses against the same history as the run that wrote it (a checkpoint written before
   * the window was saved starts with an empty one, as such runs always did).
   */
  private void restoreWindow(TrainingCheckpoint ck) {
    Object saved = ck.state().get(OUTLIER_WINDOW);
    if (saved == null) {
      return;
    }
    String field = ck.dir().resolve("trainer_state.json") + ": state." + OUTLIER_WINDOW;
    if (!(saved instanceof List<?> list)) {
      throw new TrainException(field + " must be a list of losses, got " + saved);
    }
    for (Object v : list) {
      if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw new TrainException(field + " holds " + v + ", not a finite loss");
      }
      window.addLast(n.doubleValue());
    }
    // A run resumed with a smaller window keeps the newest losses, as it would have.
    while (window.size() > Math.max(cfg.outlierWindow, 0)) {
      window.removeFirst();
    }
  }

  private boolean isOutlier(double loss) {
    if (cfg.outlierWindow <= 0) {
      return false;
    }
    boolean outlier = false;
    if (window.size() == cfg.outlierWindow) {
      double mean = window.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      double var = window.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / window.size();
      outlier = loss > mean + cfg.outlierSigmas * Math.sqrt(var);
    }
    if (!outlier) {
      window.addLast(loss);
      if (window.size() > cfg.outlierWindow) {
        window.removeFirst();
      }
    }
    return outlier;
  }

  /**
   * Rewrites a metrics log to the steps before {@code start}, each as last logged, so the steps a
   * run appends follow on (a resumed run would otherwise log its steps a second time). A line whose
   * step is not above the one before starts a later session's history and replaces what it repeats.
   * Written to a temporary file and renamed, so a crash leaves the old log or the new.
   */
  static int keepMetricsBefore(Path file, long start) {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> kept = new ArrayList<>();
      List<Long> steps = new ArrayList<>();
      int dropped = 0;
      for (String l : lines) {
        long step;
        try {
          com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(l);
          if (n == null || !n.path("step").canConvertToExactIntegral()) {
            dropped++;
            continue;
          }
          step = n.path("step").asLong();
        } catch (IOException e) {
          dropped++;
          continue;
        }
        while (!steps.isEmpty() && steps.get(steps.size() - 1) >= step) {
          steps.remove(steps.size() - 1);
          kept.remove(kept.size() - 1);
          dropped++;
        }
        if (step < start) {
          kept.add(l);
          steps.add(step);
        } else {
          dropped++;
        }
      }
      if (dropped > 0) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return dropped;
    } catch (IOException e) {
      throw new TrainException("cannot rewrite " + file + ": " + e.getMessage(), e);
    }
  }

  private static String line(StepMetrics m) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", m.step());
    o.put("loss", m.loss());
    o.put("lr", m.lr());
    o.put("grad_norm", m.gradNorm());
    o.put("tokens", m.tokens());
    o.put("tokens_per_s", m.tokensPerSecond());
    o.put("skipped", m.skipped());
    ObjectNode src = o.putObject("tokens_by_source");
    m.tokensBySource().forEach(src::put);
    return JSON.writeValueAsString(o);
  }

  /** Settings of a run; defaults follow common mid-training practice. */
  public static final class Builder {
    private final LlamaModel model;
    private final BatchSource data;
    private final LearningRateSchedule schedule;
    private final Path runDir;
    private int accumulation = 1;
    private double maxGradNorm = 1.0;
    private double beta1 = 0.9;
    private double beta2 = 0.95;
    private double eps = 1e-8;
    private double weightDecay = 0.1;
    private long checkpointEvery = 1000;
    private int keepLast = 3;
    private int outlierWindow;
    private double outlierSigmas = 6;
    private TrainingCheckpoint resume;
    private boolean allowChangedData;
    private StepListener listener;
    private boolean documentMasking = true;
    private List<ai.djl.Device> devices = List.of();
    private boolean resetPositions;
    private List<Path> modelFiles = List.of();
    private SaveOptions checkpointOptions = SaveOptions.DEFAULT;

    private Builder(
        LlamaModel model, BatchSource data, LearningRateSchedule schedule, Path runDir) {
      this.model = Objects.requireNonNull(model, "model");
      this.data = Objects.requireNonNull(data, "data");
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      this.runDir = Objects.requireNonNull(runDir, "runDir");
    }

    /**
     * Sets micro-batches per optimizer step.
     *
     * @param n at least 1
     * @return this builder
     * @throws TrainException if {@code n} is less than 1
     */
    public Builder accumulation(int n) {
      if (n < 1) {
        throw new TrainException("gradient accumulation must be at least 1, got " + n);
      }
      this.accumulation = n;
      return this;
    }

    /**
     * Sets the global gradient-norm clip (0 turns clipping off).
     *
     * @param max the maximum norm
     * @return this builder
     * @throws TrainException if {@code max} is negative or NaN
     */
    public Builder maxGradNorm(double max) {
      if (!(max >= 0)) {
        throw new TrainException("max_grad_norm must be >= 0, got " + max);
      }
      this.maxGradNorm = max;
      return this;
    }

    /**
     * Sets AdamW's hyper-parameters.
     *
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param eps denominator guard
     * @param weightDecay decoupled weight decay
     * @return this builder
     */
    public Builder adamw(double beta1, double beta2, double eps, double weightDecay) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      this.weightDecay = weightDecay;
      return this;
    }

    /**
     * Sets how often to checkpoint and how many checkpoints to keep.
     *
     * @param everySteps steps between checkpoints, positive
     * @param keep checkpoints kept, at least 1
     * @return this builder
     * @throws TrainException if {@code everySteps} or {@code keep} is less than 1
     */
    public Builder checkpoints(long everySteps, int keep) {
      if (everySteps < 1 || keep < 1) {
        throw new TrainException("checkpoint every and keep-last must be positive");
      }
      this.checkpointEvery = everySteps;
      this.keepLast = keep;
      return this;
    }

    /**
     * Skips updates whose loss exceeds the mean of the last {@code window} losses by {@code sigmas}
     * standard deviations.
     *
     * @param window losses remembered, 0 turns the policy off
     * @param sigmas the threshold
     * @return this builder
     */
    public Builder skipOutliers(int window, double sigmas) {
      this.outlierWindow = window;
      this.outlierSigmas = sigmas;
      return this;
    }

    /**
     * Continues from a checkpoint (whose weights the model was loaded from).
     *
     * @param checkpoint the checkpoint
     * @param allowChangedData resume even when the data's fingerprint changed
     * @return this builder
     */
    public Builder resume(TrainingCheckpoint checkpoint, boolean allowChangedData) {
      this.resume = checkpoint;
      this.allowChangedData = allowChangedData;
      return this;
    }

    /**
     * Sets a per-step listener.
     *
     * @param l the listener
     * @return this builder
     */
    public Builder listener(StepListener l) {
      this.listener = l;
      return this;
    }

    /**
     * Spreads each step's micro-batches over several devices (data parallelism on one host): the
     * model given to the builder is the master on the first device; every other device gets a
     * replica. Micro-batch {@code m} runs on device {@code m mod devices}, the gradients are summed
     * into the master in device order, the master takes the optimizer step and the replicas copy
     * its weights. The result equals one device with the same accumulation (a test checks it on CPU
     * copies); use an accumulation that is a multiple of the devices to keep them all busy.
     *
     * @param list the devices, the master's first
     * @return this builder
     * @throws TrainException if the list is empty, its first device is not the model's, or it names
     *     a GPU the engine does not see
     */
    public Builder devices(List<ai.djl.Device> list) {
      if (list.isEmpty()) {
        throw new TrainException("devices: the list is empty");
      }
      if (!list.get(0).equals(model.manager().getDevice())) {
        throw new TrainException(
            "devices: the first device must be the model's, "
                + model.manager().getDevice()
                + ", got "
                + list.get(0));
      }
      // A GPU the engine lacks fails deep in libtorch at the first replica, with a page of
      // backend names; say which one, and what the engine has, here.
      int gpus = model.manager().getEngine().getGpuCount();
      for (ai.djl.Device d : list) {
        if (d.isGpu() && d.getDeviceId() >= gpus) {
          throw new TrainException(
              "devices: "
                  + d
                  + " is not among the "
                  + gpus
                  + " GPUs the "
                  + model.manager().getEngine().getEngineName()
                  + " engine sees");
        }
      }
      this.devices = List.copyOf(list);
      return this;
    }

    /**
     * Sets whether batches that carry document boundaries are attended within each document only
     * (default true); batches without boundaries always use plain causal attention.
     *
     * @param mask true to mask across document boundaries
     * @return this builder
     */
    public Builder documentMasking(boolean mask) {
      this.documentMasking = mask;
      return this;
    }

    /**
     * Sets whether rotary positions restart at each document of a packed row (default false).
     *
     * @param reset true to restart positions
     * @return this builder
     */
    public Builder resetPositions(boolean reset) {
      this.resetPositions = reset;
      return this;
    }

    /**
     * Sets the model directories whose tokenizer and generation files ({@link
     * HfCheckpoint#copyModelFiles}) are copied into every checkpoint and export, so that each is a
     * standalone model directory: the base model, and when resuming the checkpoint resumed from
     * (whose copies, listed later, replace the base's). The newest checkpoint of the run is copied
     * from last, so later checkpoints keep those files once the one resumed from is pruned.
     *
     * @param dirs the directories; files they lack are not copied
     * @return this builder
     */
    public Builder modelFiles(List<Path> dirs) {
      this.modelFiles = List.copyOf(dirs);
      return this;
    }

    /**
     * Sets the largest safetensors file of a checkpoint's weights, past which they are written as
     * shards with an index (default: no limit, one {@code model.safetensors}).
     *
     * @param bytes at least 1
     * @return this builder
     * @throws TrainException if {@code bytes} is less than 1
     */
    public Builder maxShardBytes(long bytes) {
      this.checkpointOptions = checkpointOptions.withMaxShardBytes(bytes);
      return this;
    }

    /**
     * Builds the trainer (and its optimizer).
     *
     * @return the trainer
     * @throws TrainException if the run directory holds a checkpoint beyond the step the run starts
     *     from, the checkpoint resumed from holds weights other than float32, the AdamW settings
     *     are out of range (see {@link AdamW#AdamW}), or the checkpoint resumed from was trained on
     *     other data and {@link #resume} did not allow it, or its optimizer state does not fit the
     *     model
     */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
