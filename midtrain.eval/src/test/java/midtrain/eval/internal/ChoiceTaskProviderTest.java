package midtrain.eval.internal;

import static midtrain.eval.internal.ChoiceFixtures.choices;
import static midtrain.eval.internal.ChoiceFixtures.config;
import static midtrain.eval.internal.ChoiceFixtures.doc;
import static midtrain.eval.internal.ChoiceFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import midtrain.eval.EvalException;
import midtrain.eval.Tasks;
import midtrain.eval.internal.ChoiceFixtures.Flat;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/**
 * What the harness's single multiple-choice tasks share, through {@code arc_easy}: metrics and
 * their standard errors, the results' shape, few-shot examples and options.
 */
class ChoiceTaskProviderTest {

  static TaskDocument arc(String src, int line, String q, List<String> text, String key) {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      labels.add(String.valueOf((char) ('A' + i)));
    }
    return doc(src, line, "question", q, "choices", choices(text, labels), "answerKey", key);
  }

  static List<TaskDocument> threeItems() {
    return List.of(
        arc("t", 1, "Q1", List.of("ab", "abcd", "a"), "C"),
        doc(
            "t",
            2,
            "question",
            "Q2",
            "choices",
            choices(List.of("xyz", "x", "xy*", "wxyz"), List.of("1", "2", "3", "4")),
            "answerKey",
            "3"),
        arc("t", 3, "Q3", List.of("long answer", "no"), "A"));
  }

  @Test
  void accAccNormAndTheirStderrAreWorkedByHand() {
    // Flat: a choice of n characters scores -(n + 1) (the delimiter is a token), -(n + 1) / 2 in a
    // window with '*'.
    // Item 1: ab -3, abcd -5, a -2; acc picks a (gold C: right); per char -1.5, -1.25, -2: acc_norm
    // picks abcd (wrong).
    // Item 2: xyz -4, x -2, xy* -2 (marked), wxyz -5; acc: x and xy* tie, the first wins: x
    // (gold 3 = xy*: wrong); per char -1.33, -2, -0.67, -1.25: xy* (right).
    // Item 3: "long answer" -12, no -3; acc picks no (wrong); per char -1.09, -1.5: long (right).
    // acc = 1/3, acc_norm = 2/3; each stderr sqrt(p (1 - p) / (n - 1)) = sqrt(2/9 / 2) = 1/3.
    Flat m = new Flat();
    TaskResult r = run(m, "arc_easy", threeItems());
    assertEquals(1.0 / 3, r.metrics().get("acc"), 1e-12);
    assertEquals(2.0 / 3, r.metrics().get("acc_norm"), 1e-12);
    assertEquals(List.of("acc", "acc_norm"), new ArrayList<>(r.metrics().keySet()));
    Map<String, Object> d = r.details();
    assertEquals(3, d.get("items"));
    assertEquals(0, d.get("num_fewshot"));
    assertEquals(1.0 / 3, (Double) d.get("acc_stderr"), 1e-12);
    assertEquals(1.0 / 3, (Double) d.get("acc_norm_stderr"), 1e-12);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items = (List<Map<String, Object>>) d.get("results");
    assertEquals("t:2", items.get(1).get("id"));
    assertEquals(List.of(-4.0, -2.0, -2.0, -5.0), items.get(1).get("loglikelihoods"));
    assertEquals(2, items.get(1).get("target"));
    assertEquals(1, items.get(1).get("predicted"));
    assertEquals(false, items.get(1).get("correct"));
    assertEquals(2, items.get(1).get("predicted_norm"));
    assertEquals(true, items.get(1).get("correct_norm"));
    assertEquals(List.of(-3.0, -5.0, -2.0), items.get(0).get("loglikelihoods"));
    assertEquals("acc       0.3333 ± 0.3333 (3 items, 0-shot)", r.summary().get(0));
    assertEquals("acc_norm  0.6667 ± 0.3333", r.summary().get(1));
    // One window per choice: the context, the delimiter, the choice.
    assertEquals(9, m.windows.size());
    assertEquals("Question: Q1\nAnswer: ab", m.windows.get(0));
    assertEquals("Question: Q3\nAnswer: long answer", m.windows.get(7));
  }

  @Test
  void oneItemHasNoStderrAndLimitTakesTheFirstItems() {
    TaskResult r = run(new Flat(), "arc_easy", threeItems(), "limit", "1");
    assertEquals(1, r.details().get("items"));
    assertEquals(1.0, r.metrics().get("acc"));
    assertEquals(0.0, r.metrics().get("acc_norm"));
    assertEquals("N/A", r.details().get("acc_stderr"));
    assertEquals("N/A", r.details().get("acc_norm_stderr"));
    TaskResult two = run(new Flat(), "arc_easy", threeItems(), "limit", "2");
    assertEquals(0.5, two.metrics().get("acc"));
    assertEquals(0.5, two.metrics().get("acc_norm"));
  }

  @Test
  void firstNExamplesPrecedeTheItemAndAnEqualRowIsDroppedNotReplaced() {
    List<TaskDocument> train =
        List.of(
            arc("train", 1, "E1", List.of("p", "q"), "B"),
            arc("train", 2, "E2", List.of("r", "s"), "A"),
            arc("train", 3, "E3", List.of("u", "v"), "A"));
    // The second test item is the first train row again (another file and line, the same row).
    List<TaskDocument> test =
        List.of(
            arc("test", 1, "Q1", List.of("ab", "c"), "A"),
            arc("test", 2, "E1", List.of("p", "q"), "B"));
    Flat m = new Flat();
    TaskResult r =
        Tasks.provider("arc_easy")
            .create(
                config("arc_easy")
                    .documents(test)
                    .fewshot(train)
                    .option("num-fewshot", "2")
                    .option("fewshot-sampler", "first_n")
                    .build())
            .run(m);
    // Each example is text, " ", the gold choice's text, "\n\n" (ContextSampler.get_context).
    assertEquals(
        "Question: E1\nAnswer: q\n\nQuestion: E2\nAnswer: r\n\nQuestion: Q1\nAnswer: ab",
        m.windows.get(0));
    // The item equal to E1 keeps E2 alone: the harness drops x == doc and draws no other.
    assertEquals("Question: E2\nAnswer: r\n\nQuestion: E1\nAnswer: p", m.windows.get(2));
    assertEquals(2, r.details().get("num_fewshot"));
  }

  static TaskDocument piqa(String src, int line, String goal, String sol1, String sol2, int label) {
    return doc(src, line, "goal", goal, "sol1", sol1, "sol2", sol2, "label", label);
  }

  @Test
  void withoutATestSplitOneMoreIsDrawnSoAnEqualRowIsReplaced() {
    // piqa.yaml (as hellaswag, winogrande and boolq) has no test_split, so fewshot_split ==
    // test_split (None == None) and get_context draws num_fewshot + 1, drops x == doc and keeps
    // the first num_fewshot.
    List<TaskDocument> train =
        List.of(
            piqa("train", 1, "E1", "p", "q", 1),
            piqa("train", 2, "E2", "r", "s", 0),
            piqa("train", 3, "E3", "u", "v", 0));
    List<TaskDocument> test =
        List.of(piqa("val", 1, "Q1", "ab", "c", 0), piqa("val", 2, "E1", "p", "q", 1));
    Flat m = new Flat();
    Tasks.provider("piqa")
        .create(
            config("piqa")
                .documents(test)
                .fewshot(train)
                .option("num-fewshot", "2")
                .option("fewshot-sampler", "first_n")
                .build())
        .run(m);
    assertEquals(
        "Question: E1\nAnswer: q\n\nQuestion: E2\nAnswer: r\n\nQuestion: Q1\nAnswer: ab",
        m.windows.get(0));
    assertEquals(
        "Question: E2\nAnswer: r\n\nQuestion: E3\nAnswer: u\n\nQuestion: E1\nAnswer: p",
        m.windows.get(2));
    // A pool of exactly num_fewshot rows is used whole (the harness would fail to draw one more).
    Flat two = new Flat();
    Tasks.provider("piqa")
        .create(
            config("piqa")
                .documents(test)
                .fewshot(train.subList(0, 2))
                .option("num-fewshot", "2")
                .build())
        .run(two);
    assertTrue(two.windows.get(0).endsWith("\n\nQuestion: Q1\nAnswer: ab"), two.windows.get(0));
    // Two examples, then the item.
    assertEquals(3, two.windows.get(0).split("\n\n", -1).length, two.windows.get(0));
  }

  @Test
  void randomExamplesAreOneSeededSampleAfterAnother() {
    List<TaskDocument> train = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      train.add(arc("train", i + 1, "E" + i, List.of("a" + i, "b" + i), "A"));
    }
    List<TaskDocument> test =
        List.of(
            arc("test", 1, "Q1", List.of("x", "y"), "A"),
            arc("test", 2, "Q2", List.of("x", "y"), "A"));
    // The oracle: one java.util.Random(seed), a partial Fisher-Yates of the pool per item.
    Random rnd = new Random(99);
    List<String> expected = new ArrayList<>();
    for (TaskDocument t : test) {
      List<Integer> p = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < 3; k++) {
        int j = k + rnd.nextInt(6 - k);
        int pick = p.get(j);
        p.set(j, p.get(k));
        p.set(k, pick);
        b.append("Question: E").append(pick).append("\nAnswer: a").append(pick).append("\n\n");
      }
      expected.add(
          b.append("Question: ")
              .append(t.fields().get("question"))
              .append("\nAnswer: x")
              .toString());
    }
    Flat m = new Flat();
    Tasks.provider("arc_easy")
        .create(
            config("arc_easy")
                .documents(test)
                .fewshot(train)
                .option("num-fewshot", "3")
                .option("seed", "99")
                .build())
        .run(m);
    assertEquals(expected.get(0), m.windows.get(0));
    assertEquals(expected.get(1), m.windows.get(2));
    assertNotEquals(m.windows.get(0).substring(0, 40), m.windows.get(2).substring(0, 40));
  }

  @Test
  void badOptionsAndPoolsAreNamedBeforeAnyModel() {
    List<TaskDocument> test = threeItems();
    List<TaskDocument> train = List.of(arc("train", 1, "E1", List.of("p", "q"), "B"));
    EvalException sampler =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("arc_easy")
                    .create(
                        config("arc_easy").documents(test).option("fewshot-sampler", "x").build()));
    assertTrue(
        sampler.getMessage().contains("fewshot-sampler must be random or first_n"),
        sampler.getMessage());
    EvalException small =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("arc_easy")
                    .create(
                        config("arc_easy")
                            .documents(test)
                            .fewshot(train)
                            .option("num-fewshot", "2")
                            .build()));
    assertTrue(
        small.getMessage().contains("num-fewshot is 2 but the few-shot documents have only 1"),
        small.getMessage());
    EvalException none =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("arc_easy")
                    .create(config("arc_easy").documents(test).option("num-fewshot", "1").build()));
    assertTrue(none.getMessage().contains("no few-shot documents"), none.getMessage());
    EvalException empty =
        assertThrows(
            EvalException.class,
            () -> Tasks.provider("arc_easy").create(config("arc_easy").build()));
    assertTrue(empty.getMessage().contains("arc_easy: no documents"), empty.getMessage());
    // A bad few-shot line is named too, and a bad line past the limit.
    EvalException badShot =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("arc_easy")
                    .create(
                        config("arc_easy")
                            .documents(test)
                            .fewshot(List.of(arc("train", 7, "E", List.of("p"), "Z")))
                            .option("num-fewshot", "1")
                            .build()));
    assertTrue(badShot.getMessage().startsWith("train:7: field 'answerKey'"), badShot.getMessage());
    List<TaskDocument> late = new ArrayList<>(test);
    late.add(doc("t", 4, "question", "Q4"));
    EvalException past =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("arc_easy")
                    .create(config("arc_easy").documents(late).option("limit", "1").build()));
    assertEquals("t:4: field 'choices' is missing", past.getMessage());
  }
}
