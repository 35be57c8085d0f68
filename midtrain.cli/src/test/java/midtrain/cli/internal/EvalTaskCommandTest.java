package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.Tokenizers;
import midtrain.eval.PasskeyTest;
import midtrain.eval.Tasks;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskResult;
import midtrain.train.CheckpointLanguageModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code midtrain eval --task}: the real command on tiny random checkpoints. */
class EvalTaskCommandTest {
  @TempDir Path tmp;

  static final String TEST =
      "{\"question\": \"What is 2 + 3?\", \"answer\": \"2 + 3 = 5\\n#### 5\"}\n"
          + "{\"question\": \"What is 7 - 4?\", \"answer\": \"7 - 4 = 3\\n#### 3\"}\n"
          + "\n"
          + "{\"question\": \"What is 1 + 1?\", \"answer\": \"#### 2\"}\n";

  static final String TRAIN =
      "{\"question\": \"What is 4 + 4?\", \"answer\": \"4 + 4 = 8\\n#### 8\"}\n"
          + "{\"question\": \"What is 9 - 1?\", \"answer\": \"#### 8\"}\n";

  /** A tiny model made by init-model: vocab 96, context 256. */
  Path model(String name, String std) throws Exception {
    Path cfg = tmp.resolve(name + "-config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":96,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0,"
            + "\"max_position_embeddings\":256,\"eos_token_id\":2}");
    Path out = tmp.resolve(name);
    Object[] r =
        ScheduleCommandTest.run(
            "init-model", "--config", cfg.toString(), "--out", out.toString(), "--std", std);
    assertEquals(0, r[0], (String) r[2]);
    return out;
  }

  /**
   * A word-level tokenizer over the words of the passkey prompt and the test questions, digits one
   * token each: every prompt encodes without unknown words.
   */
  static void tokenizer(Path dir) throws Exception {
    Set<String> words = new LinkedHashSet<>(List.of("<unk>", "<s>", "</s>"));
    for (int d = 0; d <= 9; d++) {
      words.add(Integer.toString(d));
    }
    String text =
        PasskeyTest.TASK_DESCRIPTION
            + " "
            + PasskeyTest.FILLER
            + " The pass key is . Remember it . is the pass key "
            + PasskeyTest.QUESTION
            + " Question : Answer : What is + - = ####"
            + " The following are multiple choice questions ( with answers ). about astronomy"
            + " anatomy A B C D";
    for (String w : text.split("\\s+|(?=[.?:])|(?<=[.?:])")) {
      if (!w.isBlank()) {
        words.add(w.strip());
      }
    }
    ObjectNode root = Inputs.JSON.createObjectNode();
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode vocab = Inputs.JSON.createObjectNode();
    int id = 0;
    for (String w : words) {
      if (w.startsWith("<")) {
        added
            .addObject()
            .put("id", id)
            .put("content", w)
            .put("single_word", false)
            .put("lstrip", false)
            .put("rstrip", false)
            .put("normalized", false)
            .put("special", true);
      }
      vocab.put(w, id++);
    }
    assertTrue(id <= 96, "vocab " + id);
    ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
    ArrayNode seq = pre.putArray("pretokenizers");
    seq.addObject().put("type", "Whitespace");
    seq.addObject().put("type", "Digits").put("individual_digits", true);
    root.putObject("model").put("type", "WordLevel").put("unk_token", "<unk>").set("vocab", vocab);
    Files.writeString(dir.resolve("tokenizer.json"), root.toString());
  }

  /**
   * A Zstandard frame holding the bytes in one raw (stored) block, written by hand after RFC 8878:
   * magic, a single-segment frame header with a one-byte content size, and a last raw block.
   */
  static byte[] zstdRaw(byte[] content) {
    assertTrue(content.length < 256);
    int header = 1 | (content.length << 3); // last block, type raw (0), size
    byte[] out = new byte[4 + 2 + 3 + content.length];
    byte[] head = {
      0x28,
      (byte) 0xB5,
      0x2F,
      (byte) 0xFD,
      0x20,
      (byte) content.length,
      (byte) header,
      (byte) (header >>> 8),
      (byte) (header >>> 16)
    };
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(content, 0, out, head.length, content.length);
    return out;
  }

  static List<TaskDocument> docs(Path file, String text) {
    List<TaskDocument> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = Inputs.JSON.readValue(lines[i], Map.class);
          out.add(TaskDocument.of(file.toString(), i + 1, m));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  /** The same task through the API over the same checkpoint: the reference for the command. */
  static TaskResult direct(
      Path dir,
      Path tokenizerDir,
      String id,
      Map<String, String> options,
      List<TaskDocument> test,
      List<TaskDocument> train) {
    try (TextTokenizer tok = Tokenizers.open(tokenizerDir.resolve("tokenizer.json"));
        CheckpointLanguageModel lm = CheckpointLanguageModel.builder().open(dir)) {
      TaskConfig.Builder b =
          TaskConfig.builder(id)
              .encoder(t -> tok.encode(t, false))
              .decoder(tok::decode)
              .textDecoder(ids -> tok.decode(ids, true))
              .maxLength(lm.window())
              .documents(test)
              .fewshot(train)
              .eosTokens(2);
      options.forEach(b::option);
      return Tasks.provider(id).create(b.build()).run(lm);
    }
  }

  @Test
  void endTokensAreEveryIdOfTheListAndGenerationConfigWins() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("eos"));
    java.util.function.Function<Object, midtrain.train.LlamaConfig> cfg =
        eos -> {
          Map<String, Object> m = new java.util.HashMap<>();
          m.put("vocab_size", 100);
          m.put("hidden_size", 8);
          m.put("intermediate_size", 16);
          m.put("num_hidden_layers", 1);
          m.put("num_attention_heads", 2);
          m.put("rope_theta", 10000.0);
          m.put("eos_token_id", eos);
          return midtrain.train.LlamaConfig.fromMap(m);
        };
    // Llama 3 instruct: a list, every id of which ends a generation (the first alone did before).
    assertEquals(
        java.util.Set.of(7, 8, 9), EvalCommand.eosTokens(dir, cfg.apply(List.of(9, 7, 8))));
    assertEquals(java.util.Set.of(2), EvalCommand.eosTokens(dir, cfg.apply(2)));
    // Ids outside the vocabulary, and a missing id, give no end token.
    assertEquals(java.util.Set.of(5), EvalCommand.eosTokens(dir, cfg.apply(List.of(5, 100))));
    assertEquals(java.util.Set.of(), EvalCommand.eosTokens(dir, cfg.apply(null)));
    // generation_config.json, which Hugging Face's generate reads, wins where it sets the id.
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [3, 4]}");
    assertEquals(java.util.Set.of(3, 4), EvalCommand.eosTokens(dir, cfg.apply(2)));
    Files.writeString(dir.resolve("generation_config.json"), "{\"do_sample\": false}");
    assertEquals(java.util.Set.of(2), EvalCommand.eosTokens(dir, cfg.apply(2)));
  }

  @Test
  void gsm8kAndNeedleRunAsTheApiDoesAndCompareWithTheBase() throws Exception {
    Path model = model("model", "0.5");
    Path base = model("base", "0.02");
    tokenizer(model);
    // The test split gzip-compressed, the few-shot file plain: both are read.
    Path test = tmp.resolve("test.jsonl.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(test))) {
      o.write(TEST.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Path train = tmp.resolve("train.jsonl.zst");
    Files.write(train, zstdRaw(TRAIN.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Path report = tmp.resolve("out.json");
    Object[] r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--base",
            base.toString(),
            "--task",
            "gsm8k=" + test + ",needle",
            "--fewshot",
            train.toString(),
            "--num-fewshot",
            "1",
            "--max-gen-tokens",
            "6",
            "--needle-lengths",
            "100,200",
            "--needle-depths",
            "0,1",
            "--needle-trials",
            "1",
            "--seed",
            "3",
            "--out",
            report.toString());
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree(report.toFile());
    JsonNode g = j.at("/tasks/gsm8k");
    assertEquals(test.toString(), g.get("file").asText());
    assertEquals(256, g.get("max_length").asInt());
    assertEquals(3, g.at("/model/items").asInt(), j.toString());
    JsonNode n = j.at("/tasks/needle");
    assertEquals(4, n.at("/model/trials").asInt(), j.toString());

    // The same runs through the API, item for item and trial for trial.
    Map<String, String> gsmOpts = Map.of("num-fewshot", "1", "max-gen-tokens", "6", "seed", "3");
    Map<String, String> needleOpts =
        Map.of(
            "needle-lengths", "100,200", "needle-depths", "0,1", "needle-trials", "1", "seed", "3");
    for (String who : List.of("model", "base")) {
      Path dir = who.equals("model") ? model : base;
      TaskResult gs = direct(dir, model, "gsm8k", gsmOpts, docs(test, TEST), docs(train, TRAIN));
      assertEquals(Inputs.JSON.valueToTree(gs.details()), g.get(who), who);
      TaskResult ns = direct(dir, model, "needle", needleOpts, List.of(), List.of());
      assertEquals(Inputs.JSON.valueToTree(ns.details()), n.get(who), who);
      // Prompts are sized to at most the asked length, and the ids name file and line.
      for (JsonNode t : n.at("/" + who + "/results")) {
        assertTrue(t.get("prompt_tokens").asInt() <= t.get("length").asInt(), t.toString());
      }
    }
    assertEquals(test + ":4", g.at("/model/results/2/id").asText());
    assertEquals(
        g.at("/model/exact_match,strict-match").asDouble()
            - g.at("/base/exact_match,strict-match").asDouble(),
        g.at("/difference/exact_match,strict-match").asDouble(),
        0.0);
    assertEquals(
        n.at("/model/accuracy").asDouble() - n.at("/base/accuracy").asDouble(),
        n.at("/difference/accuracy").asDouble(),
        0.0);
    String out = (String) r[1];
    assertTrue(out.contains("task gsm8k (" + test + ")"), out);
    assertTrue(out.contains("exact_match strict-match") && out.contains("model - base"), out);
    assertTrue(out.contains("task needle") && out.contains("accuracy"), out);
  }

  static final String MMLU_TEST =
      "{\"question\": \"What is 2 + 3?\", \"subject\": \"anatomy\", \"choices\": [\"4\", \"5\","
          + " \"6\", \"7\"], \"answer\": 1}\n"
          + "{\"question\": \"What is 7 - 4?\", \"subject\": \"astronomy\", \"choices\": [\"3\","
          + " \"1\", \"2\", \"0\"], \"answer\": 0}\n"
          + "{\"question\": \"What is 1 + 1?\", \"subject\": \"anatomy\", \"choices\": [\"1\", \"0\","
          + " \"3\", \"2\"], \"answer\": 3}\n";

  static final String MMLU_DEV =
      "{\"question\": \"What is 4 + 4?\", \"subject\": \"astronomy\", \"choices\": [\"9\", \"7\","
          + " \"8\", \"6\"], \"answer\": 2}\n"
          + "{\"question\": \"What is 9 - 1?\", \"subject\": \"anatomy\", \"choices\": [\"8\", \"7\","
          + " \"6\", \"5\"], \"answer\": 0}\n";

  @Test
  void eachTaskTakesItsOwnFewShotFileAndOptions() throws Exception {
    // gsm8k's examples come from its train split, mmlu's from its dev split, in one run; a
    // per-task value wins over the bare one.
    Path model = model("model", "0.5");
    tokenizer(model);
    Path test = Files.writeString(tmp.resolve("gsm-test.jsonl"), TEST);
    Path train = Files.writeString(tmp.resolve("gsm-train.jsonl"), TRAIN);
    Path mtest = Files.writeString(tmp.resolve("mmlu-test.jsonl"), MMLU_TEST);
    Path dev = Files.writeString(tmp.resolve("mmlu-dev.jsonl"), MMLU_DEV);
    Path report = tmp.resolve("both.json");
    Object[] r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--task",
            "gsm8k=" + test + ",mmlu=" + mtest,
            "--fewshot",
            "gsm8k=" + train,
            "--fewshot",
            "mmlu=" + dev,
            "--num-fewshot",
            "2",
            "--num-fewshot",
            "mmlu=1",
            "--limit",
            "gsm8k=2",
            "--max-gen-tokens",
            "6",
            "--seed",
            "3",
            "--out",
            report.toString());
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree(report.toFile()).at("/tasks");
    TaskResult g =
        direct(
            model,
            model,
            "gsm8k",
            Map.of("num-fewshot", "2", "limit", "2", "max-gen-tokens", "6", "seed", "3"),
            docs(test, TEST),
            docs(train, TRAIN));
    assertEquals(Inputs.JSON.valueToTree(g.details()), j.at("/gsm8k/model"));
    assertEquals(2, j.at("/gsm8k/model/items").asInt(), j.toString());
    TaskResult m =
        direct(
            model,
            model,
            "mmlu",
            Map.of("num-fewshot", "1", "seed", "3"),
            docs(mtest, MMLU_TEST),
            docs(dev, MMLU_DEV));
    assertEquals(Inputs.JSON.valueToTree(m.details()), j.at("/mmlu/model"));
    assertEquals(1, j.at("/mmlu/model/num_fewshot").asInt(), j.toString());
    assertEquals(3, j.at("/mmlu/model/items").asInt(), j.toString());
  }

  @Test
  void maxDropGatesATaskMetricAgainstTheBase() throws Exception {
    Path a = model("a", "0.5");
    // Another seed: the same weights at another scale tend to pick the same answers.
    Path bcfg = tmp.resolve("a-config.json");
    Path b = tmp.resolve("b");
    Object[] init =
        ScheduleCommandTest.run(
            "init-model",
            "--config",
            bcfg.toString(),
            "--out",
            b.toString(),
            "--std",
            "0.5",
            "--seed",
            "7");
    assertEquals(0, init[0], (String) init[2]);
    tokenizer(a);
    // Enough items that two random models score apart.
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      items.append(
          String.format(
              "{\"question\": \"What is %d + %d?\", \"subject\": \"%s\", \"choices\":"
                  + " [\"%d\", \"%d\", \"%d\", \"%d\"], \"answer\": %d}%n",
              i,
              i % 5,
              i % 2 == 0 ? "anatomy" : "astronomy",
              i,
              i + i % 5,
              i + 7,
              2 * i + 1,
              i % 4));
    }
    Path test = Files.writeString(tmp.resolve("mmlu-test.jsonl"), items.toString());
    Path report = tmp.resolve("gate.json");
    java.util.function.BiFunction<Path, Path, Object[]> plain =
        (m, base) ->
            ScheduleCommandTest.run(
                "eval",
                "--model",
                m.toString(),
                "--base",
                base.toString(),
                "--tokenizer",
                a.resolve("tokenizer.json").toString(),
                "--task",
                "mmlu=" + test,
                "--out",
                report.toString());
    Object[] first = plain.apply(a, b);
    assertEquals(0, first[0], (String) first[2]);
    double diff = Inputs.JSON.readTree(report.toFile()).at("/tasks/mmlu/difference/acc").asDouble();
    assertTrue(diff != 0, "the fixture's two models must score apart");
    // The model that scores lower is gated against the other.
    Path worse = diff < 0 ? a : b;
    Path better = diff < 0 ? b : a;
    double drop = Math.abs(diff);
    String[] common = {
      "eval",
      "--model",
      worse.toString(),
      "--base",
      better.toString(),
      "--tokenizer",
      a.resolve("tokenizer.json").toString(),
      "--task",
      "mmlu=" + test,
      "--out",
      report.toString()
    };
    List<String> failing = new ArrayList<>(List.of(common));
    failing.addAll(List.of("--max-drop", "mmlu:acc=" + drop / 2));
    Object[] r = ScheduleCommandTest.run(failing.toArray(String[]::new));
    assertEquals(EvalCommand.GATE_FAILED, r[0], (String) r[2]);
    JsonNode gate = Inputs.JSON.readTree(report.toFile()).at("/task_gates/0");
    assertEquals("mmlu", gate.get("task").asText());
    assertEquals("acc", gate.get("metric").asText());
    assertEquals(drop, gate.get("drop").asDouble(), 1e-12);
    assertFalse(gate.get("passed").asBoolean());
    assertTrue(((String) r[1]).contains("gate mmlu:acc:") && ((String) r[1]).contains("FAILED"));
    List<String> passing = new ArrayList<>(List.of(common));
    passing.addAll(List.of("--max-drop", "mmlu:acc=" + (drop + 1e-9)));
    r = ScheduleCommandTest.run(passing.toArray(String[]::new));
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(Inputs.JSON.readTree(report.toFile()).at("/task_gates/0/passed").asBoolean());
    // A metric the task does not report: exit 2 naming what it does report, the scores written.
    List<String> unknown = new ArrayList<>(List.of(common));
    unknown.addAll(List.of("--max-drop", "mmlu:accuracy=0.1"));
    r = ScheduleCommandTest.run(unknown.toArray(String[]::new));
    assertEquals(2, r[0], (String) r[2]);
    assertTrue(
        ((String) r[2])
            .contains(
                "--max-drop mmlu:accuracy: mmlu reports no such metric (it" + " reports: acc"),
        (String) r[2]);
    assertTrue(Inputs.JSON.readTree(report.toFile()).at("/tasks/mmlu/model/acc").isNumber());
    // Malformed gates are refused before any model loads.
    String[][] bad = {
      {"--max-drop compares the model with --base", "--max-drop", "mmlu:acc=0.1"},
      {
        "--max-drop gsm8k:acc=0.1: no --task gsm8k is given",
        "--base",
        b.toString(),
        "--max-drop",
        "gsm8k:acc=0.1"
      },
      {
        "--max-drop mmlu=0.1: expected TASK:METRIC=X",
        "--base",
        b.toString(),
        "--max-drop",
        "mmlu=0.1"
      },
      {
        "--max-drop mmlu:acc=-1: the drop allowed must be a number, 0 or more",
        "--base",
        b.toString(),
        "--max-drop",
        "mmlu:acc=-1"
      },
      {
        "--max-drop mmlu:acc is given twice",
        "--base",
        b.toString(),
        "--max-drop",
        "mmlu:acc=0.1",
        "--max-drop",
        "mmlu:acc=0.2"
      },
    };
    for (String[] c : bad) {
      List<String> args =
          new ArrayList<>(List.of("eval", "--model", a.toString(), "--task", "mmlu=" + test));
      args.addAll(List.of(c).subList(1, c.length));
      Object[] e = ScheduleCommandTest.run(args.toArray(String[]::new));
      assertEquals(2, e[0], c[0] + ": " + e[2]);
      assertTrue(((String) e[2]).contains(c[0]), c[0] + ": " + e[2]);
    }
  }

  @Test
  void mmluRunsAsTheApiDoesAndCompareWithTheBase() throws Exception {
    Path model = model("model", "0.5");
    Path base = model("base", "0.02");
    tokenizer(model);
    Path test = Files.writeString(tmp.resolve("mmlu-test.jsonl"), MMLU_TEST);
    Path dev = Files.writeString(tmp.resolve("mmlu-dev.jsonl"), MMLU_DEV);
    Path report = tmp.resolve("mmlu.json");
    Object[] r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--base",
            base.toString(),
            "--task",
            "mmlu=" + test,
            "--fewshot",
            dev.toString(),
            "--num-fewshot",
            "1",
            "--out",
            report.toString());
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree(report.toFile()).at("/tasks/mmlu");
    assertEquals(test.toString(), j.get("file").asText());
    assertEquals(3, j.at("/model/items").asInt(), j.toString());
    assertEquals(1, j.at("/model/num_fewshot").asInt(), j.toString());
    assertEquals(test + ":3", j.at("/model/results/2/id").asText());
    for (String who : List.of("model", "base")) {
      TaskResult t =
          direct(
              who.equals("model") ? model : base,
              model,
              "mmlu",
              Map.of("num-fewshot", "1"),
              docs(test, MMLU_TEST),
              docs(dev, MMLU_DEV));
      assertEquals(Inputs.JSON.valueToTree(t.details()), j.get(who), who);
    }
    assertEquals(
        j.at("/model/acc").asDouble() - j.at("/base/acc").asDouble(),
        j.at("/difference/acc").asDouble(),
        0.0);
    assertEquals(
        j.at("/model/categories/stem/acc").asDouble()
            - j.at("/base/categories/stem/acc").asDouble(),
        j.at("/difference/acc,category=stem").asDouble(),
        0.0);
    String out = (String) r[1];
    assertTrue(out.contains("task mmlu (" + test + ")") && out.contains("model - base"), out);

    // A subject the harness has no task for stops the run before the model loads, naming the line.
    Path bad =
        Files.writeString(
            tmp.resolve("bad-mmlu.jsonl"), MMLU_TEST.replace("astronomy", "astrology"));
    Object[] b =
        ScheduleCommandTest.run("eval", "--model", model.toString(), "--task", "mmlu=" + bad);
    assertEquals(2, b[0], (String) b[2]);
    assertTrue(
        ((String) b[2]).contains("--task mmlu: " + bad + ":2: field 'subject' is 'astrology'"),
        (String) b[2]);
    Object[] s =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--task",
            "mmlu=" + test,
            "--fewshot-sampler",
            "random");
    assertEquals(2, s[0], (String) s[2]);
    assertTrue(
        ((String) s[2]).contains("--fewshot-sampler applies to none of the tasks"), (String) s[2]);
  }

  @Test
  void refusesBadTaskInputBeforeAnyModelLoads() throws Exception {
    Path model = model("model", "0.02");
    tokenizer(model);
    Path train = tmp.resolve("train.jsonl");
    Files.writeString(train, TRAIN);
    String good = "{\"question\": \"What is 1?\", \"answer\": \"#### 1\"}\n";
    String[][] lines = {
      {"field 'answer' is missing", good + "{\"question\": \"q\"}\n"},
      {"field 'question' is not a string", good + "{\"question\": 3, \"answer\": \"a\"}\n"},
      {"malformed JSON", good + good.strip() + good},
      {"expected a JSON object, found array", good + "[1]\n"},
    };
    for (String[] c : lines) {
      Path f = tmp.resolve("bad.jsonl");
      Files.writeString(f, c[1]);
      Object[] r =
          ScheduleCommandTest.run(
              "eval",
              "--model",
              model.toString(),
              "--task",
              "gsm8k=" + f,
              "--num-fewshot",
              "0",
              "--max-gen-tokens",
              "16");
      String err = (String) r[2];
      assertEquals(2, r[0], c[0] + ": " + err);
      assertTrue(err.contains("--task gsm8k") && err.contains(f + ":2"), c[0] + ": " + err);
      assertTrue(err.contains(c[0]), c[0] + ": " + err);
      assertEquals(1, err.strip().lines().count(), err);
    }
    Path f = tmp.resolve("good.jsonl");
    Files.writeString(f, good);
    Path bare = model("bare", "0.02");
    String[][] usage = {
      // The window is 256 tokens: gsm8k's default 256 new tokens leave none for the prompt.
      {"--max-gen-tokens is 256 but the model takes 256 tokens", "--task", "gsm8k=" + f},
      {
        "--num-fewshot is 5 but no few-shot documents",
        "--task",
        "gsm8k=" + f,
        "--max-gen-tokens",
        "16"
      },
      {"--num-fewshot must be an integer, got 'x'", "--task", "gsm8k=" + f, "--num-fewshot", "x"},
      {
        "unknown task 'no_such_task' (known: arc_challenge, arc_easy, boolq, gsm8k, hellaswag, humaneval",
        "--task",
        "no_such_task=" + f
      },
      {
        "--task gsm8k is given twice",
        "--task",
        "gsm8k=" + f + ",gsm8k=" + f,
        "--num-fewshot",
        "0",
        "--max-gen-tokens",
        "16"
      },
      {
        "--task gsm8k: no documents",
        "--task",
        "gsm8k",
        "--num-fewshot",
        "0",
        "--max-gen-tokens",
        "16"
      },
      {"--task needle: the passkey test makes its own prompts", "--task", "needle=" + f},
      {"--task gsm8k: no such file", "--task", "gsm8k=" + tmp.resolve("none.jsonl")},
      {
        "--needle-trials applies to none of the tasks given",
        "--task",
        "gsm8k=" + f,
        "--fewshot",
        train.toString(),
        "--needle-trials",
        "3",
        "--max-gen-tokens",
        "16",
        "--num-fewshot",
        "1"
      },
      {
        "--limit applies to --task, which is not given", "--benchmark", f.toString(), "--limit", "2"
      },
      {
        "--fewshot applies to tasks given with a file",
        "--task",
        "needle",
        "--fewshot",
        train.toString()
      },
      {
        "--task needle: --needle-lengths holds 300; each must be from 1 to 246 (the model's 256"
            + " tokens less the 10 generated)",
        "--task",
        "needle",
        "--needle-lengths",
        "300"
      },
      {
        "--task needle: --needle-lengths is not usable: length 20 is shorter than the prompt"
            + " without filler",
        "--task",
        "needle",
        "--needle-lengths",
        "20"
      },
      {
        "--task needle: --needle-depths holds 1.5; each must be in [0, 1]",
        "--task",
        "needle",
        "--needle-depths",
        "0,1.5"
      },
      {
        "--task needle: --needle-lengths repeats a value: [100, 100]",
        "--task",
        "needle",
        "--needle-lengths",
        "100,100"
      },
      {
        "--task needle: --needle-depths must be numbers",
        "--task",
        "needle",
        "--needle-depths",
        "0,half"
      },
      // Per-task values: only for tasks given, once each, and only options the task has.
      {
        "--num-fewshot needle=1: needle has no such option",
        "--task",
        "gsm8k=" + f + ",needle",
        "--num-fewshot",
        "gsm8k=0",
        "--num-fewshot",
        "needle=1",
        "--max-gen-tokens",
        "16"
      },
      {
        "--num-fewshot mmlu=1: no --task mmlu is given (tasks: gsm8k)",
        "--task",
        "gsm8k=" + f,
        "--num-fewshot",
        "mmlu=1"
      },
      {"--limit is given twice bare", "--task", "gsm8k=" + f, "--limit", "1", "--limit", "2"},
      {
        "--max-gen-tokens gsm8k= is given twice",
        "--task",
        "gsm8k=" + f,
        "--max-gen-tokens",
        "gsm8k=8",
        "--max-gen-tokens",
        "gsm8k=9"
      },
      {
        "--fewshot needle=: few-shot examples go with a task file; give --task needle=FILE",
        "--task",
        "needle",
        "--fewshot",
        "needle=" + train
      },
      {"--fewshot: not a file name", "--task", "gsm8k=" + f, "--fewshot", "a\u0000b"},
      {"--task: 'gsm8k=a\u0000b' does not name a file", "--task", "gsm8k=a\u0000b"},
      {
        "--fewshot mml=" + train + ": no --task mml is given",
        "--task",
        "gsm8k=" + f,
        "--fewshot",
        "mml=" + train
      },
    };
    for (String[] c : usage) {
      List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString()));
      args.addAll(List.of(c).subList(1, c.length));
      Object[] r = ScheduleCommandTest.run(args.toArray(String[]::new));
      String err = (String) r[2];
      assertEquals(2, r[0], c[0] + ": " + err);
      assertTrue(err.contains(c[0]), c[0] + ": " + err);
      assertEquals(1, err.strip().lines().count(), err);
    }
    Object[] r = ScheduleCommandTest.run("eval", "--model", bare.toString(), "--task", "needle");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("--task: no tokenizer.json in"), (String) r[2]);
    // An unknown task is named first, even where no tokenizer is found.
    r = ScheduleCommandTest.run("eval", "--model", bare.toString(), "--task", "needel");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("--task: unknown task 'needel'"), (String) r[2]);
  }
}
