package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import midtrain.eval.ExecutionResult.Outcome;
import midtrain.eval.internal.CodeTask;
import midtrain.eval.internal.HumanEvalTaskProvider;
import midtrain.eval.internal.MbppTaskProvider;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/** The {@code humaneval} and {@code mbpp} tasks with a scripted model and a fake executor. */
class CodeTasksTest {

  /**
   * An executor that records every program and the settings it was made with, and decides each
   * outcome with a function; the empty probe program always passes.
   */
  static final class FakeExecutor implements CodeExecutor {
    final Function<String, ExecutionResult> judge;
    final List<String> programs = Collections.synchronizedList(new ArrayList<>());
    CodeTask.ExecSettings settings;
    boolean closed;

    FakeExecutor(Function<String, ExecutionResult> judge) {
      this.judge = judge;
    }

    @Override
    public ExecutionResult run(String program) {
      if (program.isEmpty()) {
        return ExecutionResult.of(Outcome.PASSED, "", Duration.ZERO);
      }
      programs.add(program);
      return judge.apply(program);
    }

    @Override
    public void close() {
      closed = true;
    }

    Function<CodeTask.ExecSettings, CodeExecutor> factory() {
      return s -> {
        settings = s;
        return this;
      };
    }
  }

  static ExecutionResult passed() {
    return ExecutionResult.of(Outcome.PASSED, "", Duration.ofMillis(5));
  }

  static ExecutionResult failed(String why) {
    return ExecutionResult.of(Outcome.FAILED, why, Duration.ofMillis(5));
  }

  static TaskDocument human(int line, String id, String prompt, String test, String entry) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", id);
    m.put("prompt", prompt);
    m.put("canonical_solution", "    return 0\n");
    m.put("test", test);
    m.put("entry_point", entry);
    return TaskDocument.of("he.jsonl", line, m);
  }

  static final String P0 = "def add(a, b):\n    \"\"\"Add.\"\"\"\n";
  static final String T0 = "\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n";
  static final String P1 = "def neg(a):\n    \"\"\"Negate.\"\"\"\n";
  static final String T1 = "\n\ndef check(candidate):\n    assert candidate(1) == -1\n";

  static List<TaskDocument> humanDocs() {
    return List.of(human(1, "X/0", P0, T0, "add"), human(2, "X/1", P1, T1, "neg"));
  }

  static TaskConfig.Builder config(String task, List<TaskDocument> docs) {
    return TaskConfig.builder(task)
        .encoder(FakeModels.CHARS)
        .decoder(FakeModels.UNCHARS)
        .maxLength(4000)
        .documents(docs)
        .option("allow-code-execution", "true")
        .option("max-gen-tokens", "200");
  }

  static String text(int[] ids) {
    return FakeModels.UNCHARS.decode(ids);
  }

  @Test
  void refusesToRunCodeUnlessAllowed() {
    for (TaskProvider p :
        List.of(
            new HumanEvalTaskProvider(new FakeExecutor(x -> passed()).factory()),
            new MbppTaskProvider(new FakeExecutor(x -> passed()).factory()))) {
      TaskConfig.Builder none =
          TaskConfig.builder(p.id())
              .encoder(FakeModels.CHARS)
              .decoder(FakeModels.UNCHARS)
              .maxLength(4000)
              .documents(humanDocs());
      EvalException e = assertThrows(EvalException.class, () -> p.create(none.build()));
      assertTrue(
          e.getMessage()
              .startsWith(p.id() + ": option allow-code-execution is not given: " + p.id()),
          e.getMessage());
      assertTrue(e.getMessage().contains("no sandbox; give it to allow that"), e.getMessage());
      // The CLI's spelling of the option, through the option prefix.
      EvalException cli =
          assertThrows(EvalException.class, () -> p.create(none.optionPrefix("--").build()));
      assertTrue(
          cli.getMessage().contains("--allow-code-execution is not given"), cli.getMessage());
      EvalException off =
          assertThrows(
              EvalException.class,
              () -> p.create(none.option("allow-code-execution", "false").build()));
      assertTrue(off.getMessage().contains("is not given"), off.getMessage());
      EvalException odd =
          assertThrows(
              EvalException.class,
              () -> p.create(none.option("allow-code-execution", "yes").build()));
      assertTrue(odd.getMessage().contains("must be true or false, got 'yes'"), odd.getMessage());
    }
  }

  @Test
  void aFailedRunCancelsTheProgramsNotYetStarted() throws Exception {
    // Three samples of the first problem are queued on one worker, the first held running; the
    // model then fails on its fourth. The queued programs must not run after the failure.
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CodeExecutor ex =
        new CodeExecutor() {
          @Override
          public ExecutionResult run(String program) {
            if (program.isEmpty()) {
              return passed();
            }
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
            return passed();
          }

          @Override
          public CompletableFuture<ExecutionResult> submit(String program) {
            return CompletableFuture.supplyAsync(() -> run(program), pool);
          }
        };
    FakeModels.Scripted model =
        new FakeModels.Scripted(
            p -> {
              if (calls.incrementAndGet() == 4) {
                throw new EvalException("the model broke");
              }
              return FakeModels.CHARS.encode("    return a + b\n");
            });
    EvalTask task =
        new HumanEvalTaskProvider(s -> ex)
            .create(config("humaneval", humanDocs()).option("samples", "4").build());
    EvalException e = assertThrows(EvalException.class, () -> task.run(model));
    assertTrue(e.getMessage().contains("the model broke"), e.getMessage());
    release.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertTrue(ran.get() <= 1, ran.get() + " programs ran after the run had failed");
  }

  @Test
  void humanEvalPromptsAreTheProblemStopAtTheHarnessStringsAndAssembleItsProgram() {
    FakeExecutor ex = new FakeExecutor(x -> passed());
    FakeModels.Scripted model =
        new FakeModels.Scripted(
            p ->
                FakeModels.CHARS.encode(
                    text(p).contains("def add")
                        ? "    return a + b\n\ndef helper():\n    pass\n"
                        : "    return -a\nprint(neg(3))\n"));
    TaskResult r =
        new HumanEvalTaskProvider(ex.factory())
            .create(config("humaneval", humanDocs()).bosToken(1).eosTokens(0).build())
            .run(model);
    // The prompt is the problem's prompt as it is, after the BOS.
    assertEquals(2, model.prompts.size());
    assertEquals(1, model.prompts.get(0)[0]);
    assertEquals(
        P0,
        text(java.util.Arrays.copyOfRange(model.prompts.get(0), 1, model.prompts.get(0).length)));
    // Cut before "\ndef" and "\nprint"; the program is prompt + completion + test + check(entry).
    assertEquals(
        List.of(
            P0 + "    return a + b\n" + "\n" + T0 + "\n" + "check(add)",
            P1 + "    return -a" + "\n" + T1 + "\n" + "check(neg)"),
        ex.programs);
    assertEquals(List.of(Sampling.greedy(), Sampling.greedy()), model.samplings);
    assertEquals(1.0, r.metrics().get("pass@1"));
    assertEquals(List.of("pass@1"), List.copyOf(r.metrics().keySet()));
    assertTrue(ex.closed, "the executor is closed after the run");
    assertEquals(List.of("python3"), ex.settings.command());
    assertEquals(Duration.ofSeconds(3), ex.settings.timeout());
    assertEquals(
        HumanEvalTaskProvider.UNTIL, List.of("\nclass", "\ndef", "\n#", "\nif", "\nprint"));
  }

  @Test
  void passAtKIsTheMeanOfTheUnbiasedEstimatorOverProblems() {
    // Problem i's samples pass for its first c[i] generations: 0, 2 and 5 of 5.
    int[] c = {0, 2, 5};
    Map<String, Integer> calls = new HashMap<>();
    FakeModels.Scripted model =
        new FakeModels.Scripted(
            p -> {
              String prompt = text(p);
              int i = Integer.parseInt(prompt.substring(5, 6));
              int k = calls.merge(prompt, 1, Integer::sum) - 1;
              return FakeModels.CHARS.encode(k < c[i] ? "    return GOOD\n" : "    return BAD\n");
            });
    FakeExecutor ex =
        new FakeExecutor(
            x ->
                x.contains("GOOD")
                    ? passed()
                    : x.contains("def f1")
                        ? ExecutionResult.of(
                            Outcome.TIMED_OUT, "timed out after 3 s", Duration.ZERO)
                        : failed("AssertionError: wrong " + x.substring(4, 6)));
    List<TaskDocument> docs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      docs.add(
          human(i + 1, "X/" + i, "def f" + i + "():\n", "\ndef check(f):\n    pass\n", "f" + i));
    }
    TaskResult r =
        new HumanEvalTaskProvider(ex.factory())
            .create(
                config("humaneval", docs)
                    .option("samples", "5")
                    .option("pass-k", "5,1,2")
                    .option("exec-timeout", "1.5")
                    .option("exec-workers", "3")
                    .option("python", "/opt/py/bin/python3")
                    .build())
            .run(model);
    assertEquals(List.of("pass@1", "pass@2", "pass@5"), List.copyOf(r.metrics().keySet()));
    for (int k : new int[] {1, 2, 5}) {
      double[] per = new double[c.length];
      for (int i = 0; i < c.length; i++) {
        per[i] = Metrics.passAtK(5, c[i], k);
      }
      assertEquals(Metrics.mean(per), r.metrics().get("pass@" + k), 1e-15, "k=" + k);
      assertEquals(
          Metrics.meanStderr(per).getAsDouble(),
          (Double) r.details().get("pass@" + k + "_stderr"),
          1e-15);
    }
    // By hand: pass@1 = mean(0, 2/5, 1); pass@2 = mean(0, 1 - C(3,2)/C(5,2) = 0.7, 1).
    assertEquals((0 + 0.4 + 1) / 3, r.metrics().get("pass@1"), 1e-12);
    assertEquals((0 + 0.7 + 1) / 3, r.metrics().get("pass@2"), 1e-12);
    assertEquals(7, r.details().get("passed"));
    assertEquals(5, r.details().get("failed"));
    assertEquals(3, r.details().get("timed_out"));
    assertEquals(15, ex.programs.size());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) r.details().get("results");
    assertEquals("X/0", rows.get(0).get("task_id"));
    assertEquals("he.jsonl:1", rows.get(0).get("id"));
    assertEquals(0, rows.get(0).get("passed"));
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) rows.get(0).get("first_failure");
    assertEquals(0, first.get("sample"));
    assertEquals("failed", first.get("outcome"));
    assertEquals("AssertionError: wrong f0", first.get("message"));
    assertEquals(2, rows.get(1).get("passed"));
    assertEquals(3, rows.get(1).get("timed_out"));
    @SuppressWarnings("unchecked")
    Map<String, Object> second = (Map<String, Object>) rows.get(1).get("first_failure");
    assertEquals(2, second.get("sample"), "the first failing sample, after two passes");
    assertEquals("timed_out", second.get("outcome"));
    assertFalse(rows.get(2).containsKey("first_failure"));
    assertEquals(List.of("/opt/py/bin/python3"), ex.settings.command());
    assertEquals(Duration.ofMillis(1500), ex.settings.timeout());
    assertEquals(3, ex.settings.workers());
    // Several samples and no temperature: Codex's 0.2 with top-p 0.95.
    Sampling s = model.samplings.get(0);
    assertEquals(0.2, s.temperature());
    assertEquals(0.95, s.topP());
    assertEquals(0, s.topK());
    assertTrue(r.summary().get(0).startsWith("pass@1    0.4667 ± "), r.summary().toString());
    assertTrue(
        r.summary().get(3).contains("3 problems × 5 samples")
            && r.summary().get(3).contains("7 passed, 5 failed, 3 timed out"),
        r.summary().toString());
  }

  @Test
  void eachSampleHasItsOwnSeedStableAcrossRunsAndOrder() {
    List<TaskDocument> docs = humanDocs();
    List<TaskDocument> reversed = List.of(docs.get(1), docs.get(0));
    Map<String, List<Long>> first = seeds(docs, "7");
    Map<String, List<Long>> again = seeds(docs, "7");
    Map<String, List<Long>> other = seeds(reversed, "7");
    assertEquals(first, again);
    assertEquals(first, other, "a problem's seeds do not depend on its place");
    for (List<Long> s : first.values()) {
      assertEquals(4, s.stream().distinct().count(), "samples of a problem differ: " + s);
    }
    assertNotEquals(first.get("X/0"), first.get("X/1"));
    assertNotEquals(first, seeds(docs, "8"), "the seed option changes them");
    assertEquals(CodeTask.sampleSeed(7, "X/1", 3), (long) first.get("X/1").get(3));
  }

  /** The seeds each problem's samples were generated with. */
  static Map<String, List<Long>> seeds(List<TaskDocument> docs, String seed) {
    FakeModels.Scripted model = FakeModels.Scripted.saying("    pass\n");
    new HumanEvalTaskProvider(new FakeExecutor(x -> passed()).factory())
        .create(
            config("humaneval", docs)
                .option("samples", "4")
                .option("temperature", "0.8")
                .option("top-p", "0.9")
                .option("top-k", "40")
                .option("seed", seed)
                .build())
        .run(model);
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (int i = 0; i < model.prompts.size(); i++) {
      String id = text(model.prompts.get(i)).startsWith("def add") ? "X/0" : "X/1";
      Sampling s = model.samplings.get(i);
      assertEquals(0.8, s.temperature());
      assertEquals(0.9, s.topP());
      assertEquals(40, s.topK());
      out.computeIfAbsent(id, k -> new ArrayList<>()).add(s.seed());
    }
    return new java.util.TreeMap<>(out);
  }

  @Test
  void refusesSamplingOptionsThatCannotHold() {
    String[][] cases = {
      {"pass-k 10 needs", "samples", "1", "pass-k", "10"},
      {
        "option pass-k holds 10; each k must be from 1 to the samples per problem, 4 (raise samples"
            + " to at least 10)",
        "samples",
        "4",
        "pass-k",
        "1,10"
      },
      {"option pass-k holds 0", "pass-k", "0"},
      {"option temperature is 0 (greedy) with 5 samples", "samples", "5", "temperature", "0"},
      {"option top-p applies when sampling", "top-p", "0.9"},
      {"option top-k applies when sampling", "top-k", "5"},
      {"option top-p must be above 0 and at most 1, got 1.5", "temperature", "1", "top-p", "1.5"},
      {"option temperature must be a number, got 'hot'", "temperature", "hot"},
      {"option exec-timeout must be seconds above 0", "exec-timeout", "0"},
      {"option exec-workers must be at least 1", "exec-workers", "0"},
      {"option samples must be at least 1", "samples", "0"},
      {"option max-gen-tokens is 5000 but the model takes 4000", "max-gen-tokens", "5000"},
    };
    for (String[] c : cases) {
      TaskConfig.Builder b = config("humaneval", humanDocs());
      for (int i = 1; i < c.length; i += 2) {
        b.option(c[i], c[i + 1]);
      }
      EvalException e =
          assertThrows(
              EvalException.class,
              () ->
                  new HumanEvalTaskProvider(new FakeExecutor(x -> passed()).factory())
                      .create(b.build()),
              c[0]);
      String want = c[0].startsWith("pass-k 10 needs") ? "raise samples to at least 10" : c[0];
      assertTrue(e.getMessage().contains(want), c[0] + " -> " + e.getMessage());
    }
    // One sample with a temperature samples; several with temperature 0 are refused above.
    FakeModels.Scripted model = FakeModels.Scripted.saying("    pass\n");
    new HumanEvalTaskProvider(new FakeExecutor(x -> passed()).factory())
        .create(config("humaneval", humanDocs()).option("temperature", "0.6").build())
        .run(model);
    assertEquals(0.6, model.samplings.get(0).temperature());
    assertEquals(0.95, model.samplings.get(0).topP());
  }

  @Test
  void badDocumentsAreNamedByFileLineAndField() {
    Map<String, Object> noTest = new LinkedHashMap<>();
    noTest.put("task_id", "X/9");
    noTest.put("prompt", "def f():\n");
    noTest.put("entry_point", "f");
    Map<String, Object> badEntry = new LinkedHashMap<>(noTest);
    badEntry.put("test", "");
    badEntry.put("entry_point", "f()");
    Map<String, Object> noId = new LinkedHashMap<>(badEntry);
    noId.remove("task_id");
    noId.put("entry_point", "f");
    Object[][] cases = {
      {noTest, "he.jsonl:2: field 'test' is missing"},
      {badEntry, "he.jsonl:2: field 'entry_point' is 'f()', not a Python name"},
      {noId, "he.jsonl:2: field 'task_id' is missing"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      TaskDocument bad = TaskDocument.of("he.jsonl", 2, (Map<String, Object>) c[1 - 1]);
      EvalException e =
          assertThrows(
              EvalException.class,
              () ->
                  new HumanEvalTaskProvider(new FakeExecutor(x -> passed()).factory())
                      .create(config("humaneval", List.of(humanDocs().get(0), bad)).build()));
      assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
    }
    EvalException dup =
        assertThrows(
            EvalException.class,
            () ->
                new HumanEvalTaskProvider(new FakeExecutor(x -> passed()).factory())
                    .create(
                        config(
                                "humaneval",
                                List.of(humanDocs().get(0), human(5, "X/0", P1, T1, "neg")))
                            .build()));
    assertTrue(
        dup.getMessage().contains("he.jsonl:5: field 'task_id' is 'X/0', as at he.jsonl:1"),
        dup.getMessage());
    Map<String, Object> m = mbppDoc(11, "Write f.", List.of("assert f() == 1"));
    m.put("test_list", "assert f() == 1");
    EvalException notList =
        assertThrows(
            EvalException.class,
            () ->
                new MbppTaskProvider(new FakeExecutor(x -> passed()).factory())
                    .create(
                        config("mbpp", List.of(TaskDocument.of("mbpp.jsonl", 7, m)))
                            .option("num-fewshot", "0")
                            .build()));
    assertTrue(
        notList.getMessage().contains("mbpp.jsonl:7: field 'test_list' is not a list of strings"),
        notList.getMessage());
  }

  static Map<String, Object> mbppDoc(int id, String text, List<String> tests) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", id);
    m.put("text", text);
    m.put("code", "def f" + id + "():\r\n    return " + id);
    m.put("test_list", tests);
    m.put("test_setup_code", "");
    m.put("challenge_test_list", List.of());
    return m;
  }

  @Test
  void mbppIsThreeShotFromTheHarnessExamplesAndRunsTheTestSplit() {
    List<TaskDocument> docs = new ArrayList<>();
    int line = 0;
    for (int id : new int[] {1, 2, 3, 4, 11, 12, 600}) {
      List<String> tests = List.of("assert f" + id + "() == " + id, "assert True", "assert 1");
      Map<String, Object> m = mbppDoc(id, "Write f" + id + ".", tests);
      if (id == 12) {
        m.put("test_setup_code", "import math");
      }
      docs.add(TaskDocument.of("mbpp.jsonl", ++line, m));
    }
    FakeExecutor ex = new FakeExecutor(x -> passed());
    FakeModels.Scripted model =
        FakeModels.Scripted.saying("def f(x):\n    return x\n[DONE]\n\nYou are an expert");
    TaskResult r =
        new MbppTaskProvider(ex.factory()).create(config("mbpp", docs).build()).run(model);
    // Task ids 11 and 12 only: 1-4 are the prompt split, 600 the train split.
    assertEquals(2, model.prompts.size());
    String expected = "";
    for (int id : new int[] {2, 3, 4}) {
      expected +=
          "You are an expert Python programmer, and here is your task: Write f"
              + id
              + ". Your code should pass these tests:\n\nassert f"
              + id
              + "() == "
              + id
              + "\nassert True\nassert 1\n[BEGIN]\n"
              + "def f"
              + id
              + "():\r\n    return "
              + id
              + "\n[DONE]\n\n";
    }
    expected +=
        "You are an expert Python programmer, and here is your task: Write f11. Your code should"
            + " pass these tests:\n\nassert f11() == 11\nassert True\nassert 1\n[BEGIN]\n";
    assertEquals(expected, text(model.prompts.get(0)));
    String code = "from __future__ import annotations\ndef f(x):\n    return x\n";
    assertEquals(
        List.of(
            code + "\nassert f11() == 11\nassert True\nassert 1",
            code + "\nimport math\nassert f12() == 12\nassert True\nassert 1"),
        ex.programs);
    assertEquals("test (task_id 11 to 510)", r.details().get("split"));
    assertEquals("task_id 2, 3, 4", r.details().get("fewshot_from"));
    assertEquals(3, r.details().get("num_fewshot"));
    assertEquals(256, r.details().get("max_gen_toks") instanceof Integer i ? 256 : -1);
    assertEquals(List.of("[DONE]"), MbppTaskProvider.UNTIL);

    // Without the prompt split in the file, examples must come from elsewhere or be none.
    List<TaskDocument> testOnly = docs.subList(4, 6);
    EvalException e =
        assertThrows(
            EvalException.class,
            () -> new MbppTaskProvider(ex.factory()).create(config("mbpp", testOnly).build()));
    assertTrue(e.getMessage().contains("the problems hold no task_id 2"), e.getMessage());
    FakeModels.Scripted zero = FakeModels.Scripted.saying("pass[DONE]");
    new MbppTaskProvider(ex.factory())
        .create(config("mbpp", testOnly).option("num-fewshot", "0").build())
        .run(zero);
    assertTrue(text(zero.prompts.get(0)).startsWith("You are an expert Python programmer"));
    // Few-shot documents given: their first num-fewshot, in order.
    FakeModels.Scripted fs = FakeModels.Scripted.saying("pass[DONE]");
    new MbppTaskProvider(ex.factory())
        .create(
            config("mbpp", testOnly)
                .fewshot(List.of(docs.get(6), docs.get(0)))
                .option("num-fewshot", "1")
                .build())
        .run(fs);
    assertTrue(
        text(fs.prompts.get(0))
            .startsWith(
                "You are an expert Python programmer, and here is" + " your task: Write f600."),
        text(fs.prompts.get(0)));
    assertFalse(text(fs.prompts.get(0)).contains("Write f1."));
  }

  @Test
  void mbppReadsTheSanitizedVariant() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source_file", "x");
    m.put("task_id", 11);
    m.put("prompt", "Write a function g.");
    m.put("code", "def g(): return 1");
    m.put("test_imports", List.of("import math"));
    m.put("test_list", List.of("assert g() == 1"));
    FakeExecutor ex = new FakeExecutor(x -> passed());
    FakeModels.Scripted model = FakeModels.Scripted.saying("def g(): return 1\n[DONE]");
    new MbppTaskProvider(ex.factory())
        .create(
            config("mbpp", List.of(TaskDocument.of("s.jsonl", 1, m)))
                .option("num-fewshot", "0")
                .build())
        .run(model);
    assertEquals(
        "You are an expert Python programmer, and here is your task: Write a function g. Your"
            + " code should pass these tests:\n\nassert g() == 1\n\n\n[BEGIN]\n",
        text(model.prompts.get(0)));
    assertEquals(
        List.of(
            "from __future__ import annotations\ndef g(): return 1\n\nimport math\n"
                + "assert g() == 1"),
        ex.programs);
  }

  @Test
  void mbppCodeExtractionMatchesTheHarnessRules() {
    String h = "from __future__ import annotations\n";
    // No fence: the whole completion.
    assertEquals(
        h + "def f():\n    return 1\n", MbppTaskProvider.extractCode("def f():\n    return 1\n"));
    // A fenced block after some text: the harness puts "```" in front, so the text before the
    // first fence is read as a block of its own ("Here" taken for a language tag).
    assertEquals(
        h + " it is:", MbppTaskProvider.extractCode("Here it is:\n```python\ndef f(): pass\n```"));
    // A closing fence only: everything before it, its first word eaten as a tag, as the harness.
    assertEquals(h + " f(): pass", MbppTaskProvider.extractCode("def f(): pass\n```"));
  }

  @Test
  void theFixtureRunsEndToEndThroughTheRealExecutor() throws Exception {
    PythonExecutorTest.findPython();
    assumeTrue(
        PythonExecutorTest.python,
        "python3 is not on PATH: this test runs the fixture's programs with it");
    List<Map<String, Object>> fixture = PythonExecutorTest.fixture();
    List<TaskDocument> docs = new ArrayList<>();
    for (int i = 0; i < fixture.size(); i++) {
      docs.add(TaskDocument.of("fixture.jsonl", i + 1, fixture.get(i)));
    }
    for (String which : List.of("canonical_solution", "wrong_solution")) {
      Map<String, String> answers = new HashMap<>();
      fixture.forEach(p -> answers.put((String) p.get("prompt"), (String) p.get(which)));
      FakeModels.Scripted model =
          new FakeModels.Scripted(p -> FakeModels.CHARS.encode(answers.get(text(p))));
      TaskResult r =
          Tasks.provider("humaneval")
              .create(
                  config("humaneval", docs)
                      .option("python", PythonExecutorTest.interpreter)
                      .option("exec-timeout", "2")
                      .option("max-gen-tokens", "1000")
                      .build())
              .run(model);
      if (which.equals("canonical_solution")) {
        assertEquals(1.0, r.metrics().get("pass@1"), r.details().toString());
      } else {
        assertEquals(0.0, r.metrics().get("pass@1"), r.details().toString());
        assertEquals(1, r.details().get("timed_out"), "Fixture/3's wrong loop never ends");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) r.details().get("results");
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) rows.get(4).get("first_failure");
        assertTrue(
            ((String) f.get("message")).endsWith("IndexError: list index out of range"),
            f.toString());
      }
    }
  }
}
