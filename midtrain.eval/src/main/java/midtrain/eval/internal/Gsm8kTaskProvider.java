package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import midtrain.eval.AnswerFilter;
import midtrain.eval.EvalException;
import midtrain.eval.ExactMatch;
import midtrain.eval.GenerativeItem;
import midtrain.eval.GenerativeItemResult;
import midtrain.eval.GenerativeResult;
import midtrain.eval.GenerativeScorer;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;
import midtrain.eval.spi.TaskResult;

/**
 * {@code gsm8k}: grade-school math word problems, lm-evaluation-harness's {@code gsm8k} task
 * (version 3): {@code question} and {@code answer} fields, five few-shot examples, greedy
 * generation until {@code Question:}, and exact match of the {@code strict-match} and {@code
 * flexible-extract} answers.
 *
 * <p>Options: {@code num-fewshot} (5), {@code max-gen-tokens} (256), {@code limit} (every
 * document), {@code seed} (1234) and {@code fewshot-sampler} ({@code random} or {@code first_n}).
 */
public final class Gsm8kTaskProvider implements TaskProvider {
  /** The harness's {@code doc_to_text}, {@code "Question: {{question}}\nAnswer:"}, around it. */
  static final String TEXT_PREFIX = "Question: ";

  static final String TEXT_SUFFIX = "\nAnswer:";

  /** The harness's {@code generation_kwargs.until}. */
  public static final List<String> UNTIL = List.of("Question:", "</s>", "<|im_end|>");

  /**
   * The harness's two filters: the answer after {@code ####}, as the data set writes it, and the
   * last number anywhere.
   */
  public static final List<AnswerFilter> FILTERS =
      List.of(
          AnswerFilter.regex("strict-match", "#### (\\-?[0-9\\.\\,]+)"),
          AnswerFilter.regex("flexible-extract", "(-?[$0-9.,]{2,})|(-?[0-9]+)")
              .withGroupSelect(-1));

  /** The harness's {@code exact_match} options for gsm8k. */
  public static final ExactMatch METRIC =
      ExactMatch.strict()
          .ignoringRegex(",")
          .ignoringRegex("\\$")
          .ignoringRegex("(?s).*#### ")
          .ignoringRegex("\\.$")
          .ignoringCase();

  /** Creates the provider; cheap. */
  public Gsm8kTaskProvider() {}

  @Override
  public String id() {
    return "gsm8k";
  }

  @Override
  public String description() {
    return "grade-school math, exact match after generation (lm-evaluation-harness gsm8k)";
  }

  /**
   * Turns a document into an item, as the harness's templates do.
   *
   * @param d the document, with string fields {@code question} and {@code answer}
   * @return the item, its id {@code source:line}
   */
  public static GenerativeItem item(TaskDocument d) {
    return GenerativeItem.of(
        d.where(), TEXT_PREFIX + d.text("question") + TEXT_SUFFIX, d.text("answer"));
  }

  @Override
  public EvalTask create(TaskConfig config) {
    int numFewshot = config.integer("num-fewshot", 5, 0);
    int maxGen = config.integer("max-gen-tokens", 256, 1);
    int limit = config.integer("limit", Integer.MAX_VALUE, 1);
    long seed = config.longInteger("seed", 1234);
    String samplerName = config.string("fewshot-sampler", "random");
    GenerativeScorer.FewshotSampler sampler =
        switch (samplerName) {
          case "random" -> GenerativeScorer.FewshotSampler.RANDOM;
          case "first_n" -> GenerativeScorer.FewshotSampler.FIRST_N;
          default ->
              throw config.error(
                  "fewshot-sampler", "must be random or first_n, got '" + samplerName + "'");
        };
    if (config.documents().isEmpty()) {
      throw new EvalException(
          config.task() + ": no documents; give the test split (JSONL with question and answer)");
    }
    Generation.checkRoom(config, maxGen);
    List<GenerativeItem> items = new ArrayList<>();
    for (TaskDocument d :
        config.documents().subList(0, Math.min(limit, config.documents().size()))) {
      items.add(item(d));
    }
    List<GenerativeItem> pool = new ArrayList<>();
    for (TaskDocument d : config.fewshot()) {
      pool.add(item(d));
    }
    Fewshot.checkCount(config, numFewshot, "draws them from the train split");
    GenerativeScorer scorer =
        Generation.scorer(config, maxGen)
            .until(UNTIL)
            .fewshot(pool, numFewshot)
            .sampler(sampler)
            .seed(seed)
            .filters(FILTERS)
            .metric(METRIC)
            .build();
    // Choose the examples and encode every prompt now, so that a pool too small or a prompt that
    // encodes to nothing fails before a model is loaded.
    List<List<GenerativeItem>> examples = scorer.examples(items);
    for (int i = 0; i < items.size(); i++) {
      try {
        scorer.context(scorer.prompt(examples.get(i), items.get(i)));
      } catch (EvalException e) {
        throw new EvalException(items.get(i).id() + ": " + e.getMessage());
      }
    }
    String task = config.task();
    return model -> result(task, numFewshot, maxGen, scorer.score(model, items));
  }

  /** The harness's figures per filter, each item's outcome, and a readable line per filter. */
  static TaskResult result(String task, int numFewshot, int maxGen, GenerativeResult r) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("items", r.count());
    details.put("num_fewshot", numFewshot);
    details.put("max_gen_toks", maxGen);
    List<String> lines = new ArrayList<>();
    for (String f : r.filters()) {
      double em = r.exactMatch(f);
      OptionalDouble se = r.exactMatchStderr(f);
      metrics.put("exact_match," + f, em);
      details.put("exact_match," + f, em);
      details.put("exact_match_stderr," + f, Stderr.json(se));
      lines.add(String.format(Locale.ROOT, "exact_match %-16s %.4f ± %s", f, em, Stderr.text(se)));
    }
    List<Object> items = new ArrayList<>();
    for (GenerativeItemResult i : r.items()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", i.id());
      n.put("prompt_tokens", i.promptTokens());
      n.put("generated_tokens", i.generatedTokens());
      n.put("continuation", i.continuation());
      n.put("answers", new LinkedHashMap<>(i.answers()));
      n.put("target", i.target());
      n.put("matches", new LinkedHashMap<>(i.matches()));
      items.add(n);
    }
    details.put("results", items);
    return TaskResult.of(metrics, details, lines);
  }
}
