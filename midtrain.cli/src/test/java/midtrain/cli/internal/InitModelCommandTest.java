package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import midtrain.train.HfCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitModelCommandTest {
  @TempDir Path tmp;

  @Test
  void writesAModelThatOpensAndRefusesToOverwrite() throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":256,\"hidden_size\":32,\"intermediate_size\":64,"
            + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"rope_theta\":10000.0}");
    Path out = tmp.resolve("model");
    Object[] r =
        ScheduleCommandTest.run("init-model", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(0, r[0], (String) r[2]);
    try (HfCheckpoint ck = HfCheckpoint.open(out)) {
      assertEquals(2, ck.config().numLayers());
    }
    Object[] again =
        ScheduleCommandTest.run("init-model", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(2, again[0]);
    Files.writeString(cfg, "{\"model_type\":\"llama\",\"hidden_size\":32}");
    Object[] bad =
        ScheduleCommandTest.run(
            "init-model", "--config", cfg.toString(), "--out", tmp.resolve("x").toString());
    assertEquals(2, bad[0]);
    assertTrue(((String) bad[2]).contains("num_attention_heads"), (String) bad[2]);
  }

  @Test
  void refusesAFolderHoldingAShardedModelAndLeavesItsShards() throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":64,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0}");
    Path out = tmp.resolve("sharded");
    Files.createDirectories(out);
    Path index = Files.writeString(out.resolve("model.safetensors.index.json"), "{}");
    Path shard = Files.writeString(out.resolve("model-00001-of-00002.safetensors"), "weights");
    Object[] r =
        ScheduleCommandTest.run("init-model", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(2, r[0], (String) r[2]);
    assertTrue(((String) r[2]).contains("model.safetensors.index.json"), (String) r[2]);
    assertTrue(Files.exists(index));
    assertEquals("weights", Files.readString(shard));
  }

  @Test
  void averagesModelsFromInitModel() throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":64,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0}");
    for (String seed : new String[] {"1", "2"}) {
      Object[] r =
          ScheduleCommandTest.run(
              "init-model",
              "--config",
              cfg.toString(),
              "--out",
              tmp.resolve("m" + seed).toString(),
              "--seed",
              seed);
      assertEquals(0, r[0], (String) r[2]);
    }
    Object[] avg =
        ScheduleCommandTest.run(
            "average",
            tmp.resolve("m1").toString(),
            tmp.resolve("m2").toString(),
            "--out",
            tmp.resolve("soup").toString());
    assertEquals(0, avg[0], (String) avg[2]);
    try (HfCheckpoint ck = HfCheckpoint.open(tmp.resolve("soup"))) {
      assertEquals(64, ck.config().vocabSize());
    }
    // Like init-model, average does not overwrite a model.
    byte[] soup = Files.readAllBytes(tmp.resolve("soup/model.safetensors"));
    Object[] again =
        ScheduleCommandTest.run(
            "average",
            tmp.resolve("m1").toString(),
            tmp.resolve("m1").toString(),
            "--out",
            tmp.resolve("soup").toString());
    assertEquals(2, again[0], (String) again[2]);
    assertTrue(((String) again[2]).contains("--out"), (String) again[2]);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        soup, Files.readAllBytes(tmp.resolve("soup/model.safetensors")));
    Object[] one = ScheduleCommandTest.run("average", tmp.resolve("m1").toString(), "--out", "x");
    assertEquals(2, one[0]);
    Object[] missing =
        ScheduleCommandTest.run(
            "average", tmp.resolve("m1").toString(), tmp.resolve("nope").toString(), "--out", "x");
    assertEquals(2, missing[0]);
    assertTrue(((String) missing[2]).contains("nope"), (String) missing[2]);
  }

  @Test
  void indivisibleHeadsAreNamedAndAnotherDtypeIsWarnedAbout() throws Exception {
    Path cfg = tmp.resolve("config.json");
    String base =
        "{\"model_type\":\"llama\",\"vocab_size\":64,\"hidden_size\":64,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":3,\"rope_theta\":10000.0";
    Files.writeString(cfg, base + "}");
    Object[] bad =
        ScheduleCommandTest.run(
            "init-model", "--config", cfg.toString(), "--out", tmp.resolve("a").toString());
    String err = (String) bad[2];
    assertEquals(2, bad[0], err);
    assertTrue(
        err.contains("hidden_size 64 is not divisible by num_attention_heads 3")
            && err.contains("head_dim"),
        err);
    // With head_dim given, 3 heads of 16 work; bfloat16 is written as float32, with a warning.
    Files.writeString(cfg, base + ",\"head_dim\":16,\"torch_dtype\":\"bfloat16\"}");
    Path out = tmp.resolve("b");
    Object[] ok =
        ScheduleCommandTest.run("init-model", "--config", cfg.toString(), "--out", out.toString());
    String warn = (String) ok[2];
    assertEquals(0, ok[0], warn);
    assertTrue(warn.contains("bfloat16") && warn.contains("float32"), warn);
    try (HfCheckpoint ck = HfCheckpoint.open(out)) {
      assertEquals(16, ck.config().headDim());
      assertEquals("float32", ck.config().raw().get("torch_dtype"));
    }
    // An odd head_dim has no rotary pairs: refused here, naming the file given, where it was
    // written and then refused by train and rope.
    Path odd = tmp.resolve("odd.json");
    Files.writeString(
        odd,
        base.replace("\"num_attention_heads\":3", "\"num_attention_heads\":4")
            + ",\"head_dim\":15}");
    Object[] r =
        ScheduleCommandTest.run(
            "init-model", "--config", odd.toString(), "--out", tmp.resolve("c").toString());
    assertEquals(2, r[0], (String) r[2]);
    assertTrue(((String) r[2]).contains("midtrain init-model: " + odd + ": "), (String) r[2]);
    assertTrue(!Files.exists(tmp.resolve("c/model.safetensors")));
    // An --out that is a file: one line saying so (it said "afile: cannot write config.json").
    Path afile = tmp.resolve("afile");
    Files.writeString(afile, "x");
    for (String[] args :
        new String[][] {
          {"init-model", "--config", cfg.toString(), "--out", afile.toString()},
          {"average", "--out", afile.toString(), out.toString(), out.toString()}
        }) {
      Object[] f = ScheduleCommandTest.run(args);
      assertEquals(2, f[0], (String) f[2]);
      assertTrue(((String) f[2]).contains("--out: " + afile + " is a file"), (String) f[2]);
    }
  }

  @Test
  void copiesATokenizerThatFitsTheVocabulary() throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":64,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0}");
    Path tokDir = tmp.resolve("tok");
    Files.createDirectories(tokDir);
    Path tok = PackCommandTest.tokenizer(tokDir, false); // tok/nofim.json
    Path out = tmp.resolve("m");
    Object[] r =
        ScheduleCommandTest.run(
            "init-model",
            "--config",
            cfg.toString(),
            "--out",
            out.toString(),
            "--tokenizer",
            tok.toString());
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(Files.readString(tok), Files.readString(out.resolve("tokenizer.json")));

    Files.writeString(cfg, Files.readString(cfg).replace("\"vocab_size\":64", "\"vocab_size\":8"));
    Object[] small =
        ScheduleCommandTest.run(
            "init-model",
            "--config",
            cfg.toString(),
            "--out",
            tmp.resolve("m2").toString(),
            "--tokenizer",
            tok.toString());
    assertEquals(2, small[0]);
    assertTrue(((String) small[2]).contains("vocab_size is 8"), (String) small[2]);
    assertTrue(!Files.exists(tmp.resolve("m2/model.safetensors")), "refused before writing");
  }
}
