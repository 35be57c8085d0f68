package midtrain.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import midtrain.data.token.TokenShardWriter;
import midtrain.sched.DecayShape;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.MixtureSchedule;
import midtrain.sched.PhaseSpan;
import midtrain.sched.PhasedSchedule;
import midtrain.sched.Schedules;
import midtrain.sched.WarmupShape;
import midtrain.train.HfCheckpoint;
import midtrain.train.LlamaConfig;
import midtrain.train.TrainingCheckpoint;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code midtrain quickstart}: a tour of what midtrain does, on data it makes itself. */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "A tour of midtrain on data it generates.",
      "A mid-training WSD schedule with its data mixture, checked against the Hugging Face",
      "formula and plotted; a small generated web crawl curated (PII masking, raters, filters,",
      "dedup, decontamination); then a tiny Llama trained on generated token shards in two stages",
      "(anneal, then long context with YaRN) and evaluated against its starting point."
    })
public final class QuickstartCommand implements Callable<Integer> {

  @Option(
      names = "--out-dir",
      defaultValue = "midtrain-quickstart",
      description = "Where to write the outputs (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Files.createDirectories(outDir);
    long total = 10_000;
    double peak = 3e-4;

    out.println("== 1. The learning-rate schedule ==");
    out.println(
        "Re-warm from the pre-training checkpoint's final LR (3e-5) to 3e-4 over 500 steps,");
    out.println("hold, then anneal with a 1-sqrt decay over the last 2,000 steps (WSD).");
    LearningRateSchedule wsd =
        PhasedSchedule.builder(peak)
            .warmupFromLr(500, WarmupShape.LINEAR, 3e-5)
            .stable(7_500)
            .decay(2_000, DecayShape.oneMinusSqrt(), 0.0)
            .name("anneal")
            .build();
    out.printf("%-8s %-8s %8s %8s%n", "phase", "kind", "start", "end");
    for (PhaseSpan p : wsd.phases()) {
      out.printf("%-8s %-8s %8d %8d%n", p.name(), p.kind(), p.start(), p.end());
    }
    out.println();
    out.printf("%8s  %-12s %s%n", "step", "lr", "phase");
    List<Long> table = List.of(0L, 250L, 500L, 4_000L, 7_999L, 8_000L, 8_500L, 9_500L, 9_999L);
    for (long step : table) {
      out.printf("%8d  %-12.6g %s%n", step, wsd.lr(step), wsd.phaseAt(step).name());
    }

    out.println();
    out.println("== 2. Same curve, Hugging Face's warmup_stable_decay ==");
    LearningRateSchedule hf =
        Schedules.huggingFace(
            "warmup_stable_decay",
            Map.of(
                "num_warmup_steps",
                500,
                "num_decay_steps",
                2_000,
                "num_training_steps",
                total,
                "decay_type",
                "1-sqrt",
                "min_lr_ratio",
                0.0),
            peak);
    double maxDiff = 0;
    for (long step = 500; step <= total; step++) {
      maxDiff = Math.max(maxDiff, Math.abs(hf.lr(step) - wsd.lr(step)));
    }
    out.printf(
        "after warm-up, max |midtrain - transformers| over %d steps: %.3g"
            + " (the warm-ups differ on purpose: HF starts at 0, this one at 3e-5)%n",
        total - 500 + 1, maxDiff);

    out.println();
    out.println("== 3. The data mixture follows the schedule ==");
    MixtureSchedule mix =
        MixtureSchedule.builder(wsd)
            .fromStep(0, Map.of("web", 0.6, "math", 0.2, "code", 0.2))
            .phase("anneal", Map.of("web-hq", 0.4, "math", 0.3, "code", 0.2, "instruct", 0.1))
            .build();
    out.println(
        "mixture switches at step " + mix.boundaries() + " (exactly where the decay starts)");
    out.println("  step 7999: " + mix.weights(7_999));
    out.println("  step 8000: " + mix.weights(8_000));

    List<Long> steps = new ArrayList<>();
    for (long s = 0; s <= total; s += 10) {
      steps.add(s);
    }
    Path png = outDir.resolve("wsd-schedule.png");
    SchedulePlot.write(wsd, steps, "midtrain quickstart: re-warm, stable, 1-sqrt anneal", png);
    Path json = outDir.resolve("wsd-schedule.json");
    Files.writeString(json, ScheduleCommand.json(wsd, steps), StandardCharsets.UTF_8);
    out.println();
    out.println("wrote " + png + " and " + json);

    out.println();
    out.println("== 4. Curate: rate, filter, dedup and decontaminate a small web crawl ==");
    int curated = curate(outDir.resolve("curation"), out);
    if (curated != 0) {
      return curated;
    }

    out.println();
    out.println("== 5. Train: a tiny Llama continued on generated token shards, two stages ==");
    Path shards = outDir.resolve("tokens");
    Path model = outDir.resolve("model");
    Path run = outDir.resolve("run");
    Path heldOut = outDir.resolve("held-out");
    for (Path p : new Path[] {shards, heldOut, model, run}) {
      deleteTree(p);
    }
    ruleShards(shards, 1, 200);
    Map<String, Object> cfg = new java.util.LinkedHashMap<>();
    cfg.put("model_type", "llama");
    cfg.put("vocab_size", 128);
    cfg.put("hidden_size", 64);
    cfg.put("intermediate_size", 128);
    cfg.put("num_hidden_layers", 2);
    cfg.put("num_attention_heads", 4);
    cfg.put("num_key_value_heads", 2);
    cfg.put("rope_theta", 10000.0);
    cfg.put("max_position_embeddings", 64);
    LlamaConfig llama = LlamaConfig.fromMap(cfg);
    HfCheckpoint.save(model, llama, HfCheckpoint.randomWeights(llama, 0, 0.02));
    Path recipe = outDir.resolve("recipe.yaml");
    Files.writeString(
        recipe,
        String.join(
            "\n",
            "model: model",
            "output: run",
            "data: {shards: tokens, seed: 1}",
            "batch: {rows: 8}",
            "schedule: {type: wsd, peak_lr: 1.0e-2, warmup_steps: 5, total_steps: 60, decay_steps: 20}",
            "stages:",
            "  - {name: anneal, steps: 50, seq_len: 64}",
            "  - name: long-context",
            "    steps: 10",
            "    seq_len: 128",
            "    max_position_embeddings: 256",
            "    rope_scaling: {rope_type: yarn, factor: 4.0, original_max_position_embeddings: 64}",
            "checkpoint: {every: 25, keep_last: 2}",
            ""),
        StandardCharsets.UTF_8);
    out.println("recipe: " + recipe);
    out.flush();
    int code = subcommand("train", "--recipe", recipe.toString());
    if (code != 0) {
      return code;
    }
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    double first = Inputs.JSON.readTree(lines.get(0)).get("loss").asDouble();
    double last = Inputs.JSON.readTree(lines.get(lines.size() - 1)).get("loss").asDouble();
    out.printf(
        "loss %.3f -> %.3f over %d steps (ln 128 = %.3f is chance)%n",
        first, last, lines.size(), Math.log(128));

    out.println();
    out.println(
        "== 6. Evaluate: the trained model against its starting point, on held-out data ==");
    // New documents of the same rule (another seed), so the figures are not the training loss.
    ruleShards(heldOut, 2, 40);
    Path trained = TrainingCheckpoint.list(run).get(0);
    out.flush();
    code =
        subcommand(
            "eval",
            "--model",
            trained.toString(),
            "--base",
            model.toString(),
            "--data",
            heldOut.toString(),
            "--out",
            outDir.resolve("eval.json").toString());
    if (code != 0) {
      return code;
    }
    out.println(
        "next: ./midtrain help   (curate, rate, fasttext, decontaminate, mix, pack, train, eval,"
            + " ...)");
    out.flush();
    return 0;
  }

  /** Writes shards of documents that follow a rule a model can learn: each token adds a stride. */
  private static void ruleShards(Path dir, long seed, int documents) {
    try (BufferAllocator allocator = new RootAllocator();
        TokenShardWriter w = TokenShardWriter.builder(dir, allocator, 128).seed(seed).build()) {
      Random r = new Random(seed);
      for (int d = 0; d < documents; d++) {
        int[] doc = new int[24 + r.nextInt(64)];
        int stride = 1 + d % 5;
        doc[0] = r.nextInt(128);
        for (int i = 1; i < doc.length; i++) {
          doc[i] = (doc[i - 1] + stride) % 128;
        }
        w.add(d % 4 == 0 ? "math" : "web", doc);
      }
      w.finish();
    }
  }

  private static final String[] NOUNS = {
    "council",
    "river",
    "library",
    "farmer",
    "teacher",
    "harbour",
    "village",
    "engineer",
    "garden",
    "museum",
    "bridge",
    "market",
    "student",
    "doctor",
    "station",
    "forest"
  };
  private static final String[] VERBS = {
    "visited", "repaired", "described", "painted", "measured", "opened", "studied", "protected"
  };
  private static final String[] ADJS = {
    "old", "quiet", "busy", "narrow", "famous", "small", "northern", "wooden", "public", "green"
  };

  /** A paragraph of plain English-like prose from a seeded generator. */
  static String prose(Random r, int sentences) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sentences; i++) {
      String a = NOUNS[r.nextInt(NOUNS.length)];
      String b = NOUNS[r.nextInt(NOUNS.length)];
      sb.append(i % 4 == 0 && i > 0 ? "\n" : i == 0 ? "" : " ")
          .append("The ")
          .append(ADJS[r.nextInt(ADJS.length)])
          .append(' ')
          .append(a)
          .append(' ')
          .append(VERBS[r.nextInt(VERBS.length)])
          .append(" the ")
          .append(b)
          .append(" that was built with care, and it was said to have been one of the ")
          .append(ADJS[r.nextInt(ADJS.length)])
          .append(" places of the town")
          .append(i % 3 == 0 ? ", according to the " + NOUNS[r.nextInt(NOUNS.length)] : "")
          .append('.');
    }
    return sb.toString();
  }

  /** Writes a small crawl with typical defects and runs `midtrain curate` on it. */
  private int curate(Path dir, PrintWriter out) throws IOException {
    deleteTree(dir);
    Files.createDirectories(dir);
    Random r = new Random(7);
    com.fasterxml.jackson.databind.ObjectMapper jsonl =
        new com.fasterxml.jackson.databind.ObjectMapper();
    String leaked =
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many"
            + " clips in May. How many clips did Natalia sell altogether in April and May?";
    List<String> lines = new ArrayList<>();
    for (int d = 0; d < 240; d++) {
      String text;
      switch (d % 12) {
        case 3:
          text = "Home | About | Contact\nLogin\nCookie policy";
          break;
        case 5:
          text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " + prose(r, 12);
          break;
        case 7:
          text = "Buy now!";
          break;
        case 9:
          // The previous page again with other spacing and punctuation: exact dedup normalizes
          // both away and removes it.
          text =
              jsonl.readTree(lines.get(lines.size() - 1)).get("text").asText().replace(" ", "  ")
                  + " !!";
          break;
        case 11:
          text = prose(r, 8) + "\n" + leaked + "\n" + prose(r, 8);
          break;
        default:
          text = prose(r, 16 + r.nextInt(8));
      }
      if (d % 12 == 1) {
        // Contact details, which the modify stage's pii modifier masks as FineWeb's pipeline does.
        text += " Write to editor" + d + "@news.example.com or visit 8.8." + d + ".1 for more.";
      }
      lines.add(
          jsonl.writeValueAsString(
              Map.of("id", "page-" + d, "text", text, "source", "crawl", "domain", "web")));
    }
    lines.add(120, "{\"id\": \"broken\", \"text\": \"cut off");
    Files.write(dir.resolve("crawl.jsonl"), lines, StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("gsm8k-test.jsonl"),
        jsonl.writeValueAsString(Map.of("question", leaked, "answer", "72")) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("pipeline.yaml"),
        String.join(
            "\n",
            "input: [crawl.jsonl]",
            "output: {dir: curated, suffix: .jsonl.zst, keep_removed: true}",
            "stages:",
            "  - modify: [pii]",
            "  - rate: [gopher-quality, gopher-repetition, c4, fineweb]",
            "  - keep_passing: [gopher-quality, c4]",
            "  - dedup: {method: exact}",
            "  - decontaminate: {name: gsm8k, benchmarks: [gsm8k-test.jsonl], n: 13}",
            ""),
        StandardCharsets.UTF_8);
    out.println("pipeline: " + dir.resolve("pipeline.yaml"));
    out.flush();
    return subcommand(
        "curate", "--config", dir.resolve("pipeline.yaml").toString(), "--no-progress");
  }

  /** Runs a sibling `midtrain` command as its own command line would; returns its exit code. */
  private int subcommand(String name, String... args) {
    return spec.commandLine().getParent().getSubcommands().get(name).execute(args);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
