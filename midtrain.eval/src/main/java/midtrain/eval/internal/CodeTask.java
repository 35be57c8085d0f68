package midtrain.eval.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import midtrain.eval.CodeExecutor;
import midtrain.eval.EvalException;
import midtrain.eval.ExecutionResult;
import midtrain.eval.GenerativeModel;
import midtrain.eval.GenerativeScorer;
import midtrain.eval.Metrics;
import midtrain.eval.PythonExecutor;
import midtrain.eval.Sampling;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskResult;

/**
 * What the code tasks ({@code humaneval}, {@code mbpp}) share: the opt-in to running code, the
 * sampling and pass@k options, a seed per sample, generation overlapped with execution, and the
 * pass@k report.
 */
public final class CodeTask implements EvalTask {
  /** The temperature when several samples are asked for and none is given: Codex's for pass@1. */
  static final double DEFAULT_TEMPERATURE = 0.2;

  /** The top-p when sampling and none is given: the harness's and Codex's nucleus. */
  static final double DEFAULT_TOP_P = 0.95;

  /**
   * How an executor is made for a run: the Python command, the time limit per program and the
   * workers.
   *
   * @param command the interpreter
   * @param timeout the time limit per program
   * @param workers programs run at once
   */
  public record ExecSettings(List<String> command, Duration timeout, int workers) {}

  /**
   * The executors the tasks use unless told otherwise: {@link PythonExecutor}.
   *
   * @param s the settings
   * @return a new executor
   */
  public static CodeExecutor python(ExecSettings s) {
    return PythonExecutor.builder()
        .command(s.command())
        .timeout(s.timeout())
        .workers(s.workers())
        .build();
  }

  /**
   * One problem: its id, where it came from, its context tokens, and how a completion becomes the
   * program that is run.
   *
   * @param id the data set's {@code task_id}
   * @param where the document's {@code source:line}
   * @param context the prompt's tokens as the model receives them
   * @param program from the completion, the program whose exit status says whether it passed
   */
  record Problem(String id, String where, int[] context, Function<String, String> program) {}

  /** The options every code task reads. */
  record Options(
      int samples,
      List<Integer> ks,
      Sampling sampling,
      long seed,
      int maxGen,
      int limit,
      ExecSettings exec) {}

  /**
   * Reads the options every code task takes, the opt-in first.
   *
   * @param c the configuration
   * @param defaultMaxGen the task's {@code max_gen_toks}
   * @return the options
   * @throws EvalException naming the option
   */
  static Options options(TaskConfig c, int defaultMaxGen) {
    String allow = c.string("allow-code-execution", "false").strip();
    if (!allow.equals("true")) {
      if (!allow.equals("false")) {
        throw c.error("allow-code-execution", "must be true or false, got '" + allow + "'");
      }
      throw c.error(
          "allow-code-execution",
          "is not given: "
              + c.task()
              + " runs the Python code the model writes, on this machine, with resource limits"
              + " but no sandbox; give it to allow that (and run inside a container for a model"
              + " you do not trust)");
    }
    int n = c.integer("samples", 1, 1);
    List<Integer> ks = new ArrayList<>(new TreeSet<>(c.integers("pass-k", List.of(1))));
    for (int k : ks) {
      if (k < 1 || k > n) {
        throw c.error(
            "pass-k",
            "holds "
                + k
                + "; each k must be from 1 to the samples per problem, "
                + n
                + (k > n ? " (raise samples to at least " + k + ")" : ""));
      }
    }
    Double temperature = number(c, "temperature");
    Double topP = number(c, "top-p");
    boolean topK = c.has("top-k");
    int k = c.integer("top-k", 0, 0);
    Sampling sampling;
    if (temperature != null && temperature == 0.0 || temperature == null && n == 1) {
      if (temperature != null && n > 1) {
        throw c.error(
            "temperature",
            "is 0 (greedy) with "
                + n
                + " samples per problem, which would all be the same; give a temperature above 0"
                + " or 1 sample");
      }
      if (topP != null || topK) {
        throw c.error(
            topP != null ? "top-p" : "top-k",
            "applies when sampling; give a temperature above 0 or more than 1 sample");
      }
      sampling = Sampling.greedy();
    } else {
      Sampling.Builder b = Sampling.builder();
      try {
        b.temperature(temperature == null ? DEFAULT_TEMPERATURE : temperature);
      } catch (EvalException e) {
        throw c.error("temperature", "must be 0 (greedy) or above, got " + temperature);
      }
      try {
        b.topP(topP == null ? DEFAULT_TOP_P : topP);
      } catch (EvalException e) {
        throw c.error("top-p", "must be above 0 and at most 1, got " + topP);
      }
      sampling = b.topK(k).build();
    }
    long seed = c.longInteger("seed", 1234);
    int maxGen = c.integer("max-gen-tokens", defaultMaxGen, 1);
    Generation.checkRoom(c, maxGen);
    int limit = c.integer("limit", Integer.MAX_VALUE, 1);
    Double timeout = number(c, "exec-timeout");
    if (timeout != null && !(timeout > 0 && timeout <= 86_400)) {
      throw c.error("exec-timeout", "must be seconds above 0 (at most a day), got " + timeout);
    }
    int workers = c.integer("exec-workers", Runtime.getRuntime().availableProcessors(), 1);
    String python = c.string("python", "python3");
    if (python.isBlank()) {
      throw c.error("python", "is empty; name the Python interpreter, python3 say");
    }
    Duration t = Duration.ofMillis(Math.round((timeout == null ? 3.0 : timeout) * 1000));
    return new Options(
        n,
        List.copyOf(ks),
        sampling,
        seed,
        maxGen,
        limit,
        new ExecSettings(List.of(python), t, workers));
  }

  private static Double number(TaskConfig c, String name) {
    String v = c.string(name, null);
    if (v == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(v.strip());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw c.error(name, "must be a number, got '" + v + "'");
    }
  }

  /**
   * Returns the seed of one sample: a mix of the run's seed, the problem's id and the sample's
   * index, so that a sample draws the same tokens whatever the order or number of problems.
   *
   * @param seed the run's seed
   * @param problem the problem's id
   * @param sample the sample's index, from 0
   * @return the seed
   */
  public static long sampleSeed(long seed, String problem, int sample) {
    // FNV-1a over the id's UTF-8 bytes, then SplitMix64's finalizer over each part in turn.
    long h = 0xcbf29ce484222325L;
    for (byte x : problem.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (x & 0xff)) * 0x100000001b3L;
    }
    long z = mix(seed);
    z = mix(z ^ h);
    return mix(z + sample * 0x9E3779B97F4A7C15L);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private final String task;
  private final Options options;
  private final GenerativeScorer scorer;
  private final List<Problem> problems;
  private final Function<ExecSettings, CodeExecutor> executors;
  private final Map<String, Object> extra;

  CodeTask(
      String task,
      Options options,
      GenerativeScorer scorer,
      List<Problem> problems,
      Function<ExecSettings, CodeExecutor> executors,
      Map<String, Object> extra) {
    this.task = task;
    this.options = options;
    this.scorer = scorer;
    this.problems = List.copyOf(problems);
    this.executors = executors;
    this.extra = extra;
  }

  /** A sample's completion and its run, pending while the model generates the next ones. */
  private record Pending(String completion, CompletableFuture<ExecutionResult> result) {}

  @Override
  public TaskResult run(GenerativeModel model) {
    if (model == null) {
      throw new EvalException("model is null");
    }
    List<List<Pending>> pending = new ArrayList<>();
    try (CodeExecutor ex = executors.apply(options.exec())) {
      // An empty program must pass: a missing or broken interpreter would otherwise show as a
      // model that fails every problem.
      ExecutionResult probe = ex.run("");
      if (!probe.passed()) {
        throw new EvalException(
            task
                + ": the Python command "
                + options.exec().command()
                + " does not run an empty program: "
                + probe.message());
      }
      // The model generates on this thread while the executor's workers run what it wrote.
      try {
        return generateAndRun(model, ex, pending);
      } catch (RuntimeException | Error e) {
        // The run has failed: the programs still queued must not run on after it (close() lets
        // the submitted ones finish), so cancel them; a cancelled one that has not started never
        // starts.
        pending.forEach(samples -> samples.forEach(x -> x.result().cancel(false)));
        throw e;
      }
    }
  }

  private TaskResult generateAndRun(
      GenerativeModel model, CodeExecutor ex, List<List<Pending>> pending) {
    int n = options.samples();
    for (Problem p : problems) {
      List<Pending> samples = new ArrayList<>(n);
      pending.add(samples); // before its samples, so that a failure part way cancels them too
      for (int s = 0; s < n; s++) {
        Sampling sampling = options.sampling().withSeed(sampleSeed(options.seed(), p.id(), s));
        String completion;
        try {
          completion = scorer.continuation(model, p.context(), sampling).text();
        } catch (EvalException e) {
          throw new EvalException("problem " + p.id() + " (" + p.where() + "): " + e.getMessage());
        }
        samples.add(new Pending(completion, ex.submit(p.program().apply(completion))));
      }
    }
    return result(pending);
  }

  private TaskResult result(List<List<Pending>> pending) {
    int n = options.samples();
    List<Integer> ks = options.ks();
    double[][] perK = new double[ks.size()][problems.size()];
    int passed = 0;
    int failed = 0;
    int timedOut = 0;
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      int c = 0;
      int t = 0;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("task_id", p.id());
      row.put("id", p.where());
      Map<String, Object> firstFailure = null;
      for (int s = 0; s < n; s++) {
        Pending x = pending.get(i).get(s);
        ExecutionResult r;
        try {
          r = x.result().join();
        } catch (CompletionException e) {
          throw e.getCause() instanceof EvalException ee
              ? new EvalException("problem " + p.id() + ": " + ee.getMessage())
              : e;
        }
        switch (r.outcome()) {
          case PASSED -> c++;
          case TIMED_OUT -> t++;
          case FAILED -> {}
        }
        if (!r.passed() && firstFailure == null) {
          firstFailure = new LinkedHashMap<>();
          firstFailure.put("sample", s);
          firstFailure.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
          firstFailure.put("message", r.message());
          firstFailure.put("completion", x.completion());
        }
      }
      passed += c;
      timedOut += t;
      failed += n - c - t;
      for (int j = 0; j < ks.size(); j++) {
        perK[j][i] = Metrics.passAtK(n, c, ks.get(j));
      }
      row.put("samples", n);
      row.put("passed", c);
      row.put("timed_out", t);
      row.put("completion", pending.get(i).get(0).completion());
      if (firstFailure != null) {
        row.put("first_failure", firstFailure);
      }
      rows.add(row);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, Object> details = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    details.put("problems", problems.size());
    details.put("samples_per_problem", n);
    for (int j = 0; j < ks.size(); j++) {
      String name = "pass@" + ks.get(j);
      double mean = Metrics.mean(perK[j]);
      OptionalDouble se = Metrics.meanStderr(perK[j]);
      metrics.put(name, mean);
      details.put(name, mean);
      details.put(name + "_stderr", Stderr.json(se));
      lines.add(Stderr.line(name, mean, se));
    }
    details.put("passed", passed);
    details.put("failed", failed);
    details.put("timed_out", timedOut);
    Sampling s = options.sampling();
    Map<String, Object> sampling = new LinkedHashMap<>();
    sampling.put("do_sample", !s.isGreedy());
    if (!s.isGreedy()) {
      sampling.put("temperature", s.temperature());
      sampling.put("top_p", s.topP());
      sampling.put("top_k", s.topK());
      sampling.put("seed", options.seed());
    }
    details.put("sampling", sampling);
    details.put("max_gen_toks", options.maxGen());
    details.put("exec_timeout_s", options.exec().timeout().toMillis() / 1000.0);
    details.putAll(extra);
    details.put("results", rows);
    lines.add(
        String.format(
            Locale.ROOT,
            "%d problem%s × %d sample%s (%s): %d passed, %d failed, %d timed out",
            problems.size(),
            problems.size() == 1 ? "" : "s",
            n,
            n == 1 ? "" : "s",
            s.isGreedy()
                ? "greedy"
                : String.format(
                    Locale.ROOT,
                    "temperature %s, top-p %s%s",
                    s.temperature(),
                    s.topP(),
                    s.topK() > 0 ? ", top-k " + s.topK() : ""),
            passed,
            failed,
            timedOut));
    return TaskResult.of(metrics, details, lines);
  }

  /**
   * Builds the scorer a code task generates with, from its options and the configuration's
   * tokenizer and limits.
   */
  static GenerativeScorer scorer(
      TaskConfig config, Options o, List<String> until, String targetDelimiter) {
    return Generation.scorer(config, o.maxGen())
        .until(until)
        .targetDelimiter(targetDelimiter)
        .build();
  }

  /** The problem's context tokens, or an error naming the document. */
  static int[] context(GenerativeScorer scorer, String where, String prompt) {
    try {
      return scorer.context(prompt);
    } catch (EvalException e) {
      throw new EvalException(where + ": " + e.getMessage());
    }
  }

  /** A task id as text: the JSON string, or the integer MBPP writes. */
  static String taskId(midtrain.eval.spi.TaskDocument d) {
    Object v = d.fields().get("task_id");
    if (v == null) {
      throw d.error("task_id", "is missing");
    }
    if (v instanceof String str && !str.isBlank()) {
      return str;
    }
    if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      return Long.toString(num.longValue());
    }
    throw d.error("task_id", "is not a string or an integer: " + v);
  }
}
