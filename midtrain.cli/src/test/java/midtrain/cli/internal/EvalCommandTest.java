package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import midtrain.data.token.TokenShard;
import midtrain.data.token.TokenShardWriter;
import midtrain.data.token.TokenShards;
import midtrain.eval.Perplexity;
import midtrain.train.CheckpointLanguageModel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  @TempDir Path tmp;

  /** A tiny model made by init-model: vocab 64, context 16. */
  Path model(String name, String std) throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":64,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0,"
            + "\"max_position_embeddings\":16}");
    Path out = tmp.resolve(name);
    Object[] r =
        ScheduleCommandTest.run(
            "init-model", "--config", cfg.toString(), "--out", out.toString(), "--std", std);
    assertEquals(0, r[0], (String) r[2]);
    return out;
  }

  /** Shards of documents from two sources, of random lengths, ids below {@code vocab}. */
  Path shards(String name, int vocab, String tokenizerHash, int minLength, int maxLength) {
    Path dir = tmp.resolve(name);
    Random r = new Random(5);
    try (BufferAllocator a = new RootAllocator();
        TokenShardWriter w =
            TokenShardWriter.builder(dir, a, vocab)
                .tokenizerHash(tokenizerHash)
                .shardTokens(200)
                .build()) {
      for (int d = 0; d < 12; d++) {
        int[] doc = new int[minLength + r.nextInt(maxLength - minLength + 1)];
        for (int i = 0; i < doc.length; i++) {
          doc[i] = (3 * d + i * i) % vocab;
        }
        w.add(d % 3 == 0 ? "math" : "web", doc);
      }
      w.finish();
    }
    return dir;
  }

  @Test
  void measuresAModelPerSourceAndWritesTheReport() throws Exception {
    Path model = model("model", "0.5");
    Path data = shards("tokens", 64, "unknown", 1, 40);
    Path report = tmp.resolve("out/report.json");
    Object[] r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            report.toString());
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree(report.toFile());

    // The same figures by hand: every document of two or more tokens, windows of 16, stride 8.
    List<int[]> docs = new ArrayList<>();
    List<int[]> math = new ArrayList<>();
    try (BufferAllocator a = new RootAllocator()) {
      TokenShards shards = TokenShards.open(data, a);
      for (int i = 0; i < shards.shardCount(); i++) {
        TokenShard s = shards.read(i);
        for (int d = 0; d < s.documents(); d++) {
          if (s.length(d) >= 2) {
            docs.add(s.document(d));
            if (s.source(d).equals("math")) {
              math.add(s.document(d));
            }
          }
        }
      }
    }
    try (CheckpointLanguageModel lm = CheckpointLanguageModel.builder().open(model)) {
      Perplexity all = Perplexity.measure(lm, docs);
      Perplexity m = Perplexity.measure(lm, math);
      assertEquals(all.tokens(), j.get("tokens").asLong());
      assertEquals(docs.size(), j.get("documents").asInt());
      assertEquals(16, j.get("window").asInt());
      assertEquals(8, j.get("stride").asInt());
      assertEquals(all.value(), j.at("/model/perplexity").asDouble(), 1e-9 * all.value());
      assertEquals(all.meanNll(), j.at("/model/mean_nll").asDouble(), 1e-12);
      assertEquals(m.value(), j.at("/model/sources/math/perplexity").asDouble(), 1e-9 * m.value());
      assertEquals(math.size(), j.at("/model/sources/math/documents").asInt());
    }
    assertTrue(j.get("base") == null && j.get("forgetting_gate") == null, j.toString());
    String out = (String) r[1];
    assertTrue(out.contains(j.get("tokens").asLong() + " tokens"), out);
    assertTrue(out.contains("math") && out.contains("web") && out.contains("perplexity"), out);

    // --max-tokens cuts the last document it reaches, so exactly that many are scored.
    Object[] cut =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            data.resolve("manifest.json").toString(),
            "--max-tokens",
            "50",
            "--window",
            "8",
            "--stride",
            "3");
    assertEquals(0, cut[0], (String) cut[2]);
    assertTrue(((String) cut[1]).contains(": 50 tokens in "), (String) cut[1]);
    assertTrue(((String) cut[1]).contains("window 8, stride 3"), (String) cut[1]);
  }

  @Test
  void theForgettingGatePassesOrFailsWithItsOwnExitCode() throws Exception {
    Path base = model("base", "0.02");
    Path spiky = model("spiky", "1.0");
    Path data = shards("tokens", 64, "unknown", 2, 40);
    Path report = tmp.resolve("gate.json");
    // Against itself: no increase, within any budget.
    Object[] same =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            base.toString(),
            "--base",
            base.toString(),
            "--data",
            data.toString(),
            "--max-tokens",
            "120",
            "--max-increase",
            "0",
            "--out",
            report.toString());
    assertEquals(0, same[0], (String) same[2]);
    JsonNode j = Inputs.JSON.readTree(report.toFile());
    assertEquals(0.0, j.at("/forgetting_gate/relative_increase").asDouble(), 0.0);
    assertTrue(j.at("/forgetting_gate/passed").asBoolean());
    assertEquals(j.at("/model/perplexity").asDouble(), j.at("/base/perplexity").asDouble(), 0.0);
    assertTrue(((String) same[1]).contains("passed"), (String) same[1]);

    // Large random weights predict far worse than near-uniform ones: the gate fails with code 3.
    Object[] worse =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            spiky.toString(),
            "--base",
            base.toString(),
            "--data",
            data.toString(),
            "--max-tokens",
            "120",
            "--out",
            report.toString());
    assertEquals(EvalCommand.GATE_FAILED, worse[0], (String) worse[2]);
    j = Inputs.JSON.readTree(report.toFile());
    assertFalse(j.at("/forgetting_gate/passed").asBoolean());
    double increase = j.at("/forgetting_gate/relative_increase").asDouble();
    assertEquals(
        j.at("/model/perplexity").asDouble() / j.at("/base/perplexity").asDouble() - 1,
        increase,
        1e-12);
    assertTrue(increase > 0.05, "increase " + increase);
    assertTrue(((String) worse[1]).contains("FAILED"), (String) worse[1]);
  }

  @Test
  void refusesBadInputWithOneLine() throws Exception {
    Path model = model("model", "0.02");
    Path data = shards("tokens", 64, "hash-a", 2, 40);
    List<String[]> cases =
        List.of(
            new String[] {
              "no such model folder",
              "--model",
              tmp.resolve("absent").toString(),
              "--data",
              data.toString()
            },
            new String[] {
              "no such token shard folder",
              "--model",
              model.toString(),
              "--data",
              tmp.resolve("nodata").toString()
            },
            new String[] {
              "the shards were made with another tokenizer",
              "--model",
              model.toString(),
              "--data",
              shards("big", 100, "hash-a", 2, 40).toString()
            },
            new String[] {
              "evaluate shards of one tokenizer together",
              "--model",
              model.toString(),
              "--data",
              data + "," + shards("other", 64, "hash-b", 2, 40)
            },
            new String[] {
              "nothing to score",
              "--model",
              model.toString(),
              "--data",
              shards("ones", 64, "hash-a", 1, 1).toString()
            },
            new String[] {
              "--max-increase must be 0 or more",
              "--model",
              model.toString(),
              "--data",
              data.toString(),
              "--max-increase",
              "-1"
            },
            new String[] {
              "--stride must be at least 1",
              "--model",
              model.toString(),
              "--data",
              data.toString(),
              "--stride",
              "0"
            },
            new String[] {
              "stride 16 must be below the window 16",
              "--model",
              model.toString(),
              "--data",
              data.toString(),
              "--stride",
              "16"
            });
    for (String[] c : cases) {
      String[] args = new String[c.length];
      args[0] = "eval";
      System.arraycopy(c, 1, args, 1, c.length - 1);
      Object[] r = ScheduleCommandTest.run(args);
      String err = (String) r[2];
      assertEquals(2, r[0], c[0] + ": " + err);
      assertTrue(err.contains(c[0]), c[0] + ": " + err);
      assertEquals(1, err.strip().lines().count(), err);
    }

    // The model folder's tokenizer.json is not the one the shards were made with.
    Files.writeString(model.resolve("tokenizer.json"), "{}");
    Object[] r =
        ScheduleCommandTest.run("eval", "--model", model.toString(), "--data", data.toString());
    assertEquals(2, r[0], (String) r[2]);
    assertTrue(((String) r[2]).contains("pack the data with the model's tokenizer.json"));
  }
}
