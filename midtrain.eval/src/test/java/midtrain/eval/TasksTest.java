package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import midtrain.eval.FakeModels.Scripted;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

class TasksTest {

  @Test
  void builtInsAreDiscoveredThroughServiceLoader() {
    assertEquals(
        List.of(
            "arc_challenge",
            "arc_easy",
            "boolq",
            "gsm8k",
            "hellaswag",
            "humaneval",
            "lambada_openai",
            "mbpp",
            "mmlu",
            "needle",
            "openbookqa",
            "piqa",
            "sciq",
            "winogrande"),
        new ArrayList<>(Tasks.providers().keySet()));
  }

  @Test
  void duplicateIdsFailNamingBothClasses() {
    TaskProvider mine =
        new TaskProvider() {
          @Override
          public String id() {
            return "gsm8k";
          }

          @Override
          public EvalTask create(TaskConfig config) {
            return model -> TaskResult.of(Map.of(), Map.of(), List.of());
          }
        };
    List<TaskProvider> found = new ArrayList<>(Tasks.providers().values());
    found.add(mine);
    EvalException e = assertThrows(EvalException.class, () -> Tasks.index(found));
    assertTrue(
        e.getMessage().contains("Gsm8kTaskProvider")
            && e.getMessage().contains(mine.getClass().getName()),
        e.getMessage());
    EvalException u = assertThrows(EvalException.class, () -> Tasks.provider("lambada_x"));
    assertTrue(
        u.getMessage()
            .contains(
                "known: arc_challenge, arc_easy, boolq, gsm8k, hellaswag, humaneval, lambada_openai,"),
        u.getMessage());
  }

  static TaskConfig.Builder config(String task) {
    return TaskConfig.builder(task)
        .encoder(FakeModels.CHARS)
        .decoder(FakeModels.UNCHARS)
        .maxLength(600);
  }

  static TaskDocument doc(int line, String q, String a) {
    return TaskDocument.of("test.jsonl", line, Map.of("question", q, "answer", a));
  }

  @Test
  void gsm8kRunsTheHarnessRecipeOverDocuments() {
    List<TaskDocument> test = List.of(doc(1, "1+1?", "#### 2"), doc(2, "2+3?", "#### 5"));
    List<TaskDocument> train =
        List.of(doc(1, "a?", "#### 1"), doc(2, "b?", "#### 2"), doc(3, "c?", "#### 3"));
    TaskConfig c =
        config("gsm8k")
            .documents(test)
            .fewshot(train)
            .option("num-fewshot", "2")
            .option("max-gen-tokens", "20")
            .option("fewshot-sampler", "first_n")
            .build();
    EvalTask task = Tasks.provider("gsm8k").create(c);
    assertTrue(
        c.readOptions().containsAll(List.of("num-fewshot", "max-gen-tokens", "limit", "seed")),
        c.readOptions().toString());
    // Sorted, as its Javadoc says: gsm8k reads its options in another order.
    assertEquals(
        List.of("fewshot-sampler", "limit", "max-gen-tokens", "num-fewshot", "seed"),
        List.copyOf(c.readOptions()));
    Scripted m = Scripted.saying(" 2\n#### 2\n\nQuestion: x");
    TaskResult r = task.run(m);
    // The prompt of the first item, as the harness builds gsm8k's with two first_n examples.
    assertEquals(
        "Question: a?\nAnswer: #### 1\n\nQuestion: b?\nAnswer: #### 2\n\nQuestion: 1+1?\nAnswer:",
        FakeModels.UNCHARS.decode(m.prompts.get(0)));
    assertEquals(0.5, r.metrics().get("exact_match,strict-match"));
    assertEquals(0.5, r.metrics().get("exact_match,flexible-extract"));
    assertEquals(0.5, (double) r.details().get("exact_match_stderr,strict-match"), 1e-12);
    assertEquals(2, r.details().get("items"));
  }

  @Test
  void gsm8kRefusesBadDocumentsAndOptionsBeforeAnyModel() {
    TaskProvider p = Tasks.provider("gsm8k");
    TaskDocument noAnswer = TaskDocument.of("t.jsonl", 3, Map.of("question", "q"));
    EvalException e =
        assertThrows(
            EvalException.class,
            () -> p.create(config("gsm8k").documents(List.of(noAnswer)).build()));
    assertEquals("t.jsonl:3: field 'answer' is missing", e.getMessage());
    EvalException shots =
        assertThrows(
            EvalException.class,
            () -> p.create(config("gsm8k").documents(List.of(doc(1, "q", "a"))).build()));
    assertTrue(shots.getMessage().contains("option num-fewshot is 5"), shots.getMessage());
    EvalException unused =
        assertThrows(
            EvalException.class,
            () ->
                p.create(
                    config("gsm8k")
                        .documents(List.of(doc(1, "q", "a")))
                        .fewshot(List.of(doc(2, "q2", "a2")))
                        .option("num-fewshot", "0")
                        .build()));
    assertTrue(
        unused.getMessage().contains("option num-fewshot is 0 but few-shot documents"),
        unused.getMessage());
    EvalException bad =
        assertThrows(
            EvalException.class,
            () ->
                p.create(
                    config("gsm8k")
                        .documents(List.of(doc(1, "q", "a")))
                        .option("num-fewshot", "x")
                        .build()));
    assertEquals("gsm8k: option num-fewshot must be an integer, got 'x'", bad.getMessage());
    assertThrows(EvalException.class, () -> p.create(config("gsm8k").build()));
  }

  @Test
  void needleRunsThePasskeyTest() {
    TaskConfig c =
        config("needle")
            .option("needle-lengths", "300,500")
            .option("needle-depths", "0,1")
            .option("needle-trials", "2")
            .build();
    TaskResult r = Tasks.provider("needle").create(c).run(PasskeyTestTest.reader(1000));
    assertEquals(1.0, r.metrics().get("accuracy"));
    assertEquals(1.0, r.metrics().get("accuracy,length=500"));
    assertEquals(8, r.details().get("trials"));
    assertTrue(r.summary().get(0).startsWith("accuracy 1.0000 (8 trials)"), r.summary().toString());
    EvalException docs =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("needle")
                    .create(config("needle").documents(List.of(doc(1, "q", "a"))).build()));
    assertTrue(docs.getMessage().contains("reads no documents"), docs.getMessage());
    EvalException tooLong =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("needle")
                    .create(config("needle").option("needle-lengths", "595").build()));
    assertTrue(
        tooLong.getMessage().startsWith("needle: option needle-lengths holds 595"),
        tooLong.getMessage());
  }
}
