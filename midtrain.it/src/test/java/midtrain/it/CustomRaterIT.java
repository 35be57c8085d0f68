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
import midtrain.data.pipeline.PipelineConfig;
import midtrain.data.pipeline.PipelineResult;
import midtrain.data.rate.Raters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rater from a separate module is found by id and runs in a pipeline built from a config. */
class CustomRaterIT {
  @Test
  void customRaterIsFoundByIdNextToTheBuiltIns() {
    assertTrue(Raters.providers().containsKey("digit-share"), Raters.providers()::toString);
    assertTrue(Raters.providers().containsKey("gopher-quality"));
    DataException e =
        assertThrows(
            DataException.class, () -> Raters.create("digit-share", Map.of("max_shar", "1")));
    assertTrue(e.getMessage().contains("max_shar"), e.getMessage());
  }

  @Test
  void customRaterFiltersInAConfiguredPipeline(@TempDir Path dir) throws Exception {
    Files.write(
        dir.resolve("in.jsonl"),
        List.of(
            "{\"id\": \"words\", \"text\": \"plain words only\"}",
            "{\"id\": \"numbers\", \"text\": \"1234567890 12\"}"),
        StandardCharsets.UTF_8);
    Map<String, Object> cfg =
        Map.of(
            "input", List.of("in.jsonl"),
            "output", Map.of("dir", "out", "suffix", ".jsonl"),
            "stages",
                List.of(
                    Map.of("rate", List.of(Map.of("id", "digit-share", "max_share", 0.5))),
                    Map.of("keep_passing", List.of("digit-share"))));
    PipelineResult r = PipelineConfig.parse(cfg, dir).build().run();
    assertEquals(1, r.written());
    assertEquals(Map.of("too_many_digits", 1L), r.stages().get(1).removed());
    String out = Files.readString(dir.resolve("out/part-00000.jsonl"));
    assertTrue(out.contains("\"id\":\"words\""), out);
    assertTrue(out.contains("score.digit-share.share"), out);
  }
}
