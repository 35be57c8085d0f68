package midtrain.eval.internal;

import static midtrain.eval.internal.ChoiceFixtures.doc;
import static midtrain.eval.internal.ChoiceFixtures.read;
import static midtrain.eval.internal.ChoiceFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import midtrain.eval.EvalException;
import midtrain.eval.MultipleChoiceItem;
import midtrain.eval.internal.ChoiceFixtures.Flat;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/** {@code sciq} against sciq.yaml, rendered by hand. */
class SciqTaskProviderTest {

  static TaskDocument sciq(
      int line, Object support, String q, String d1, String d2, String d3, Object correct) {
    return doc(
        "sciq.jsonl",
        line,
        "question",
        q,
        "distractor3",
        d3,
        "distractor1",
        d1,
        "distractor2",
        d2,
        "correct_answer",
        correct,
        "support",
        support);
  }

  @Test
  void supportIsLeftStrippedAndTheCorrectAnswerIsAlwaysTheFourthChoice() {
    // doc_to_text "{{support.lstrip()}}\nQuestion: {{question}}\nAnswer:"; doc_to_choice
    // [distractor1, distractor2, distractor3, correct_answer], unshuffled; doc_to_target 3.
    ChoiceTaskProvider.Doc d =
        read(
            "sciq",
            sciq(
                1,
                " \n Leaves make sugar from light. ",
                "What do leaves make?",
                "salt",
                "sand",
                "oil",
                "sugar"));
    MultipleChoiceItem item = d.item("");
    assertEquals(
        "Leaves make sugar from light. \nQuestion: What do leaves make?\nAnswer:", item.context());
    assertEquals(List.of("salt", "sand", "oil", "sugar"), item.choices());
    assertEquals(List.of(3), item.gold());
    assertEquals(
        "Leaves make sugar from light. \nQuestion: What do leaves make?\nAnswer: sugar",
        d.example());
    // Many rows have no support: the text then starts with the line break.
    assertEquals(
        "\nQuestion: Q\nAnswer:", read("sciq", sciq(2, "", "Q", "a", "b", "c", "d")).text());
  }

  @Test
  void badDocumentsAreNamed() {
    EvalException missing =
        assertThrows(
            EvalException.class, () -> read("sciq", sciq(1, "s", "Q", "a", "b", "c", null)));
    assertEquals("sciq.jsonl:1: field 'correct_answer' is missing", missing.getMessage());
    EvalException empty =
        assertThrows(EvalException.class, () -> read("sciq", sciq(2, "s", "Q", "a", "", "c", "d")));
    assertEquals(
        "sciq.jsonl:2: field 'distractor2' is empty; a choice needs text to be scored",
        empty.getMessage());
    EvalException support =
        assertThrows(EvalException.class, () -> read("sciq", sciq(3, 4, "Q", "a", "b", "c", "d")));
    assertEquals("sciq.jsonl:3: field 'support' is not a string", support.getMessage());
  }

  @Test
  void scoresByHand() {
    // Flat: "ab" -3 (per char -1.5), "abc" -4 (-1.33), "a" -2 (-2), correct "abcd" -5 (-1.25):
    // acc picks "a" (wrong), acc_norm "abcd" (right, gold 3). With "abcd" a distractor and
    // correct "z" (-2, per char -2): acc picks "z" (right), acc_norm "abcd" (wrong).
    // acc 1/3, acc_norm 2/3, each stderr sqrt(2/9 / 2) = 1/3.
    TaskResult r =
        run(
            new Flat(),
            "sciq",
            List.of(
                sciq(1, "", "Q1", "ab", "abc", "a", "abcd"),
                sciq(2, "", "Q2", "ab", "abc", "abcd", "z"),
                sciq(3, "", "Q3", "ab", "abc", "a", "abcd")));
    assertEquals(1.0 / 3, r.metrics().get("acc"), 1e-12);
    assertEquals(2.0 / 3, r.metrics().get("acc_norm"), 1e-12);
    assertEquals(1.0 / 3, (Double) r.details().get("acc_stderr"), 1e-12);
    assertEquals(1.0 / 3, (Double) r.details().get("acc_norm_stderr"), 1e-12);
  }
}
