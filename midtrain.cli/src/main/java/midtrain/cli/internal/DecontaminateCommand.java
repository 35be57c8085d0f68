package midtrain.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import midtrain.data.decon.Benchmark;
import midtrain.data.decon.BenchmarkIndex;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.DeconReport;
import midtrain.data.decon.DeconRun;
import midtrain.data.decon.Decontaminator;
import midtrain.data.decon.Normalization;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code midtrain decontaminate}: finds benchmark items in training documents. */
@Command(
    name = "decontaminate",
    mixinStandardHelpOptions = true,
    description = {
      "Finds benchmark test items in training documents by n-gram overlap (13-grams as"
          + " lm-evaluation-harness, 8-grams as Llama), writes report.json and, in flag, drop,"
          + " janitor and hybrid modes, the decontaminated documents."
    })
public final class DecontaminateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--benchmarks",
      required = true,
      split = ",",
      paramLabel = "FILE",
      description = "Benchmark JSONL files (or .txt, one item per line; .gz, .zst allowed).")
  List<Path> benchmarks = new ArrayList<>();

  @Option(
      names = "--benchmark-fields",
      split = ",",
      paramLabel = "F",
      description =
          "Fields of a benchmark item that count (dotted paths); default: the known fields of"
              + " MMLU, ARC, HellaSwag, WinoGrande, GSM8K, MATH, HumanEval, MBPP, plain text.")
  List<String> benchmarkFields = new ArrayList<>();

  @Option(
      names = "--input",
      required = true,
      split = ",",
      paramLabel = "FILES",
      description =
          "Training documents: JSONL (.jsonl, .jsonl.gz, .jsonl.zst; other unknown names are read"
              + " as JSONL) or any format midtrain reads (.arrow, .warc.gz, .txt, .parquet with"
              + " midtrain.data.parquet); a folder gives its files of known formats, a glob its"
              + " matches.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--text-field",
      defaultValue = "text",
      paramLabel = "F",
      description = "Field holding the document text (default: ${DEFAULT-VALUE}).")
  String textField;

  @Option(
      names = "--id-field",
      defaultValue = "id",
      paramLabel = "F",
      description =
          "Field holding the document id; documents without it are named file:line"
              + " (default: ${DEFAULT-VALUE}).")
  String idField;

  @Option(
      names = "--n",
      defaultValue = "13",
      description = "Words per n-gram (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(
      names = "--normalize",
      defaultValue = "janitor",
      paramLabel = "janitor|unicode",
      description = "Text normalization (default: ${DEFAULT-VALUE}).")
  String normalize;

  @Option(
      names = "--mode",
      defaultValue = "report",
      paramLabel = "report|flag|drop|janitor|hybrid",
      description = "What to do with contaminated documents (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--window",
      defaultValue = "200",
      description = "Janitor: characters cut on each side of a hit (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--too-dirty-cutoff",
      defaultValue = "10",
      description =
          "Janitor: documents with more hits are dropped whole (default: ${DEFAULT-VALUE}).")
  int tooDirtyCutoff;

  @Option(
      names = "--min-slice",
      defaultValue = "200",
      description =
          "Janitor: pieces must be longer than this many characters (default: ${DEFAULT-VALUE}).")
  int minSlice;

  @Option(
      names = "--drop-threshold",
      defaultValue = "0",
      description =
          "Drop: drop when the overlap fraction exceeds this; 0 drops on any hit"
              + " (default: ${DEFAULT-VALUE}).")
  double dropThreshold;

  @Option(
      names = "--lcs-threshold",
      defaultValue = "0.5",
      description =
          "Hybrid: fraction of an item's words that must appear in order around its hits"
              + " (default: ${DEFAULT-VALUE}).")
  double lcsThreshold;

  @Option(
      names = "--bloom",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Put Bloom filters in front of the index: of n-grams (2 bytes per n-gram) and, for --n 6"
              + " or more, of sampled word runs (2 bytes per run; about 4.3 bytes per 13-gram in"
              + " all); --no-bloom leaves them out (default: ${DEFAULT-VALUE}).")
  boolean bloom;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Scanning threads (default: all processors).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--progress",
      negatable = true,
      description =
          "Show a progress bar on stderr: MB (10^6 bytes) of input read, records (documents and"
              + " rejects) and their rates (default: when run from a terminal).")
  Boolean progress;

  @Option(
      names = "--output",
      converter = Inputs.OutputFileName.class,
      paramLabel = "FILE",
      description =
          "The decontaminated documents, in the format of the name (.jsonl, .jsonl.gz,"
              + " .jsonl.zst, .arrow, .parquet with midtrain.data.parquet; .txt and .warc are read"
              + " only); flag, drop, janitor, hybrid modes. JSONL in and out keeps each line as it"
              + " was.")
  Path output;

  @Option(
      names = "--report",
      converter = Inputs.OutputFileName.class,
      required = true,
      paramLabel = "FILE",
      description = "The JSON report: documents, benchmarks, summary.")
  Path report;

  /**
   * Warns of a file given more than once (a folder and a file in it, or two names of one file): it
   * is scanned each time, so its documents appear twice in the report.
   */
  private void warnOfRepeatedInputs(List<Path> files) {
    Map<Path, Path> seen = new HashMap<>();
    PrintWriter err = spec.commandLine().getErr();
    for (Path f : files) {
      Path key;
      try {
        key = f.toRealPath();
      } catch (IOException e) {
        continue; // a missing input is reported by the run
      }
      Path first = seen.putIfAbsent(key, f);
      if (first != null) {
        err.printf(
            Locale.ROOT,
            "warning: input %s is the same file as %s; it is scanned each time it is given%n",
            f,
            first);
      }
    }
    err.flush();
  }

  @Override
  public Integer call() {
    DeconMode m = DeconMode.parse(mode.toLowerCase(Locale.ROOT));
    BenchmarkIndex.Builder ib =
        BenchmarkIndex.builder()
            .n(n)
            .normalization(Normalization.parse(normalize.toLowerCase(Locale.ROOT)))
            .bloomFilter(bloom);
    for (Path b : benchmarks) {
      ib.add(Benchmark.load(b, benchmarkFields));
    }
    BenchmarkIndex index = ib.build();
    if (index.distinctNgrams() == 0) {
      // Not an error (the report is still complete), but almost surely not what was meant.
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          Locale.ROOT,
          "warning: no benchmark item has %d words, so the index is empty and no document can be"
              + " contaminated; a smaller --n matches shorter items%n",
          n);
      err.flush();
    }
    Decontaminator d =
        Decontaminator.builder(index)
            .mode(m)
            .window(window)
            .tooDirtyCutoff(tooDirtyCutoff)
            .minSlice(minSlice)
            .dropThreshold(dropThreshold)
            .lcsThreshold(lcsThreshold)
            .build();
    List<Path> files = Inputs.files(inputs);
    warnOfRepeatedInputs(files);
    DeconRun.Builder run =
        DeconRun.builder()
            .decontaminator(d)
            .inputs(files)
            .textField(textField)
            .idField(idField)
            .report(report)
            .threads(threads);
    if (output != null) {
      run.output(output);
    }
    DeconReport rep;
    if (progress != null ? progress : System.console() != null) {
      try (InputProgress p = new InputProgress("decontaminate", "records")) {
        run.listener(p::update);
        rep = run.build().run();
      }
    } else {
      rep = run.build().run();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(rep.summaryText());
    out.printf(
        Locale.ROOT,
        "index: %d distinct %d-grams, %.1f bytes each; report: %s%n",
        index.distinctNgrams(),
        index.n(),
        index.bytesPerNgram(),
        report);
    out.flush();
    return 0;
  }
}
