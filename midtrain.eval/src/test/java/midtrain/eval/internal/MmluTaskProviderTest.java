package midtrain.eval.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import midtrain.eval.EvalException;
import midtrain.eval.GenerativeModel;
import midtrain.eval.Sampling;
import midtrain.eval.Tasks;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/** The {@code mmlu} task against prompts and aggregates worked by hand from the harness's rules. */
class MmluTaskProviderTest {

  /**
   * A model over characters (each UTF-16 unit one token) that favours, at the last position of
   * every window, the letter written after the last {@code "pick "} in it, and gives every other
   * token log-probability -1; it records each window's text.
   */
  static final class Picker implements GenerativeModel {
    final List<String> windows = new ArrayList<>();

    @Override
    public int vocabSize() {
      return 1 << 16;
    }

    @Override
    public double[] tokenLogProbs(int[] tokens) {
      StringBuilder b = new StringBuilder();
      for (int t : tokens) {
        b.append((char) t);
      }
      String text = b.toString();
      windows.add(text);
      int at = text.lastIndexOf("pick ");
      char wanted = text.charAt(at + 5);
      double[] lp = new double[tokens.length - 1];
      Arrays.fill(lp, -1.0);
      lp[lp.length - 1] = tokens[tokens.length - 1] == wanted ? -0.1 : -2.0;
      return lp;
    }

    @Override
    public int[] generate(
        int[] prompt, int maxNewTokens, Sampling sampling, Predicate<int[]> stop) {
      throw new UnsupportedOperationException("mmlu scores log-likelihoods only");
    }
  }

  static Map<String, Object> fields(Object subject, Object question, Object choices, Object a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("question", question);
    m.put("subject", subject);
    m.put("choices", choices);
    m.put("answer", a);
    return m;
  }

  static TaskDocument doc(String src, int line, String subject, String q, int answer) {
    return TaskDocument.of(src, line, fields(subject, q, List.of("w", "x", "y", "z"), answer));
  }

  static TaskConfig.Builder config() {
    return TaskConfig.builder("mmlu")
        .encoder(t -> t.chars().toArray())
        .decoder(ids -> "")
        .maxLength(4096);
  }

  @Test
  void promptIsTheHarnessTemplateWithTheSubjectDescription() {
    // Rendered by hand from _default_template_yaml's doc_to_text ("{{question.strip()}}\nA.
    // {{choices[0]}}\n...\nAnswer:") and _generate_configs.py's description (underscores to
    // spaces, then ".\n\n"); the question's surrounding whitespace goes, the choices' stays.
    MmluTaskProvider.Doc d =
        MmluTaskProvider.read(
            TaskDocument.of(
                "t.jsonl",
                1,
                fields(
                    "high_school_us_history",
                    " \u00a0Who was the first president?\n",
                    List.of("Adams", " Washington", "Jefferson", "Lincoln "),
                    1)));
    assertEquals(
        "The following are multiple choice questions (with answers) about high school us"
            + " history.\n\n"
            + "Who was the first president?\nA. Adams\nB.  Washington\nC. Jefferson\n"
            + "D. Lincoln \nAnswer:",
        MmluTaskProvider.context(d, List.of()));
    // Two examples: each is its text, the target delimiter " ", its letter and "\n\n"
    // (ContextSampler.get_context), after the description and before the item (fewshot_context).
    MmluTaskProvider.Doc e1 =
        MmluTaskProvider.read(doc("dev", 1, "high_school_us_history", "Q1", 2));
    MmluTaskProvider.Doc e2 =
        MmluTaskProvider.read(doc("dev", 2, "high_school_us_history", "Q2", 0));
    assertEquals(
        "The following are multiple choice questions (with answers) about high school us"
            + " history.\n\n"
            + "Q1\nA. w\nB. x\nC. y\nD. z\nAnswer: C\n\n"
            + "Q2\nA. w\nB. x\nC. y\nD. z\nAnswer: A\n\n"
            + "Who was the first president?\nA. Adams\nB.  Washington\nC. Jefferson\n"
            + "D. Lincoln \nAnswer:",
        MmluTaskProvider.context(d, List.of(e1, e2)));
    assertEquals(57, MmluTaskProvider.SUBJECTS.size());
    assertEquals("stem", MmluTaskProvider.SUBJECTS.get("anatomy"));
    assertEquals("social_sciences", MmluTaskProvider.SUBJECTS.get("human_sexuality"));
  }

  @Test
  void examplesAreTheFirstDevItemsOfTheItemsSubjectInFileOrder() {
    List<TaskDocument> dev =
        List.of(
            doc("dev", 1, "astronomy", "pick A s1", 0),
            doc("dev", 2, "anatomy", "pick B n1", 1),
            doc("dev", 3, "astronomy", "pick C s2", 2),
            doc("dev", 4, "anatomy", "pick D n2", 3),
            doc("dev", 5, "astronomy", "pick D s3", 3));
    List<TaskDocument> test =
        List.of(
            doc("test", 1, "anatomy", "pick A t1", 0), doc("test", 2, "astronomy", "pick B t2", 1));
    Picker m = new Picker();
    TaskResult r =
        Tasks.provider("mmlu")
            .create(config().documents(test).fewshot(dev).option("num-fewshot", "2").build())
            .run(m);
    // Four windows per item, one per letter, each the context, " " and the letter.
    assertEquals(8, m.windows.size());
    String anatomy =
        "The following are multiple choice questions (with answers) about anatomy.\n\n";
    assertEquals(
        anatomy
            + "pick B n1\nA. w\nB. x\nC. y\nD. z\nAnswer: B\n\n"
            + "pick D n2\nA. w\nB. x\nC. y\nD. z\nAnswer: D\n\n"
            + "pick A t1\nA. w\nB. x\nC. y\nD. z\nAnswer: C",
        m.windows.get(2));
    assertTrue(
        m.windows.get(4).contains("pick A s1")
            && m.windows.get(4).contains("pick C s2")
            && !m.windows.get(4).contains("s3")
            && m.windows.get(4).indexOf("s1") < m.windows.get(4).indexOf("s2"),
        m.windows.get(4));
    assertEquals(1.0, r.metrics().get("acc"));
    assertEquals(2, r.details().get("num_fewshot"));
  }

  @Test
  void aDevExampleEqualToTheItemIsDroppedWithoutReplacement() {
    // ContextSampler.get_context draws num_fewshot dev rows (fewshot_split dev is not the test
    // split, so no extra one) and keeps those != the item: an item that repeats the first dev row
    // of its subject is asked with the second only. A row differing in the answer alone stays.
    List<TaskDocument> dev =
        List.of(
            doc("dev", 1, "astronomy", "pick A s1", 0),
            doc("dev", 2, "astronomy", "pick B s2", 1),
            doc("dev", 3, "astronomy", "pick C s3", 2));
    List<TaskDocument> test =
        List.of(
            doc("test", 1, "astronomy", "pick A s1", 0),
            doc("test", 2, "astronomy", "pick B s2", 2));
    Picker m = new Picker();
    Tasks.provider("mmlu")
        .create(config().documents(test).fewshot(dev).option("num-fewshot", "2").build())
        .run(m);
    String astronomy =
        "The following are multiple choice questions (with answers) about astronomy.\n\n";
    assertEquals(
        astronomy
            + "pick B s2\nA. w\nB. x\nC. y\nD. z\nAnswer: B\n\n"
            + "pick A s1\nA. w\nB. x\nC. y\nD. z\nAnswer: A",
        m.windows.get(0));
    assertEquals(
        astronomy
            + "pick A s1\nA. w\nB. x\nC. y\nD. z\nAnswer: A\n\n"
            + "pick B s2\nA. w\nB. x\nC. y\nD. z\nAnswer: B\n\n"
            + "pick B s2\nA. w\nB. x\nC. y\nD. z\nAnswer: A",
        m.windows.get(4));
  }

  @Test
  void logLikelihoodsAreTheContinuationsTokensAndCategoriesWeighBySize() {
    // Which items the Picker gets right: astronomy 2 of 3, anatomy 1 of 2 (both stem), sociology
    // 1 of 4 (social_sciences), philosophy 2 of 2 (humanities).
    List<TaskDocument> test = new ArrayList<>();
    Object[][] plan = {
      {"astronomy", "A", 0}, {"sociology", "B", 1}, {"astronomy", "B", 1}, {"anatomy", "C", 2},
      {"astronomy", "C", 3}, {"sociology", "A", 3}, {"anatomy", "D", 0}, {"sociology", "A", 1},
      {"philosophy", "D", 3}, {"sociology", "A", 2}, {"philosophy", "B", 1},
    };
    for (int i = 0; i < plan.length; i++) {
      test.add(doc("t.jsonl", i + 1, (String) plan[i][0], "pick " + plan[i][1], (int) plan[i][2]));
    }
    TaskResult r =
        Tasks.provider("mmlu").create(config().documents(test).build()).run(new Picker());

    // " B" is two tokens: -1 for the space, then -0.1 for the wanted letter or -2 for another.
    @SuppressWarnings("unchecked")
    Map<String, Object> second =
        (Map<String, Object>) ((List<?>) r.details().get("results")).get(1);
    assertEquals(List.of(-3.0, -1.1, -3.0, -3.0), second.get("loglikelihoods"));
    assertEquals("B", second.get("predicted"));
    assertEquals("t.jsonl:2", second.get("id"));

    // Hand computation. Subjects: mean and mean_stderr (sample sd / sqrt n).
    // astronomy {1,1,0}: 2/3, var 1/3, se 1/3. anatomy {1,0}: 1/2, var 1/2, se 1/2.
    // sociology {0,1,0,0}: 1/4, var 1/4, se 1/4. philosophy {1,1}: 1, se 0.
    // stem: (3 * 2/3 + 2 * 1/2) / 5 = 3/5; pooled_sample_stderr: ((3-1) * 1/9 * 3 + (2-1) * 1/4
    // * 2) / (5 - 2) = 7/18, over n = 5: se = sqrt(7/90) (the concatenated items' se would be
    // sqrt(0.06)). social_sciences: 1/4, se 1/4. humanities: 1, se 0.
    // mmlu: (3 + 1 + 2) / 11 = 6/11; the harness pools the whole over its leaf tasks, the
    // subjects (consolidate_group_results' task_aggregation_list), not over the categories:
    // (2 * 1/9 * 3 + 1 * 1/4 * 2 + 3 * 1/16 * 4 + 0) / (11 - 4) = 23/84, over 11: se =
    // sqrt(23/924) (pooling the categories' figures would give sqrt(83/3168)).
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> subjects =
        (Map<String, Map<String, Object>>) r.details().get("subjects");
    assertEquals(
        List.of("anatomy", "astronomy", "philosophy", "sociology"), List.copyOf(subjects.keySet()));
    assertEquals(2.0 / 3, (double) subjects.get("astronomy").get("acc"), 1e-15);
    assertEquals(1.0 / 3, (double) subjects.get("astronomy").get("acc_stderr"), 1e-15);
    assertEquals(0.5, (double) subjects.get("anatomy").get("acc_stderr"), 1e-15);
    assertEquals(0.25, (double) subjects.get("sociology").get("acc_stderr"), 1e-15);
    assertEquals("social_sciences", subjects.get("sociology").get("category"));
    assertEquals(4, subjects.get("sociology").get("samples"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> cats =
        (Map<String, Map<String, Object>>) r.details().get("categories");
    // The harness's _mmlu.yaml order, and no "other": none of its subjects is in the file.
    assertEquals(List.of("stem", "social_sciences", "humanities"), List.copyOf(cats.keySet()));
    assertEquals(0.6, (double) cats.get("stem").get("acc"), 1e-15);
    assertEquals(Math.sqrt(7.0 / 90), (double) cats.get("stem").get("acc_stderr"), 1e-15);
    assertEquals(5, cats.get("stem").get("samples"));
    assertEquals(0.25, (double) cats.get("social_sciences").get("acc_stderr"), 1e-15);
    assertEquals(0.0, (double) cats.get("humanities").get("acc_stderr"), 0.0);
    assertEquals(6.0 / 11, r.metrics().get("acc"), 1e-15);
    assertEquals(6.0 / 11, (double) r.details().get("acc"), 1e-15);
    assertEquals(Math.sqrt(23.0 / 924), (double) r.details().get("acc_stderr"), 1e-15);
    assertEquals(0.6, r.metrics().get("acc,category=stem"), 1e-15);
    assertEquals(
        List.of(
            "acc", "acc,category=stem", "acc,category=social_sciences", "acc,category=humanities"),
        List.copyOf(r.metrics().keySet()));
    assertEquals(11, r.details().get("items"));
    assertTrue(r.summary().get(0).startsWith("acc "), r.summary().toString());
    assertTrue(r.summary().get(1).contains("stem") && r.summary().get(1).contains("0.6000"));
  }

  @Test
  void aSubjectOfOneItemHasNoStderrAndNeitherHaveItsGroups() {
    List<TaskDocument> test =
        List.of(
            doc("t", 1, "virology", "pick A", 0),
            doc("t", 2, "astronomy", "pick A", 0),
            doc("t", 3, "astronomy", "pick B", 0));
    TaskResult r =
        Tasks.provider("mmlu").create(config().documents(test).build()).run(new Picker());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> cats =
        (Map<String, Map<String, Object>>) r.details().get("categories");
    assertEquals("N/A", cats.get("other").get("acc_stderr"));
    assertEquals(0.5, (double) cats.get("stem").get("acc_stderr"), 1e-15);
    assertEquals("N/A", r.details().get("acc_stderr"));
    assertTrue(r.summary().get(0).contains("± N/A"), r.summary().get(0));
  }

  @Test
  void requestsKeepWithinTheModelsLengthLosingContextFromTheLeft() {
    List<TaskDocument> test = List.of(doc("t", 1, "astronomy", "pick C", 2));
    Picker m = new Picker();
    TaskResult r =
        Tasks.provider("mmlu").create(config().maxLength(40).documents(test).build()).run(m);
    // The context is 111 characters; each request is its last 38 and " " + the letter: 40 tokens,
    // what the model takes at once (the scorer's maxLength + 1 with maxLength 39).
    String context = MmluTaskProvider.context(MmluTaskProvider.read(test.get(0)), List.of());
    assertEquals(111, context.length());
    assertEquals(4, m.windows.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(
          context.substring(context.length() - 38) + " " + MmluTaskProvider.LETTERS.get(i),
          m.windows.get(i));
    }
    assertEquals(1.0, r.metrics().get("acc"));
  }

  @Test
  void limitTakesTheFirstItemsOfEachSubject() {
    List<TaskDocument> test =
        List.of(
            doc("t", 1, "astronomy", "pick A", 0),
            doc("t", 2, "anatomy", "pick A", 1),
            doc("t", 3, "astronomy", "pick A", 1),
            doc("t", 4, "anatomy", "pick A", 0));
    TaskConfig c = config().documents(test).option("limit", "1").build();
    TaskResult r = Tasks.provider("mmlu").create(c).run(new Picker());
    assertEquals(2, r.details().get("items"));
    assertEquals(0.5, r.metrics().get("acc"));
    assertEquals(List.of("limit", "num-fewshot"), List.copyOf(c.readOptions()));
  }

  @Test
  void badDocumentsAndOptionsFailBeforeAnyModelNamingLineAndField() {
    Object[][] cases = {
      {
        fields("astronomy", "q", List.of("a", "b", "c"), 0),
        "t.jsonl:7: field 'choices' must be a list of 4 strings"
      },
      {
        fields("astronomy", "q", List.of("a", "b", "c", 4), 0),
        "t.jsonl:7: field 'choices' must be a list of 4 strings; element 3 is not a string"
      },
      {
        fields("astronomy", "q", "abcd", 0),
        "t.jsonl:7: field 'choices' must be a list of 4 strings"
      },
      {
        fields("astronomy", "q", List.of("a", "b", "c", "d"), 4),
        "t.jsonl:7: field 'answer' must be an integer from 0 to 3"
      },
      {
        fields("astronomy", "q", List.of("a", "b", "c", "d"), "B"),
        "t.jsonl:7: field 'answer' must be an integer from 0 to 3"
      },
      {
        fields("astronomy", "q", List.of("a", "b", "c", "d"), 1.0),
        "t.jsonl:7: field 'answer' must be an integer from 0 to 3"
      },
      {
        fields("astronomy", "q", List.of("a", "b", "c", "d"), null),
        "t.jsonl:7: field 'answer' is missing"
      },
      {
        fields("astronmy", "q", List.of("a", "b", "c", "d"), 0),
        "t.jsonl:7: field 'subject' is 'astronmy', not one of MMLU's 57 subjects"
      },
      {fields(null, "q", List.of("a", "b", "c", "d"), 0), "t.jsonl:7: field 'subject' is missing"},
      {
        fields("astronomy", 3, List.of("a", "b", "c", "d"), 0),
        "t.jsonl:7: field 'question' is not a string"
      },
    };
    TaskDocument good = doc("t.jsonl", 1, "astronomy", "q", 0);
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      TaskDocument bad = TaskDocument.of("t.jsonl", 7, (Map<String, Object>) c[0]);
      EvalException e =
          assertThrows(
              EvalException.class,
              () -> Tasks.provider("mmlu").create(config().documents(List.of(good, bad)).build()));
      assertTrue(e.getMessage().startsWith((String) c[1]), e.getMessage());
      // A bad few-shot line fails the same way.
      EvalException f =
          assertThrows(
              EvalException.class,
              () ->
                  Tasks.provider("mmlu")
                      .create(config().documents(List.of(good)).fewshot(List.of(bad)).build()));
      assertEquals(e.getMessage(), f.getMessage());
    }
    EvalException none =
        assertThrows(EvalException.class, () -> Tasks.provider("mmlu").create(config().build()));
    assertTrue(none.getMessage().startsWith("mmlu: no documents"), none.getMessage());
    EvalException noShots =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("mmlu")
                    .create(config().documents(List.of(good)).option("num-fewshot", "5").build()));
    assertTrue(
        noShots.getMessage().startsWith("mmlu: option num-fewshot is 5 but no few-shot documents"),
        noShots.getMessage());
    // The other way round: dev documents given at the default of 0 shots would go unused.
    EvalException unused =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("mmlu")
                    .create(
                        config()
                            .documents(List.of(good))
                            .fewshot(List.of(doc("dev", 1, "astronomy", "a", 0)))
                            .build()));
    assertTrue(
        unused.getMessage().startsWith("mmlu: option num-fewshot is 0 but few-shot documents"),
        unused.getMessage());
    // Two astronomy dev items are too few for 3 shots, as the harness's first_n sampler asserts.
    List<TaskDocument> dev =
        List.of(
            doc("dev", 1, "astronomy", "a", 0),
            doc("dev", 2, "astronomy", "b", 0),
            doc("dev", 3, "anatomy", "c", 0));
    EvalException few =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("mmlu")
                    .create(
                        config()
                            .documents(List.of(good))
                            .fewshot(dev)
                            .option("num-fewshot", "3")
                            .build()));
    assertEquals(
        "mmlu: option num-fewshot is 3 but the few-shot documents have 2 of subject astronomy"
            + " (needed by t.jsonl:1)",
        few.getMessage());
    assertFalse(
        Tasks.provider("mmlu")
            .create(
                config().documents(List.of(good)).fewshot(dev).option("num-fewshot", "2").build())
            .run(new Picker())
            .summary()
            .isEmpty());
  }
}
