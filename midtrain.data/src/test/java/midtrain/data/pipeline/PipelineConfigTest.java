package midtrain.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.rate.Raters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {
  static final String PROSE =
      "The committee met on Tuesday to review the budget for the coming year. Members agreed that"
          + " the library would receive more funds for new books and longer opening hours. The"
          + " chair thanked the volunteers who had organised the spring fair. After a short"
          + " debate about parking, the meeting closed with a vote to publish the minutes. Tea"
          + " was served in the hall afterwards.";

  static Map<String, Object> config(String input, Object stages) {
    return Map.of(
        "input",
        List.of(input),
        "output",
        Map.of("dir", "out", "suffix", ".jsonl"),
        "stages",
        stages);
  }

  @Test
  void aRaterParameterWithoutAValueIsRefusedNotReadAsTheWordNull(@TempDir Path dir) {
    // YAML's `{id: fasttext, labels: }` gives null, which was passed on as the label "null".
    Map<String, Object> spec = new java.util.HashMap<>();
    spec.put("id", "fasttext");
    spec.put("labels", null);
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config("raw.jsonl", List.of(Map.of("rate", List.of(spec)))), dir));
    assertTrue(e.getMessage().contains("rater parameter labels"), e.getMessage());
    DataException nested =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                    config(
                        "raw.jsonl",
                        List.of(
                            Map.of(
                                "rate",
                                List.of(Map.of("id", "c4", "min_words", Map.of("a", "b")))))),
                    dir));
    assertTrue(nested.getMessage().contains("rater parameter min_words"), nested.getMessage());
  }

  @Test
  void keepPassingSelectsOnScoresTheInputCarries(@TempDir Path dir) throws IOException {
    Path raw =
        PipelineTest.jsonl(
            dir,
            "raw.jsonl",
            List.of(
                PipelineTest.doc("good", PROSE, "web"),
                PipelineTest.doc("curly", PROSE + " {x}", "web"),
                PipelineTest.doc("short", "buy now", "web")));
    // An earlier run rated (as `midtrain rate --rater c4` does).
    Pipeline.builder()
        .inputs(List.of(raw))
        .rate(Raters.create("c4", Map.of()))
        .outputFile(dir.resolve("rated.jsonl"))
        .build()
        .run();
    PipelineResult r =
        PipelineConfig.parse(config("rated.jsonl", List.of(Map.of("keep_passing", "c4"))), dir)
            .build()
            .run();
    assertTrue(r.balanced(), r.account());
    List<JsonNode> kept = PipelineTest.read(dir.resolve("out/part-00000.jsonl"));
    assertEquals(List.of("good"), kept.stream().map(n -> n.get("id").asText()).toList());
    assertEquals(Map.of("c4", 2L), r.stages().get(0).removed());
    // Neither rated before nor carried: one line naming the column, before any work.
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                PipelineConfig.parse(
                        config(
                            "raw.jsonl",
                            List.of(Map.of("keep_passing", List.of("c4")), Map.of("rate", "c4"))),
                        dir)
                    .build());
    assertTrue(
        e.getMessage().startsWith("keep_passing 'c4' reads column 'score.c4."), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
