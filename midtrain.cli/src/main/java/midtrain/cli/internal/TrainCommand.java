package midtrain.cli.internal;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import midtrain.data.pack.LoaderBatch;
import midtrain.data.pack.TokenLoader;
import midtrain.data.token.TokenShards;
import midtrain.rope.PositionEncodings;
import midtrain.rope.RopeException;
import midtrain.sched.BatchSizeSchedule;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.ScheduleParams;
import midtrain.sched.Schedules;
import midtrain.train.BatchSource;
import midtrain.train.HfCheckpoint;
import midtrain.train.LlamaConfig;
import midtrain.train.LlamaModel;
import midtrain.train.SaveOptions;
import midtrain.train.TokenBatch;
import midtrain.train.TrainException;
import midtrain.train.Trainer;
import midtrain.train.TrainingCheckpoint;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code midtrain train}: continues a pre-trained model on token shards, stage by stage. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Continue a pre-trained Llama-style model on token shards, as a recipe describes.",
      "Schedule, stages (e.g. anneal, then a long-context stage with YaRN), checkpoints, metrics",
      "and a loss/LR plot; --resume continues from the newest good checkpoint."
    })
public final class TrainCommand implements Callable<Integer> {
  @Option(names = "--recipe", required = true, description = "The recipe (YAML or JSON).")
  Path recipe;

  @Option(names = "--resume", description = "Continue from the newest good checkpoint.")
  boolean resume;

  @Option(
      names = "--allow-changed-data",
      description = "Resume even when the token shards changed since the checkpoint.")
  boolean allowChangedData;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Draws the bar on a terminal only: piped output gets the metrics log, not bar frames. */
  static ProgressBarBuilder quietUnlessTerminal(ProgressBarBuilder b) {
    if (System.console() == null) {
      b.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> {}));
    }
    return b;
  }

  private static boolean flag(ScheduleParams p, String key, boolean dflt) {
    Object v = p.raw(key).orElse(dflt);
    if (!(v instanceof Boolean)) {
      throw p.error(key, "must be true or false, got " + v);
    }
    return (Boolean) v;
  }

  /** One stage of the recipe. */
  record Stage(
      String name, long steps, int seqLen, Map<String, Object> ropeScaling, int maxPositions) {
    /** The max_position_embeddings its context extension sets: as given, else its seq_len. */
    int contextLength() {
      return maxPositions > 0 ? maxPositions : seqLen;
    }
  }

  @Override
  public Integer call() {
    Path base = recipe.toAbsolutePath().getParent();
    ScheduleParams r = ScheduleParams.of("recipe " + recipe, Inputs.objectFile("--recipe", recipe));
    Path modelDir = base.resolve(r.requireString("model"));
    Path out = base.resolve(r.requireString("output"));
    ScheduleParams data = r.optObject("data").orElseThrow(() -> r.error("data", "is required"));
    java.util.Optional<String> shardsKey = data.optString("shards");
    java.util.Optional<String> mixtureKey = data.optString("mixture");
    if (shardsKey.isPresent() == mixtureKey.isPresent()) {
      throw data.error("shards", "or 'mixture' (a midtrain mix output), exactly one, is required");
    }
    long seed = data.getLong("seed", 0);
    boolean documentMasking = flag(data, "document_masking", true);
    boolean resetPositions = flag(data, "reset_positions", false);
    data.requireAllUsed();
    ScheduleParams batch = r.optObject("batch").orElseThrow(() -> r.error("batch", "is required"));
    int rows = (int) batch.requireLong("rows");
    int accumulation = (int) batch.getLong("accumulation", 1);
    BatchSizeSchedule batchSchedule =
        batch.optObject("schedule").map(BatchSizeSchedule::fromSpec).orElse(null);
    if (batchSchedule != null && batch.has("accumulation")) {
      throw batch.error("accumulation", "and 'schedule' exclude each other");
    }
    batch.requireAllUsed();
    ScheduleParams opt = r.optObject("optimizer").orElse(ScheduleParams.of("optimizer", Map.of()));
    double beta1 = opt.getDouble("beta1", 0.9);
    double beta2 = opt.getDouble("beta2", 0.95);
    double eps = opt.getDouble("eps", 1e-8);
    double wd = opt.getDouble("weight_decay", 0.1);
    double clip = opt.getDouble("max_grad_norm", 1.0);
    opt.requireAllUsed();
    @SuppressWarnings("unchecked")
    Map<String, Object> schedSpec =
        (Map<String, Object>)
            r.raw("schedule").orElseThrow(() -> r.error("schedule", "is required"));
    LearningRateSchedule schedule = Schedules.fromSpec(schedSpec);
    List<Stage> stages = new ArrayList<>();
    for (ScheduleParams s :
        r.optObjectList("stages").orElseThrow(() -> r.error("stages", "is required"))) {
      Object rope = s.raw("rope_scaling").orElse(null);
      if (rope != null && !(rope instanceof Map)) {
        throw s.error(
            "rope_scaling", "must be an object, for example {rope_type: yarn, factor: 4.0}");
      }
      long steps = s.requireLong("steps");
      if (steps < 1) {
        throw s.error("steps", "must be at least 1, got " + steps);
      }
      long seqLen = s.requireLong("seq_len");
      if (seqLen < 2 || seqLen > Integer.MAX_VALUE) {
        throw s.error("seq_len", "must be at least 2 (and fit an int), got " + seqLen);
      }
      long maxPositions = s.getLong("max_position_embeddings", 0);
      if (s.has("max_position_embeddings")
          && (maxPositions < 1 || maxPositions > Integer.MAX_VALUE)) {
        throw s.error("max_position_embeddings", "must be a positive int, got " + maxPositions);
      }
      if (s.has("max_position_embeddings") && rope == null) {
        // It is applied with the context extension; alone it was dropped without a word.
        throw s.error(
            "max_position_embeddings",
            "is set with rope_scaling (the stage's context extension); give rope_scaling too, or"
                + " leave it out");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> ropeMap = (Map<String, Object>) rope;
      stages.add(
          new Stage(
              s.getString("name", "stage" + (stages.size() + 1)),
              steps,
              (int) seqLen,
              ropeMap,
              (int) maxPositions));
      s.requireAllUsed();
    }
    ScheduleParams ck = r.optObject("checkpoint").orElse(ScheduleParams.of("checkpoint", Map.of()));
    long every = ck.getLong("every", 500);
    int keep = (int) ck.getLong("keep_last", 3);
    ck.requireAllUsed();
    ScheduleParams sv = r.optObject("save").orElse(ScheduleParams.of("save", Map.of()));
    SaveOptions saveOptions;
    try {
      saveOptions =
          SaveOptions.DEFAULT
              .withDtype(SaveOptions.parseDtype(sv.getString("dtype", "float32")))
              .withMaxShardBytes(
                  sv.has("max_shard_size")
                      ? SaveOptions.parseSize(String.valueOf(sv.raw("max_shard_size").get()))
                      : Long.MAX_VALUE);
    } catch (TrainException e) {
      throw new UserInputException("recipe " + recipe + ": save: " + e.getMessage());
    }
    sv.requireAllUsed();
    ScheduleParams outl = r.optObject("outliers").orElse(ScheduleParams.of("outliers", Map.of()));
    int window = (int) outl.getLong("window", 0);
    double sigmas = outl.getDouble("sigmas", 6);
    outl.requireAllUsed();
    List<ai.djl.Device> devices = new ArrayList<>();
    Object devs = r.raw("devices").orElse(List.of());
    if (!(devs instanceof List)) {
      throw r.error("devices", "must be a list of device names, for example [gpu0, gpu1]");
    }
    for (Object d : (List<?>) devs) {
      ai.djl.Device device;
      try {
        device = ai.djl.Device.fromName(String.valueOf(d));
      } catch (RuntimeException e) {
        device = null;
      }
      boolean named =
          device != null
              && (device.equals(ai.djl.Device.cpu())
                  || device.isGpu() && device.getDeviceId() >= 0);
      if (!named) {
        throw r.error("devices", "has '" + d + "', not a device name (cpu, gpu0, gpu1, ...)");
      }
      devices.add(device);
    }
    // An absent GPU otherwise fails deep in libtorch with a page of native trace.
    if (devices.stream().anyMatch(ai.djl.Device::isGpu)) {
      int gpus = ai.djl.engine.Engine.getInstance().getGpuCount();
      for (ai.djl.Device d : devices) {
        if (d.isGpu() && d.getDeviceId() >= gpus) {
          throw r.error(
              "devices",
              "has gpu"
                  + d.getDeviceId()
                  + ", but the PyTorch engine sees "
                  + gpus
                  + " GPU"
                  + (gpus == 1 ? "" : "s")
                  + (gpus == 0 ? " (a CPU build or no CUDA device)" : "")
                  + "; name only those it sees, or leave 'devices' out to train on the CPU");
        }
      }
    }
    r.requireAllUsed();
    long total = stages.stream().mapToLong(Stage::steps).sum();
    if (total != schedule.totalSteps()) {
      throw new UserInputException(
          recipe
              + ": the stages add up to "
              + total
              + " steps but the schedule has "
              + schedule.totalSteps());
    }

    List<Phase> phases =
        shardsKey.isPresent()
            ? List.of(new Phase("all", 0, total, base.resolve(shardsKey.get())))
            : phases(
                base.resolve(mixtureKey.get()),
                total,
                schedule,
                batchSchedule == null
                    ? (long) rows * accumulation * stages.get(0).seqLen()
                    : (long) batchSchedule.batchSize(0) * stages.get(0).seqLen(),
                spec.commandLine().getErr());
    Path exportDir = out.resolve("model");
    if (modelDir.toAbsolutePath().normalize().equals(exportDir.toAbsolutePath().normalize())) {
      // The run ends by replacing output/model with the trained model, not the one it starts from.
      throw new UserInputException(
          recipe
              + ": 'model' is "
              + modelDir
              + ", where this run writes its trained model; copy it elsewhere or pick another"
              + " output folder");
    }
    List<Path> earlier = TrainingCheckpoint.list(out);
    if (!resume && !earlier.isEmpty()) {
      throw new UserInputException(
          "output "
              + out
              + " already holds "
              + earlier.get(0).getFileName()
              + " from an earlier run; pass --resume to continue it, or pick another output"
              + " folder");
    }
    TrainingCheckpoint from = null;
    if (resume) {
      List<String> skipped = new ArrayList<>();
      from = TrainingCheckpoint.latestGood(out, skipped);
      skipped.forEach(s -> spec.commandLine().getErr().println("midtrain train: skipped " + s));
      if (from == null) {
        // Every checkpoint broken: a fresh run is refused while they are there, so say how out.
        throw new UserInputException(
            "--resume: no complete checkpoint in "
                + out
                + (earlier.isEmpty()
                    ? ""
                    : " ("
                        + earlier.size()
                        + " there, none verifies: "
                        + earlier.get(0).getFileName()
                        + (earlier.size() > 1 ? ", ..." : "")
                        + "); to start over, move them aside or pick another output folder"));
      }
    }
    Path weights = from == null ? modelDir : from.dir();
    // Opened here so that the stage check uses its config instead of reading config.json again;
    // opening reads config.json and the safetensors headers, not the weights (they load below).
    HfCheckpoint hf = HfCheckpoint.open(weights);
    try (hf;
        BufferAllocator allocator = new RootAllocator()) {
      checkStages(hf.config(), stages);
      // Every stage's loader, before the model loads: its seq_len against the data, for one.
      StagedShards source =
          new StagedShards(phases, allocator, seed, rows, accumulation, batchSchedule, stages);
      if (from != null) {
        // The resumed run writes the skipped checkpoints' names again; keep them, out of its way.
        for (Map.Entry<Path, Path> e :
            TrainingCheckpoint.setAsideNewerThan(out, from.step()).entrySet()) {
          spec.commandLine()
              .getErr()
              .println(
                  "midtrain train: moved "
                      + e.getKey()
                      + " aside to "
                      + e.getValue()
                      + " (newer than "
                      + from.dir().getFileName()
                      + ", which the run resumes from)");
        }
      }
      try (NDManager nd =
              devices.isEmpty()
                  ? NDManager.newBaseManager()
                  : NDManager.newBaseManager(devices.get(0));
          LlamaModel model = LlamaModel.load(hf, nd);
          ProgressBar bar =
              quietUnlessTerminal(
                      new ProgressBarBuilder()
                          .setTaskName("train")
                          .setInitialMax(total)
                          .setStyle(ProgressBarStyle.ASCII)
                          .continuousUpdate())
                  .build()) {
        Trainer.Builder tb =
            Trainer.builder(model, source, schedule, out)
                .accumulation(accumulation)
                .maxGradNorm(clip)
                .adamw(beta1, beta2, eps, wd)
                .checkpoints(every, keep)
                .maxShardBytes(saveOptions.maxShardBytes())
                // The checkpoint resumed from holds the base model's files; the base's own fill
                // in for checkpoints written before files were copied.
                .modelFiles(from == null ? List.of(modelDir) : List.of(modelDir, from.dir()))
                .skipOutliers(window, sigmas)
                .documentMasking(documentMasking)
                .resetPositions(resetPositions)
                .listener(
                    m -> {
                      bar.stepTo(m.step() + 1);
                      bar.setExtraMessage(String.format("loss %.4f lr %.2e", m.loss(), m.lr()));
                    });
        if (!devices.isEmpty()) {
          tb.devices(devices);
        }
        if (from != null) {
          tb.resume(from, allowChangedData);
        }
        try (Trainer trainer = tb.build()) {
          if (trainer.droppedMetricLines() > 0) {
            spec.commandLine()
                .getErr()
                .printf(
                    "midtrain train: %s: dropped %d lines that log steps from %d on, which this run"
                        + " trains again%n",
                    out.resolve("metrics.jsonl"),
                    trainer.droppedMetricLines(),
                    trainer.startStep());
          }
          bar.stepTo(trainer.nextStep());
          long end = 0;
          for (Stage st : stages) {
            long start = end;
            end += st.steps();
            if (trainer.nextStep() >= end) {
              continue;
            }
            if (st.ropeScaling() != null && !ropeApplied(model, st)) {
              model.extendContext(st.ropeScaling(), st.contextLength());
            }
            spec.commandLine()
                .getErr()
                .printf(
                    "midtrain train: stage %s, steps %d..%d, seq_len %d%n",
                    st.name(), start, end, st.seqLen());
            trainer.train(end);
          }
          trainer.exportModel(exportDir, saveOptions);
        }
      }
    }
    Path plot = out.resolve("training.png");
    TrainPlot.write(out.resolve("metrics.jsonl"), plot);
    spec.commandLine()
        .getOut()
        .printf(
            "done: %d steps, checkpoints in %s, model %s, metrics %s, plot %s%n",
            total, out, exportDir, out.resolve("metrics.jsonl"), plot);
    spec.commandLine().getOut().flush();
    return Files.exists(plot) ? 0 : 1;
  }

  /**
   * Applies each stage's context change to the model's config as training will, so that a bad later
   * stage fails before the first one trains.
   */
  private void checkStages(LlamaConfig config, List<Stage> stages) {
    LlamaConfig cfg = config;
    for (Stage st : stages) {
      try {
        if (st.ropeScaling() != null) {
          cfg = LlamaModel.withContext(cfg, st.ropeScaling(), st.contextLength());
        }
        PositionEncodings.fromModelConfig(cfg.raw()).frequencies(st.seqLen());
      } catch (RopeException | TrainException e) {
        throw new UserInputException(
            "recipe " + recipe + ": stage '" + st.name() + "': " + e.getMessage());
      }
    }
  }

  private static boolean ropeApplied(LlamaModel model, Stage st) {
    Object current = model.config().raw().get("rope_scaling");
    return current != null && new LinkedHashMap<>(st.ropeScaling()).equals(current);
  }

  /** One data phase: token shards used from {@code start} (inclusive) to {@code end}. */
  record Phase(String name, long start, long end, Path shards) {}

  /**
   * Reads the phases of a mixture and checks them against the recipe: each phase after the first
   * must start exactly where a learning-rate phase starts, and the planned tokens per step should
   * match the recipe's (a mismatch is reported, since a long-context stage legitimately changes
   * it).
   */
  static List<Phase> phases(
      Path mixture,
      long totalSteps,
      LearningRateSchedule lr,
      long recipeTokensPerStep,
      java.io.PrintWriter warn) {
    Path json = mixture.resolve("mixture.json");
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = Inputs.JSON.readTree(json.toFile());
    } catch (java.io.IOException e) {
      throw new UserInputException(
          "data.mixture: cannot read "
              + json
              + " ("
              + e.getMessage()
              + "); run midtrain mix first");
    }
    List<Phase> out = readPhases(mixture, root, totalSteps);
    java.util.Set<Long> starts = new java.util.TreeSet<>();
    lr.phases().forEach(p -> starts.add(p.start()));
    for (Phase p : out) {
      if (p.start() > 0 && !starts.contains(p.start())) {
        throw new UserInputException(
            json
                + ": data phase '"
                + p.name()
                + "' starts at step "
                + p.start()
                + ", but the recipe's learning-rate phases start at "
                + starts
                + "; plan the mixture with the same schedule (midtrain mix)");
      }
    }
    com.fasterxml.jackson.databind.JsonNode tps = root.path("tokens_per_step");
    if (tps.isNumber() && recipeTokensPerStep > 0 && tps.asLong() != recipeTokensPerStep) {
      warn.println(
          "midtrain train: warning: "
              + json
              + " was planned for "
              + tps.asLong()
              + " tokens per step, the recipe's first stage takes "
              + recipeTokensPerStep
              + "; each phase will use its shards at a different rate than planned");
    }
    return out;
  }

  private static List<Phase> readPhases(
      Path mixture, com.fasterxml.jackson.databind.JsonNode root, long totalSteps) {
    Path json = mixture.resolve("mixture.json");
    List<Phase> out = new ArrayList<>();
    long expect = 0;
    for (com.fasterxml.jackson.databind.JsonNode p : root.path("phases")) {
      String name = p.path("phase").asText();
      long start = p.path("start_step").asLong(-1);
      long end = p.path("end_step").asLong(-1);
      if (start != expect || end <= start) {
        throw new UserInputException(
            json
                + ": phase '"
                + name
                + "' covers steps ["
                + start
                + ", "
                + end
                + "); expected it to"
                + " start at "
                + expect);
      }
      out.add(new Phase(name, start, end, mixture.resolve(name)));
      expect = end;
    }
    if (out.isEmpty() || expect < totalSteps) {
      throw new UserInputException(
          json
              + ": the phases cover "
              + expect
              + " steps, the recipe trains "
              + totalSteps
              + "; plan the mixture for the same steps (tokens per step and schedule)");
    }
    return out;
  }

  /**
   * Batches for every step from token shards: one loader per segment, a segment being the steps
   * where one training stage (its sequence length) and one data phase (its shards) overlap. Each
   * loader is indexed by the step within its segment, so every batch is a pure function of (seed,
   * step) and a resumed run sees exactly the data it would have seen; a new phase starts its own
   * data at the exact step where its learning-rate phase begins.
   */
  static final class StagedShards implements BatchSource {
    private final List<TokenLoader> loaders = new ArrayList<>();
    private final List<Long> starts = new ArrayList<>();
    private final String fingerprint;
    private final BatchSizeSchedule batchSchedule;

    StagedShards(
        List<Phase> phases,
        BufferAllocator allocator,
        long seed,
        int rows,
        int accumulation,
        BatchSizeSchedule batchSchedule,
        List<Stage> stages) {
      this.batchSchedule = batchSchedule;
      StringBuilder fp = new StringBuilder("seed=").append(seed);
      java.util.Map<Path, TokenShards> opened = new java.util.HashMap<>();
      long stageStart = 0;
      for (Stage st : stages) {
        long stageEnd = stageStart + st.steps();
        for (Phase ph : phases) {
          long a = Math.max(stageStart, ph.start());
          long b = Math.min(stageEnd, ph.end());
          if (a >= b) {
            continue;
          }
          TokenShards shards =
              opened.computeIfAbsent(ph.shards(), d -> TokenShards.open(d, allocator));
          TokenLoader.Builder lb =
              TokenLoader.builder(shards, st.seqLen())
                  .rows(rows)
                  .microBatches(accumulation)
                  .seed(seed);
          if (batchSchedule != null) {
            lb.batchSchedule(batchSchedule, a);
          }
          loaders.add(lb.build());
          starts.add(a);
          fp.append(';')
              .append(st.name())
              .append('/')
              .append(ph.name())
              .append('@')
              .append(a)
              .append('-')
              .append(b)
              .append('x')
              .append(st.seqLen())
              .append('=')
              .append(shards.fingerprint());
        }
        stageStart = stageEnd;
      }
      fp.append(";rows=").append(rows).append(";accumulation=").append(accumulation);
      if (batchSchedule != null) {
        fp.append(";batch=").append(batchSchedule);
      }
      this.fingerprint = fp.toString();
    }

    private int segment(long step) {
      int i = starts.size() - 1;
      while (i > 0 && step < starts.get(i)) {
        i--;
      }
      return i;
    }

    @Override
    public TokenBatch batch(long step, int micro) {
      int i = segment(step);
      LoaderBatch b = loaders.get(i).batch(step - starts.get(i), micro);
      List<int[]> docStarts = new ArrayList<>(b.rows());
      for (int r = 0; r < b.rows(); r++) {
        docStarts.add(b.documentStarts(r));
      }
      return TokenBatch.shifted(b.tokens(), b.rows(), b.seqLen(), b.tokensBySource(), docStarts);
    }

    @Override
    public int microBatches(long step) {
      if (batchSchedule == null) {
        return 0;
      }
      int i = segment(step);
      return loaders.get(i).microBatches(step - starts.get(i));
    }

    @Override
    public String fingerprint() {
      return fingerprint;
    }
  }
}
