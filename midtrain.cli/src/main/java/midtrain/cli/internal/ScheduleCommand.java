package midtrain.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.Schedules;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code midtrain schedule}: evaluates a learning-rate schedule at chosen steps. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a learning-rate schedule at chosen steps.",
      "Either --spec (native JSON/YAML spec, inline or a file) or --hf-type with --hf-kwargs and"
          + " --peak-lr (Hugging Face Trainer arguments; values equal transformers')."
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

  @ArgGroup(multiplicity = "1")
  Source source;

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
    LearningRateSchedule s = schedule();
    List<Long> at = Inputs.steps(steps, range);
    if (format == Format.png) {
      Path file = out == null ? Path.of("schedule.png") : out;
      SchedulePlot.write(s, at, title(s), file);
      spec.commandLine().getOut().println("wrote " + file);
      return 0;
    }
    String text = format == Format.json ? json(s, at) : csv(s, at);
    if (out == null) {
      PrintWriter w = spec.commandLine().getOut();
      w.print(text);
      w.flush();
    } else {
      Inputs.writeText("--out", out, text);
    }
    return 0;
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
    String name = source.spec != null ? "midtrain schedule" : "Hugging Face " + source.hfType;
    return name + " (peak " + s.peakLr() + ", " + s.totalSteps() + " steps)";
  }

  static String json(LearningRateSchedule s, List<Long> at) throws IOException {
    ArrayNode arr = Inputs.JSON.createArrayNode();
    for (long step : at) {
      arr.addObject().put("step", step).put("lr", s.lr(step));
    }
    // One array on one line keeps the output easy to pipe; values in shortest round-trip form.
    return Inputs.JSON
            .writer()
            .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(arr)
        + "\n";
  }

  static String csv(LearningRateSchedule s, List<Long> at) {
    StringWriter w = new StringWriter();
    w.append("step,lr,phase\n");
    for (long step : at) {
      w.append(Long.toString(step))
          .append(',')
          .append(Double.toString(s.lr(step)))
          .append(',')
          .append(s.phaseAt(step).name())
          .append('\n');
    }
    return w.toString();
  }
}
