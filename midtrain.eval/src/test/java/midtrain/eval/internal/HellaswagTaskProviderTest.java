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

/** {@code hellaswag} against hellaswag.yaml and utils.py, rendered by hand. */
class HellaswagTaskProviderTest {

  static TaskDocument hs(int line, String label, String a, String b, Object endings, Object gold) {
    return doc(
        "hs.jsonl",
        line,
        "ind",
        line,
        "activity_label",
        label,
        "ctx_a",
        a,
        "ctx_b",
        b,
        "ctx",
        "not used",
        "endings",
        endings,
        "label",
        gold);
  }

  @Test
  void preprocessStripsTitlesBracketsAndDoubleSpaces() {
    // strip(); " [title]" -> ". "; "[...]" removed (shortest match); "  " -> " " once, left to
    // right, so three spaces leave two, as Python's replace.
    assertEquals("Go. Now", HellaswagTaskProvider.preprocess("  Go [title] Now\n"));
    assertEquals("a  b", HellaswagTaskProvider.preprocess("a   b"));
    assertEquals("x y z", HellaswagTaskProvider.preprocess("x [a] y[b] z"));
    assertEquals(" the end", HellaswagTaskProvider.preprocess("[header] the end"));
    // Python's '.' stops at \n alone; Java's, unless UNIX_LINES, also at \r, \u0085, \u2028 and
    // \u2029. Outputs from CPython 3.11's re.sub.
    assertEquals("a b", HellaswagTaskProvider.preprocess("a [x\ry] b"));
    assertEquals("a b", HellaswagTaskProvider.preprocess("a [x\u0085y] b"));
    assertEquals("a b", HellaswagTaskProvider.preprocess("a [x\u2028y] b"));
    assertEquals("a b", HellaswagTaskProvider.preprocess("a [x\u2029y] b"));
    assertEquals("a [x\ny] b", HellaswagTaskProvider.preprocess("a [x\ny] b"));
    assertEquals("a [x\r\ny] b", HellaswagTaskProvider.preprocess("a [x\r\ny] b"));
    // capitalize: the first character up, every other down.
    assertEquals("The kettle", HellaswagTaskProvider.capitalize("tHE KETTLE"));
    assertEquals("Élan", HellaswagTaskProvider.capitalize("élAN"));
    assertEquals("", HellaswagTaskProvider.capitalize(""));
  }

  @Test
  void capitalizeAgreesWithPythonBeyondAscii() {
    // Expected values from CPython 3.11's str.capitalize (the oracle), written as escapes.
    String[][] cases = {
      // Full title-case mappings: several characters from one.
      {"\u00df", "Ss"},
      {"\ufb01x", "Fix"},
      {"\u0149", "\u02bcN"},
      {"\u1fb7", "\u0391\u0342\u0345"},
      // Already title case; a digraph with a title form of its own.
      {"\u1f88", "\u1f88"},
      {"\u01c6a", "\u01c5a"},
      // The final sigma: a cased letter before it, none after (case-ignorables skipped).
      {"\u0391\u03a3", "\u0391\u03c2"},
      {"\u0391\u03a3\u0391", "\u0391\u03c3\u03b1"},
      {"a1\u03a3", "A1\u03c3"},
      {"a\u03a3.b", "A\u03c3.b"},
      {"a\u03a3.1", "A\u03c2.1"},
      {"x\u03a3\u0301 ", "X\u03c2\u0301 "},
    };
    for (String[] c : cases) {
      assertEquals(c[1], HellaswagTaskProvider.capitalize(c[0]), c[0]);
    }
  }

  @Test
  void queryIsTheLabelAndBothContextsPreprocessed() {
    // ctx = ctx_a + " " + ctx_b.capitalize() = "A man fills a kettle  with water. The kettle
    // [substeps] boils"; query = preprocess("Making tea: " + ctx): the bracket goes, leaving two
    // spaces, which become one, as do those in ctx_a.
    // Endings: " and he pours it. [title] Serve hot." -> strip -> "and he pours it.. " + " Serve
    // hot." -> one space; "[header] the cup sings." keeps the space after the header, since the
    // strip came first.
    ChoiceTaskProvider.Doc d =
        read(
            "hellaswag",
            hs(
                1,
                "Making tea",
                "A man fills a kettle  with water.",
                "tHE KETTLE [substeps] boils",
                List.of(
                    " and he pours it. [title] Serve hot.",
                    "then it melts.",
                    "[header] the cup sings.",
                    "he drinks the kettle."),
                "0"));
    MultipleChoiceItem item = d.item("");
    assertEquals("Making tea: A man fills a kettle with water. The kettle boils", item.context());
    assertEquals(
        List.of(
            "and he pours it.. Serve hot.",
            "then it melts.",
            " the cup sings.",
            "he drinks the kettle."),
        item.choices());
    assertEquals(List.of(0), item.gold());
    assertEquals(
        "Making tea: A man fills a kettle with water. The kettle boils and he pours it.. Serve hot.",
        d.example());
    // The data set's label is a digit string; an integer is read too.
    List<String> e = List.of("a", "b", "c", "d");
    assertEquals(3, read("hellaswag", hs(2, "L", "a", "b", e, "3")).gold());
    assertEquals(2, read("hellaswag", hs(3, "L", "a", "b", e, 2)).gold());
  }

  @Test
  void badDocumentsAreNamed() {
    List<String> e = List.of("a", "b", "c", "d");
    Object[][] cases = {
      {
        hs(1, "L", "a", "b", e, ""),
        "hs.jsonl:1: field 'label' is empty (the test split has no labels; use the validation split)"
      },
      {
        hs(2, "L", "a", "b", e, "4"),
        "hs.jsonl:2: field 'label' is 4 but there are 4 endings (0 to 3)"
      },
      {
        hs(3, "L", "a", "b", e, "x"),
        "hs.jsonl:3: field 'label' must be an ending's index, as a digit string or integer, got 'x'"
      },
      {
        hs(4, "L", "a", "b", List.of("a", "[gone]"), "0"),
        "hs.jsonl:4: field 'endings' element 1 is empty; a choice needs text to be scored"
      },
      {
        hs(5, "L", "a", "b", "abcd", "0"),
        "hs.jsonl:5: field 'endings' must be a non-empty list of strings"
      },
      {hs(6, "L", null, "b", e, "0"), "hs.jsonl:6: field 'ctx_a' is missing"},
    };
    for (Object[] c : cases) {
      EvalException x =
          assertThrows(EvalException.class, () -> read("hellaswag", (TaskDocument) c[0]));
      assertEquals(c[1], x.getMessage());
    }
  }

  @Test
  void scoresByHand() {
    // Flat: endings "ab" -3 (per char -1.5), "abcde" -6 (-1.2), "abc" -4 (-1.33), "a*" -1.5
    // (marked; -0.75): acc and acc_norm both pick "a*" (index 3). Golds 3, 1, 0: acc and
    // acc_norm 1/3 each, stderr 1/3.
    List<String> e = List.of("ab", "abcde", "abc", "a*");
    TaskResult r =
        run(
            new Flat(),
            "hellaswag",
            List.of(
                hs(1, "L", "a", "b", e, "3"),
                hs(2, "L", "a", "b", e, "1"),
                hs(3, "L", "a", "b", e, "0")));
    assertEquals(1.0 / 3, r.metrics().get("acc"), 1e-12);
    assertEquals(1.0 / 3, r.metrics().get("acc_norm"), 1e-12);
    assertEquals(1.0 / 3, (Double) r.details().get("acc_stderr"), 1e-12);
    // Without the mark, acc_norm picks "abcde" (gold of item 2) and acc "ab" (item 3).
    List<String> plain = List.of("ab", "abcde", "abc", "abcd");
    TaskResult p =
        run(
            new Flat(),
            "hellaswag",
            List.of(
                hs(1, "L", "a", "b", plain, "1"),
                hs(2, "L", "a", "b", plain, "1"),
                hs(3, "L", "a", "b", plain, "0")));
    assertEquals(1.0 / 3, p.metrics().get("acc"), 1e-12);
    assertEquals(2.0 / 3, p.metrics().get("acc_norm"), 1e-12);
  }
}
