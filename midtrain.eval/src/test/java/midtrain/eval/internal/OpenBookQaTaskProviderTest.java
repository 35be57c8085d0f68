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

/** {@code openbookqa} against openbookqa.yaml, rendered by hand. */
class OpenBookQaTaskProviderTest {

  static TaskDocument obqa(int line, Object stem, Object choices, Object key) {
    return doc(
        "obqa.jsonl", line, "id", "x", "question_stem", stem, "choices", choices, "answerKey", key);
  }

  @Test
  void promptIsTheBareStemAndTheKeyIsLeftStripped() {
    Map<String, Object> c = choices(List.of("a rock", "a magnet", "ice"), List.of("A", "B", "C"));
    // doc_to_text: question_stem, nothing around it; doc_to_target:
    // choices.label.index(answerKey.lstrip()).
    ChoiceTaskProvider.Doc d = read("openbookqa", obqa(1, "Iron nails stick to", c, " B"));
    MultipleChoiceItem item = d.item("");
    assertEquals("Iron nails stick to", item.context());
    assertEquals(List.of("a rock", "a magnet", "ice"), item.choices());
    assertEquals(List.of(1), item.gold());
    assertEquals("Iron nails stick to a magnet", d.example());
    assertEquals(2, read("openbookqa", obqa(2, "S", c, "C")).gold());
    EvalException e =
        assertThrows(EvalException.class, () -> read("openbookqa", obqa(3, "S", c, "B ")));
    assertEquals(
        "obqa.jsonl:3: field 'answerKey' is 'B ', not one of choices.label [A, B, C]",
        e.getMessage());
    EvalException stem =
        assertThrows(
            EvalException.class,
            () ->
                read(
                    "openbookqa",
                    doc("obqa.jsonl", 4, "question", "S", "choices", c, "answerKey", "A")));
    assertEquals("obqa.jsonl:4: field 'question_stem' is missing", stem.getMessage());
  }

  @Test
  void scoresByHand() {
    // Flat: "ice" -4 (per char -1.33), "a magnet" -9 (-1.125): acc picks ice, acc_norm a magnet.
    Map<String, Object> c = choices(List.of("ice", "a magnet"), List.of("A", "B"));
    TaskResult r =
        run(
            new Flat(),
            "openbookqa",
            List.of(obqa(1, "S1", c, "B"), obqa(2, "S2", c, "B"), obqa(3, "S3", c, "A")));
    // acc: item 3 only, 1/3; acc_norm: items 1 and 2, 2/3; both stderr sqrt(2/9 / 2) = 1/3.
    assertEquals(1.0 / 3, r.metrics().get("acc"), 1e-12);
    assertEquals(2.0 / 3, r.metrics().get("acc_norm"), 1e-12);
    assertEquals(1.0 / 3, (Double) r.details().get("acc_stderr"), 1e-12);
    assertEquals(1.0 / 3, (Double) r.details().get("acc_norm_stderr"), 1e-12);
  }
}
