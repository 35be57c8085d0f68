package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import midtrain.eval.EvalException;
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
 * What the single-task multiple-choice benchmarks of lm-evaluation-harness share (ARC, HellaSwag,
 * PIQA, WinoGrande, BoolQ, OpenBookQA, SciQ): each document becomes a {@code doc_to_text}, a list
 * of choices and a gold index; the prompt is the few-shot examples, each {@code text + " " +
 * choices[gold] + "\n\n"}, then the item's text; the metrics are {@code acc} and, where the task's
 * {@code metric_list} has it, {@code acc_norm}, each with {@code mean_stderr}.
 *
 * <p>Options: {@code num-fewshot} (0, as the harness), {@code limit} (the first documents), {@code
 * fewshot-sampler} ({@code random}, the harness's default sampler, or {@code first_n}) and {@code
 * seed} (1234, the harness's {@code fewshot_seed}).
 */
abstract class ChoiceTaskProvider implements TaskProvider {
  /** The harness's default {@code target_delimiter} and {@code fewshot_delimiter}. */
  static final String TARGET_DELIMITER = " ";

  static final String FEWSHOT_DELIMITER = "\n\n";

  /**
   * One checked document as the task's templates render it.
   *
   * @param source the document
   * @param text the {@code doc_to_text}; for a {@code multiple_inputs} task (WinoGrande), null
   * @param choices the {@code doc_to_choice}: the continuations, or for a {@code multiple_inputs}
   *     task the contexts
   * @param gold the index of the correct choice
   * @param target for a {@code multiple_inputs} task the continuation every choice shares, else
   *     null
   */
  record Doc(TaskDocument source, String text, List<String> choices, int gold, String target) {
    /**
     * Whether each choice is a context before the shared target (the harness's multiple_inputs).
     */
    boolean multipleInputs() {
      return target != null;
    }

    /**
     * The document as a few-shot example, as the harness's {@code ContextSampler.get_context}
     * writes it: the text (for multiple_inputs the gold choice), the target delimiter and the
     * target (the gold choice, for multiple_inputs the shared target).
     */
    String example() {
      return multipleInputs()
          ? choices.get(gold) + TARGET_DELIMITER + target
          : text + TARGET_DELIMITER + choices.get(gold);
    }

    /** The item scored after the few-shot {@code prefix}. */
    MultipleChoiceItem item(String prefix) {
      if (multipleInputs()) {
        // The harness's request context is the examples then the choice, but acc_norm divides by
        // the choice alone (len(doc_to_choice)), so the examples stay out of the choices.
        return MultipleChoiceItem.withContexts(prefix, choices, target, gold);
      }
      return MultipleChoiceItem.of(prefix + text, choices, gold);
    }
  }

  /**
   * Reads and checks a document.
   *
   * @param d the document
   * @return the rendered document
   * @throws EvalException naming source, line and field
   */
  abstract Doc read(TaskDocument d);

  /** Whether the harness's {@code metric_list} has {@code acc_norm} besides {@code acc}. */
  abstract boolean accNorm();

  /** The fields a document needs, for the message when none are given. */
  abstract String fields();

  /** Where the harness takes few-shot examples from, for messages. */
  String fewshotSplit() {
    return "the train split";
  }

  /**
   * Whether the task's YAML names a {@code test_split}. Without one, {@code fewshot_split ==
   * test_split} holds (both None) and {@code ContextSampler.get_context} draws one example more, so
   * that one dropped for equalling the item is replaced.
   */
  abstract boolean hasTestSplit();

  @Override
  public EvalTask create(TaskConfig config) {
    int numFewshot = config.integer("num-fewshot", 0, 0);
    int limit = config.integer("limit", Integer.MAX_VALUE, 1);
    long seed = config.longInteger("seed", 1234);
    String samplerName = config.string("fewshot-sampler", "random");
    boolean random =
        switch (samplerName) {
          case "random" -> true;
          case "first_n" -> false;
          default ->
              throw config.error(
                  "fewshot-sampler", "must be random or first_n, got '" + samplerName + "'");
        };
    if (config.documents().isEmpty()) {
      throw new EvalException(
          config.task()
              + ": no documents; give the evaluation split (JSONL with "
              + fields()
              + ")");
    }
    // Every line is checked, also those past the limit: a broken file should not pass unseen.
    List<Doc> docs = new ArrayList<>();
    for (TaskDocument d : config.documents()) {
      docs.add(read(d));
    }
    List<Doc> pool = new ArrayList<>();
    for (TaskDocument d : config.fewshot()) {
      pool.add(read(d));
    }
    Fewshot.checkCount(config, numFewshot, "draws them from " + fewshotSplit());
    if (pool.size() < numFewshot) {
      // random.sample raises on a sample larger than the population; first_n asserts.
      throw config.error(
          "num-fewshot",
          "is " + numFewshot + " but the few-shot documents have only " + pool.size());
    }
    List<Doc> kept = docs.subList(0, Math.min(limit, docs.size()));
    List<List<Doc>> shots = shots(kept, pool, numFewshot, !hasTestSplit(), random, seed);
    List<MultipleChoiceItem> items = new ArrayList<>(kept.size());
    for (int i = 0; i < kept.size(); i++) {
      items.add(kept.get(i).item(prefix(shots.get(i))));
    }
    MultipleChoiceScorer scorer = scorer(config);
    boolean norm = accNorm();
    List<Doc> scored = List.copyOf(kept);
    return model -> result(numFewshot, norm, scored, scorer.score(model, items));
  }

  /**
   * Chooses each item's few-shot examples as the harness's {@code ContextSampler.get_context} does:
   * {@code numFewshot} documents, or one more where {@code drawOneMore} (a task without a {@code
   * test_split}; never more than the pool holds, where the harness would fail), drawn as a sample
   * from one seeded generator, item after item, or as the first ones; then those equal to the item
   * itself are dropped and the first {@code numFewshot} kept. Java's generator does not draw what
   * Python's {@code random.Random(1234)} draws, so the random examples are the harness's in kind,
   * not in identity (as gsm8k's).
   */
  static List<List<Doc>> shots(
      List<Doc> items,
      List<Doc> pool,
      int numFewshot,
      boolean drawOneMore,
      boolean random,
      long seed) {
    int draws = drawOneMore ? Math.min(numFewshot + 1, pool.size()) : numFewshot;
    Random rnd = new Random(seed);
    List<List<Doc>> out = new ArrayList<>(items.size());
    for (Doc item : items) {
      if (numFewshot == 0) {
        out.add(List.of());
        continue;
      }
      List<Doc> drawn;
      if (random) {
        List<Doc> p = new ArrayList<>(pool);
        Fewshot.drawToFront(p, draws, rnd);
        drawn = p.subList(0, draws);
      } else {
        drawn = pool.subList(0, draws);
      }
      List<Doc> kept = new ArrayList<>(numFewshot);
      for (Doc e : drawn) {
        // The harness compares whole rows (x != doc).
        if (kept.size() < numFewshot && !e.source().fields().equals(item.source().fields())) {
          kept.add(e);
        }
      }
      out.add(List.copyOf(kept));
    }
    return List.copyOf(out);
  }

  /**
   * The log-likelihood scorer of the loglikelihood tasks (these, mmlu and lambada_openai), with the
   * configuration's tokenizer and BOS token.
   */
  static MultipleChoiceScorer scorer(TaskConfig config) {
    // The scorer hands the model up to maxLength + 1 tokens (the harness's rule: condition on
    // max_length, score the token after); the model takes config.maxLength() at once, so one token
    // less keeps every request in one window, as `midtrain eval --benchmark` does.
    MultipleChoiceScorer.Builder b =
        MultipleChoiceScorer.builder().encoder(config.encoder()).maxLength(config.maxLength() - 1);
    config.bosToken().ifPresent(b::bosToken);
    return b.build();
  }

  /** The few-shot examples before an item: each example and the few-shot delimiter. */
  static String prefix(List<Doc> shots) {
    StringBuilder b = new StringBuilder();
    for (Doc e : shots) {
      b.append(e.example()).append(FEWSHOT_DELIMITER);
    }
    return b.toString();
  }

  /** {@code acc} (and {@code acc_norm}) with standard errors, each item's outcome, and lines. */
  static TaskResult result(int numFewshot, boolean norm, List<Doc> docs, MultipleChoiceResult r) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("acc", r.acc());
    if (norm) {
      metrics.put("acc_norm", r.accNorm());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("items", r.count());
    details.put("num_fewshot", numFewshot);
    details.put("acc", r.acc());
    details.put("acc_stderr", Stderr.json(r.accStderr()));
    if (norm) {
      details.put("acc_norm", r.accNorm());
      details.put("acc_norm_stderr", Stderr.json(r.accNormStderr()));
    }
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      MultipleChoiceItemResult x = r.items().get(i);
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", docs.get(i).source().where());
      List<Object> lls = new ArrayList<>();
      for (double v : x.loglikelihoods()) {
        lls.add(v);
      }
      n.put("loglikelihoods", lls);
      n.put("target", docs.get(i).gold());
      n.put("predicted", x.predicted());
      n.put("correct", x.correct());
      if (norm) {
        n.put("predicted_norm", x.predictedNorm());
        n.put("correct_norm", x.correctNorm());
      }
      items.add(n);
    }
    details.put("results", items);
    List<String> lines = new ArrayList<>();
    lines.add(
        Stderr.line("acc", r.acc(), r.accStderr())
            + String.format(Locale.ROOT, " (%d items, %d-shot)", r.count(), numFewshot));
    if (norm) {
      lines.add(Stderr.line("acc_norm", r.accNorm(), r.accNormStderr()));
    }
    return TaskResult.of(metrics, details, lines);
  }

  // ---- Field readers shared by the tasks; each names the document, line and field. ----

  /** A list of strings with at least one element, none empty. */
  static List<String> strings(TaskDocument d, String field, Object value) {
    if (value == null) {
      throw d.error(field, "is missing");
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw d.error(field, "must be a non-empty list of strings");
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s)) {
        throw d.error(field, "must be a list of strings; element " + i + " is not a string");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** Refuses an empty choice: {@code acc_norm} divides by each choice's length. */
  static List<String> nonEmpty(TaskDocument d, String field, List<String> choices) {
    for (int i = 0; i < choices.size(); i++) {
      if (choices.get(i).isEmpty()) {
        throw d.error(field, "element " + i + " is empty; a choice needs text to be scored");
      }
    }
    return choices;
  }

  /** An integer field (JSON integer) in {@code [0, n)}. */
  static int index(TaskDocument d, String field, int n) {
    Object v = d.fields().get(field);
    if (v == null) {
      throw d.error(field, "is missing");
    }
    if (!(v instanceof Integer || v instanceof Long)
        || ((Number) v).longValue() < 0
        || ((Number) v).longValue() >= n) {
      throw d.error(
          field,
          "must be an integer from 0 to "
              + (n - 1)
              + ", got "
              + (v instanceof String ? "the string \"" + v + "\"" : v));
    }
    return ((Number) v).intValue();
  }

  /** The harness's {@code doc_to_target: "{{choices.label.index(KEY)}}"} over a dict of lists. */
  static Doc labeled(TaskDocument d, String text, boolean lstripKey) {
    Object c = d.fields().get("choices");
    if (c == null) {
      throw d.error("choices", "is missing");
    }
    if (!(c instanceof Map<?, ?> m)) {
      throw d.error("choices", "must be an object with lists 'text' and 'label'");
    }
    List<String> texts = strings(d, "choices.text", m.get("text"));
    List<String> labels = strings(d, "choices.label", m.get("label"));
    if (texts.size() != labels.size()) {
      throw d.error(
          "choices",
          "has " + texts.size() + " texts but " + labels.size() + " labels; they go in pairs");
    }
    String key = d.text("answerKey");
    String k = lstripKey ? PythonText.lstrip(key) : key;
    int gold = labels.indexOf(k);
    if (gold < 0) {
      throw d.error("answerKey", "is '" + key + "', not one of choices.label " + labels);
    }
    nonEmpty(d, "choices.text", texts);
    return new Doc(d, text, texts, gold, null);
  }
}
