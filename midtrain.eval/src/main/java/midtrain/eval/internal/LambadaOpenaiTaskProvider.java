package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import midtrain.eval.EvalException;
import midtrain.eval.Metrics;
import midtrain.eval.MultipleChoiceScorer;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;
import midtrain.eval.spi.TaskResult;

/**
 * {@code lambada_openai}: last-word prediction, lm-evaluation-harness's {@code lambada_openai}
 * (version 1.0, {@code output_type: loglikelihood}): the context is the text up to its last space
 * ({@code text.split(' ')[:-1]|join(' ')}), the target the space and the last word; {@code acc} is
 * the fraction of texts whose target greedy decoding reproduces token for token ({@code
 * is_greedy}), {@code perplexity} is {@code exp(-mean(loglikelihood))} over the targets.
 *
 * <p>Documents have the Hugging Face {@code EleutherAI/lambada_openai} field {@code text}. Options:
 * {@code num-fewshot} (0), {@code limit}, {@code fewshot-sampler} and {@code seed}, as the
 * multiple-choice tasks.
 */
public final class LambadaOpenaiTaskProvider implements TaskProvider {
  /** Creates the provider; cheap. */
  public LambadaOpenaiTaskProvider() {}

  @Override
  public String id() {
    return "lambada_openai";
  }

  @Override
  public String description() {
    return "LAMBADA (OpenAI) last word, greedy acc and perplexity (lm-evaluation-harness"
        + " lambada_openai)";
  }

  /**
   * One checked document: the text before the last word, and the space and the last word.
   *
   * @param source the document
   * @param context {@code doc_to_text}
   * @param target {@code doc_to_target}
   */
  record Doc(TaskDocument source, String context, String target) {
    /** A few-shot example: the harness adds the target delimiter " " before the target too. */
    String example() {
      return context + ChoiceTaskProvider.TARGET_DELIMITER + target;
    }
  }

  static Doc read(TaskDocument d) {
    String text = d.text("text");
    // Python's split(' ') splits at every single space, empty pieces included.
    int last = text.lastIndexOf(' ');
    if (last <= 0) {
      throw d.error(
          "text",
          last < 0
              ? "has no space: there is no context before the last word"
              : "starts with its only space: there is no context before the last word");
    }
    return new Doc(d, text.substring(0, last), text.substring(last));
  }

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
              + ": no documents; give the test split (JSONL with text, as"
              + " EleutherAI/lambada_openai)");
    }
    List<Doc> docs = new ArrayList<>();
    for (TaskDocument d : config.documents()) {
      docs.add(read(d));
    }
    // The shared sampler works on the multiple-choice tasks' documents; each LAMBADA document
    // rides along as one with a single choice, its example text being LAMBADA's.
    List<ChoiceTaskProvider.Doc> pool = new ArrayList<>();
    for (TaskDocument d : config.fewshot()) {
      Doc e = read(d);
      pool.add(new ChoiceTaskProvider.Doc(d, e.context(), List.of(e.target()), 0, null));
    }
    Fewshot.checkCount(config, numFewshot, "draws them from the test split, having no other");
    if (pool.size() < numFewshot) {
      throw config.error(
          "num-fewshot",
          "is " + numFewshot + " but the few-shot documents have only " + pool.size());
    }
    List<Doc> kept = List.copyOf(docs.subList(0, Math.min(limit, docs.size())));
    List<ChoiceTaskProvider.Doc> asChoice = new ArrayList<>();
    for (Doc d : kept) {
      asChoice.add(
          new ChoiceTaskProvider.Doc(d.source(), d.context(), List.of(d.target()), 0, null));
    }
    // The YAML names test_split (the split the examples come from too), so get_context draws
    // num_fewshot and an item drawn as its own example leaves one fewer.
    List<List<ChoiceTaskProvider.Doc>> shots =
        ChoiceTaskProvider.shots(asChoice, pool, numFewshot, false, random, seed);
    List<String> contexts = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) {
      contexts.add(ChoiceTaskProvider.prefix(shots.get(i)) + kept.get(i).context());
    }
    MultipleChoiceScorer scorer = ChoiceTaskProvider.scorer(config);
    return model -> {
      double[] lls = new double[kept.size()];
      boolean[] greedy = new boolean[kept.size()];
      for (int i = 0; i < kept.size(); i++) {
        String where = kept.get(i).source().where();
        try {
          lls[i] = scorer.loglikelihood(model, contexts.get(i), kept.get(i).target());
          greedy[i] = scorer.isGreedy(model, contexts.get(i), kept.get(i).target());
        } catch (EvalException e) {
          throw new EvalException(where + ": " + e.getMessage());
        }
      }
      return result(numFewshot, kept, lls, greedy);
    };
  }

  /**
   * {@code acc} (mean of is_greedy) with {@code mean_stderr}, {@code perplexity} ({@code
   * exp(-mean(ll))}) with a delta-method standard error ({@code perplexity * mean_stderr(ll)}; the
   * harness bootstraps it), each item's outcome, and lines.
   */
  static TaskResult result(int numFewshot, List<Doc> docs, double[] lls, boolean[] greedy) {
    double[] correct = new double[greedy.length];
    for (int i = 0; i < greedy.length; i++) {
      correct[i] = greedy[i] ? 1 : 0;
    }
    double acc = Metrics.mean(correct);
    OptionalDouble accSe = Metrics.meanStderr(correct);
    double ppl = Math.exp(-Metrics.mean(lls));
    OptionalDouble llSe = Metrics.meanStderr(lls);
    OptionalDouble pplSe =
        llSe.isPresent() ? OptionalDouble.of(ppl * llSe.getAsDouble()) : OptionalDouble.empty();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("acc", acc);
    metrics.put("perplexity", ppl);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("items", docs.size());
    details.put("num_fewshot", numFewshot);
    details.put("acc", acc);
    details.put("acc_stderr", Stderr.json(accSe));
    details.put("perplexity", ppl);
    details.put("perplexity_stderr", Stderr.json(pplSe));
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", docs.get(i).source().where());
      n.put("target", docs.get(i).target());
      n.put("loglikelihood", lls[i]);
      n.put("is_greedy", greedy[i]);
      items.add(n);
    }
    details.put("results", items);
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "acc        %.4f ± %s (%d items, %d-shot)",
            acc,
            Stderr.text(accSe),
            docs.size(),
            numFewshot));
    lines.add(String.format(Locale.ROOT, "perplexity %.4f ± %s", ppl, Stderr.text(pplSe)));
    return TaskResult.of(metrics, details, lines);
  }
}
