package midtrain.eval.internal;

import static midtrain.eval.internal.ChoiceFixtures.choices;
import static midtrain.eval.internal.ChoiceFixtures.doc;
import static midtrain.eval.internal.ChoiceFixtures.read;
import static midtrain.eval.internal.ChoiceFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import midtrain.eval.EvalException;
import midtrain.eval.MultipleChoiceItem;
import midtrain.eval.internal.ChoiceFixtures.Flat;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/** {@code arc_easy} and {@code arc_challenge} against arc_easy.yaml, rendered by hand. */
class ArcTaskProviderTest {

  static TaskDocument arc(int line, Object q, Object choices, Object key) {
    return doc("arc.jsonl", line, "question", q, "choices", choices, "answerKey", key);
  }

  @Test
  void promptIsQuestionAnswerAndGoldIsTheKeysPlaceAmongTheLabels() {
    for (String task : List.of("arc_easy", "arc_challenge")) {
      // doc_to_text "Question: {{question}}\nAnswer:" (the question as it is, not stripped);
      // doc_to_choice choices.text; doc_to_target choices.label.index(answerKey).
      ChoiceTaskProvider.Doc d =
          read(
              task,
              arc(
                  1,
                  "Which gas do leaves take in? ",
                  choices(List.of("oxygen", "carbon dioxide", "neon"), List.of("A", "B", "C")),
                  "B"));
      MultipleChoiceItem item = d.item("");
      assertEquals("Question: Which gas do leaves take in? \nAnswer:", item.context());
      assertEquals(List.of("oxygen", "carbon dioxide", "neon"), item.choices());
      assertEquals(List.of(1), item.gold());
      assertEquals("Question: Which gas do leaves take in? \nAnswer: carbon dioxide", d.example());
      // Some rows label their choices 1-4; the key is looked up as the string it is.
      ChoiceTaskProvider.Doc n =
          read(
              task,
              arc(2, "Q", choices(List.of("w", "x", "y", "z"), List.of("1", "2", "3", "4")), "4"));
      assertEquals(3, n.gold());
    }
  }

  @Test
  void badDocumentsAreNamedBySourceLineAndField() {
    Map<String, Object> abc = choices(List.of("a", "b", "c"), List.of("A", "B", "C"));
    Object[][] cases = {
      {
        arc(1, "Q", abc, "D"),
        "arc.jsonl:1: field 'answerKey' is 'D', not one of choices.label [A, B, C]"
      },
      // ARC's key is not stripped (openbookqa's is): " B" is not a label.
      {
        arc(2, "Q", abc, " B"),
        "arc.jsonl:2: field 'answerKey' is ' B', not one of choices.label [A, B, C]"
      },
      {
        arc(3, "Q", List.of("a", "b"), "A"),
        "arc.jsonl:3: field 'choices' must be an object with lists 'text' and 'label'"
      },
      {
        arc(4, "Q", choices(List.of("a", "b"), List.of("A")), "A"),
        "arc.jsonl:4: field 'choices' has 2 texts but 1 labels; they go in pairs"
      },
      {
        arc(5, "Q", choices(List.of("a", ""), List.of("A", "B")), "A"),
        "arc.jsonl:5: field 'choices.text' element 1 is empty; a choice needs text to be scored"
      },
      {
        arc(6, "Q", Map.of("text", List.<Object>of("a", 7), "label", List.of("A", "B")), "A"),
        "arc.jsonl:6: field 'choices.text' must be a list of strings; element 1 is not a string"
      },
      {arc(7, 5, abc, "A"), "arc.jsonl:7: field 'question' is not a string"},
      {
        doc("arc.jsonl", 8, "question", "Q", "choices", abc),
        "arc.jsonl:8: field 'answerKey' is missing"
      },
    };
    for (Object[] c : cases) {
      EvalException e =
          assertThrows(EvalException.class, () -> read("arc_challenge", (TaskDocument) c[0]));
      assertEquals(c[1], e.getMessage());
    }
  }

  @Test
  void arcChallengeScoresLikeArcEasy() {
    // Flat: "pear" -5 (per char -1.25), "fig" -4 (-1.33): acc picks fig, acc_norm pear.
    // Item 1 gold fig: acc right, acc_norm wrong; item 2 gold pear: the other way round.
    Map<String, Object> c = choices(List.of("pear", "fig"), List.of("A", "B"));
    TaskResult r =
        run(new Flat(), "arc_challenge", List.of(arc(1, "Q1", c, "B"), arc(2, "Q2", c, "A")));
    assertEquals(0.5, r.metrics().get("acc"));
    assertEquals(0.5, r.metrics().get("acc_norm"));
    // sqrt(0.5 * 0.5 / 1)
    assertEquals(0.5, (Double) r.details().get("acc_stderr"), 1e-12);
    assertEquals(0.5, (Double) r.details().get("acc_norm_stderr"), 1e-12);
  }
}
