package midtrain.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import midtrain.data.pipeline.Pipeline;
import midtrain.data.pipeline.PipelineConfig;
import midtrain.data.pipeline.PipelineResult;
import midtrain.data.pipeline.StageStats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code midtrain curate}: runs a curation pipeline from a YAML or JSON file. */
@Command(
    name = "curate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a curation pipeline (read, rate, filter, sample, dedup, decontaminate) from a YAML or"
          + " JSON config; resumable per input shard; prints per-stage statistics and the"
          + " account in = out + rejected + removed."
    })
public final class CurateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description =
          "The pipeline (.yaml, .yml or .json); relative paths in it are resolved"
              + " against its folder.")
  Path config;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads, overriding the config (default: all cores).")
  Integer threads;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show a progress bar (default: only on a terminal).")
  Boolean progress;

  @Override
  public Integer call() {
    Map<String, Object> cfg = Inputs.objectFile("--config", config);
    Path base = config.toAbsolutePath().getParent();
    Pipeline.Builder b;
    try {
      b = PipelineConfig.parse(cfg, base);
    } catch (midtrain.data.DataException e) {
      throw new UserInputException(config + ": " + e.getMessage());
    }
    if (threads != null) {
      b.threads(threads);
    }
    boolean bar = progress != null ? progress : System.console() != null;
    PrintWriter out = spec.commandLine().getOut();
    PipelineResult r;
    if (bar) {
      try (InputProgress p = new InputProgress("curate", "docs")) {
        b.listener(p::update);
        r = b.build().run();
      }
    } else {
      r = b.build().run();
    }
    print(out, r);
    return r.balanced() ? 0 : 1;
  }

  /** Prints the per-stage table and the account. */
  static void print(PrintWriter out, PipelineResult r) {
    if (r.shardsSkipped() > 0) {
      out.printf(Locale.ROOT, "resumed: %d shard(s) already complete%n", r.shardsSkipped());
    }
    int w = 8;
    for (StageStats s : r.stages()) {
      w = Math.max(w, s.stage().length());
    }
    String row = "%-" + w + "s %,12d %,12d %,12d  %s%n";
    out.printf(
        Locale.ROOT,
        "%-" + w + "s %12s %12s %12s  %s%n",
        "stage",
        "docs in",
        "docs out",
        "removed",
        "reasons");
    out.printf(
        Locale.ROOT,
        row,
        "read",
        r.records(),
        r.records() - r.rejectedTotal(),
        r.rejectedTotal(),
        r.rejected());
    for (StageStats s : r.stages()) {
      out.printf(
          Locale.ROOT,
          row,
          s.stage(),
          s.docsIn(),
          s.docsOut(),
          s.removedTotal(),
          // What a stage counted besides documents (a modify stage's replacements) follows.
          (s.removed().isEmpty() ? "" : s.removed() + " ")
              + (s.counts().isEmpty() ? "" : "counts " + s.counts()));
    }
    r.thresholds().forEach((k, v) -> out.printf(Locale.ROOT, "quantile %s: threshold %s%n", k, v));
    out.printf(
        Locale.ROOT,
        "written %,d documents (%,d text bytes)%n%s%n",
        r.written(),
        r.writtenBytes(),
        r.account());
    if (r.duplicateIds() > 0) {
      // Not an error: dumps repeat ids, and dedup often removes those documents; but sampling and
      // FIM draws are keyed on the id, so the user should know.
      out.printf(
          Locale.ROOT,
          "warning: %,d of %,d documents have the id of an earlier one (first: '%s'); sampling and"
              + " FIM draws are keyed on the id, so such documents draw alike: give them unique"
              + " ids, or drop the id field so that ids become <file>:<line>%n",
          r.duplicateIds(),
          r.idsChecked(),
          r.duplicateIdExample());
    }
    out.flush();
  }
}
