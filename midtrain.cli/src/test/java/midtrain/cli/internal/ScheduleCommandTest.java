package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScheduleCommandTest {
  @TempDir Path tmp;

  /** Runs the full command line; returns {exit code, stdout, stderr}. */
  static Object[] run(String... args) {
    CommandLine cl = MidtrainCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Object[] {code, out.toString(), err.toString()};
  }

  @Test
  void hfWsdPrintsTransformersValues() throws Exception {
    Object[] r =
        run(
            "schedule",
            "--hf-type",
            "warmup_stable_decay",
            "--hf-kwargs",
            "{\"num_warmup_steps\":100,\"num_decay_steps\":200,\"num_training_steps\":1000,"
                + "\"decay_type\":\"1-sqrt\"}",
            "--peak-lr",
            "3e-4",
            "--range",
            "0:1000:50");
    assertEquals(0, r[0], (String) r[2]);
    JsonNode arr = Inputs.JSON.readTree((String) r[1]);
    assertEquals(21, arr.size());
    // transformers: 1-sqrt decay at a quarter of the decay phase is 1 - sqrt(0.25) = 0.5.
    assertEquals(850, arr.get(17).get("step").asLong());
    assertEquals(1.5e-4, arr.get(17).get("lr").asDouble(), 1e-18);
    assertEquals(3e-4 * (1 - Math.sqrt(0.5)), arr.get(18).get("lr").asDouble(), 1e-18);
    assertEquals(0.0, arr.get(20).get("lr").asDouble());
  }

  @Test
  void specFromYamlFileAndCsvAndPng() throws Exception {
    Path spec = tmp.resolve("s.yaml");
    Files.writeString(
        spec,
        "peak_lr: 1.0e-3\nphases:\n  - {type: warmup, steps: 10}\n"
            + "  - {type: decay, steps: 10, shape: linear, name: anneal}\n");
    Object[] csv =
        run("schedule", "--spec", spec.toString(), "--steps", "0,5,15", "--format", "csv");
    assertEquals(0, csv[0], (String) csv[2]);
    assertEquals("step,lr,phase\n0,0.0,warmup\n5,5.0E-4,warmup\n15,5.0E-4,anneal\n", csv[1]);
    Path png = tmp.resolve("plot.png");
    Object[] p =
        run(
            "schedule",
            "--spec",
            spec.toString(),
            "--range",
            "0:20:1",
            "--format",
            "png",
            "--out",
            png.toString());
    assertEquals(0, p[0], (String) p[2]);
    byte[] head = Files.readAllBytes(png);
    assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
  }

  static final String SPEC =
      "peak_lr: 1.0e-3\nphases:\n  - {type: warmup, steps: 10}\n"
          + "  - {type: decay, steps: 10, shape: linear, name: anneal}\n";

  @Test
  void batchAndMixtureSchedulesGoBesideTheLearningRate() throws Exception {
    Path spec = tmp.resolve("s.yaml");
    Files.writeString(spec, SPEC);
    String mixture =
        "{\"mixture\": [{\"from_step\": 0, \"weights\": {\"web\": 3, \"code\": 1}},"
            + " {\"phase\": \"anneal\", \"weights\": {\"web\": 1, \"code\": 1}}]}";
    String batch =
        "{\"type\": \"stepwise\", \"initial\": 8, \"changes\": [{\"step\": 10, \"size\": 16}]}";
    Object[] r =
        run(
            "schedule",
            "--spec",
            spec.toString(),
            "--steps",
            "0,5,12",
            "--batch",
            batch,
            "--seq-len",
            "64",
            "--mixture",
            mixture);
    assertEquals(0, r[0], (String) r[2]);
    JsonNode arr = Inputs.JSON.readTree((String) r[1]);
    // Step 12: 10 steps of 8 sequences, then 2 of 16.
    assertEquals(16, arr.get(2).get("batch_size").asInt());
    assertEquals(112, arr.get(2).get("sequences_before").asLong());
    assertEquals(112 * 64, arr.get(2).get("tokens_before").asLong());
    assertEquals(40, arr.get(1).get("sequences_before").asLong());
    assertEquals(0.75, arr.get(1).get("mixture").get("web").asDouble(), 1e-15);
    assertEquals(0.25, arr.get(1).get("mixture").get("code").asDouble(), 1e-15);
    assertEquals(0.5, arr.get(2).get("mixture").get("web").asDouble(), 1e-15);
    assertEquals(5.0e-4, arr.get(1).get("lr").asDouble(), 1e-18);

    Object[] csv =
        run(
            "schedule",
            "--spec",
            spec.toString(),
            "--steps",
            "5,15",
            "--format",
            "csv",
            "--batch",
            "{\"type\": \"constant\", \"size\": 4}",
            "--mixture",
            "{\"mixture\": [{\"from_step\": 0, \"weights\": {\"a,b\": 1, \"c\": 1}}]}");
    assertEquals(0, csv[0], (String) csv[2]);
    assertEquals(
        "step,lr,phase,batch_size,sequences_before,\"weight_a,b\",weight_c\n"
            + "5,5.0E-4,warmup,4,20,0.5,0.5\n"
            + "15,5.0E-4,anneal,4,60,0.5,0.5\n",
        csv[1]);

    // A mix recipe carries its own LR schedule; its other keys are the mix command's business.
    Path recipe = tmp.resolve("mix.yaml");
    Files.writeString(
        recipe,
        "sources: {web: {paths: [web]}, code: {paths: [code]}}\n"
            + "tokens_per_step: 1000\n"
            + "schedule:\n"
            + "  lr: {peak_lr: 1.0e-3, phases: [{type: warmup, steps: 10},"
            + " {type: decay, steps: 10, shape: linear, name: anneal}]}\n"
            + "  mixture:\n"
            + "    - {from_step: 0, weights: {web: 1}}\n"
            + "    - {phase: anneal, weights: {web: 1, code: 3}}\n");
    Object[] fromRecipe = run("schedule", "--mixture", recipe.toString(), "--steps", "15");
    assertEquals(0, fromRecipe[0], (String) fromRecipe[2]);
    JsonNode row = Inputs.JSON.readTree((String) fromRecipe[1]).get(0);
    assertEquals(0.75, row.get("mixture").get("code").asDouble(), 1e-15);
    assertEquals(5.0e-4, row.get("lr").asDouble(), 1e-18);

    // Three panels in one PNG: the LR plot (500 high) and two of 300.
    Path png = tmp.resolve("all.png");
    Object[] p =
        run(
            "schedule",
            "--mixture",
            recipe.toString(),
            "--range",
            "0:20:1",
            "--format",
            "png",
            "--batch",
            "{\"type\": \"constant\", \"size\": 4}",
            "--out",
            png.toString());
    assertEquals(0, p[0], (String) p[2]);
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertEquals(1000, image.getWidth());
    assertEquals(1100, image.getHeight());
  }

  @Test
  void batchAndMixtureMistakesAreOneLineErrors() throws Exception {
    Path spec = tmp.resolve("s.yaml");
    Files.writeString(spec, SPEC);
    String s = spec.toString();
    Object[][] cases = {
      run("schedule", "--spec", s, "--steps", "1", "--seq-len", "8"),
      run("schedule", "--spec", s, "--steps", "1", "--batch", "{\"size\": 4}"),
      run("schedule", "--spec", s, "--steps", "1", "--mixture", "{\"mixtures\": []}"),
      run("schedule", "--spec", s, "--steps", "1", "--mixture", "{\"mixture\": []}"),
      run("schedule", "--steps", "1", "--mixture", "{\"mixture\": [{\"from_step\": 0}]}"),
      run(
          "schedule",
          "--spec",
          s,
          "--steps",
          "1",
          "--mixture",
          "{\"schedule\": {\"lr\": {}, \"mixture\": []}}"),
      run(
          "schedule",
          "--spec",
          s,
          "--steps",
          "1",
          "--mixture",
          "{\"mixture\": [{\"phase\": \"nope\", \"weights\": {\"a\": 1}}]}"),
      run(
          "schedule",
          "--spec",
          s,
          "--steps",
          "1",
          "--batch",
          "{\"type\": \"constant\", \"size\": 4}",
          "--seq-len",
          "0"),
    };
    String[] wanted = {
      "--seq-len counts the tokens of --batch's sequences; add --batch",
      "--batch",
      "--mixture: unknown key 'mixtures'",
      "--mixture: mixture must be a non-empty list of segments",
      "give the learning-rate schedule",
      "--mixture names a mix recipe",
      "nope",
      "--seq-len must be at least 1, got 0",
    };
    for (int i = 0; i < cases.length; i++) {
      String err = ((String) cases[i][2]).trim();
      assertEquals(2, cases[i][0], "case " + i + ": " + err);
      assertTrue(err.contains(wanted[i]), "case " + i + ": " + err);
      assertEquals(1, err.lines().count(), "case " + i + ": " + err);
    }
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() {
    Object[] unknownKey =
        run(
            "schedule",
            "--hf-type",
            "linear",
            "--hf-kwargs",
            "{\"num_warmup_steps\":1,\"num_training_steps\":10,\"warmup\":3}",
            "--peak-lr",
            "1e-3",
            "--steps",
            "1");
    assertEquals(2, unknownKey[0]);
    String err = ((String) unknownKey[2]).trim();
    assertTrue(err.contains("'warmup'") || err.contains("warmup"), err);
    assertEquals(1, err.lines().count(), err);

    Object[] badJson = run("schedule", "--spec", "{\"peak_lr\":", "--steps", "1");
    assertEquals(2, badJson[0]);
    assertTrue(((String) badJson[2]).contains("--spec: invalid JSON"), (String) badJson[2]);

    Object[] badRange =
        run("schedule", "--hf-type", "constant", "--peak-lr", "1", "--range", "10:0:1");
    assertEquals(2, badRange[0]);
    assertTrue(((String) badRange[2]).contains("--range"), (String) badRange[2]);

    Object[] both = run("schedule", "--hf-type", "constant", "--peak-lr", "1");
    assertEquals(2, both[0]);

    Object[] missing =
        run("schedule", "--spec", tmp.resolve("nope.json").toString(), "--steps", "1");
    assertEquals(2, missing[0]);
    assertTrue(((String) missing[2]).contains("no such file"), (String) missing[2]);
    Object[] array = run("schedule", "--spec", "[1,2]", "--steps", "1");
    assertEquals(2, array[0]);
    assertTrue(((String) array[2]).contains("not an array"), (String) array[2]);
    Object[] empty = run("schedule", "--spec", "", "--steps", "1");
    assertEquals(2, empty[0]);
    assertTrue(((String) empty[2]).contains("--spec is empty"), (String) empty[2]);
  }

  /** An --out that cannot be written is a one-line input error, before any work (was exit 1). */
  @Test
  void anOutputThatCannotBeWrittenIsOneLine() throws Exception {
    Path file = tmp.resolve("afile");
    Files.writeString(file, "x");
    String[][] outs = {
      {tmp.toString(), "is a folder"}, {file.resolve("x.png").toString(), "is a file, not a folder"}
    };
    for (String[] o : outs) {
      for (String format : new String[] {"png", "csv", "json"}) {
        Object[] r =
            run(
                "schedule",
                "--hf-type",
                "constant",
                "--peak-lr",
                "1",
                "--steps",
                "0,1",
                "--format",
                format,
                "--out",
                o[0]);
        assertEquals(2, r[0], (String) r[2]);
        String err = ((String) r[2]).trim();
        assertTrue(err.startsWith("midtrain schedule: --out: ") && err.contains(o[1]), err);
        assertEquals(1, err.lines().count(), err);
      }
    }
    // A name without .png is the file written.
    Path plain = tmp.resolve("plot");
    Object[] p =
        run(
            "schedule",
            "--hf-type",
            "constant",
            "--peak-lr",
            "1",
            "--steps",
            "0,1",
            "--format",
            "png",
            "--out",
            plain.toString());
    assertEquals(0, p[0], (String) p[2]);
    assertTrue(Files.size(plain) > 1000 && !Files.exists(tmp.resolve("plot.png")));
    // A missing folder is made.
    Path deep = tmp.resolve("a/b/s.csv");
    Object[] r =
        run(
            "schedule",
            "--hf-type",
            "constant",
            "--peak-lr",
            "1",
            "--steps",
            "0,1",
            "--format",
            "csv",
            "--out",
            deep.toString());
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(Files.readString(deep).contains("lr"));
  }

  /**
   * A file option ending in a separator names a folder, and is refused as one by every command that
   * writes a file (it wrote a file named like the folder: Path.of drops the separator).
   */
  @Test
  void aFileOutputEndingInASeparatorIsRefused() throws Exception {
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"id\":\"a\",\"text\":\"some words here\"}\n");
    Path config = tmp.resolve("config.json");
    Files.writeString(config, "{\"head_dim\":8,\"rope_theta\":10000.0}");
    String dir = tmp.resolve("newdir") + "/";
    String file = tmp.resolve("r.json").toString();
    String[][] commands = {
      {"schedule", "--hf-type", "constant", "--peak-lr", "1", "--steps", "0", "--out", dir},
      {
        "schedule",
        "--hf-type",
        "constant",
        "--peak-lr",
        "1",
        "--steps",
        "0",
        "--format",
        "png",
        "--out",
        dir
      },
      {"rope", "--config", config.toString(), "--out", dir},
      {"rate", "--rater", "c4", "--input", in.toString(), "--output", dir},
      {"decontaminate", "--benchmarks", in.toString(), "--input", in.toString(), "--report", dir},
      {
        "decontaminate",
        "--benchmarks",
        in.toString(),
        "--input",
        in.toString(),
        "--report",
        file,
        "--mode",
        "drop",
        "--output",
        dir
      }
    };
    for (String[] c : commands) {
      Object[] r = run(c);
      String err = ((String) r[2]).trim();
      assertEquals(2, r[0], String.join(" ", c) + ": " + err);
      assertTrue(err.contains(dir + " ends in a separator, so it names a folder"), err);
      assertEquals(1, err.lines().count(), err);
      assertTrue(!Files.exists(tmp.resolve("newdir")), String.join(" ", c) + " wrote newdir");
      assertTrue(!Files.exists(Path.of(file)), String.join(" ", c) + " wrote its report");
    }
  }

  @Test
  void quickstartWritesItsOutputs() throws Exception {
    Object[] r = run("quickstart", "--out-dir", tmp.toString());
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(((String) r[1]).contains("mixture switches at step [8000]"), (String) r[1]);
    assertTrue(Files.size(tmp.resolve("wsd-schedule.png")) > 1000);
    assertEquals(1001, Inputs.JSON.readTree(tmp.resolve("wsd-schedule.json").toFile()).size());
    // The curation step removes each planted defect for its own reason and accounts for all.
    String out = (String) r[1];
    assertTrue(out.contains("in 241 = out 140 + rejected 1 + removed 100"), out);
    for (String reason :
        List.of(
            "malformed-json=1",
            "gopher_short_doc=40",
            "lorem_ipsum=20",
            "exact-duplicate=20",
            "contaminated=20")) {
      assertTrue(out.contains(reason), reason + " in " + out);
    }
    // The tiny model learns the generated rule: well below chance (ln 128 = 4.85) after 60 steps.
    List<String> metrics = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
    assertEquals(60, metrics.size());
    assertTrue(Inputs.JSON.readTree(metrics.get(59)).get("loss").asDouble() < 3.0, metrics.get(59));
  }
}
