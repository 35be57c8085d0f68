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

/** {@code piqa} against piqa.yaml, rendered by hand. */
class PiqaTaskProviderTest {

  static TaskDocument piqa(int line, Object goal, Object sol1, Object sol2, Object label) {
    return doc("piqa.jsonl", line, "goal", goal, "sol1", sol1, "sol2", sol2, "label", label);
  }

  @Test
  void promptIsQuestionAnswerAndTheLabelIndexesSol1Sol2() {
    ChoiceTaskProvider.Doc d =
        read("piqa", piqa(1, "Loosen a tight lid", "tap it on the table", "freeze it", 0));
    MultipleChoiceItem item = d.item("");
    assertEquals("Question: Loosen a tight lid\nAnswer:", item.context());
    assertEquals(List.of("tap it on the table", "freeze it"), item.choices());
    assertEquals(List.of(0), item.gold());
    assertEquals("Question: Loosen a tight lid\nAnswer: tap it on the table", d.example());
    assertEquals(1, read("piqa", piqa(2, "G", "a", "b", 1)).gold());
  }

  @Test
  void badDocumentsAreNamed() {
    Object[][] cases = {
      {
        piqa(1, "G", "a", "b", 2),
        "piqa.jsonl:1: field 'label' must be an integer from 0 to 1, got 2"
      },
      {
        piqa(2, "G", "a", "b", "1"),
        "piqa.jsonl:2: field 'label' must be an integer from 0 to 1, got the string \"1\""
      },
      {
        piqa(3, "G", "a", "", 0),
        "piqa.jsonl:3: field 'sol2' is empty; a choice needs text to be scored"
      },
      {piqa(4, null, "a", "b", 0), "piqa.jsonl:4: field 'goal' is missing"},
      {piqa(5, "G", "a", "b", null), "piqa.jsonl:5: field 'label' is missing"},
    };
    for (Object[] c : cases) {
      EvalException e = assertThrows(EvalException.class, () -> read("piqa", (TaskDocument) c[0]));
      assertEquals(c[1], e.getMessage());
    }
  }

  @Test
  void scoresByHand() {
    // Flat: "cut" -4 (per char -1.33), "twist it" -9 (-1.125): acc picks cut, acc_norm twist it.
    // Item 5 marks "c*": -1.5 (per char -0.75), and twist it stays -9: both pick c*.
    // Labels 0, 0, 1, 0, 0: acc right on 1, 2, 4, 5 (4/5), acc_norm on 3 and 5 (2/5).
    // stderr sqrt(p (1 - p) / 4): acc sqrt(0.16 / 4) = 0.2, acc_norm sqrt(0.24 / 4).
    TaskResult r =
        run(
            new Flat(),
            "piqa",
            List.of(
                piqa(1, "G1", "cut", "twist it", 0),
                piqa(2, "G2", "cut", "twist it", 0),
                piqa(3, "G3", "cut", "twist it", 1),
                piqa(4, "G4", "cut", "twist it", 0),
                piqa(5, "G5", "c*", "twist it", 0)));
    assertEquals(0.8, r.metrics().get("acc"), 1e-12);
    assertEquals(0.4, r.metrics().get("acc_norm"), 1e-12);
    assertEquals(0.2, (Double) r.details().get("acc_stderr"), 1e-12);
    assertEquals(Math.sqrt(0.06), (Double) r.details().get("acc_norm_stderr"), 1e-12);
  }
}
