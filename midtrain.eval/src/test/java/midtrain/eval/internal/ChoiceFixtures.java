package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import midtrain.eval.GenerativeModel;
import midtrain.eval.Sampling;
import midtrain.eval.Tasks;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;

/** Documents, configurations and a model whose scores can be worked out by hand. */
final class ChoiceFixtures {
  private ChoiceFixtures() {}

  /**
   * A model over characters (each UTF-16 unit one token) that gives every token log-probability -1,
   * or -0.5 in a window holding a {@code '*'}; it records each window's text. A choice of n
   * characters after the " " delimiter so scores -(n + 1), or -(n + 1) / 2 when marked: {@code acc}
   * picks the shortest choice, {@code acc_norm} (divided by n) the longest.
   */
  static class Flat implements GenerativeModel {
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
      windows.add(b.toString());
      double[] lp = new double[tokens.length - 1];
      Arrays.fill(lp, b.indexOf("*") >= 0 ? -0.5 : -1.0);
      return lp;
    }

    @Override
    public int[] generate(
        int[] prompt, int maxNewTokens, Sampling sampling, Predicate<int[]> stop) {
      throw new UnsupportedOperationException("multiple choice scores log-likelihoods only");
    }
  }

  /** A document from alternating field names and values. */
  static TaskDocument doc(String source, int line, Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return TaskDocument.of(source, line, m);
  }

  /** The ai2_arc / openbookqa {@code choices} object. */
  static Map<String, Object> choices(List<String> text, List<String> label) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", text);
    m.put("label", label);
    return m;
  }

  /** A character-tokenizer configuration with a window large enough for every test. */
  static TaskConfig.Builder config(String task) {
    return TaskConfig.builder(task)
        .encoder(t -> t.chars().toArray())
        .decoder(ids -> "")
        .maxLength(4096);
  }

  /** Runs a built-in task over documents with the {@link Flat} model. */
  static TaskResult run(Flat model, String task, List<TaskDocument> docs, String... options) {
    TaskConfig.Builder b = config(task).documents(docs);
    for (int i = 0; i < options.length; i += 2) {
      b.option(options[i], options[i + 1]);
    }
    return Tasks.provider(task).create(b.build()).run(model);
  }

  /** The task's rendering of a document: its item with no few-shot examples. */
  static ChoiceTaskProvider.Doc read(String task, TaskDocument d) {
    return ((ChoiceTaskProvider) Tasks.provider(task)).read(d);
  }
}
