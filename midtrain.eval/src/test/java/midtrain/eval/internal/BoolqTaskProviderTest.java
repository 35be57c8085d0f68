package midtrain.eval.internal;

import static midtrain.eval.internal.ChoiceFixtures.doc;
import static midtrain.eval.internal.ChoiceFixtures.read;
import static midtrain.eval.internal.ChoiceFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import midtrain.eval.EvalException;
import midtrain.eval.MultipleChoiceItem;
import midtrain.eval.internal.ChoiceFixtures.Flat;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;

/** {@code boolq} against super_glue/boolq/default.yaml, rendered by hand. */
class BoolqTaskProviderTest {

  static TaskDocument boolq(int line, String passage, String q, Object label) {
    return doc("boolq.jsonl", line, "question", q, "passage", passage, "idx", line, "label", label);
  }

  @Test
  void promptEndsTheQuestionWithAMarkAndTheChoicesAreNoYes() {
    ChoiceTaskProvider.Doc d =
        read("boolq", boolq(1, "Tea is brewed from leaves.", "is tea made from leaves", 1));
    MultipleChoiceItem item = d.item("");
    assertEquals(
        "Tea is brewed from leaves.\nQuestion: is tea made from leaves?\nAnswer:", item.context());
    assertEquals(List.of("no", "yes"), item.choices());
    assertEquals(List.of(1), item.gold());
    assertEquals(0, read("boolq", boolq(2, "P", "q", 0)).gold());
    // google/boolq's shape: a boolean answer instead of label.
    assertEquals(
        1,
        read("boolq", doc("g.jsonl", 1, "question", "q", "answer", true, "passage", "P")).gold());
    assertEquals(
        0,
        read("boolq", doc("g.jsonl", 2, "question", "q", "answer", false, "passage", "P")).gold());
  }

  @Test
  void badDocumentsAreNamed() {
    Object[][] cases = {
      {boolq(1, "P", "q", 2), "boolq.jsonl:1: field 'label' must be an integer from 0 to 1, got 2"},
      {
        doc("g.jsonl", 2, "question", "q", "answer", "yes", "passage", "P"),
        "g.jsonl:2: field 'answer' must be true or false, got yes"
      },
      {
        doc("g.jsonl", 3, "question", "q", "passage", "P"),
        "g.jsonl:3: field 'label' is missing (nor is there a boolean 'answer', as google/boolq)"
      },
      {doc("g.jsonl", 4, "question", "q", "label", 1), "g.jsonl:4: field 'passage' is missing"},
    };
    for (Object[] c : cases) {
      EvalException e = assertThrows(EvalException.class, () -> read("boolq", (TaskDocument) c[0]));
      assertEquals(c[1], e.getMessage());
    }
  }

  @Test
  void accOnlyAsTheHarnessListsIt() {
    // Flat: " no" -3, " yes" -4: acc always says no. Labels 0, 1, 0, 0: 3 of 4 right, stderr
    // sqrt(3/4 * 1/4 / 3) = 1/4. boolq's metric_list has acc alone: no acc_norm anywhere.
    TaskResult r =
        run(
            new Flat(),
            "boolq",
            List.of(
                boolq(1, "P", "a", 0),
                boolq(2, "P", "b", 1),
                boolq(3, "P", "c", 0),
                boolq(4, "P", "d", 0)));
    assertEquals(List.of("acc"), List.copyOf(r.metrics().keySet()));
    assertEquals(0.75, r.metrics().get("acc"), 1e-12);
    assertEquals(0.25, (Double) r.details().get("acc_stderr"), 1e-12);
    assertFalse(r.details().containsKey("acc_norm"));
    assertEquals(1, r.summary().size());
  }
}
