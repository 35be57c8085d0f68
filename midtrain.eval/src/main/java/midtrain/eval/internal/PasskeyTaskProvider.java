package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import midtrain.eval.EvalException;
import midtrain.eval.PasskeyResult;
import midtrain.eval.PasskeyTest;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskProvider;
import midtrain.eval.spi.TaskResult;

/**
 * {@code needle}: passkey retrieval ({@link PasskeyTest}) at several prompt lengths and depths.
 *
 * <p>Options: {@code needle-lengths} (powers of two from 256 below the model's length, and the
 * longest prompt that fits it), {@code needle-depths} (0, 0.25, 0.5, 0.75, 1), {@code
 * needle-trials} (5) and {@code seed} (1234). Reads no documents.
 */
public final class PasskeyTaskProvider implements TaskProvider {
  /** Tokens generated per trial, as the papers' {@code max_new_tokens}. */
  static final int NEW_TOKENS = 10;

  /** Creates the provider; cheap. */
  public PasskeyTaskProvider() {}

  @Override
  public String id() {
    return "needle";
  }

  @Override
  public String description() {
    return "passkey retrieval in long filler text, accuracy per length and depth";
  }

  /**
   * The lengths tested when none are given: 256, 512, ... below the longest prompt that fits the
   * model, then that longest one.
   *
   * @param maxLength the model's length
   * @return the lengths, ascending
   */
  static List<Integer> defaultLengths(int maxLength) {
    int longest = maxLength - NEW_TOKENS;
    List<Integer> out = new ArrayList<>();
    for (long l = 256; l < longest; l *= 2) {
      out.add((int) l);
    }
    out.add(longest);
    return out;
  }

  @Override
  public EvalTask create(TaskConfig config) {
    if (!config.documents().isEmpty() || !config.fewshot().isEmpty()) {
      throw new EvalException(
          config.task() + ": the passkey test makes its own prompts and reads no documents");
    }
    if (config.maxLength() <= NEW_TOKENS) {
      throw new EvalException(
          config.task()
              + ": the model takes "
              + config.maxLength()
              + " tokens; the test needs more than the "
              + NEW_TOKENS
              + " it generates");
    }
    List<Integer> lengths = config.integers("needle-lengths", defaultLengths(config.maxLength()));
    List<Double> depths = config.numbers("needle-depths", List.of(0.0, 0.25, 0.5, 0.75, 1.0));
    // Checked here, not only by PasskeyTest's builder, so that the message names the option.
    int longest = config.maxLength() - NEW_TOKENS;
    for (int l : lengths) {
      if (l < 1 || l > longest) {
        throw config.error(
            "needle-lengths",
            "holds "
                + l
                + "; each must be from 1 to "
                + longest
                + " (the model's "
                + config.maxLength()
                + " tokens less the "
                + NEW_TOKENS
                + " generated)");
      }
    }
    if (lengths.stream().distinct().count() != lengths.size()) {
      throw config.error("needle-lengths", "repeats a value: " + lengths);
    }
    for (double d : depths) {
      if (!(d >= 0 && d <= 1)) {
        throw config.error("needle-depths", "holds " + d + "; each must be in [0, 1]");
      }
    }
    if (depths.stream().distinct().count() != depths.size()) {
      throw config.error("needle-depths", "repeats a value: " + depths);
    }
    int trials = config.integer("needle-trials", 5, 1);
    long seed = config.longInteger("seed", 1234);
    PasskeyTest.Builder b =
        PasskeyTest.builder()
            .encoder(config.encoder())
            .decoder(config.decoder())
            .maxLength(config.maxLength())
            .maxNewTokens(NEW_TOKENS)
            .lengths(lengths)
            .depths(depths)
            .trials(trials)
            .seed(seed);
    config.bosToken().ifPresent(b::bosToken);
    b.eosTokens(config.eosTokens());
    PasskeyTest test;
    try {
      test = b.build();
    } catch (EvalException e) {
      throw new EvalException(config.task() + ": " + e.getMessage());
    }
    try {
      test.check();
    } catch (EvalException e) {
      throw config.error("needle-lengths", "is not usable: " + e.getMessage());
    }
    return model -> result(test.run(model));
  }

  static TaskResult result(PasskeyResult r) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, Object> details = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    metrics.put("accuracy", r.accuracy());
    details.put("accuracy", r.accuracy());
    details.put("trials", r.trials().size());
    details.put("max_new_tokens", NEW_TOKENS);
    Map<String, Object> byLength = new LinkedHashMap<>();
    for (int l : r.lengths()) {
      metrics.put("accuracy,length=" + l, r.accuracy(l));
      byLength.put(Integer.toString(l), r.accuracy(l));
    }
    details.put("by_length", byLength);
    List<Object> cells = new ArrayList<>();
    for (PasskeyResult.Cell c : r.cells()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("length", c.length());
      n.put("depth", c.depth());
      n.put("trials", c.trials());
      n.put("correct", c.correct());
      n.put("accuracy", c.accuracy());
      cells.add(n);
    }
    details.put("cells", cells);
    List<Object> trials = new ArrayList<>();
    for (PasskeyResult.Trial t : r.trials()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("length", t.length());
      n.put("depth", t.depth());
      n.put("key", t.key());
      n.put("prompt_tokens", t.promptTokens());
      n.put("continuation", t.continuation());
      n.put("answer", t.answer());
      n.put("correct", t.correct());
      trials.add(n);
    }
    details.put("results", trials);
    lines.add(
        String.format(Locale.ROOT, "accuracy %.4f (%d trials)", r.accuracy(), r.trials().size()));
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%8s", "depth"));
    for (double d : r.depths()) {
      header.append(String.format(Locale.ROOT, " %6.2f", d));
    }
    header.append("     all");
    lines.add(header.toString());
    List<PasskeyResult.Cell> all = r.cells();
    for (int l : r.lengths()) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%8d", l));
      for (PasskeyResult.Cell c : all) {
        if (c.length() == l) {
          row.append(String.format(Locale.ROOT, " %6.2f", c.accuracy()));
        }
      }
      row.append(String.format(Locale.ROOT, "  %6.2f", r.accuracy(l)));
      lines.add(row.toString());
    }
    return TaskResult.of(metrics, details, lines);
  }
}
