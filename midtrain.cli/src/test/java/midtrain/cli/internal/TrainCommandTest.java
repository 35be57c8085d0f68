package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import midtrain.data.token.TokenShardWriter;
import midtrain.train.HfCheckpoint;
import midtrain.train.TrainingCheckpoint;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path tmp;

  void shards(Path dir, long seed) {
    shards(dir, seed, "math", "web");
  }

  void shards(Path dir, long seed, String first, String second) {
    Random r = new Random(seed);
    try (BufferAllocator a = new RootAllocator();
        TokenShardWriter w = TokenShardWriter.builder(dir, a, 64).seed(seed).build()) {
      for (int d = 0; d < 40; d++) {
        int[] doc = new int[20 + r.nextInt(40)];
        for (int i = 0; i < doc.length; i++) {
          doc[i] = (d + i) % 64;
        }
        w.add(d % 3 == 0 ? first : second, doc);
      }
      w.finish();
    }
  }

  /** A tiny model, token shards and a two-stage 8-step recipe (checkpoints 5 and 8 kept). */
  Path tinyRecipe() throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":64,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0,"
            + "\"max_position_embeddings\":16}");
    assertEquals(
        0,
        ScheduleCommandTest.run(
            "init-model", "--config", cfg.toString(), "--out", tmp.resolve("model").toString())[0]);
    shards(tmp.resolve("tokens"), 1);
    Path recipe = tmp.resolve("recipe.yaml");
    Files.writeString(
        recipe,
        String.join(
            "\n",
            "model: model",
            "output: run",
            "data: {shards: tokens, seed: 7}",
            "batch: {rows: 2, accumulation: 2}",
            "optimizer: {weight_decay: 0.1, max_grad_norm: 1.0}",
            "schedule: {type: wsd, peak_lr: 3.0e-3, warmup_steps: 2, total_steps: 8, decay_steps: 3}",
            "stages:",
            "  - {name: anneal, steps: 5, seq_len: 16}",
            "  - name: long",
            "    steps: 3",
            "    seq_len: 32",
            "    max_position_embeddings: 64",
            "    rope_scaling: {rope_type: yarn, factor: 4.0, original_max_position_embeddings: 16}",
            "checkpoint: {every: 4, keep_last: 2}",
            ""));
    return recipe;
  }

  @Test
  void trainsTwoStagesThenRefusesResumeOnChangedData() throws Exception {
    Path recipe = tinyRecipe();
    Object[] r = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(0, r[0], (String) r[2]);
    Path run = tmp.resolve("run");
    assertEquals(8, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    assertTrue(Files.size(run.resolve("training.png")) > 1000);
    List<Path> cks = TrainingCheckpoint.list(run);
    // Every 4 steps and at the end of each stage (5 and 8); the newest two are kept.
    assertEquals(List.of(run.resolve("checkpoint-8"), run.resolve("checkpoint-5")), cks);
    try (HfCheckpoint last = HfCheckpoint.open(run.resolve("checkpoint-8"))) {
      assertEquals(64, ((Number) last.config().raw().get("max_position_embeddings")).intValue());
    }
    assertTrue(((String) r[2]).contains("stage long, steps 5..8, seq_len 32"), (String) r[2]);

    // Other data under the same path: a resume must be refused, naming the problem.
    Files.walk(tmp.resolve("tokens"))
        .sorted(java.util.Comparator.reverseOrder())
        .forEach(p -> p.toFile().delete());
    shards(tmp.resolve("tokens"), 2);
    Object[] changed = ScheduleCommandTest.run("train", "--recipe", recipe.toString(), "--resume");
    assertEquals(2, changed[0], (String) changed[2]);
    assertTrue(((String) changed[2]).contains("changed data"), (String) changed[2]);

    Files.writeString(recipe, Files.readString(recipe).replace("seq_len: 16", "seq_len: 1"));
    Object[] bad = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(2, bad[0]);
  }

  /**
   * A model from init-model --tokenizer, trained: each checkpoint and the exported model are
   * standalone model folders, which eval opens without --tokenizer.
   */
  @Test
  void checkpointsAndTheExportedModelAreStandaloneModelFolders() throws Exception {
    Path recipe = tinyRecipe();
    Path model = tmp.resolve("model");
    try (java.util.stream.Stream<Path> w = Files.walk(model)) {
      w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Path tok = tmp.resolve("tok");
    Files.createDirectories(tok);
    PackCommandTest.tokenizer(tok, true);
    Files.writeString(tok.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
    Object[] init =
        ScheduleCommandTest.run(
            "init-model",
            "--config",
            tmp.resolve("config.json").toString(),
            "--out",
            model.toString(),
            "--tokenizer",
            tok.toString());
    assertEquals(0, init[0], (String) init[2]);
    assertEquals(
        Files.readString(tok.resolve("tokenizer.json")),
        Files.readString(model.resolve("tokenizer.json")));
    Files.writeString(model.resolve("generation_config.json"), "{\"eos_token_id\": [1, 5]}");
    Files.writeString(
        recipe, Files.readString(recipe) + "save: {dtype: bfloat16, max_shard_size: 8KB}\n");
    Object[] r = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(0, r[0], (String) r[2]);
    Path run = tmp.resolve("run");
    Path bench = tmp.resolve("tiny.jsonl");
    Files.writeString(bench, EvalCommandTest.BENCHMARK);
    for (Path dir : List.of(run.resolve("checkpoint-8"), run.resolve("model"))) {
      Object[] eval =
          ScheduleCommandTest.run(
              "eval", "--model", dir.toString(), "--benchmark", bench.toString());
      assertEquals(0, eval[0], dir + ": " + eval[2]);
      java.util.Set<String> files = midtrain.train.CheckpointManifest.verify(dir).files().keySet();
      for (String f :
          List.of(
              "tokenizer.json",
              "tokenizer_config.json",
              "generation_config.json",
              "model.safetensors.index.json")) {
        assertTrue(files.contains(f), dir + ": " + f + " not in " + files);
      }
      try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
        assertEquals(
            java.util.Set.of(
                dir.endsWith("model") ? midtrain.train.DType.BF16 : midtrain.train.DType.F32),
            ck.dtypes());
      }
    }
    Object[] badSave =
        ScheduleCommandTest.run(
            "train",
            "--recipe",
            writeRecipe(recipe, "dtype: bfloat16", "dtype: int4").toString(),
            "--resume");
    assertEquals(2, badSave[0]);
    assertTrue(((String) badSave[2]).contains("save: unknown save dtype"), (String) badSave[2]);
    writeRecipe(recipe, "dtype: int4", "dtype: bfloat16");
    Object[] self =
        ScheduleCommandTest.run(
            "train",
            "--recipe",
            writeRecipe(recipe, "model: model", "model: run/model").toString(),
            "--resume");
    assertEquals(2, self[0]);
    assertTrue(((String) self[2]).contains("writes its trained model"), (String) self[2]);
  }

  private static Path writeRecipe(Path recipe, String from, String to) throws Exception {
    Files.writeString(recipe, Files.readString(recipe).replace(from, to));
    return recipe;
  }

  @Test
  void mixturePhasesSwitchDataAtTheirExactStep() throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":64,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0,"
            + "\"max_position_embeddings\":16}");
    ScheduleCommandTest.run(
        "init-model", "--config", cfg.toString(), "--out", tmp.resolve("model").toString());
    // Phase "stable" (steps 0..3) holds web/code, phase "anneal" (3..6) math/books.
    shards(tmp.resolve("mix/stable"), 1, "code", "web");
    shards(tmp.resolve("mix/anneal"), 2, "math", "books");
    Files.writeString(
        tmp.resolve("mix/mixture.json"),
        "{\"phases\":[{\"phase\":\"stable\",\"start_step\":0,\"end_step\":3},"
            + "{\"phase\":\"anneal\",\"start_step\":3,\"end_step\":6}]}");
    Path recipe = tmp.resolve("recipe.yaml");
    Files.writeString(
        recipe,
        String.join(
            "\n",
            "model: model",
            "output: run",
            "data: {mixture: mix, seed: 3}",
            "batch: {rows: 2, schedule: {type: stepwise, initial: 2, changes: [{step: 2, size: 4}]}}",
            "schedule: {type: wsd, peak_lr: 3.0e-3, warmup_steps: 1, total_steps: 6, decay_steps: 3}",
            "stages:",
            "  - {name: one, steps: 6, seq_len: 16}",
            ""));
    Object[] r = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(0, r[0], (String) r[2]);
    List<String> lines = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
    assertEquals(6, lines.size());
    com.fasterxml.jackson.databind.ObjectMapper m =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (int step = 0; step < 6; step++) {
      com.fasterxml.jackson.databind.JsonNode n = m.readTree(lines.get(step));
      String sources = n.toString();
      boolean anneal = step >= 3;
      assertEquals(anneal, sources.contains("\"math\"") || sources.contains("\"books\""), sources);
      assertEquals(!anneal, sources.contains("\"web\"") || sources.contains("\"code\""), sources);
      // The batch doubles at step 2: twice the label tokens.
      long tokens = n.path("tokens").asLong(-1);
      assertEquals(step < 2 ? 2 * 16 : 4 * 16, tokens, sources);
    }
    // A data phase that does not start where an LR phase starts is refused.
    Files.writeString(
        tmp.resolve("mix/mixture.json"),
        "{\"phases\":[{\"phase\":\"stable\",\"start_step\":0,\"end_step\":4},"
            + "{\"phase\":\"anneal\",\"start_step\":4,\"end_step\":6}]}");
    Object[] moved = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(2, moved[0]);
    assertTrue(((String) moved[2]).contains("learning-rate phases"), (String) moved[2]);
    // Phases that do not cover the run are refused, naming the file.
    Files.writeString(
        tmp.resolve("mix/mixture.json"),
        "{\"phases\":[{\"phase\":\"stable\",\"start_step\":0,\"end_step\":3}]}");
    Object[] bad = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(2, bad[0]);
    assertTrue(((String) bad[2]).contains("mixture.json"), (String) bad[2]);
  }

  @Test
  void resumeSetsACorruptNewerCheckpointAsideAndFinishes() throws Exception {
    Path recipe = tinyRecipe();
    assertEquals(0, ScheduleCommandTest.run("train", "--recipe", recipe.toString())[0]);
    Path run = tmp.resolve("run");
    Files.writeString(run.resolve("checkpoint-8/trainer_state.json"), "{}");
    Object[] r = ScheduleCommandTest.run("train", "--recipe", recipe.toString(), "--resume");
    assertEquals(0, r[0], (String) r[2]);
    String err = (String) r[2];
    assertTrue(err.contains("checkpoint-8.corrupt"), err);
    // The resumed run wrote its own checkpoint-8; the broken one is kept beside it.
    assertEquals(8, TrainingCheckpoint.read(run.resolve("checkpoint-8")).step());
    assertEquals("{}", Files.readString(run.resolve("checkpoint-8.corrupt/trainer_state.json")));
    // Steps 5..7 were trained twice; the log and the plot keep each step once, in order.
    com.fasterxml.jackson.databind.ObjectMapper m =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(8, lines.size(), String.join("\n", lines));
    for (int i = 0; i < 8; i++) {
      assertEquals(i, m.readTree(lines.get(i)).path("step").asLong());
    }
    assertTrue(err.contains("dropped 3 lines"), err);
  }

  @Test
  void aFreshRunIntoAFolderWithCheckpointsIsRefusedUpFront() throws Exception {
    Path recipe = tinyRecipe();
    assertEquals(0, ScheduleCommandTest.run("train", "--recipe", recipe.toString())[0]);
    Path metrics = tmp.resolve("run/metrics.jsonl");
    String before = Files.readString(metrics);
    Object[] again = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    String err = (String) again[2];
    assertEquals(2, again[0], err);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains("checkpoint-8") && err.contains("--resume"), err);
    assertEquals(before, Files.readString(metrics));
    // Every checkpoint broken: --resume says how to start over (the fresh run above refuses).
    for (String ck : new String[] {"checkpoint-8", "checkpoint-5"}) {
      Files.writeString(tmp.resolve("run").resolve(ck).resolve("trainer_state.json"), "{}");
    }
    Object[] none = ScheduleCommandTest.run("train", "--recipe", recipe.toString(), "--resume");
    String noneErr = (String) none[2];
    assertEquals(2, none[0], noneErr);
    assertTrue(noneErr.contains("none verifies") && noneErr.contains("move them aside"), noneErr);
  }

  @Test
  void devicesTheEngineDoesNotHaveAreRefusedInOneLine() throws Exception {
    Path recipe = tinyRecipe();
    String plain = Files.readString(recipe);
    List<String> absent = new java.util.ArrayList<>(List.of("gpu99"));
    if (ai.djl.engine.Engine.getInstance().getGpuCount() == 0) {
      absent.add("gpu0"); // the README's example on a CPU machine
    }
    for (String gpu : absent) {
      Files.writeString(recipe, plain + "devices: [cpu, " + gpu + "]\n");
      Object[] r = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
      String err = (String) r[2];
      assertEquals(2, r[0], err);
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.contains(gpu) && err.contains("sees"), err);
    }
    Files.writeString(recipe, plain + "devices: [gpu]\n");
    Object[] unnumbered = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(2, unnumbered[0], (String) unnumbered[2]);
    assertTrue(Files.notExists(tmp.resolve("run")));
  }

  @Test
  void everyStageIsCheckedBeforeTheFirstTrains() throws Exception {
    Path recipe = tinyRecipe();
    String plain = Files.readString(recipe);
    String yarn = "{rope_type: yarn, factor: 4.0, original_max_position_embeddings: 16}";
    for (String[] bad :
        new String[][] {
          {"{rope_type: nope}", "nope"},
          {"{rope_type: yarn, factor: x}", "factor"},
          {"yarn", "rope_scaling"},
        }) {
      Files.writeString(recipe, plain.replace(yarn, bad[0]));
      Object[] r = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
      String err = (String) r[2];
      assertEquals(2, r[0], err);
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.contains(bad[1]), err);
      assertTrue(Files.notExists(tmp.resolve("run")), "trained before refusing: " + err);
    }
    // max_position_embeddings without rope_scaling was ignored without a word.
    Files.writeString(recipe, plain.replace("    rope_scaling: " + yarn + "\n", ""));
    Object[] alone = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(2, alone[0], (String) alone[2]);
    assertTrue(((String) alone[2]).contains("give rope_scaling too"), (String) alone[2]);
    assertTrue(Files.notExists(tmp.resolve("run")));
    Files.writeString(
        recipe, plain.replace("steps: 3", "steps: 0").replace("steps: 5", "steps: 8"));
    Object[] zero = ScheduleCommandTest.run("train", "--recipe", recipe.toString());
    assertEquals(2, zero[0], (String) zero[2]);
    assertTrue(((String) zero[2]).contains("steps"), (String) zero[2]);
  }
}
