package midtrain.eval.internal;

import static midtrain.eval.internal.ChoiceFixtures.config;
import static midtrain.eval.internal.ChoiceFixtures.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import midtrain.eval.EvalException;
import midtrain.eval.Sampling;
import midtrain.eval.Tasks;
import midtrain.eval.internal.ChoiceFixtures.Flat;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/** {@code lambada_openai} against lambada_openai.yaml, worked by hand. */
class LambadaOpenaiTaskProviderTest {

  /**
   * {@link Flat}'s scores (every token -1), and greedy decoding that always says " mat", honouring
   * the stop test; it records each prompt.
   */
  static final class Mat extends Flat {
    final List<String> prompts = new ArrayList<>();

    @Override
    public int[] generate(
        int[] prompt, int maxNewTokens, Sampling sampling, Predicate<int[]> stop) {
      StringBuilder b = new StringBuilder();
      for (int t : prompt) {
        b.append((char) t);
      }
      prompts.add(b.toString());
      int[] script = " mat".chars().toArray();
      int n = 0;
      while (n < Math.min(maxNewTokens, script.length)) {
        n++;
        if (stop.test(Arrays.copyOf(script, n))) {
          break;
        }
      }
      return Arrays.copyOf(script, n);
    }
  }

  static TaskDocument text(int line, Object text) {
    return doc("lambada.jsonl", line, "text", text);
  }

  @Test
  void contextIsAllButTheLastSpaceSeparatedPieceAndTheTargetIsSpaceAndLastWord() {
    // doc_to_text text.split(' ')[:-1]|join(' '); doc_to_target ' ' + text.split(' ')[-1].
    LambadaOpenaiTaskProvider.Doc d =
        LambadaOpenaiTaskProvider.read(text(1, "the cat sat on the mat"));
    assertEquals("the cat sat on the", d.context());
    assertEquals(" mat", d.target());
    // split(' ') keeps empty pieces: two spaces leave one on the context.
    d = LambadaOpenaiTaskProvider.read(text(2, "a  b"));
    assertEquals("a ", d.context());
    assertEquals(" b", d.target());
    // Newlines are not the separator.
    d = LambadaOpenaiTaskProvider.read(text(3, "x said\nhello there"));
    assertEquals("x said\nhello", d.context());
    assertEquals(" there", d.target());
    // A few-shot example is text, the target delimiter " ", then the target with its own space.
    assertEquals("x said\nhello  there", d.example());
  }

  @Test
  void badDocumentsAreNamed() {
    Object[][] cases = {
      {
        text(1, "word"),
        "lambada.jsonl:1: field 'text' has no space: there is no context before the last word"
      },
      {
        text(2, " word"),
        "lambada.jsonl:2: field 'text' starts with its only space: there is no context before the last word"
      },
      {text(3, 5), "lambada.jsonl:3: field 'text' is not a string"},
      {doc("lambada.jsonl", 4, "txt", "a b"), "lambada.jsonl:4: field 'text' is missing"},
    };
    for (Object[] c : cases) {
      EvalException e =
          assertThrows(
              EvalException.class, () -> LambadaOpenaiTaskProvider.read((TaskDocument) c[0]));
      assertEquals(c[1], e.getMessage());
    }
  }

  @Test
  void accIsGreedyMatchAndPerplexityIsExpOfTheMeanNegativeLogLikelihood() {
    // Flat: " mat" scores -4, " bone" -5. The model decodes " mat": texts 1 and 3 match.
    // acc 2/3, stderr sqrt(2/9 / 2) = 1/3. Perplexity exp(13/3); the log-likelihoods' stderr is
    // sqrt(((1/3)^2 + (2/3)^2 + (1/3)^2) / 2) / sqrt(3) = 1/3, so perplexity's is exp(13/3) / 3.
    Mat m = new Mat();
    TaskResult r =
        Tasks.provider("lambada_openai")
            .create(
                config("lambada_openai")
                    .documents(
                        List.of(
                            text(1, "the cat sat on the mat"),
                            text(2, "a dog ate the bone"),
                            text(3, "we met at the mat")))
                    .build())
            .run(m);
    assertEquals(List.of("acc", "perplexity"), List.copyOf(r.metrics().keySet()));
    assertEquals(2.0 / 3, r.metrics().get("acc"), 1e-12);
    assertEquals(Math.exp(13.0 / 3), r.metrics().get("perplexity"), 1e-9);
    assertEquals(1.0 / 3, (Double) r.details().get("acc_stderr"), 1e-12);
    assertEquals(Math.exp(13.0 / 3) / 3, (Double) r.details().get("perplexity_stderr"), 1e-9);
    assertEquals("the cat sat on the mat", m.windows.get(0));
    assertEquals(List.of("the cat sat on the", "a dog ate the", "we met at the"), m.prompts);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items = (List<Map<String, Object>>) r.details().get("results");
    assertEquals(-5.0, items.get(1).get("loglikelihood"));
    assertEquals(false, items.get(1).get("is_greedy"));
    assertEquals(" bone", items.get(1).get("target"));
  }

  @Test
  void fewShotAndLimitFollowTheOtherTasks() {
    TaskConfig c =
        config("lambada_openai")
            .documents(List.of(text(1, "a b c"), text(2, "d e f")))
            .fewshot(List.of(text(1, "x y"), text(2, "z w")))
            .option("num-fewshot", "1")
            .option("fewshot-sampler", "first_n")
            .option("limit", "1")
            .build();
    Mat m = new Mat();
    TaskResult r = Tasks.provider("lambada_openai").create(c).run(m);
    assertEquals(1, r.details().get("items"));
    assertEquals(1, r.details().get("num_fewshot"));
    assertEquals("x  y\n\na b c", m.windows.get(0));
    EvalException none =
        assertThrows(
            EvalException.class,
            () ->
                Tasks.provider("lambada_openai")
                    .create(
                        config("lambada_openai")
                            .documents(List.of(text(1, "a b")))
                            .option("num-fewshot", "1")
                            .build()));
    assertEquals(
        "lambada_openai: option num-fewshot is 1 but no few-shot documents were given (the"
            + " harness draws them from the test split, having no other); give them, or 0",
        none.getMessage());
  }
}
