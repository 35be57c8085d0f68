package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointTest {
  @TempDir Path tmp;

  static LlamaConfig tiny(boolean tied) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("model_type", "llama");
    c.put("vocab_size", 32);
    c.put("hidden_size", 16);
    c.put("intermediate_size", 24);
    c.put("num_hidden_layers", 2);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("tie_word_embeddings", tied);
    return LlamaConfig.fromMap(c);
  }

  @Test
  void savedModelOpensWithIdenticalWeights() {
    LlamaConfig cfg = tiny(false);
    Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 42, 0.02);
    HfCheckpoint.save(tmp, cfg, w);
    try (HfCheckpoint ck = HfCheckpoint.open(tmp)) {
      assertEquals(4, ck.config().headDim());
      for (Map.Entry<String, float[]> e : w.entrySet()) {
        assertArrayEquals(e.getValue(), ck.readFloats(e.getKey()), e.getKey());
      }
    }
    assertEquals(
        32 * 16 * 2 + 16 + 2 * (16 * 2 + 16 * 16 * 2 + 8 * 16 * 2 + 24 * 16 * 3),
        cfg.parameterCount());
  }

  @Test
  void tiedModelsHaveNoLmHead() {
    assertTrue(!tiny(true).expectedTensors().containsKey("lm_head.weight"));
  }

  @Test
  void shapeMismatchAndMissingWeightsAreNamed() {
    LlamaConfig cfg = tiny(false);
    Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 1, 0.02);
    HfCheckpoint.save(tmp, cfg, w);
    // Same files, but a config that claims a larger vocabulary.
    Map<String, Object> raw = new LinkedHashMap<>(cfg.raw());
    raw.put("vocab_size", 33);
    HfCheckpoint.save(
        tmp.resolve("other"),
        LlamaConfig.fromMap(raw),
        HfCheckpoint.randomWeights(LlamaConfig.fromMap(raw), 1, 0.02));
    Path mixed = tmp.resolve("mixed");
    try {
      Files.createDirectories(mixed);
      Files.copy(tmp.resolve("other/config.json"), mixed.resolve("config.json"));
      Files.copy(tmp.resolve("model.safetensors"), mixed.resolve("model.safetensors"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    TrainException e = assertThrows(TrainException.class, () -> HfCheckpoint.open(mixed));
    assertTrue(
        e.getMessage().contains("model.embed_tokens.weight has shape [32, 16]"), e.getMessage());
  }

  @Test
  void pickledCheckpointsAreRefused() throws IOException {
    Path d = tmp.resolve("pickle");
    Files.createDirectories(d);
    Files.writeString(
        d.resolve("config.json"),
        "{\"model_type\":\"llama\",\"vocab_size\":8,"
            + "\"hidden_size\":4,\"intermediate_size\":4,\"num_hidden_layers\":1,\"num_attention_heads\":1}");
    Files.write(d.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
    TrainException e = assertThrows(TrainException.class, () -> HfCheckpoint.open(d));
    assertTrue(e.getMessage().contains("pickled checkpoints are refused"), e.getMessage());
  }

  @Test
  void shardedCheckpointsOpenThroughTheirIndex() throws IOException {
    LlamaConfig cfg = tiny(true);
    Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 3, 0.02);
    Map<String, long[]> shapes = cfg.expectedTensors();
    SafetensorsWriter a = new SafetensorsWriter();
    SafetensorsWriter b = new SafetensorsWriter();
    StringBuilder map = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
    int i = 0;
    for (String name : shapes.keySet()) {
      boolean first = i++ % 2 == 0;
      (first ? a : b).addFloats(name, shapes.get(name), w.get(name));
      map.append(i > 1 ? "," : "")
          .append('"')
          .append(name)
          .append("\":\"")
          .append(first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors")
          .append('"');
    }
    map.append("}}");
    HfCheckpoint.save(tmp.resolve("single"), cfg, w);
    Files.copy(tmp.resolve("single/config.json"), tmp.resolve("config.json"));
    a.write(tmp.resolve("model-00001-of-00002.safetensors"));
    b.write(tmp.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(tmp.resolve("model.safetensors.index.json"), map.toString());
    try (HfCheckpoint ck = HfCheckpoint.open(tmp)) {
      assertArrayEquals(w.get("model.norm.weight"), ck.readFloats("model.norm.weight"));
    }
    Files.delete(tmp.resolve("model-00002-of-00002.safetensors"));
    TrainException e = assertThrows(TrainException.class, () -> HfCheckpoint.open(tmp));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void badConfigsAreNamed() {
    TrainException e =
        assertThrows(TrainException.class, () -> LlamaConfig.fromMap(Map.of("model_type", "gpt2")));
    assertTrue(e.getMessage().contains("gpt2"), e.getMessage());
    e =
        assertThrows(
            TrainException.class,
            () ->
                LlamaConfig.fromMap(
                    Map.of(
                        "hidden_size",
                        16,
                        "num_attention_heads",
                        4,
                        "vocab_size",
                        8,
                        "intermediate_size",
                        8,
                        "num_hidden_layers",
                        1,
                        "num_key_value_heads",
                        3)));
    assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
    e = assertThrows(TrainException.class, () -> LlamaConfig.fromMap(Map.of("hidden_size", 16)));
    assertTrue(e.getMessage().contains("num_attention_heads"), e.getMessage());
    e = assertThrows(TrainException.class, () -> LlamaConfig.fromMap(Map.of("hidden_size", "64")));
    assertTrue(e.getMessage().contains("got the string \"64\""), e.getMessage());
  }
}
