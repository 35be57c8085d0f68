package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import midtrain.eval.EvalException;
import midtrain.eval.Metrics;
import midtrain.eval.MultipleChoiceItem;
import midtrain.eval.MultipleChoiceItemResult;
import midtrain.eval.MultipleChoiceResult;
import midtrain.eval.MultipleChoiceScorer;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;
import midtrain.eval.spi.TaskResult;

/**
 * {@code mmlu}: the 57 subjects of MMLU as lm-evaluation-harness's {@code mmlu} group runs them
 * (the {@code default} variant, version 1): the log-likelihood of the letters A to D after each
 * question, {@code acc} per subject, and the four categories and the whole weighted by their sizes.
 *
 * <p>Documents have the Hugging Face {@code cais/mmlu} fields {@code question}, {@code subject},
 * {@code choices} (four strings) and {@code answer} (0 to 3). Options: {@code num-fewshot} (0, as
 * the harness; papers report 5), whose examples are the first of the few-shot documents (the {@code
 * dev} split) of the item's subject, and {@code limit}, the first items of each subject (the
 * harness's {@code --limit} applies to each subject's task).
 */
public final class MmluTaskProvider implements TaskProvider {
  /**
   * Each subject's category, from the harness's {@code lm_eval/tasks/mmlu/_generate_configs.py}
   * {@code SUBJECTS}.
   */
  static final Map<String, String> SUBJECTS = subjects();

  /** The categories in the order of the harness's {@code _mmlu.yaml}. */
  static final List<String> CATEGORIES = List.of("stem", "other", "social_sciences", "humanities");

  /** The harness's {@code doc_to_choice}. */
  static final List<String> LETTERS = List.of("A", "B", "C", "D");

  /** The harness's {@code target_delimiter} and {@code fewshot_delimiter}. */
  static final String TARGET_DELIMITER = " ";

  static final String FEWSHOT_DELIMITER = "\n\n";

  /** Creates the provider; cheap. */
  public MmluTaskProvider() {}

  @Override
  public String id() {
    return "mmlu";
  }

  @Override
  public String description() {
    return "57-subject multiple choice, log-likelihood of A-D (lm-evaluation-harness mmlu)";
  }

  private static Map<String, String> subjects() {
    Map<String, String> m = new LinkedHashMap<>();
    String[][] byCategory = {
      {
        "stem",
        "abstract_algebra anatomy astronomy college_biology college_chemistry"
            + " college_computer_science college_mathematics college_physics computer_security"
            + " conceptual_physics electrical_engineering elementary_mathematics high_school_biology"
            + " high_school_chemistry high_school_computer_science high_school_mathematics"
            + " high_school_physics high_school_statistics machine_learning"
      },
      {
        "other",
        "business_ethics clinical_knowledge college_medicine global_facts human_aging management"
            + " marketing medical_genetics miscellaneous nutrition professional_accounting"
            + " professional_medicine virology"
      },
      {
        "social_sciences",
        "econometrics high_school_geography high_school_government_and_politics"
            + " high_school_macroeconomics high_school_microeconomics high_school_psychology"
            + " human_sexuality professional_psychology public_relations security_studies sociology"
            + " us_foreign_policy"
      },
      {
        "humanities",
        "formal_logic high_school_european_history high_school_us_history"
            + " high_school_world_history international_law jurisprudence logical_fallacies"
            + " moral_disputes moral_scenarios philosophy prehistory professional_law"
            + " world_religions"
      }
    };
    // Alphabetical, as the harness's dict and the data set's configurations list them.
    Map<String, String> sorted = new TreeMap<>();
    for (String[] c : byCategory) {
      for (String s : c[1].split(" ")) {
        sorted.put(s, c[0]);
      }
    }
    m.putAll(sorted);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** One checked document. */
  record Doc(
      TaskDocument source, String subject, String question, List<String> choices, int answer) {}

  /**
   * Reads and checks a document.
   *
   * @throws EvalException naming source, line and field
   */
  static Doc read(TaskDocument d) {
    String question = d.text("question");
    String subject = d.text("subject");
    if (!SUBJECTS.containsKey(subject)) {
      // The harness has one task per known subject and no category for any other; a misspelt
      // subject filed under "other" would move the category scores without a word.
      throw d.error(
          "subject", "is '" + subject + "', not one of MMLU's 57 subjects (abstract_algebra, ...)");
    }
    Object c = d.fields().get("choices");
    if (c == null) {
      throw d.error("choices", "is missing");
    }
    if (!(c instanceof List<?> list) || list.size() != 4) {
      throw d.error("choices", "must be a list of 4 strings");
    }
    List<String> choices = new ArrayList<>(4);
    for (int i = 0; i < 4; i++) {
      if (!(list.get(i) instanceof String s)) {
        throw d.error("choices", "must be a list of 4 strings; element " + i + " is not a string");
      }
      choices.add(s);
    }
    Object a = d.fields().get("answer");
    if (a == null) {
      throw d.error("answer", "is missing");
    }
    if (!(a instanceof Integer || a instanceof Long)
        || ((Number) a).longValue() < 0
        || ((Number) a).longValue() > 3) {
      throw d.error("answer", "must be an integer from 0 to 3 (the index of the answer), got " + a);
    }
    return new Doc(d, subject, question, List.copyOf(choices), ((Number) a).intValue());
  }

  /** Whether two documents are the same {@code cais/mmlu} row, as the harness's dict equality. */
  static boolean sameRow(Doc a, Doc b) {
    return a.subject().equals(b.subject())
        && a.question().equals(b.question())
        && a.choices().equals(b.choices())
        && a.answer() == b.answer();
  }

  /**
   * The per-subject {@code description} of the harness's generated configs.
   *
   * @param subject the subject, with underscores
   * @return the description, ending in a blank line
   */
  static String description(String subject) {
    return "The following are multiple choice questions (with answers) about "
        + subject.replace('_', ' ')
        + ".\n\n";
  }

  /** The harness's {@code doc_to_text}: the stripped question, the lettered choices, "Answer:". */
  static String text(Doc d) {
    StringBuilder b = new StringBuilder(PythonText.strip(d.question()));
    for (int i = 0; i < 4; i++) {
      b.append('\n').append(LETTERS.get(i)).append(". ").append(d.choices().get(i));
    }
    return b.append("\nAnswer:").toString();
  }

  /**
   * The harness's {@code fewshot_context} without a chat template or system instruction: the
   * description, each example's text, the delimiter, its letter and the few-shot delimiter, then
   * the item's text.
   */
  static String context(Doc item, List<Doc> examples) {
    StringBuilder b = new StringBuilder(description(item.subject()));
    for (Doc e : examples) {
      b.append(text(e))
          .append(TARGET_DELIMITER)
          .append(LETTERS.get(e.answer()))
          .append(FEWSHOT_DELIMITER);
    }
    return b.append(text(item)).toString();
  }

  @Override
  public EvalTask create(TaskConfig config) {
    int numFewshot = config.integer("num-fewshot", 0, 0);
    int limit = config.integer("limit", Integer.MAX_VALUE, 1);
    if (config.documents().isEmpty()) {
      throw new EvalException(
          config.task()
              + ": no documents; give the test split (JSONL with question, subject, choices and"
              + " answer, as cais/mmlu)");
    }
    // Every line is checked, also those past the limit: a broken file should not pass unseen.
    List<Doc> test = new ArrayList<>();
    for (TaskDocument d : config.documents()) {
      test.add(read(d));
    }
    Map<String, List<Doc>> dev = new LinkedHashMap<>();
    for (TaskDocument d : config.fewshot()) {
      Doc doc = read(d);
      dev.computeIfAbsent(doc.subject(), k -> new ArrayList<>()).add(doc);
    }
    Fewshot.checkCount(config, numFewshot, "takes them from the dev split");
    Map<String, Integer> taken = new LinkedHashMap<>();
    List<MultipleChoiceItem> items = new ArrayList<>();
    List<Doc> kept = new ArrayList<>();
    for (Doc d : test) {
      if (taken.merge(d.subject(), 1, Integer::sum) > limit) {
        continue;
      }
      List<Doc> pool = dev.getOrDefault(d.subject(), List.of());
      if (pool.size() < numFewshot) {
        // The harness's first_n sampler asserts that it has enough examples.
        throw config.error(
            "num-fewshot",
            "is "
                + numFewshot
                + " but the few-shot documents have "
                + pool.size()
                + " of subject "
                + d.subject()
                + " (needed by "
                + d.source().where()
                + ")");
      }
      // ContextSampler.get_context drops from the drawn examples any equal to the item itself
      // (x != doc on the whole row), also when the examples come from another split, and does not
      // draw a replacement: an item that is also among its subject's first dev rows gets one shot
      // fewer.
      List<Doc> shots = new ArrayList<>(numFewshot);
      for (Doc e : pool.subList(0, numFewshot)) {
        if (!sameRow(e, d)) {
          shots.add(e);
        }
      }
      items.add(MultipleChoiceItem.of(context(d, shots), LETTERS, d.answer()));
      kept.add(d);
    }
    MultipleChoiceScorer scorer = ChoiceTaskProvider.scorer(config);
    return model -> result(numFewshot, kept, scorer.score(model, items));
  }

  /** A group's figures: the harness's {@code acc}, its standard error ("N/A" as absent), size. */
  record Score(double acc, OptionalDouble stderr, int samples) {
    Object stderrJson() {
      return Stderr.json(stderr);
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("acc", acc);
      m.put("acc_stderr", stderrJson());
      m.put("samples", samples);
      return m;
    }
  }

  /** A subject's score: the mean of its items' 0/1 correctness and {@code mean_stderr}. */
  static Score subject(double[] correct) {
    return new Score(Metrics.mean(correct), Metrics.meanStderr(correct), correct.length);
  }

  /**
   * A group's score from its subjects, as the harness's {@code consolidate_group_results} with
   * {@code weight_by_size: true}: the mean weighted by size, and {@code pooled_sample_stderr},
   * which is "N/A" when a part's is.
   */
  static Score group(List<Score> parts) {
    double sum = 0;
    int n = 0;
    boolean na = false;
    double pooled = 0;
    for (Score p : parts) {
      sum += p.acc() * p.samples();
      n += p.samples();
      if (p.stderr().isEmpty()) {
        na = true;
      } else {
        double se = p.stderr().getAsDouble();
        pooled += (p.samples() - 1) * se * se * p.samples();
      }
    }
    OptionalDouble se =
        na ? OptionalDouble.empty() : OptionalDouble.of(Math.sqrt(pooled / (n - parts.size()) / n));
    return new Score(sum / n, se, n);
  }

  /** Per subject, per category and overall, each item's outcome, and readable lines. */
  static TaskResult result(int numFewshot, List<Doc> docs, MultipleChoiceResult r) {
    Map<String, List<Double>> bySubject = new TreeMap<>();
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Doc d = docs.get(i);
      MultipleChoiceItemResult x = r.items().get(i);
      bySubject.computeIfAbsent(d.subject(), k -> new ArrayList<>()).add(x.correct() ? 1.0 : 0.0);
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", d.source().where());
      n.put("subject", d.subject());
      List<Object> lls = new ArrayList<>();
      for (double v : x.loglikelihoods()) {
        lls.add(v);
      }
      n.put("loglikelihoods", lls);
      n.put("predicted", LETTERS.get(x.predicted()));
      n.put("target", LETTERS.get(d.answer()));
      n.put("correct", x.correct());
      items.add(n);
    }
    Map<String, Score> subjects = new LinkedHashMap<>();
    Map<String, List<Score>> byCategory = new LinkedHashMap<>();
    bySubject.forEach(
        (s, v) -> {
          Score sc = subject(v.stream().mapToDouble(Double::doubleValue).toArray());
          subjects.put(s, sc);
          byCategory.computeIfAbsent(SUBJECTS.get(s), k -> new ArrayList<>()).add(sc);
        });
    Map<String, Score> categories = new LinkedHashMap<>();
    for (String c : CATEGORIES) {
      if (byCategory.containsKey(c)) {
        categories.put(c, group(byCategory.get(c)));
      }
    }
    // The harness's consolidate_group_results aggregates a group over the leaf tasks below it
    // (task_aggregation_list gathers them through the nested groups), so the whole's
    // pooled_sample_stderr is over the subjects, not over the categories' pooled figures.
    Score all = group(List.copyOf(subjects.values()));

    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("acc", all.acc());
    categories.forEach((c, s) -> metrics.put("acc,category=" + c, s.acc()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("items", all.samples());
    details.put("num_fewshot", numFewshot);
    details.put("acc", all.acc());
    details.put("acc_stderr", all.stderrJson());
    Map<String, Object> cats = new LinkedHashMap<>();
    categories.forEach((c, s) -> cats.put(c, s.json()));
    details.put("categories", cats);
    Map<String, Object> subs = new LinkedHashMap<>();
    subjects.forEach(
        (s, sc) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("category", SUBJECTS.get(s));
          m.putAll(sc.json());
          subs.put(s, m);
        });
    details.put("subjects", subs);
    details.put("results", items);
    List<String> lines = new ArrayList<>();
    lines.add(
        line("acc", all)
            + String.format(Locale.ROOT, ", %d-shot, %d subjects", numFewshot, subjects.size()));
    categories.forEach((c, s) -> lines.add(line("  " + c, s)));
    return TaskResult.of(metrics, details, lines);
  }

  private static String line(String name, Score s) {
    return String.format(
        Locale.ROOT,
        "%-17s %.4f ± %s (%d items)",
        name,
        s.acc(),
        Stderr.text(s.stderr()),
        s.samples());
  }
}
