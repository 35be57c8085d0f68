package midtrain.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.spi.SynthesizerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, parameters, templates and each built-in's prompt and parse. */
class SynthesizersTest {
  @TempDir Path dir;

  @Test
  void builtInsAreDiscoveredByStableIds() {
    assertEquals(
        List.of("evolve", "extract", "instruct", "qa", "rewrite"),
        List.copyOf(Synthesizers.providers().keySet()));
    DataException e =
        assertThrows(DataException.class, () -> Synthesizers.create("nope", Map.of()));
    assertTrue(e.getMessage().contains("rewrite"), e.getMessage());
    e =
        assertThrows(
            DataException.class, () -> Synthesizers.create("rewrite", Map.of("pairs", "3")));
    assertTrue(e.getMessage().contains("pairs") && e.getMessage().contains("style"));
    e =
        assertThrows(
            DataException.class, () -> Synthesizers.create("rewrite", Map.of("style", "poem")));
    assertTrue(e.getMessage().contains("poem") && e.getMessage().contains("wikipedia"));
    e = assertThrows(DataException.class, () -> Synthesizers.create("qa", Map.of("pairs", "x")));
    assertTrue(e.getMessage().contains("pairs"), e.getMessage());
  }

  @Test
  void duplicateIdsFailNamingBothClasses() {
    SynthesizerProvider a = Synthesizers.providers().get("qa");
    SynthesizerProvider b =
        new SynthesizerProvider() {
          @Override
          public String id() {
            return "qa";
          }

          @Override
          public Synthesizer create(Map<String, String> params) {
            return a.create(params);
          }
        };
    DataException e = assertThrows(DataException.class, () -> Synthesizers.index(List.of(a, b)));
    assertTrue(e.getMessage().contains(a.getClass().getName()), e.getMessage());
    assertTrue(e.getMessage().contains(b.getClass().getName()), e.getMessage());
  }

  @Test
  void templatesNeedTheTextPlaceholderAndNeverExpandTheDocument() throws Exception {
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "no placeholder here");
    DataException e = assertThrows(DataException.class, () -> PromptTemplate.load(bad));
    assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("{text}"));
    e =
        assertThrows(
            DataException.class,
            () -> Synthesizers.create("rewrite", Map.of("template", dir + "/missing.txt")));
    assertTrue(e.getMessage().contains("missing.txt"), e.getMessage());
    PromptTemplate t = PromptTemplate.of("A {method} B {text} C {text}");
    assertEquals(
        "A deep B x {method} y C x {method} y", t.render("x {method} y", Map.of("method", "deep")));
    assertNotEquals(PromptTemplate.of("{text}").hash(), PromptTemplate.of("{text} ").hash());
  }

  @Test
  void eachStyleHasItsOwnPromptAndSettings() {
    Document d = Document.of("d", "The Moon orbits the Earth.");
    Synthesizer w = Synthesizers.create("rewrite", Map.of());
    Synthesizer q = Synthesizers.create("rewrite", Map.of("style", "qa"));
    assertEquals("wikipedia", w.settings().get("style"));
    assertNotEquals(w.templateHash(), q.templateHash());
    String p = q.prompts(d).get(0);
    assertTrue(p.contains("Question:") && p.endsWith("The Moon orbits the Earth."), p);
    assertEquals(1, w.parse(d, 0, "  Rewritten.  ").outputs().size());
    assertEquals("Rewritten.", w.parse(d, 0, "  Rewritten.  ").outputs().get(0).text());
    assertEquals("empty", w.parse(d, 0, " \n ").reason());
    Synthesizer qa = Synthesizers.create("qa", Map.of("pairs", "7"));
    assertTrue(qa.prompts(d).get(0).contains("write 7 diverse questions"));
  }

  @Test
  void qaKeepsPairsTogetherUnlessSplit() {
    Document d = Document.of("d", "x");
    String completion =
        "Here you go.\nQ1: Is it round?\nA1: Yes.\n\nQuestion 2: Why?\nAnswer 2: Gravity,\n"
            + "which pulls evenly.\nQuestion: dangling?";
    Parsed one = Synthesizers.create("qa", Map.of()).parse(d, 0, completion);
    assertEquals(1, one.outputs().size());
    assertEquals(
        "Question: Is it round?\nAnswer: Yes.\n\nQuestion: Why?\nAnswer: Gravity,\n"
            + "which pulls evenly.",
        one.outputs().get(0).text());
    assertEquals("2", one.outputs().get(0).fields().get("qa_pairs"));
    Parsed split = Synthesizers.create("qa", Map.of("split", "true")).parse(d, 0, completion);
    assertEquals(2, split.outputs().size());
    assertEquals("Why?", split.outputs().get(1).fields().get("question"));
    assertEquals(
        "unparseable", Synthesizers.create("qa", Map.of()).parse(d, 0, "No pairs.").reason());
  }

  @Test
  void multipleChoiceOptionsLabelledLikeAnAnswerStayInTheQuestion() {
    // The prompt asks for multiple-choice questions with their options: an option "A: ..." is not
    // the short answer label when the pair opened with "Question:".
    Document d = Document.of("d", "x");
    Parsed p =
        Synthesizers.create("qa", Map.of("split", "true"))
            .parse(
                d,
                0,
                "Question: Which planet is largest?\nA: Mars\nB: Jupiter\nAnswer: B\n\n"
                    + "Q: Is it a gas giant?\nA: Yes.");
    assertEquals(2, p.outputs().size());
    assertEquals(
        "Which planet is largest?\nA: Mars\nB: Jupiter",
        p.outputs().get(0).fields().get("question"));
    assertEquals("B", p.outputs().get(0).fields().get("answer"));
    assertEquals("Yes.", p.outputs().get(1).fields().get("answer"));
  }

  @Test
  void instructMakesOneOutputPerPair() {
    Document d = Document.of("d", "x");
    Parsed p =
        Synthesizers.create("instruct", Map.of())
            .parse(
                d,
                0,
                "### Instruction: Explain tides.\n### Response: The Moon pulls.\n"
                    + "Instruction: Name it.\nResponse:\nThe Moon.");
    assertEquals(2, p.outputs().size());
    assertEquals("Explain tides.\n\nThe Moon pulls.", p.outputs().get(0).text());
    assertEquals("The Moon.", p.outputs().get(1).fields().get("response"));
  }

  @Test
  void extractKnowledgeListKeepsOnlyItems() {
    Document d = Document.of("d", "x");
    Synthesizer s = Synthesizers.create("extract", Map.of("style", "knowledge-list"));
    Parsed p = s.parse(d, 0, "Facts:\n* one fact\n2) second fact\n- third\nclosing words");
    assertEquals("- one fact\n- second fact\n- third", p.outputs().get(0).text());
    assertEquals("unparseable", s.parse(d, 0, "just prose").reason());
    assertEquals(
        "distilled",
        Synthesizers.create("extract", Map.of("style", "distill"))
            .parse(d, 0, "distilled")
            .outputs()
            .get(0)
            .text());
  }

  @Test
  void evolveReadsAFieldPicksAStableMethodAndEliminates() {
    Document d =
        new Document("i7", "ignored", "", "", "", "{\"instruction\":\"Sort a list.\",\"n\":1}");
    Synthesizer s = Synthesizers.create("evolve", Map.of("field", "instruction"));
    List<String> prompts = s.prompts(d);
    assertEquals(1, prompts.size());
    assertTrue(prompts.get(0).endsWith("Sort a list."), prompts.get(0));
    assertEquals(prompts, s.prompts(d), "random method is stable per document");
    assertFalse(prompts.get(0).contains("{method}"));
    Parsed p = s.parse(d, 0, "New instruction: Sort a list of 10^6 integers in O(n log n).");
    assertEquals("Sort a list of 10^6 integers in O(n log n).", p.outputs().get(0).text());
    assertEquals(p.outputs().get(0).text(), p.outputs().get(0).fields().get("instruction"));
    assertTrue(p.outputs().get(0).fields().containsKey("evol_method"));
    assertEquals("unchanged", s.parse(d, 0, "sort a  list.").reason());
    assertEquals("refused", s.parse(d, 0, "I'm sorry, I can't.").reason());
    assertEquals(List.of(), s.prompts(Document.of("x", "no meta")), "missing field: no prompt");
    Synthesizer breadth = Synthesizers.create("evolve", Map.of("method", "breadth"));
    assertTrue(breadth.prompts(Document.of("a", "Add 2 and 3.")).get(0).contains("same domain"));
    Synthesizer small = Synthesizers.create("evolve", Map.of("max-input-chars", "100"));
    assertEquals("too-long", small.check(Document.of("a", "w ".repeat(80))));
    assertEquals("", small.check(Document.of("a", "short")));
  }
}
