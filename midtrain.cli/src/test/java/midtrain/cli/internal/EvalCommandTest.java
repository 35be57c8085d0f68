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
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.TokenShard;
import midtrain.data.token.TokenShardWriter;
import midtrain.data.token.TokenShards;
import midtrain.data.token.Tokenizers;
import midtrain.eval.MultipleChoiceItem;
import midtrain.eval.MultipleChoiceResult;
import midtrain.eval.MultipleChoiceScorer;
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

    // A trained checkpoint holds no tokenizer.json; the base folder's is checked then, so shards
    // of another tokenizer are not scored against both models as if they were theirs.
    Path checkpoint = model("checkpoint", "0.02");
    Files.writeString(model.resolve("tokenizer.json"), "{\"model\": {}}");
    r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            checkpoint.toString(),
            "--base",
            model.toString(),
            "--data",
            data.toString());
    assertEquals(2, r[0], (String) r[2]);
    assertTrue(((String) r[2]).contains(model.resolve("tokenizer.json").toString()), (String) r[2]);
    assertEquals(1, ((String) r[2]).strip().lines().count(), (String) r[2]);
  }

  /**
   * Three items in the usual shapes: a plain one, one with two gold answers and an overlong context
   * the scorer cuts from the left, and ARC's labelled choices with an answerKey.
   */
  static final String BENCHMARK =
      "{\"query\": \"alpha beta gamma\", \"choices\": [\"delta\", \"eps zeta\", \"eta\"],"
          + " \"gold\": 1}\n"
          + "\n"
          + "{\"question\": \""
          + "theta eta zeta eps delta gamma beta alpha ".repeat(3).strip()
          + "\", \"choices\": [\"alpha\", \"beta\"], \"label\": [0, 1]}\n"
          + "{\"question\": \"gamma delta\", \"choices\": {\"text\": [\"beta\", \"theta\","
          + " \"alpha beta\"], \"label\": [\"A\", \"B\", \"C\"]}, \"answerKey\": \"C\"}\n";

  @Test
  void scoresABenchmarkAsTheScorerDoesAndComparesWithTheBase() throws Exception {
    Path model = model("model", "0.5");
    Path base = model("base", "0.02");
    PackCommandTest.tokenizer(model, true);
    Path bench = tmp.resolve("tiny.jsonl");
    Files.writeString(bench, BENCHMARK);
    Path report = tmp.resolve("bench.json");
    Object[] r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--base",
            base.toString(),
            "--benchmark",
            bench.toString(),
            "--out",
            report.toString());
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree(report.toFile());
    JsonNode b = j.at("/benchmarks/tiny");
    assertEquals(3, b.get("items").asInt(), j.toString());
    assertEquals(15, b.get("max_length").asInt());
    assertTrue(j.get("model") == null && j.get("forgetting_gate") == null, j.toString());

    // The same items through the same encoder and scorer, by hand.
    List<MultipleChoiceItem> items =
        List.of(
            MultipleChoiceItem.of("alpha beta gamma", List.of("delta", "eps zeta", "eta"), 1),
            MultipleChoiceItem.of(
                "theta eta zeta eps delta gamma beta alpha ".repeat(3).strip(),
                List.of("alpha", "beta"),
                List.of(0, 1)),
            MultipleChoiceItem.of("gamma delta", List.of("beta", "theta", "alpha beta"), 2));
    for (String who : List.of("model", "base")) {
      Path dir = who.equals("model") ? model : base;
      MultipleChoiceResult want;
      try (TextTokenizer tok = Tokenizers.open(model.resolve("tokenizer.json"));
          CheckpointLanguageModel lm = CheckpointLanguageModel.builder().open(dir)) {
        MultipleChoiceScorer scorer =
            MultipleChoiceScorer.builder()
                .encoder(t -> tok.encode(t, false))
                .maxLength(lm.window() - 1)
                .build();
        want = scorer.score(lm, items);
      }
      assertEquals(want.acc(), b.at("/" + who + "/acc").asDouble(), 0.0, who);
      assertEquals(want.accNorm(), b.at("/" + who + "/acc_norm").asDouble(), 0.0, who);
      assertEquals(
          want.accStderr().getAsDouble(), b.at("/" + who + "/acc_stderr").asDouble(), 0.0, who);
      assertEquals(
          want.accNormStderr().getAsDouble(),
          b.at("/" + who + "/acc_norm_stderr").asDouble(),
          0.0,
          who);
    }
    assertEquals(
        b.at("/model/acc").asDouble() - b.at("/base/acc").asDouble(),
        b.at("/difference/acc").asDouble(),
        0.0);
    assertEquals(
        b.at("/model/acc_norm").asDouble() - b.at("/base/acc_norm").asDouble(),
        b.at("/difference/acc_norm").asDouble(),
        0.0);
    String out = (String) r[1];
    assertTrue(out.contains("benchmark tiny: 3 items") && out.contains("model - base"), out);

    // With --data too, both sections; --bos names the tokenizer's <s>, put before each context.
    Object[] both =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            shards("tokens", 64, "unknown", 2, 20).toString(),
            "--max-tokens",
            "30",
            "--benchmark",
            bench.toString(),
            "--bos",
            "<s>",
            "--out",
            report.toString());
    assertEquals(0, both[0], (String) both[2]);
    j = Inputs.JSON.readTree(report.toFile());
    assertEquals(30, j.get("tokens").asLong());
    assertEquals(3, j.at("/benchmarks/tiny/items").asInt());
    assertTrue(j.at("/benchmarks/tiny/base").isMissingNode(), j.toString());
  }

  @Test
  void refusesBadBenchmarksNamingFileAndLine() throws Exception {
    Path model = model("model", "0.02");
    Path noTokenizer = model("bare", "0.02");
    PackCommandTest.tokenizer(model, true);
    String good = "{\"query\": \"alpha\", \"choices\": [\"beta\", \"gamma\"], \"gold\": 0}\n";
    String[][] cases = {
      {"malformed JSON", good + "{\"query\": \n"},
      // Two items run together on one line (a lost newline) must not be read as the first alone.
      {"malformed JSON", good + good.strip() + good},
      {"malformed JSON", good + good.strip() + " ]\n"},
      {"no field 'query' or 'question' or 'ctx'", good + "{\"choices\": [\"a\"], \"gold\": 0}\n"},
      {"field 'gold': gold index 2 is out of range", good + good.replace("0}", "2}")},
      {
        "field 'choices' must be a non-empty list of strings",
        good + good.replace("[\"beta\", \"gamma\"]", "[]")
      },
      {"context is empty", good + good.replace("alpha", "")},
    };
    for (String[] c : cases) {
      Path f = tmp.resolve("bad.jsonl");
      Files.writeString(f, c[1]);
      Object[] r =
          ScheduleCommandTest.run("eval", "--model", model.toString(), "--benchmark", f.toString());
      String err = (String) r[2];
      assertEquals(2, r[0], c[0] + ": " + err);
      assertTrue(err.contains(c[0]) && err.contains(f + ":2:"), c[0] + ": " + err);
      assertEquals(1, err.strip().lines().count(), err);
    }
    Path f = tmp.resolve("good.jsonl");
    Files.writeString(f, good);
    String[][] usage = {
      {"--data SHARDS, --benchmark FILE, --task ID", "--model", model.toString()},
      {
        "field 'answer'",
        "--model",
        model.toString(),
        "--benchmark",
        f.toString(),
        "--gold-field",
        "answer"
      },
      {
        "has no token '<bos>'",
        "--model",
        model.toString(),
        "--benchmark",
        f.toString(),
        "--bos",
        "<bos>"
      },
      {"no tokenizer.json in", "--model", noTokenizer.toString(), "--benchmark", f.toString()},
      {
        "--bos applies to --benchmark",
        "--model",
        model.toString(),
        "--data",
        shards("tokens", 64, "unknown", 2, 20).toString(),
        "--bos",
        "<s>"
      },
    };
    for (String[] c : usage) {
      String[] args = new String[c.length];
      args[0] = "eval";
      System.arraycopy(c, 1, args, 1, c.length - 1);
      Object[] r = ScheduleCommandTest.run(args);
      String err = (String) r[2];
      assertEquals(2, r[0], c[0] + ": " + err);
      assertTrue(err.contains(c[0]), c[0] + ": " + err);
      assertEquals(1, err.strip().lines().count(), err);
    }
  }
}
