package midtrain.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.modify.Modifiers;
import midtrain.data.pipeline.PipelineConfig;
import midtrain.data.pipeline.PipelineResult;
import midtrain.data.pipeline.StageStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modifier from a separate module, on the module path, is found by id beside the built-ins and
 * modifies documents in a pipeline built from a config.
 */
class CustomModifierIT {
  @Test
  void customModifierIsFoundByIdNextToTheBuiltIns() {
    assertTrue(Modifiers.providers().containsKey("mask-digits"), Modifiers.providers()::toString);
    assertTrue(Modifiers.providers().containsKey("pii"));
    assertEquals("x##y", Modifiers.create("mask-digits", Map.of()).apply("x12y").text());
    DataException e =
        assertThrows(
            DataException.class, () -> Modifiers.create("mask-digits", Map.of("msk", "*")));
    assertTrue(e.getMessage().contains("msk"), e.getMessage());
  }

  @Test
  void customModifierModifiesInAConfiguredPipeline(@TempDir Path dir) throws Exception {
    Files.write(
        dir.resolve("in.jsonl"),
        List.of(
            "{\"id\": \"words\", \"text\": \"room 101, mail me at a@b.example.com\"}",
            "{\"id\": \"numbers\", \"text\": \"1234567890 12\"}",
            "{\"id\": \"plain\", \"text\": \"no digits here\"}"),
        StandardCharsets.UTF_8);
    Map<String, Object> cfg =
        Map.of(
            "input", List.of("in.jsonl"),
            "output", Map.of("dir", "out", "suffix", ".jsonl"),
            "stages",
                List.of(
                    Map.of("modify", List.of("pii", Map.of("id", "mask-digits", "mask", "*")))));
    PipelineResult r = PipelineConfig.parse(cfg, dir).build().run();
    assertTrue(r.balanced(), r.account());
    assertEquals(2, r.written());
    StageStats s = r.stages().get(0);
    assertEquals(Map.of("mask-digits: only_digits", 1L), s.removed());
    assertEquals(1L, s.counts().get("pii.replacements"));
    assertEquals(3L, s.counts().get("mask-digits.replacements"));
    String out = Files.readString(dir.resolve("out/part-00000.jsonl"));
    assertTrue(out.contains("room ***, mail me at email@example.com"), out);
    assertTrue(out.contains("no digits here"), out);
  }
}
