package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code midtrain curate} with a {@code modify} stage written in YAML. */
class CurateModifyTest {
  static final ObjectMapper M = new ObjectMapper();

  @Test
  void aYamlModifyStageModifiesCountsAndResumes(@TempDir Path dir) throws Exception {
    String prose = CurateCommandTest.PROSE;
    Files.write(
        dir.resolve("web.jsonl"),
        List.of(
            M.writeValueAsString(
                Map.of("id", "mail", "text", prose + "\nWrite to jo@mail.example.com today.\n***")),
            M.writeValueAsString(Map.of("id", "lorem", "text", prose + "\nLorem ipsum dolor sit.")),
            M.writeValueAsString(Map.of("id", "menu", "text", "Home\nAbout us\nContact"))),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("pipeline.yaml"),
        String.join(
            "\n",
            "input: [web.jsonl]",
            "output: {dir: curated, suffix: .jsonl}",
            "stages:",
            "  - modify:",
            "      - {id: pii, email_replacement: [EMAIL]}",
            "      - symbol-lines",
            "      - {id: c4-lines, min_num_sentences: 2, min_words_per_line: 3}",
            "  - dedup: {method: exact}",
            ""));
    String config = dir.resolve("pipeline.yaml").toString();
    Object[] r = ScheduleCommandTest.run("curate", "--config", config, "--no-progress");
    assertEquals(0, r[0], r[2].toString());
    assertTrue(r[1].toString().contains("in 3 = out 1 + rejected 0 + removed 2"), r[1].toString());
    // The summary table shows the modifiers' counts beside the removal reasons.
    assertTrue(r[1].toString().contains("pii.replacements=1"), r[1].toString());
    List<String> lines = Files.readAllLines(dir.resolve("curated/part-00000.jsonl"));
    assertEquals(1, lines.size());
    JsonNode doc = M.readTree(lines.get(0));
    assertTrue(doc.get("text").asText().endsWith("Write to EMAIL today."), doc.toString());
    JsonNode stats = M.readTree(dir.resolve("curated/stats.json").toFile()).get("stages").get(0);
    assertEquals("modify", stats.get("kind").asText());
    assertEquals(1, stats.get("counts").get("pii.replacements").asLong());
    assertEquals(1, stats.get("counts").get("symbol-lines.lines_removed").asLong());
    assertEquals(1, stats.get("removed").get("c4-lines: lorem_ipsum").asLong());
    assertEquals(1, stats.get("removed").get("c4-lines: too_few_sentences").asLong());
    Object[] again = ScheduleCommandTest.run("curate", "--config", config, "--no-progress");
    assertTrue(again[1].toString().contains("resumed: 1 shard(s)"), again[1].toString());
    assertEquals(
        stats, M.readTree(dir.resolve("curated/stats.json").toFile()).get("stages").get(0));
  }

  @Test
  void anUnknownModifierIsAnInputError(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("web.jsonl"), "{\"id\": \"a\", \"text\": \"x\"}\n");
    Files.writeString(
        dir.resolve("p.yaml"), "input: [web.jsonl]\noutput: {dir: o}\nstages:\n  - modify: [pi]\n");
    Object[] r = ScheduleCommandTest.run("curate", "--config", dir.resolve("p.yaml").toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("unknown modifier 'pi'"), r[2].toString());
  }
}
