package midtrain.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.modify.Modification;
import midtrain.data.modify.Modifiers;
import midtrain.data.modify.TextModifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code modify} stage in pipelines configured as a YAML file would configure them. */
class PipelineModifyTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The stage under test, as parsed YAML: {@code [pii, symbol-lines, {id: c4-lines, ...}]}. */
  static final List<Object> MODIFIERS =
      List.of("pii", "symbol-lines", Map.of("id", "c4-lines", "min_num_sentences", 2));

  static Map<String, Object> config(List<String> inputs, int threads, int batch, Object stages) {
    Map<String, Object> c = new TreeMap<>();
    c.put("input", inputs);
    c.put("output", Map.of("dir", "out", "suffix", ".jsonl", "keep_removed", true));
    c.put("threads", threads);
    c.put("batch_size", batch);
    c.put("stages", stages);
    return c;
  }

  static List<Object> stages() {
    return List.of(Map.of("modify", MODIFIERS), Map.of("dedup", Map.of("method", "exact")));
  }

  /** Hand-made documents, each meeting one case. */
  static Path small(Path dir) throws IOException {
    String help = " for help. The office opens at nine. Staff answer every question.";
    return PipelineTest.jsonl(
        dir,
        "small.jsonl",
        List.of(
            // pii: two replacements; symbol-lines: one line; kept.
            PipelineTest.doc(
                "a", "Write to alice@mail.example.com or 8.8.8.8" + help + "\n---", "web"),
            // The same once masked: the dedup after the stage sees a duplicate.
            PipelineTest.doc("b", "Write to bob@other.example.org or 9.9.9.9" + help, "web"),
            PipelineTest.doc(
                "c", "Lorem ipsum dolor sit amet, sed do.\nAnother fine line here.", "web"),
            PipelineTest.doc("d", "***\n---\n", "web"),
            PipelineTest.doc("e", "Too short.", "web"),
            PipelineTest.doc(
                "f", "The committee met on Tuesday. Members agreed on the budget.", "web")));
  }

  @Test
  void modifiesCountsAndRemovesWithReasons(@TempDir Path dir) throws IOException {
    small(dir);
    PipelineResult r =
        PipelineConfig.parse(config(List.of("small.jsonl"), 2, 2, stages()), dir).build().run();
    assertTrue(r.balanced(), r.account());
    assertEquals(6, r.records());
    assertEquals(2, r.written());
    StageStats s = r.stages().get(0);
    assertEquals("modify:pii,symbol-lines,c4-lines", s.stage());
    assertEquals("modify", s.kind());
    assertEquals(
        Map.of(
            "c4-lines: lorem_ipsum", 1L,
            "c4-lines: too_few_sentences", 1L,
            "symbol-lines: empty", 1L),
        s.removed());
    Map<String, Long> counts = new TreeMap<>();
    counts.put("pii.documents_changed", 2L); // a, b
    counts.put("pii.lines_removed", 0L);
    counts.put("pii.replacements", 4L);
    counts.put("symbol-lines.documents_changed", 2L); // a, d (d is then empty)
    counts.put("symbol-lines.lines_removed", 3L);
    counts.put("symbol-lines.replacements", 0L);
    // a: the line feed symbol-lines left at its end is stripped; f is as it was.
    counts.put("c4-lines.documents_changed", 1L);
    counts.put("c4-lines.lines_removed", 0L);
    counts.put("c4-lines.replacements", 0L);
    assertEquals(counts, s.counts());
    assertEquals(Map.of("exact-duplicate", 1L), r.stages().get(1).removed());
    // The text written is the modified one, and bytes in and out say so.
    List<JsonNode> out = PipelineTest.read(dir.resolve("out/part-00000.jsonl"));
    assertEquals(List.of("a", "f"), out.stream().map(n -> n.get("id").asText()).toList());
    assertEquals(
        "Write to email@example.com or 22.214.171.124 for help. The office opens at nine. Staff"
            + " answer every question.",
        out.get(0).get("text").asText());
    assertTrue(s.bytesOut() < s.bytesIn(), s.toString());
    assertEquals(
        "[\"modify:pii,symbol-lines,c4-lines\",\"dedup:exact\"]",
        out.get(0).get("lineage").toString());
    // Removed documents keep the text they had when removed, and say where and why.
    List<JsonNode> removed = PipelineTest.read(dir.resolve("out/_removed/part-00000.jsonl"));
    Map<String, String> why = new TreeMap<>();
    for (JsonNode n : removed) {
      why.put(n.get("id").asText(), n.get("lineage").get(n.get("lineage").size() - 1).asText());
    }
    assertEquals(
        Map.of(
            "b", "dedup:exact: removed: exact-duplicate",
            "c", "modify:pii,symbol-lines,c4-lines: removed: c4-lines: lorem_ipsum",
            "d", "modify:pii,symbol-lines,c4-lines: removed: symbol-lines: empty",
            "e", "modify:pii,symbol-lines,c4-lines: removed: c4-lines: too_few_sentences"),
        why);
    // stats.json carries the counts.
    JsonNode stats = JSON.readTree(dir.resolve("out/stats.json").toFile());
    assertEquals(4, stats.get("stages").get(0).get("counts").get("pii.replacements").asLong());
    assertEquals(
        3, stats.get("stages").get(0).get("counts").get("symbol-lines.lines_removed").asLong());
  }

  /** Seeded documents with emails, addresses, symbol lines and lines C4 drops. */
  static List<Path> corpus(Path dir, int files, int docs) throws IOException {
    Random rnd = new Random(42);
    String[] parts = {
      "The committee met on Tuesday.",
      "Members agreed on the budget for the year.",
      "Mail jo@example.net today.",
      "Servers at 8.8.8.8 and 10.0.0.1 answered.",
      "---",
      "* * *",
      "Click here",
      "Enable JavaScript to continue, please.",
      "Read our privacy policy first.",
      "Cite me.[3] Now this is a sentence.",
      "lorem ipsum dolor sit amet.",
      "",
    };
    List<Path> out = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < docs; i++) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(8);
        for (int k = 0; k < n; k++) {
          // Never a blank document, which the reader would reject before the stage.
          sb.append(parts[rnd.nextInt(parts.length - (k == 0 ? 1 : 0))])
              .append(rnd.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        lines.add(PipelineTest.doc("f" + f + "-" + i, sb.toString(), "web"));
      }
      out.add(PipelineTest.jsonl(dir, "in-" + f + ".jsonl", lines));
    }
    return out;
  }

  @Test
  void sameBytesWhateverTheThreadsAndCountsAsTheModifiersSay(@TempDir Path dir) throws IOException {
    List<Path> in = corpus(dir, 3, 300);
    List<String> names = List.of("in-0.jsonl", "in-1.jsonl", "in-2.jsonl");
    Path one = dir.resolve("one");
    Path four = dir.resolve("four");
    Files.createDirectories(one);
    Files.createDirectories(four);
    for (Path p : in) {
      Files.copy(p, one.resolve(p.getFileName()));
      Files.copy(p, four.resolve(p.getFileName()));
    }
    PipelineResult a = PipelineConfig.parse(config(names, 1, 1000, stages()), one).build().run();
    PipelineResult b = PipelineConfig.parse(config(names, 4, 3, stages()), four).build().run();
    assertTrue(b.balanced(), b.account());
    assertEquals(a.stages(), b.stages());
    assertArrayEquals(
        PipelineTest.concat(one.resolve("out"), 3), PipelineTest.concat(four.resolve("out"), 3));
    assertArrayEquals(
        Files.readAllBytes(one.resolve("out/stats.json")),
        Files.readAllBytes(four.resolve("out/stats.json")));
    // The stage's figures are the sums of what the modifiers report, document by document.
    List<TextModifier> mods =
        List.of(
            Modifiers.create("pii", Map.of()),
            Modifiers.create("symbol-lines", Map.of()),
            Modifiers.create("c4-lines", Map.of("min_num_sentences", "2")));
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Long> removed = new TreeMap<>();
    for (Path p : in) {
      for (JsonNode d : PipelineTest.read(p)) {
        String text = d.get("text").asText();
        for (TextModifier r : mods) {
          Modification x = r.apply(text);
          String id = r.id();
          counts.merge(id + ".documents_changed", 0L, Long::sum);
          counts.merge(id + ".lines_removed", 0L, Long::sum);
          counts.merge(id + ".replacements", 0L, Long::sum);
          if (x.isRemoved()) {
            removed.merge(id + ": " + x.reason(), 1L, Long::sum);
            break;
          }
          if (!x.text().equals(text)) {
            counts.merge(id + ".documents_changed", 1L, Long::sum);
            counts.merge(id + ".lines_removed", x.linesRemoved(), Long::sum);
            counts.merge(id + ".replacements", x.replacements(), Long::sum);
            if (x.text().isBlank()) {
              removed.merge(id + ": empty", 1L, Long::sum);
              break;
            }
          }
          text = x.text();
        }
      }
    }
    assertEquals(counts, a.stages().get(0).counts());
    assertEquals(removed, a.stages().get(0).removed());
    assertTrue(removed.size() >= 3 && counts.get("pii.replacements") > 100, removed + " " + counts);
  }

  @Test
  void aKilledRunResumesWithTheSameOutputAndCounts(@TempDir Path dir) throws IOException {
    corpus(dir, 3, 200);
    List<String> names = List.of("in-0.jsonl", "in-1.jsonl", "in-2.jsonl");
    Map<String, Object> cfg = config(names, 2, 16, stages());
    PipelineResult whole = PipelineConfig.parse(cfg, dir).build().run();
    Path out = dir.resolve("out");
    byte[] shards = PipelineTest.concat(out, 3);
    byte[] stats = Files.readAllBytes(out.resolve("stats.json"));
    // As a run killed while writing the last shard leaves the folder: that shard's marker and
    // file gone, the statistics and manifest not yet written.
    Files.delete(out.resolve("_state/part-00002.done.json"));
    Files.delete(out.resolve("part-00002.jsonl"));
    Files.delete(out.resolve("stats.json"));
    Files.delete(out.resolve("manifest.json"));
    PipelineResult resumed = PipelineConfig.parse(cfg, dir).build().run();
    assertEquals(2, resumed.shardsSkipped());
    // The skipped shards' counts come back from their markers.
    assertEquals(whole.stages(), resumed.stages());
    assertArrayEquals(shards, PipelineTest.concat(out, 3));
    // stats.json as written by the whole run, but for the shards it says were skipped.
    com.fasterxml.jackson.databind.node.ObjectNode before =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(stats);
    before.put("shardsSkipped", 2);
    assertEquals(before, JSON.readTree(out.resolve("stats.json").toFile()));
    assertTrue(resumed.balanced(), resumed.account());
    // Other modifier settings are other stages: that resume is refused, naming the change.
    Map<String, Object> other =
        config(
            names,
            2,
            16,
            List.of(
                Map.of("modify", List.of("pii", Map.of("id", "c4-lines", "min_num_sentences", 3))),
                Map.of("dedup", Map.of("method", "exact"))));
    DataException e =
        assertThrows(DataException.class, () -> PipelineConfig.parse(other, dir).build().run());
    assertTrue(e.getMessage().contains("min_num_sentences=3"), e.getMessage());
  }

  @Test
  void configMistakesAreNamed(@TempDir Path dir) throws IOException {
    small(dir);
    DataException unknownId =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config(List.of("small.jsonl"), 1, 8, List.of(Map.of("modify", List.of("pi")))),
                    dir));
    assertTrue(unknownId.getMessage().contains("stages[0]"), unknownId.getMessage());
    assertTrue(unknownId.getMessage().contains("unknown modifier 'pi'"), unknownId.getMessage());
    assertTrue(
        unknownId.getMessage().contains("c4-lines, pii, symbol-lines"), unknownId.getMessage());
    DataException badParam =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config(
                        List.of("small.jsonl"),
                        1,
                        8,
                        List.of(
                            Map.of("modify", List.of(Map.of("id", "pii", "remove_email", false))))),
                    dir));
    assertTrue(badParam.getMessage().contains("remove_email"), badParam.getMessage());
    DataException twice =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config(
                        List.of("small.jsonl"),
                        1,
                        8,
                        List.of(Map.of("modify", List.of("pii", "pii")))),
                    dir));
    assertTrue(twice.getMessage().contains("'pii' is given twice"), twice.getMessage());
    DataException noId =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config(
                        List.of("small.jsonl"),
                        1,
                        8,
                        List.of(Map.of("modify", List.of(Map.of("min_num_sentences", 1))))),
                    dir));
    assertTrue(noId.getMessage().contains("modifier needs an 'id'"), noId.getMessage());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void theSameModifiersMayRunAsTwoStages(@TempDir Path dir) throws IOException {
    // The builder's answer to "pii, pii" is "use one, or two stages": two stages must build.
    small(dir);
    PipelineResult r =
        PipelineConfig.parse(
                config(
                    List.of("small.jsonl"),
                    1,
                    8,
                    List.of(Map.of("modify", List.of("pii")), Map.of("modify", List.of("pii")))),
                dir)
            .build()
            .run();
    assertTrue(r.balanced(), r.account());
    assertEquals(
        List.of("modify:pii", "modify:pii#2"), r.stages().stream().map(StageStats::stage).toList());
    // The first stage masked every address; the second finds the replacements, which it leaves.
    assertEquals(4L, r.stages().get(0).counts().get("pii.replacements"));
    assertEquals(0L, r.stages().get(1).counts().get("pii.documents_changed"));
  }

  @Test
  void aParameterWithoutAValueIsRefusedNotReadAsTheWordNull(@TempDir Path dir) throws IOException {
    // YAML's `{id: symbol-lines, replace_char: }` gives null; it must not become the text "null"
    // spliced into documents in place of every symbol line.
    small(dir);
    Map<String, Object> spec = new java.util.HashMap<>();
    spec.put("id", "symbol-lines");
    spec.put("replace_char", null);
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config(List.of("small.jsonl"), 1, 8, List.of(Map.of("modify", List.of(spec)))),
                    dir));
    assertTrue(e.getMessage().contains("stages[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("replace_char"), e.getMessage());
    // A nested map is no parameter value either (it would be read as "{a=b}").
    DataException nested =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config(
                        List.of("small.jsonl"),
                        1,
                        8,
                        List.of(
                            Map.of(
                                "modify",
                                List.of(
                                    Map.of("id", "pii", "email_replacement", Map.of("a", "b")))))),
                    dir));
    assertTrue(nested.getMessage().contains("email_replacement"), nested.getMessage());
  }
}
