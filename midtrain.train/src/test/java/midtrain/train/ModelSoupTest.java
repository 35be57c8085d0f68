package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSoupTest {
  @TempDir Path tmp;

  @Test
  void weightedMeanOfCheckpoints() {
    LlamaConfig cfg = HfCheckpointTest.tiny(true);
    Map<String, float[]> a = HfCheckpoint.randomWeights(cfg, 1, 0.02);
    Map<String, float[]> b = HfCheckpoint.randomWeights(cfg, 2, 0.02);
    HfCheckpoint.save(tmp.resolve("a"), cfg, a);
    HfCheckpoint.save(tmp.resolve("b"), cfg, b);
    ModelSoup.average(
        List.of(tmp.resolve("a"), tmp.resolve("b")), new double[] {3, 1}, tmp.resolve("soup"));
    try (HfCheckpoint soup = HfCheckpoint.open(tmp.resolve("soup"))) {
      float[] s = soup.readFloats("model.layers.1.mlp.up_proj.weight");
      float[] x = a.get("model.layers.1.mlp.up_proj.weight");
      float[] y = b.get("model.layers.1.mlp.up_proj.weight");
      for (int i = 0; i < s.length; i++) {
        assertEquals(0.75 * x[i] + 0.25 * y[i], s[i], 1e-7);
      }
    }
  }

  @Test
  void mismatchesAreRefused() {
    LlamaConfig small = HfCheckpointTest.tiny(true);
    LlamaConfig other = HfCheckpointTest.tiny(false);
    HfCheckpoint.save(tmp.resolve("a"), small, HfCheckpoint.randomWeights(small, 1, 0.02));
    HfCheckpoint.save(tmp.resolve("b"), other, HfCheckpoint.randomWeights(other, 1, 0.02));
    TrainException e =
        assertThrows(
            TrainException.class,
            () ->
                ModelSoup.average(
                    List.of(tmp.resolve("a"), tmp.resolve("b")), new double[0], tmp.resolve("o")));
    assertTrue(e.getMessage().contains("architecture differs"), e.getMessage());
    e =
        assertThrows(
            TrainException.class,
            () ->
                ModelSoup.average(
                    List.of(tmp.resolve("a"), tmp.resolve("a")),
                    new double[] {1},
                    tmp.resolve("o")));
    assertTrue(e.getMessage().contains("one per input"), e.getMessage());
  }

  @Test
  void differentRopeSettingsAreRefusedNamingTheKey() {
    LlamaConfig plain = HfCheckpointTest.tiny(true);
    Map<String, Object> raw = new java.util.LinkedHashMap<>(plain.raw());
    raw.put("rope_theta", 10000); // an int where the other has 10000.0: the same setting
    raw.put("rope_scaling", Map.of("rope_type", "yarn", "factor", 4.0));
    LlamaConfig yarn = LlamaConfig.fromMap(raw);
    HfCheckpoint.save(tmp.resolve("a"), plain, HfCheckpoint.randomWeights(plain, 1, 0.02));
    HfCheckpoint.save(tmp.resolve("b"), yarn, HfCheckpoint.randomWeights(yarn, 2, 0.02));
    TrainException e =
        assertThrows(
            TrainException.class,
            () ->
                ModelSoup.average(
                    List.of(tmp.resolve("a"), tmp.resolve("b")), new double[0], tmp.resolve("o")));
    String m = e.getMessage();
    assertTrue(
        m.contains("'rope_scaling'")
            && m.contains(tmp.resolve("a").toString())
            && m.contains(tmp.resolve("b").toString()),
        m);
    assertTrue(java.nio.file.Files.notExists(tmp.resolve("o")));
    // The same scaling written with the older key "type" and an int factor averages.
    raw.put("rope_scaling", Map.of("type", "yarn", "factor", 4));
    LlamaConfig older = LlamaConfig.fromMap(raw);
    HfCheckpoint.save(tmp.resolve("c"), older, HfCheckpoint.randomWeights(older, 3, 0.02));
    ModelSoup.average(List.of(tmp.resolve("b"), tmp.resolve("c")), new double[0], tmp.resolve("o"));
    assertTrue(java.nio.file.Files.exists(tmp.resolve("o/model.safetensors")));
  }

  @Test
  void theSoupCarriesTheInputsTokenizerAndRefusesTwoTokenizers() throws java.io.IOException {
    LlamaConfig cfg = HfCheckpointTest.tiny(true);
    for (String m : List.of("a", "b")) {
      HfCheckpoint.save(tmp.resolve(m), cfg, HfCheckpoint.randomWeights(cfg, m.hashCode(), 0.02));
      java.nio.file.Files.writeString(tmp.resolve(m).resolve("tokenizer.json"), "{\"v\": 1}");
    }
    java.nio.file.Files.writeString(
        tmp.resolve("a").resolve("generation_config.json"), "{\"eos_token_id\": 2}");
    ModelSoup.average(
        List.of(tmp.resolve("a"), tmp.resolve("b")), new double[0], tmp.resolve("soup"));
    assertEquals(
        "{\"eos_token_id\": 2}",
        java.nio.file.Files.readString(tmp.resolve("soup").resolve("generation_config.json")));
    assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("soup").resolve("tokenizer.json")));

    java.nio.file.Files.writeString(tmp.resolve("b").resolve("tokenizer.json"), "{\"v\": 2}");
    TrainException e =
        assertThrows(
            TrainException.class,
            () ->
                ModelSoup.average(
                    List.of(tmp.resolve("a"), tmp.resolve("b")), new double[0], tmp.resolve("s2")));
    assertTrue(e.getMessage().contains("two tokenizers"), e.getMessage());
  }
}
