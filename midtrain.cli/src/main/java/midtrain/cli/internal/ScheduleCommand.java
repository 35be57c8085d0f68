package midtrain.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import midtrain.sched.BatchSizeSchedule;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.MixtureSchedule;
import midtrain.sched.ScheduleParams;
import midtrain.sched.Schedules;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code midtrain schedule}: evaluates a learning-rate schedule at chosen steps, with the
 * batch-size and data-mixture schedules that go with it.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a learning-rate schedule at chosen steps, optionally with its batch-size and"
          + " data-mixture schedules.",
      "Either --spec (native JSON/YAML spec, inline or a file) or --hf-type with --hf-kwargs and"
          + " --peak-lr (Hugging Face Trainer arguments; values equal transformers'), or --mixture"
          + " naming a `midtrain mix` recipe, whose schedule.lr is the learning-rate schedule."
    })
public final class ScheduleCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    json,
    csv,
    png
  }

  static final class Source {
    @Option(
        names = "--spec",
        paramLabel = "FILE_OR_JSON",
        description = "Native schedule spec: inline JSON or a .json/.yaml file.")
    String spec;

    @Option(
        names = "--hf-type",
        paramLabel = "NAME",
        description = "Hugging Face lr_scheduler_type, e.g. warmup_stable_decay.")
    String hfType;
  }

  // Optional here: a mix recipe given to --mixture carries its own LR schedule (checked in lr()).
  @ArgGroup(multiplicity = "0..1")
  Source source;

  @Option(
      names = "--batch",
      paramLabel = "FILE_OR_JSON",
      description =
          "A batch-size schedule, as a train recipe's batch.schedule (constant, linear_ramp,"
              + " stepwise): adds batch_size and sequences_before.")
  String batch;

  @Option(
      names = "--seq-len",
      paramLabel = "L",
      description = "Tokens per sequence: with --batch, adds tokens_before.")
  Integer seqLen;

  @Option(
      names = "--mixture",
      paramLabel = "FILE_OR_JSON",
      description =
          "A data-mixture schedule: a `midtrain mix` recipe (its schedule.lr and"
              + " schedule.mixture), or {\"mixture\": [segments]} over the --spec or --hf-type"
              + " schedule: adds each source's weight.")
  String mixture;

  @Option(
      names = "--hf-kwargs",
      paramLabel = "JSON",
      description =
          "lr_scheduler_kwargs plus num_warmup_steps / num_training_steps (inline JSON or file).")
  String hfKwargs;

  @Option(names = "--peak-lr", paramLabel = "X", description = "The optimizer's learning rate.")
  Double peakLr;

  @Option(names = "--steps", paramLabel = "S,S,...", description = "Steps to evaluate.")
  String steps;

  @Option(
      names = "--range",
      paramLabel = "START:END:STEP",
      description = "Steps START, START+STEP, ... up to and including END.")
  String range;

  @Option(
      names = "--format",
      defaultValue = "json",
      description = "json (default), csv or png (a plot with the phases marked).")
  Format format;

  @Option(
      names = "--out",
      converter = Inputs.OutputFileName.class,
      paramLabel = "FILE",
      description = "Write here instead of stdout (png defaults to schedule.png).")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (out != null) {
      Inputs.outputFile("--out", out);
    }
    Plan plan = plan();
    List<Long> at = Inputs.steps(steps, range);
    if (format == Format.png) {
      Path file = out == null ? Path.of("schedule.png") : out;
      SchedulePlot.write(plan, at, title(plan.lr()), file);
      spec.commandLine().getOut().println("wrote " + file);
      return 0;
    }
    String text = format == Format.json ? json(plan, at) : csv(plan, at);
    if (out == null) {
      PrintWriter w = spec.commandLine().getOut();
      w.print(text);
      w.flush();
    } else {
      Inputs.writeText("--out", out, text);
    }
    return 0;
  }

  /**
   * The schedules to evaluate: the learning rate, and the batch size and mixture when asked for.
   *
   * @param lr the learning-rate schedule
   * @param batch the batch-size schedule, if any
   * @param seqLen tokens per sequence, 0 when not given
   * @param mixture the data-mixture schedule, if any
   */
  record Plan(
      LearningRateSchedule lr,
      Optional<BatchSizeSchedule> batch,
      int seqLen,
      Optional<MixtureSchedule> mixture) {
    static Plan of(LearningRateSchedule lr) {
      return new Plan(lr, Optional.empty(), 0, Optional.empty());
    }
  }

  private Plan plan() {
    if (seqLen != null && seqLen < 1) {
      throw new UserInputException("--seq-len must be at least 1, got " + seqLen);
    }
    if (seqLen != null && batch == null) {
      throw new UserInputException(
          "--seq-len counts the tokens of --batch's sequences; add --batch");
    }
    Map<String, Object> mix = mixture == null ? null : Inputs.objectArg("--mixture", mixture);
    Object recipe = mix == null ? null : mix.get("schedule");
    LearningRateSchedule lr;
    Object segments;
    String where;
    if (recipe != null) {
      // A `midtrain mix` recipe: its schedule block holds both the LR schedule and the mixture.
      if (source != null) {
        throw new UserInputException(
            "--mixture names a mix recipe, whose schedule.lr is the learning-rate schedule; drop"
                + " --spec/--hf-type, or give --mixture as {\"mixture\": [...]} instead");
      }
      if (!(recipe instanceof Map<?, ?> block)) {
        throw new UserInputException("--mixture: schedule must be an object with lr and mixture");
      }
      Object lrSpec = block.get("lr");
      if (!(lrSpec instanceof Map<?, ?> lrMap)) {
        throw new UserInputException("--mixture: schedule.lr is required and must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> lrTyped = (Map<String, Object>) lrMap;
      lr = Schedules.fromSpec(lrTyped);
      segments = block.get("mixture");
      where = "--mixture: schedule.mixture";
    } else {
      if (source == null) {
        throw new UserInputException(
            "give the learning-rate schedule: --spec, --hf-type, or --mixture with a mix recipe");
      }
      lr = schedule();
      if (mix != null) {
        for (String key : mix.keySet()) {
          if (!key.equals("mixture")) {
            throw new UserInputException(
                "--mixture: unknown key '"
                    + key
                    + "'; expected a mix recipe (with schedule:) or {\"mixture\": [...]}");
          }
        }
      }
      segments = mix == null ? null : mix.get("mixture");
      where = "--mixture: mixture";
    }
    Optional<MixtureSchedule> mixtureSchedule = Optional.empty();
    if (mix != null) {
      if (!(segments instanceof List<?> list) || list.isEmpty()) {
        throw new UserInputException(where + " must be a non-empty list of segments");
      }
      List<ScheduleParams> segs = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> seg)) {
          throw new UserInputException(where + "[" + i + "] must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) seg;
        segs.add(ScheduleParams.of(where + "[" + i + "]", typed));
      }
      mixtureSchedule = Optional.of(MixtureSchedule.fromSpec(lr, segs));
    }
    Optional<BatchSizeSchedule> batchSchedule =
        batch == null
            ? Optional.empty()
            : Optional.of(
                BatchSizeSchedule.fromSpec(
                    ScheduleParams.of("--batch", Inputs.objectArg("--batch", batch))));
    return new Plan(lr, batchSchedule, seqLen == null ? 0 : seqLen, mixtureSchedule);
  }

  private LearningRateSchedule schedule() {
    if (source.spec != null) {
      if (hfKwargs != null || peakLr != null) {
        throw new UserInputException(
            "--spec carries its own peak_lr and parameters; drop --hf-kwargs/--peak-lr");
      }
      return Schedules.fromSpec(Inputs.objectArg("--spec", source.spec));
    }
    if (peakLr == null) {
      throw new UserInputException("--hf-type needs --peak-lr");
    }
    Map<String, Object> kwargs =
        hfKwargs == null ? Map.of() : Inputs.objectArg("--hf-kwargs", hfKwargs);
    return Schedules.huggingFace(source.hfType, kwargs, peakLr);
  }

  private String title(LearningRateSchedule s) {
    String name =
        source != null && source.hfType != null
            ? "Hugging Face " + source.hfType
            : "midtrain schedule";
    return name + " (peak " + s.peakLr() + ", " + s.totalSteps() + " steps)";
  }

  static String json(LearningRateSchedule s, List<Long> at) throws IOException {
    return json(Plan.of(s), at);
  }

  static String json(Plan plan, List<Long> at) throws IOException {
    ArrayNode arr = Inputs.JSON.createArrayNode();
    for (long step : at) {
      ObjectNode o = arr.addObject().put("step", step).put("lr", plan.lr().lr(step));
      if (plan.batch().isPresent()) {
        BatchSizeSchedule b = plan.batch().get();
        o.put("batch_size", b.batchSize(step)).put("sequences_before", b.sequencesBefore(step));
        if (plan.seqLen() > 0) {
          o.put("tokens_before", b.tokensBefore(step, plan.seqLen()));
        }
      }
      if (plan.mixture().isPresent()) {
        ObjectNode w = o.putObject("mixture");
        plan.mixture().get().weights(step).forEach(w::put);
      }
    }
    // One array on one line keeps the output easy to pipe; values in shortest round-trip form.
    return Inputs.JSON
            .writer()
            .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(arr)
        + "\n";
  }

  static String csv(Plan plan, List<Long> at) {
    List<String> header = new ArrayList<>(List.of("step", "lr", "phase"));
    if (plan.batch().isPresent()) {
      header.add("batch_size");
      header.add("sequences_before");
      if (plan.seqLen() > 0) {
        header.add("tokens_before");
      }
    }
    List<String> sources = plan.mixture().map(MixtureSchedule::sources).orElse(List.of());
    for (String source : sources) {
      header.add("weight_" + source);
    }
    StringWriter w = new StringWriter();
    row(w, header);
    LearningRateSchedule s = plan.lr();
    for (long step : at) {
      List<String> cells =
          new ArrayList<>(
              List.of(Long.toString(step), Double.toString(s.lr(step)), s.phaseAt(step).name()));
      if (plan.batch().isPresent()) {
        BatchSizeSchedule b = plan.batch().get();
        cells.add(Integer.toString(b.batchSize(step)));
        cells.add(Long.toString(b.sequencesBefore(step)));
        if (plan.seqLen() > 0) {
          cells.add(Long.toString(b.tokensBefore(step, plan.seqLen())));
        }
      }
      if (!sources.isEmpty()) {
        Map<String, Double> weights = plan.mixture().get().weights(step);
        for (String source : sources) {
          cells.add(Double.toString(weights.getOrDefault(source, 0.0)));
        }
      }
      row(w, cells);
    }
    return w.toString();
  }

  /** Writes one CSV row, quoting (RFC 4180) the cells that need it: names are the user's. */
  private static void row(StringWriter w, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i > 0) {
        w.append(',');
      }
      if (c.indexOf(',') >= 0
          || c.indexOf('"') >= 0
          || c.indexOf('\n') >= 0
          || c.indexOf('\r') >= 0) {
        w.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        w.append(c);
      }
    }
    w.append('\n');
  }
}
