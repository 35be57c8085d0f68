package midtrain.cli.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import midtrain.data.io.ReaderOptions;
import midtrain.data.pipeline.Pipeline;
import midtrain.data.pipeline.PipelineResult;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import midtrain.data.spi.RaterProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code midtrain rate}: adds rater score columns to documents. */
@Command(
    name = "rate",
    mixinStandardHelpOptions = true,
    description = {
      "Scores documents with raters found by id (built-in or a plugged-in RaterProvider) and"
          + " writes them with score.<rater>.<output> columns; --list shows the raters."
    })
public final class RateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--rater", split = ",", paramLabel = "ID", description = "Rater ids.")
  List<String> raters = new ArrayList<>();

  @Option(
      names = "--param",
      paramLabel = "ID.KEY=VALUE",
      description = "A rater parameter, for example fasttext.model=quality.bin (repeatable).")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--input",
      split = ",",
      paramLabel = "FILES",
      description =
          "Document files, folders (their files in name order, e.g. a curate output) or globs, as"
              + " pack takes them.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--output",
      converter = Inputs.OutputFileName.class,
      paramLabel = "FILE",
      description = "The output file.")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "Output format: jsonl, parquet or arrow (default: from the file name).")
  String format;

  @Option(
      names = "--text-field",
      paramLabel = "F",
      defaultValue = "text",
      description = "Field holding the text (default: ${DEFAULT-VALUE}).")
  String textField;

  @Option(
      names = "--id-field",
      paramLabel = "F",
      defaultValue = "id",
      description = "Field holding the id (default: ${DEFAULT-VALUE}).")
  String idField;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all).")
  Integer threads;

  @Option(names = "--list", description = "List the raters found and exit.")
  boolean list;

  @Override
  public Integer call() {
    if (list) {
      for (Map.Entry<String, RaterProvider> e : Raters.providers().entrySet()) {
        spec.commandLine().getOut().printf("%-20s %s%n", e.getKey(), e.getValue().description());
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
    if (raters.isEmpty() || inputs.isEmpty() || output == null) {
      throw new UserInputException("rate needs --rater, --input and --output (or --list)");
    }
    Inputs.outputFile("--output", output);
    Map<String, Map<String, String>> byRater = new TreeMap<>();
    for (String p : params) {
      int dot = p.indexOf('.');
      int eq = p.indexOf('=');
      if (dot < 1 || eq < dot + 2) {
        throw new UserInputException("--param must look like ID.KEY=VALUE, got '" + p + "'");
      }
      String id = p.substring(0, dot);
      if (!raters.contains(id)) {
        throw new UserInputException("--param " + p + ": rater '" + id + "' is not in --rater");
      }
      byRater
          .computeIfAbsent(id, k -> new LinkedHashMap<>())
          .put(p.substring(dot + 1, eq), p.substring(eq + 1));
    }
    List<Rater> made = new ArrayList<>();
    for (String id : raters) {
      made.add(Raters.create(id, byRater.getOrDefault(id, Map.of())));
    }
    Pipeline.Builder b =
        Pipeline.builder()
            .inputs(Inputs.files(inputs))
            .readerOptions(ReaderOptions.builder().textField(textField).idField(idField).build())
            // rate scores one file and draws nothing by id: no heap for an id table here.
            .checkIds(false)
            .rate(made.toArray(new Rater[0]));
    if (format != null) {
      String named;
      try {
        named = midtrain.data.io.Formats.forPath(output).id();
      } catch (midtrain.data.DataException e) {
        named = format;
      }
      if (!named.equals(format)) {
        throw new UserInputException(
            "--format "
                + format
                + " but --output "
                + output
                + " is named like a "
                + named
                + " file; give the file a ."
                + format
                + " name or drop --format");
      }
      b.outputFile(output, format);
    } else {
      b.outputFile(output);
    }
    if (threads != null) {
      b.threads(threads);
    }
    PipelineResult r = b.build().run();
    CurateCommand.print(spec.commandLine().getOut(), r);
    return r.balanced() ? 0 : 1;
  }
}
