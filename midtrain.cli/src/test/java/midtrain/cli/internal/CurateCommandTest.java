package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurateCommandTest {
  static final ObjectMapper M = new ObjectMapper();
  static final String PROSE =
      "The committee met on Tuesday to review the budget for the coming year. Members agreed that"
          + " the library would receive more funds for new books and longer opening hours. The"
          + " chair thanked the volunteers who had organised the spring fair, which raised money"
          + " for the children's reading programme. After a short debate about parking, the"
          + " meeting closed with a vote to publish the minutes on the town website. ";

  static void corpus(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(
        M.writeValueAsString(
            Map.of("id", "good", "text", PROSE + PROSE.replace("Tuesday", "Monday"))));
    lines.add(
        M.writeValueAsString(
            Map.of("id", "dup", "text", PROSE + PROSE.replace("Tuesday", "Monday"))));
    lines.add(M.writeValueAsString(Map.of("id", "short", "text", "buy now")));
    lines.add("{\"id\": \"broken\", \"text\": ");
    Files.write(dir.resolve("web.jsonl"), lines, StandardCharsets.UTF_8);
  }

  @Test
  void curatesFromAYamlConfigAndAccountsForEveryRecord(@TempDir Path dir) throws Exception {
    corpus(dir);
    Files.writeString(
        dir.resolve("pipeline.yaml"),
        String.join(
            "\n",
            "input: ['*.jsonl']",
            "output: {dir: curated, suffix: .jsonl}",
            "threads: 2",
            "stages:",
            "  - rate: [gopher-quality, c4]",
            "  - keep_passing: [gopher-quality]",
            "  - dedup: {method: exact}",
            ""));
    Object[] r =
        ScheduleCommandTest.run("curate", "--config", dir.resolve("pipeline.yaml").toString());
    assertEquals(0, r[0], r[2].toString());
    String out = r[1].toString();
    assertTrue(out.contains("in 4 = out 1 + rejected 1 + removed 2"), out);
    List<String> lines = Files.readAllLines(dir.resolve("curated/part-00000.jsonl"));
    assertEquals(1, lines.size());
    JsonNode doc = M.readTree(lines.get(0));
    assertEquals("good", doc.get("id").asText());
    assertEquals(1.0, doc.get("score.gopher-quality.pass").asDouble());
    assertTrue(doc.has("score.c4.pass"), doc.toString());
    // Second run: everything is complete, nothing is redone.
    Object[] again =
        ScheduleCommandTest.run("curate", "--config", dir.resolve("pipeline.yaml").toString());
    assertTrue(again[1].toString().contains("resumed: 1 shard(s)"), again[1].toString());
  }

  @Test
  void repeatedIdsAreWarnedAboutWithAnExampleAndCheckIdsTurnsTheCheckOff(@TempDir Path dir)
      throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(M.writeValueAsString(Map.of("id", "u1", "text", PROSE)));
    lines.add(M.writeValueAsString(Map.of("id", "u7", "text", PROSE.replace("Tuesday", "Friday"))));
    lines.add(M.writeValueAsString(Map.of("id", "u7", "text", PROSE.replace("Tuesday", "Sunday"))));
    Files.write(dir.resolve("web.jsonl"), lines, StandardCharsets.UTF_8);
    String yaml =
        "input: [web.jsonl]\noutput: {dir: %s, suffix: .jsonl}\n%sstages:\n  - dedup: {method: exact}\n";
    Files.writeString(dir.resolve("p.yaml"), yaml.formatted("checked", ""));
    Object[] r = ScheduleCommandTest.run("curate", "--config", dir.resolve("p.yaml").toString());
    assertEquals(0, r[0], r[2].toString());
    assertTrue(
        r[1].toString()
            .contains("warning: 1 of 3 documents have the id of an earlier one (first: 'u7')"),
        r[1].toString());
    assertEquals(
        1, M.readTree(dir.resolve("checked/stats.json").toFile()).get("duplicateIds").asLong());
    Files.writeString(dir.resolve("p.yaml"), yaml.formatted("unchecked", "check_ids: false\n"));
    r = ScheduleCommandTest.run("curate", "--config", dir.resolve("p.yaml").toString());
    assertEquals(0, r[0], r[2].toString());
    assertTrue(!r[1].toString().contains("warning"), r[1].toString());
    assertEquals(
        0, M.readTree(dir.resolve("unchecked/stats.json").toFile()).get("idsChecked").asLong());
  }

  @Test
  void aMisspelledKeyIsAnInputError(@TempDir Path dir) throws Exception {
    corpus(dir);
    Files.writeString(
        dir.resolve("p.yaml"),
        "input: [web.jsonl]\noutput: {dir: o}\nstages:\n  - dedup: {methd: exact}\n");
    Object[] r = ScheduleCommandTest.run("curate", "--config", dir.resolve("p.yaml").toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("methd"), r[2].toString());
  }

  @Test
  void rateWritesScoreColumns(@TempDir Path dir) throws Exception {
    corpus(dir);
    Path out = dir.resolve("rated.jsonl");
    Object[] r =
        ScheduleCommandTest.run(
            "rate",
            "--rater",
            "gopher-repetition,fineweb",
            "--input",
            dir.resolve("web.jsonl").toString(),
            "--output",
            out.toString());
    assertEquals(0, r[0], r[2].toString());
    List<String> lines = Files.readAllLines(out);
    assertEquals(3, lines.size());
    JsonNode first = M.readTree(lines.get(0));
    assertTrue(first.has("score.fineweb.pass"), first.toString());
    assertTrue(first.has("score.gopher-repetition.pass"), first.toString());
    // Globs and folders, as curate and pack take them.
    Path more = Files.createDirectories(dir.resolve("more"));
    Files.copy(dir.resolve("web.jsonl"), more.resolve("b.jsonl"));
    Object[] many =
        ScheduleCommandTest.run(
            "rate",
            "--rater",
            "c4",
            "--input",
            dir.resolve("w*.jsonl") + "," + more,
            "--output",
            dir.resolve("many.jsonl").toString());
    assertEquals(0, many[0], many[2].toString());
    assertEquals(6, Files.readAllLines(dir.resolve("many.jsonl")).size());
    // An --output that is a folder is named as one (it said "no reader for this file name").
    Object[] folder =
        ScheduleCommandTest.run(
            "rate",
            "--rater",
            "c4",
            "--input",
            dir.resolve("web.jsonl").toString(),
            "--output",
            more.toString());
    assertEquals(2, folder[0], folder[2].toString());
    assertTrue(
        folder[2].toString().contains("is a folder; give a file name"), folder[2].toString());
    Object[] list = ScheduleCommandTest.run("rate", "--list");
    assertTrue(list[1].toString().contains("gopher-quality"), list[1].toString());
    Object[] bad =
        ScheduleCommandTest.run(
            "rate",
            "--rater",
            "nope",
            "--input",
            dir.resolve("web.jsonl").toString(),
            "--output",
            out.toString());
    assertEquals(2, bad[0]);
    assertTrue(bad[2].toString().contains("unknown rater 'nope'"), bad[2].toString());
  }
}
