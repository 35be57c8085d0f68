package midtrain.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.fim.Fim;
import midtrain.data.io.InputNames;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.RejectSink;
import midtrain.data.io.RejectsFile;
import midtrain.data.mix.Mixers;
import midtrain.data.mix.MixtureReport;
import midtrain.data.mix.PhasedPlan;
import midtrain.data.mix.RealisedMixture;
import midtrain.data.pack.PackMode;
import midtrain.data.pack.PackSink;
import midtrain.data.pack.StreamPacker;
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.TokenShardWriter;
import midtrain.data.token.Tokenization;
import midtrain.data.token.Tokenizers;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.MixtureSchedule;
import midtrain.sched.ScheduleParams;
import midtrain.sched.Schedules;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code midtrain mix}: plans a phased mixture and packs each phase's tokens. */
@Command(
    name = "mix",
    mixinStandardHelpOptions = true,
    description = {
      "Plans the data mixture of every phase of the schedule in mix.yaml (tokens per source, the"
          + " phase boundary at the step the learning-rate phase changes), then tokenizes and packs"
          + " each phase into OUTPUT/<phase>/ and prints the realised mixture beside the plan."
    })
public final class MixCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "mix.yaml")
  Path config;

  @Option(names = "--plan-only", description = "Print the plan; write nothing.")
  boolean planOnly;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  /**
   * A source of mix.yaml.
   *
   * @param reader the fields its records' text and id are read from
   * @param fimRate the share of its documents given FIM: its own {@code fim_rate}, else the
   *     top-level one
   */
  record Source(
      String name,
      List<Path> paths,
      String domain,
      long tokens,
      double maxEpochs,
      ReaderOptions reader,
      double fimRate) {}

  /** mix.yaml, parsed and checked. */
  record Config(
      Path tokenizer,
      int seqLen,
      long tokensPerStep,
      Path output,
      String format,
      PackMode mode,
      long seed,
      String bos,
      String eos,
      String mixer,
      Map<String, Double> mixerParams,
      List<String> floorSources,
      double floorShare,
      double maxEpochs,
      double fimSpmRate,
      String fimSentinels,
      Map<String, Source> sources,
      LearningRateSchedule lr,
      MixtureSchedule mixture) {}

  @Override
  public Integer call() throws IOException {
    Config c = parse(config);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (TextTokenizer tok = Tokenizers.open(c.tokenizer());
        Tokenization tz = Tokenization.builder(tok).bos(c.bos()).eos(c.eos()).build();
        BufferAllocator allocator = new RootAllocator()) {
      // One Fim per source, each with that source's rate: FIM is usually for code only. A Fim is
      // a pure function of (seed, id, text), so sources sharing a rate draw as one shared Fim did.
      Map<String, Fim> fims = new TreeMap<>();
      for (Source s : c.sources().values()) {
        if (s.fimRate() > 0) {
          Fim fim =
              Fim.builder()
                  .rate(s.fimRate())
                  .spmRate(c.fimSpmRate())
                  .sentinels(PackCommand.sentinels(c.fimSentinels()))
                  .seed(c.seed())
                  .build();
          if (fims.isEmpty()) {
            fim.sentinels().requireTokensOf(tok);
          }
          fims.put(s.name(), fim);
        }
      }
      // The first folder on the way to the output that does not exist yet (null when it does).
      Path newOutput = null;
      for (Path p = c.output().toAbsolutePath().normalize();
          p != null && !Files.exists(p);
          p = p.getParent()) {
        newOutput = p;
      }
      // Rejected input lines go to out/rejects.jsonl (file, line, reason), as pack's do; a plan
      // writes nothing, so there they are only counted on stderr.
      RejectsFile rejects = planOnly ? null : RejectsFile.create(createOutput(c.output()));
      boolean done = false;
      // A file two sources list is read by both: its rejects are listed once.
      java.util.Set<String> listed = new java.util.HashSet<>();
      RejectSink once =
          rejects == null
              ? r -> {}
              : r -> {
                if (listed.add(r.file() + "\n" + r.line())) {
                  rejects.reject(r);
                }
              };
      // Names over every source's files: two sources' same-named files must not share ids.
      List<Path> all = new ArrayList<>();
      c.sources().values().forEach(s -> all.addAll(s.paths()));
      List<String> allNames = InputNames.of(all);
      Map<String, Tokenized> cursors = new TreeMap<>();
      Map<String, Long> availableBySource = new TreeMap<>();
      try {
        PhasedPlan.Builder pb =
            PhasedPlan.builder(
                    Mixers.withFloor(
                        Mixers.create(c.mixer(), c.mixerParams()),
                        java.util.Set.copyOf(c.floorSources()),
                        c.floorShare()),
                    c.mixture())
                .tokensPerStep(c.tokensPerStep())
                .steps(c.lr().totalSteps())
                .defaultMaxEpochs(c.maxEpochs());
        int named = 0; // where the next source's names start in allNames, in the order of `all`
        for (Source s : c.sources().values()) {
          List<String> names = allNames.subList(named, named + s.paths().size());
          named += s.paths().size();
          long available = s.tokens();
          if (available < 0 || !planOnly) {
            Tokenized cur = new Tokenized(s, names, tz, fims.get(s.name()), allocator, err, once);
            cursors.put(s.name(), cur);
            if (available < 0) {
              available = cur.countAndRestart();
            }
          }
          pb.available(s.name(), available);
          availableBySource.put(s.name(), available);
          if (s.maxEpochs() > 0) {
            pb.maxEpochs(s.name(), s.maxEpochs());
          }
        }
        PhasedPlan plan = pb.build();
        MixtureReport report;
        if (planOnly) {
          report = MixtureReport.of(plan);
        } else {
          report = new MixtureReport(pack(c, plan, tok, cursors, allocator));
          rejects.close(); // the cursors read no more; the discard below then does nothing
          writeAtomically(
              c.output().resolve("mixture.json"), mixtureJson(report.toJson(), c, rejects));
        }
        if (json) {
          com.fasterxml.jackson.databind.node.ObjectNode o =
              (com.fasterxml.jackson.databind.node.ObjectNode)
                  Inputs.JSON.readTree(report.toJson());
          com.fasterxml.jackson.databind.node.ObjectNode src = o.putObject("sources");
          plan.tokensBySource()
              .forEach(
                  (k, v) -> {
                    long have = availableBySource.getOrDefault(k, 0L);
                    src.putObject(k)
                        .put("available", have)
                        .put("planned", v)
                        .put("epochs", have == 0 ? 0.0 : (double) v / have);
                  });
          out.println(new ObjectMapper().writeValueAsString(o));
        } else {
          out.print(report.table());
          out.println();
          out.printf(
              java.util.Locale.ROOT,
              "%-16s %15s %15s %8s%n",
              "source",
              "available",
              "planned (run)",
              "epochs");
          for (Map.Entry<String, Long> e : plan.tokensBySource().entrySet()) {
            long have = availableBySource.getOrDefault(e.getKey(), 0L);
            out.printf(
                java.util.Locale.ROOT,
                "%-16s %15d %15d %8.2f%n",
                e.getKey(),
                have,
                e.getValue(),
                have == 0 ? 0.0 : (double) e.getValue() / have);
          }
        }
        out.flush();
        done = true;
      } finally {
        cursors.values().forEach(Tokenized::close);
        if (rejects != null && !done) {
          // A run that fails (a plan the data cannot meet, say) leaves no output of its own, and
          // an earlier run's rejects file as it was.
          rejects.discard();
          removeMadeOutput(c.output(), newOutput);
        }
      }
    }
    return 0;
  }

  private List<RealisedMixture> pack(
      Config c,
      PhasedPlan plan,
      TextTokenizer tok,
      Map<String, Tokenized> cursors,
      BufferAllocator allocator) {
    List<RealisedMixture> out = new ArrayList<>();
    for (PhasedPlan.Phase phase : plan.phases()) {
      Path dir = c.output().resolve(phase.name());
      Map<String, Long> planned = phase.plan().tokens();
      StreamPacker sp;
      try (TokenShardWriter w =
          TokenShardWriter.builder(dir, allocator, tok.vocabSize())
              .tokenizerHash(tok.hash())
              .seed(c.seed())
              .build()) {
        sp = StreamPacker.builder(c.seqLen()).mode(c.mode()).sink(PackSink.of(w)).build();
        Map<String, Long> taken = new TreeMap<>();
        List<String> active = new ArrayList<>();
        planned.forEach(
            (k, v) -> {
              if (v > 0) {
                active.add(k);
                taken.put(k, 0L);
              }
            });
        while (!active.isEmpty()) {
          // The source furthest behind its share goes next: sources interleave smoothly.
          String next = active.get(0);
          double best = Double.NEGATIVE_INFINITY;
          for (String s : active) {
            double behind = 1.0 - taken.get(s) / (double) planned.get(s);
            if (behind > best) {
              best = behind;
              next = s;
            }
          }
          int[] ids = cursors.get(next).next();
          sp.add(next, ids);
          long t = taken.merge(next, (long) ids.length, Long::sum);
          if (t >= planned.get(next)) {
            active.remove(next);
          }
        }
        sp.finish();
        w.finish();
      }
      TokenOutput.export(dir, c.format(), allocator);
      Map<String, Long> realised = new TreeMap<>();
      planned.keySet().forEach(k -> realised.put(k, 0L));
      realised.putAll(sp.tokensBySource());
      out.add(
          new RealisedMixture(phase.name(), phase.startStep(), phase.endStep(), planned, realised));
    }
    return out;
  }

  private static void writeAtomically(Path file, String text) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new DataException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** A source's documents, filtered by domain, FIM'd and tokenized in batches; repeats forever. */
  private static final class Tokenized implements AutoCloseable {
    private final Source source;
    private final Tokenization tz;
    private final Fim fim;
    private final DocumentCursor docs;
    private final ArrayDeque<int[]> ready = new ArrayDeque<>();
    private boolean sawTokens;

    Tokenized(
        Source source,
        List<String> names,
        Tokenization tz,
        Fim fim,
        BufferAllocator allocator,
        PrintWriter err,
        RejectSink rejects) {
      this.source = source;
      this.tz = tz;
      this.fim = fim;
      this.docs =
          new DocumentCursor(source.paths(), names, source.reader(), allocator, err, rejects);
    }

    /** Tokens in one pass (framed, as packing counts them); the cursor starts over after. */
    long countAndRestart() {
      long n = 0;
      while (fill()) {
        while (!ready.isEmpty()) {
          n += ready.poll().length;
        }
      }
      docs.restart();
      return n;
    }

    int[] next() {
      while (ready.isEmpty()) {
        if (!fill()) {
          if (!sawTokens) {
            throw new DataException(
                "source '" + source.name() + "' has no tokens in " + source.paths());
          }
          docs.restart();
          sawTokens = false;
        }
      }
      return ready.poll();
    }

    private boolean fill() {
      List<String> texts = new ArrayList<>();
      while (texts.size() < 256) {
        Document d = docs.next();
        if (d == null) {
          break;
        }
        if (!source.domain().isEmpty() && !source.domain().equals(d.domain())) {
          continue;
        }
        texts.add(fim == null ? d.text() : fim.apply(d.id(), d.text()));
      }
      if (texts.isEmpty()) {
        return false;
      }
      for (int[] ids : tz.encodeAll(texts)) {
        if (ids.length > 0) {
          sawTokens = true;
          ready.add(ids);
        }
      }
      return true;
    }

    @Override
    public void close() {
      docs.close();
    }
  }

  // ---- mix.yaml ----

  static Config parse(Path file) {
    JsonNode root;
    try {
      root = Inputs.YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UserInputException("cannot read " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new UserInputException(file + ": expected a YAML mapping");
    }
    Path base = file.toAbsolutePath().getParent();
    Keys k = new Keys(file, root, "");
    Path tokenizer = base.resolve(k.string("tokenizer", null));
    int seqLen = (int) k.integer("seq_len", -1);
    if (seqLen < 2) {
      throw k.error("seq_len", "must be at least 2, got " + seqLen);
    }
    Path output = base.resolve(k.string("output", "mix-out"));
    String format = TokenOutput.checkFormat(k.string("format", "arrow"), file + ": format");
    PackMode mode = PackCommand.packMode(k.string("mode", "concat"), file + ": mode");
    Keys mixer = k.object("mixer", true);
    String mixerId = mixer == null ? "ratio" : mixer.string("id", "ratio");
    Map<String, Double> params = new LinkedHashMap<>();
    Keys p = mixer == null ? null : mixer.object("params", true);
    if (p != null) {
      for (String name : p.names()) {
        params.put(name, p.number(name, Double.NaN));
      }
      p.done();
    }
    Keys floor = mixer == null ? null : mixer.object("floor", true);
    List<String> floorSources = List.of();
    double floorShare = 0;
    if (floor != null) {
      floorSources = floor.strings("sources");
      floorShare = floor.number("min_share", Double.NaN);
      if (!(floorShare >= 0 && floorShare <= 1)) {
        throw floor.error("min_share", "must be in [0, 1], got " + floorShare);
      }
      floor.done();
    }
    if (mixer != null) {
      mixer.done();
    }
    double fimRate = k.number("fim_rate", 0);
    if (!(fimRate >= 0 && fimRate <= 1)) {
      throw k.error("fim_rate", "must be in [0, 1], got " + fimRate);
    }
    Keys srcs = k.object("sources", false);
    Map<String, Source> sources = new TreeMap<>();
    for (String name : srcs.names()) {
      Keys s = srcs.object(name, false);
      List<Path> paths = new ArrayList<>();
      for (String path : s.strings("paths")) {
        paths.add(base.resolve(path));
      }
      if (paths.isEmpty()) {
        throw s.error("paths", "must list at least one file");
      }
      double sourceFim = s.number("fim_rate", fimRate);
      if (!(sourceFim >= 0 && sourceFim <= 1)) {
        throw s.error("fim_rate", "must be in [0, 1], got " + sourceFim);
      }
      sources.put(
          name,
          new Source(
              name,
              paths,
              s.string("domain", ""),
              s.integer("tokens", -1),
              s.number("max_epochs", 0),
              readerOptions(s),
              sourceFim));
      s.done();
    }
    srcs.done();
    Keys sched = k.object("schedule", false);
    Keys lrKeys = sched.object("lr", false);
    ObjectMapper m = Inputs.JSON;
    @SuppressWarnings("unchecked")
    Map<String, Object> lrSpec = m.convertValue(lrKeys.node, Map.class);
    LearningRateSchedule lr;
    MixtureSchedule mixture;
    List<ScheduleParams> segs = new ArrayList<>();
    JsonNode mixNode = sched.node.path("mixture");
    if (!mixNode.isArray() || mixNode.isEmpty()) {
      throw sched.error("mixture", "must be a list of segments");
    }
    sched.used.add("lr");
    sched.used.add("mixture");
    sched.done();
    try {
      lr = Schedules.fromSpec(lrSpec);
      int i = 0;
      for (JsonNode seg : mixNode) {
        @SuppressWarnings("unchecked")
        Map<String, Object> segMap = m.convertValue(seg, Map.class);
        segs.add(ScheduleParams.of(file + ": schedule.mixture[" + i++ + "]", segMap));
      }
      mixture = MixtureSchedule.fromSpec(lr, segs);
    } catch (RuntimeException e) {
      if (e instanceof DataException || e instanceof UserInputException) {
        throw e;
      }
      throw new UserInputException(file + ": schedule: " + e.getMessage());
    }
    for (String s : mixture.sources()) {
      if (!sources.containsKey(s)) {
        throw new UserInputException(
            file + ": schedule.mixture names source '" + s + "', not defined under sources");
      }
    }
    long tokensPerStep = k.integer("tokens_per_step", -1);
    long total = k.integer("total_tokens", -1);
    if (tokensPerStep < 0 && total < 0) {
      throw k.error("tokens_per_step", "or total_tokens is required");
    }
    if (tokensPerStep < 0) {
      if (total % lr.totalSteps() != 0) {
        throw k.error(
            "total_tokens",
            total + " is not a multiple of the schedule's " + lr.totalSteps() + " steps");
      }
      tokensPerStep = total / lr.totalSteps();
    } else if (total >= 0 && total != tokensPerStep * lr.totalSteps()) {
      throw k.error(
          "total_tokens",
          total + " differs from tokens_per_step * steps = " + tokensPerStep * lr.totalSteps());
    }
    if (tokensPerStep < 1) {
      throw k.error("tokens_per_step", "must be at least 1");
    }
    for (String f : floorSources) {
      if (!sources.containsKey(f)) {
        throw new UserInputException(
            file
                + ": mixer.floor.sources names '"
                + f
                + "', which is not under sources "
                + sources.keySet());
      }
    }
    Config c =
        new Config(
            tokenizer,
            seqLen,
            tokensPerStep,
            output,
            format,
            mode,
            k.integer("seed", 1234),
            k.string("bos", ""),
            k.string("eos", ""),
            mixerId,
            params,
            floorSources,
            floorShare,
            k.number("max_epochs", 4),
            k.number("fim_spm_rate", 0.5),
            k.string("fim_sentinels", "starcoder"),
            sources,
            lr,
            mixture);
    k.done();
    return c;
  }

  /**
   * A source's reader fields: {@code text_field} and {@code id_field}, dotted paths as in curate's
   * {@code reader:} mapping, so data such as The Stack ({@code content}) needs no curate pass.
   */
  private static ReaderOptions readerOptions(Keys s) {
    return PackCommand.readerOptions(
        s.string("text_field", "text"),
        s.string("id_field", "id"),
        (field, path) ->
            s.error(field + "_field", "must be a dot-separated field path, got '" + path + "'"));
  }

  /** The output folder, made if missing; returns the rejects file's path in it. */
  private static Path createOutput(Path output) {
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      throw new DataException("cannot create the output folder " + output + ": " + e, e);
    }
    return output.resolve("rejects.jsonl");
  }

  /** Removes the output folder a failed run made (with the folders above it that it made). */
  private static void removeMadeOutput(Path output, Path madeFrom) {
    if (madeFrom == null) {
      return;
    }
    try {
      for (Path p = output.toAbsolutePath().normalize();
          p != null && !p.equals(madeFrom.getParent());
          p = p.getParent()) {
        try (var left = Files.list(p)) {
          if (left.findAny().isPresent()) {
            return;
          }
        }
        Files.delete(p);
      }
    } catch (IOException e) {
      // The run's own error is the one to report.
    }
  }

  /**
   * mixture.json: the report, the settings the trainer checks a mixture against, and the rejected
   * input lines counted per reason with where they are listed.
   */
  static String mixtureJson(String reportJson, Config c, RejectsFile rejects) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode o =
          (com.fasterxml.jackson.databind.node.ObjectNode) Inputs.JSON.readTree(reportJson);
      o.put("tokens_per_step", c.tokensPerStep());
      o.put("seq_len", c.seqLen());
      com.fasterxml.jackson.databind.node.ObjectNode r = o.putObject("rejects");
      r.put("file", rejects.file().getFileName().toString());
      r.put("total", rejects.total());
      rejects.counts().forEach(r.putObject("by_reason")::put);
      return Inputs.JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads the keys of one YAML mapping, naming file and key path in every error. */
  private static final class Keys {
    final Path file;
    final JsonNode node;
    final String path;
    final java.util.Set<String> used = new java.util.HashSet<>();

    Keys(Path file, JsonNode node, String path) {
      this.file = file;
      this.node = node;
      this.path = path;
    }

    UserInputException error(String key, String problem) {
      return new UserInputException(file + ": " + path + key + " " + problem);
    }

    List<String> names() {
      List<String> out = new ArrayList<>();
      node.fieldNames().forEachRemaining(out::add);
      used.addAll(out);
      return out;
    }

    String string(String key, String def) {
      used.add(key);
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        if (def == null) {
          throw error(key, "is required");
        }
        return def;
      }
      if (!v.isValueNode()) {
        throw error(key, "must be a string");
      }
      return v.asText();
    }

    long integer(String key, long def) {
      used.add(key);
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        return def;
      }
      if (!v.canConvertToLong() || !v.isIntegralNumber()) {
        throw error(key, "must be an integer, got " + v);
      }
      return v.longValue();
    }

    double number(String key, double def) {
      used.add(key);
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        if (Double.isNaN(def)) {
          throw error(key, "is required");
        }
        return def;
      }
      if (!v.isNumber()) {
        throw error(key, "must be a number, got " + v);
      }
      return v.doubleValue();
    }

    List<String> strings(String key) {
      used.add(key);
      JsonNode v = node.get(key);
      List<String> out = new ArrayList<>();
      if (v == null) {
        throw error(key, "is required");
      }
      if (v.isTextual()) {
        out.add(v.asText());
        return out;
      }
      if (!v.isArray()) {
        throw error(key, "must be a list of paths");
      }
      for (JsonNode e : v) {
        out.add(e.asText());
      }
      return out;
    }

    Keys object(String key, boolean optional) {
      used.add(key);
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        if (optional) {
          return null;
        }
        throw error(key, "is required");
      }
      if (!v.isObject()) {
        throw error(key, "must be a mapping");
      }
      return new Keys(file, v, path + key + ".");
    }

    void done() {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!used.contains(name)) {
          throw error(name, "is not a known key");
        }
      }
    }
  }
}
