package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
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

  @Test
  void shardsAreFilledAsTheHubFillsThem() {
    // huggingface_hub's own test case: sizes 6, 10, 30, 2, 2 with a limit of 10 give [1], [3]
    // (over the limit: a shard of its own, placed when it comes), [2], [4, 5].
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put("layer_1", 6L);
    sizes.put("layer_2", 10L);
    sizes.put("layer_3", 30L);
    sizes.put("layer_4", 2L);
    sizes.put("layer_5", 2L);
    assertEquals(
        List.of(
            List.of("layer_1"),
            List.of("layer_3"),
            List.of("layer_2"),
            List.of("layer_4", "layer_5")),
        HfCheckpoint.planShards(sizes, 10));
    assertEquals(List.of(List.copyOf(sizes.keySet())), HfCheckpoint.planShards(sizes, 100));
  }

  @Test
  void shardedBf16AndF16ModelsReadBackAsWritten() throws IOException {
    LlamaConfig cfg = tiny(false);
    Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 5, 0.5);
    w.get("model.norm.weight")[0] = 1e-7f; // subnormal in float16
    w.get("model.norm.weight")[1] = 70000f; // past float16's range: infinite there
    long bf16Bytes = cfg.parameterCount() * 2;
    for (DType dtype : new DType[] {DType.BF16, DType.F16}) {
      Path dir = tmp.resolve(dtype.name());
      SaveOptions opts = SaveOptions.DEFAULT.withDtype(dtype).withMaxShardBytes(bf16Bytes / 3);
      HfCheckpoint.save(dir, cfg, w, opts);
      JsonNode index =
          new ObjectMapper().readTree(dir.resolve("model.safetensors.index.json").toFile());
      assertEquals(bf16Bytes, index.at("/metadata/total_size").asLong());
      Set<String> files = new java.util.TreeSet<>();
      for (Map.Entry<String, JsonNode> e : index.get("weight_map").properties()) {
        files.add(e.getValue().asText());
      }
      int n = files.size();
      assertTrue(n >= 3, files.toString());
      for (int i = 1; i <= n; i++) {
        assertTrue(files.contains(String.format("model-%05d-of-%05d.safetensors", i, n)), "" + i);
      }
      assertTrue(!Files.exists(dir.resolve("model.safetensors")));
      assertEquals(
          dtype == DType.BF16 ? "bfloat16" : "float16",
          new ObjectMapper()
              .readTree(dir.resolve("config.json").toFile())
              .get("torch_dtype")
              .asText());
      try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
        assertEquals(Set.of(dtype), ck.dtypes());
        assertEquals(w.keySet(), new java.util.HashSet<>(ck.config().expectedTensors().keySet()));
        for (Map.Entry<String, float[]> e : w.entrySet()) {
          float[] want = new float[e.getValue().length];
          for (int i = 0; i < want.length; i++) {
            float f = e.getValue()[i];
            want[i] =
                dtype == DType.BF16
                    ? Float.intBitsToFloat(Narrowing.toBf16(f) << 16)
                    : SafetensorsFile.halfToFloat(Narrowing.toF16(f));
          }
          assertArrayEquals(want, ck.readFloats(e.getKey()), e.getKey());
        }
        float[] norm = ck.readFloats("model.norm.weight");
        if (dtype == DType.F16) {
          assertEquals(Float.POSITIVE_INFINITY, norm[1]);
          assertTrue(norm[0] > 0 && norm[0] < 0x1p-14f, "subnormal kept: " + norm[0]);
        }
      }
      // Saved again unsharded: the old shards and index go, so nothing disagrees.
      HfCheckpoint.save(dir, cfg, w);
      try (Stream<Path> s = Files.list(dir)) {
        List<String> names = new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
        java.util.Collections.sort(names);
        assertEquals(List.of("config.json", "model.safetensors"), names);
      }
      try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
        assertEquals(Set.of(DType.F32), ck.dtypes());
        assertArrayEquals(w.get("lm_head.weight"), ck.readFloats("lm_head.weight"));
      }
    }
  }

  @Test
  void exportIsAStandaloneVerifiedModelDirectory() throws IOException {
    LlamaConfig cfg = tiny(true);
    Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 6, 0.02);
    Path base = tmp.resolve("base");
    HfCheckpoint.save(base, cfg, w);
    Files.writeString(base.resolve("tokenizer.json"), "{\"model\": {}}");
    Files.writeString(base.resolve("tokenizer_config.json"), "{}");
    Files.writeString(base.resolve("generation_config.json"), "{\"eos_token_id\": [1, 2]}");
    Files.writeString(base.resolve("README.md"), "not a model file");
    Path out = tmp.resolve("out");
    HfCheckpoint.export(out, cfg, w, SaveOptions.DEFAULT.withDtype(DType.BF16), List.of(base));
    CheckpointManifest m = CheckpointManifest.verify(out);
    assertEquals(
        Set.of(
            "config.json",
            "model.safetensors",
            "tokenizer.json",
            "tokenizer_config.json",
            "generation_config.json"),
        m.files().keySet());
    assertEquals(
        Files.readString(base.resolve("generation_config.json")),
        Files.readString(out.resolve("generation_config.json")));
    // Exported again (float32 now), the directory is replaced, not merged.
    HfCheckpoint.export(out, cfg, w, SaveOptions.DEFAULT, List.of());
    assertEquals(
        Set.of("config.json", "model.safetensors"),
        CheckpointManifest.verify(out).files().keySet());
    Path notAModel = tmp.resolve("docs");
    Files.createDirectories(notAModel);
    TrainException e =
        assertThrows(
            TrainException.class,
            () -> HfCheckpoint.export(notAModel, cfg, w, SaveOptions.DEFAULT, List.of()));
    assertTrue(e.getMessage().contains("not a model directory"), e.getMessage());
  }
}
