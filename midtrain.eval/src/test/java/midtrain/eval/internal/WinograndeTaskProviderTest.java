package midtrain.eval.internal;

import static midtrain.eval.internal.ChoiceFixtures.config;
import static midtrain.eval.internal.ChoiceFixtures.doc;
import static midtrain.eval.internal.ChoiceFixtures.read;
import static midtrain.eval.internal.ChoiceFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import midtrain.eval.EvalException;
import midtrain.eval.MultipleChoiceItem;
import midtrain.eval.MultipleChoiceItemResult;
import midtrain.eval.Tasks;
import midtrain.eval.internal.ChoiceFixtures.Flat;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/** {@code winogrande} against default.yaml and preprocess_winogrande.py, rendered by hand. */
class WinograndeTaskProviderTest {

  static TaskDocument wg(int line, String sentence, String o1, String o2, Object answer) {
    return doc(
        "wg.jsonl", line, "sentence", sentence, "option1", o1, "option2", o2, "answer", answer);
  }

  @Test
  void eachOptionFillsTheBlankAsAContextAndTheRestIsTheSharedContinuation() {
    // doc_to_choice: sentence[:idx] + option; doc_to_target: sentence[idx + 1:].strip();
    // doc_to_text: {"1": 0, "2": 1}[answer], the gold context.
    ChoiceTaskProvider.Doc d =
        read("winogrande", wg(1, "Ann lent Beth a pen because _ had two. ", "Ann", "Beth", "1"));
    MultipleChoiceItem item = d.item("");
    assertFalse(item.sharesContext());
    assertEquals("Ann lent Beth a pen because Ann", item.context(0));
    assertEquals("Ann lent Beth a pen because Beth", item.context(1));
    assertEquals("had two.", item.continuation(0));
    assertEquals("had two.", item.continuation(1));
    assertEquals(List.of(0), item.gold());
    // As a few-shot example: the gold context, " ", the continuation.
    assertEquals("Ann lent Beth a pen because Ann had two.", d.example());
    assertEquals(1, read("winogrande", wg(2, "_ ran.", "X", "Y", "2")).gold());
    // Only the first blank splits the sentence.
    ChoiceTaskProvider.Doc two = read("winogrande", wg(3, "A _ b _ c", "X", "Y", "2"));
    assertEquals("b _ c", two.target());
    assertEquals(List.of("A X", "A Y"), two.choices());
  }

  @Test
  void badDocumentsAreNamed() {
    Object[][] cases = {
      {
        wg(1, "No blank here.", "A", "B", "1"),
        "wg.jsonl:1: field 'sentence' has no '_', the blank the options fill"
      },
      {
        wg(2, "It was _ ", "A", "B", "1"),
        "wg.jsonl:2: field 'sentence' has nothing after the blank to score the options by"
      },
      {
        wg(3, "_ ran.", "A", "B", 1),
        "wg.jsonl:3: field 'answer' must be \"1\" or \"2\" (the string, as the data set has it), got '1'"
      },
      {
        wg(4, "_ ran.", "A", "B", ""),
        "wg.jsonl:4: field 'answer' must be \"1\" or \"2\" (the string, as the data set has it), got '' (the test split has no answers; use the validation split)"
      },
      {
        wg(5, "_ ran.", "", "B", "1"),
        "wg.jsonl:5: field 'option1' is empty and the blank starts the sentence: nothing to score after"
      },
      {wg(6, "_ ran.", "A", null, "1"), "wg.jsonl:6: field 'option2' is missing"},
    };
    for (Object[] c : cases) {
      EvalException x =
          assertThrows(EvalException.class, () -> read("winogrande", (TaskDocument) c[0]));
      assertEquals(c[1], x.getMessage());
    }
  }

  @Test
  void scoresTheContinuationAfterEachContextAccOnly() {
    // Flat: " had two." is 9 tokens: -9, or -4.5 in a window with '*'. Item 1 marks option 1
    // (gold 1: right); item 2 marks option 2 (gold 1: wrong); item 3 marks neither: a tie, the
    // first wins (gold 2: wrong). acc 1/3, stderr 1/3; the harness lists acc alone.
    Flat m = new Flat();
    TaskResult r =
        run(
            m,
            "winogrande",
            List.of(
                wg(1, "x _ had two.", "A*", "B", "1"),
                wg(2, "x _ had two.", "C", "D*", "1"),
                wg(3, "x _ had two.", "E", "F", "2")));
    assertEquals(List.of("acc"), List.copyOf(r.metrics().keySet()));
    assertEquals(1.0 / 3, r.metrics().get("acc"), 1e-12);
    assertEquals(1.0 / 3, (Double) r.details().get("acc_stderr"), 1e-12);
    assertEquals("x A* had two.", m.windows.get(0));
    assertEquals("x B had two.", m.windows.get(1));
    @SuppressWarnings("unchecked")
    List<java.util.Map<String, Object>> items =
        (List<java.util.Map<String, Object>>) r.details().get("results");
    assertEquals(List.of(-4.5, -9.0), items.get(0).get("loglikelihoods"));
  }

  @Test
  void fewShotExamplesAreTheGoldFilledSentencesBeforeEachContext() {
    List<TaskDocument> train =
        List.of(
            wg(1, "Pat _ the cup.", "dropped", "ate", "1"), wg(2, "_ sang.", "Lee", "Kim", "2"));
    Flat m = new Flat();
    Tasks.provider("winogrande")
        .create(
            config("winogrande")
                .documents(List.of(wg(9, "x _ had two.", "A", "B", "2")))
                .fewshot(train)
                .option("num-fewshot", "2")
                .option("fewshot-sampler", "first_n")
                .build())
        .run(m);
    String shots = "Pat dropped the cup.\n\nKim sang.\n\n";
    assertEquals(shots + "x A had two.", m.windows.get(0));
    assertEquals(shots + "x B had two.", m.windows.get(1));
  }

  @Test
  void accNormOfAFewShotItemDividesByTheChoiceWithoutTheExamples() {
    // process_results divides by len(doc_to_choice(doc)), the filled-in sentence starts alone;
    // the few-shot examples are in the request's context, not in the choices.
    ChoiceTaskProvider.Doc d = read("winogrande", wg(1, "x _ had two.", "A", "BBBB", "1"));
    String shots = "Pat dropped the cup.\n\n";
    MultipleChoiceItem item = d.item(shots);
    assertEquals(List.of("x A", "x BBBB"), item.choices());
    assertEquals(shots + "x A", item.context(0));
    assertEquals(shots + "x BBBB", item.context(1));
    // -3 / 3 < -5 / 6: acc_norm picks the second; over the whole contexts (25 and 28
    // characters) it would pick the first.
    assertEquals(1, MultipleChoiceItemResult.of(item, new double[] {-3, -5}).predictedNorm());
  }
}
