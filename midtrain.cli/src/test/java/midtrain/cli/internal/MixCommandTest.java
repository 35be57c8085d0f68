package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixCommandTest {
  @TempDir Path tmp;

  static String yaml(String weightsDecay, String extraSource) {
    return """
        tokenizer: tokenizer.json
        seq_len: 16
        tokens_per_step: 64
        output: out
        seed: 7
        eos: "</s>"
        mixer: {id: ratio}
        max_epochs: 8
        sources:
          web: {paths: [web.jsonl]}
          code: {paths: [code.jsonl], max_epochs: 8%s}
        schedule:
          lr: {peak_lr: 3.0e-4, type: warmup_stable_decay, num_warmup_steps: 2, num_decay_steps: 4, num_training_steps: 20}
          mixture:
            - {from_step: 0, weights: {web: 3, code: 1}}
            - {phase: decay, weights: %s}
        """
        .formatted(extraSource, weightsDecay);
  }

  @Test
  void planOnlyPlacesTheBoundaryAtTheDecayStep() throws Exception {
    Files.writeString(tmp.resolve("mix.yaml"), yaml("{web: 1, code: 1}", ", tokens: 100000"));
    // Sources with a token count are not read: no input files needed for the plan.
    Files.writeString(
        tmp.resolve("mix.yaml"),
        Files.readString(tmp.resolve("mix.yaml"))
            .replace("web: {paths: [web.jsonl]}", "web: {paths: [web.jsonl], tokens: 100000}"));
    PackCommandTest.tokenizer(tmp, true);
    Object[] r =
        ScheduleCommandTest.run(
            "mix", "--config", tmp.resolve("mix.yaml").toString(), "--plan-only", "--json");
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree((String) r[1]);
    // 20 steps, decay the last 4: phases 0..16 and 16..20 of 64 tokens per step.
    assertEquals(16, j.at("/phases/0/end_step").asLong());
    assertEquals("decay", j.at("/phases/1/phase").asText());
    assertEquals(16 * 64 * 3 / 4, j.at("/phases/0/planned/web").asLong());
    assertEquals(16 * 64 / 4, j.at("/phases/0/planned/code").asLong());
    assertEquals(4 * 64 / 2, j.at("/phases/1/planned/code").asLong());
    // Per source over the run: available tokens, planned tokens and the repeats they imply.
    long codePlanned = 16 * 64 / 4 + 4 * 64 / 2;
    assertEquals(codePlanned, j.at("/sources/code/planned").asLong());
    long have = j.at("/sources/code/available").asLong();
    assertTrue(have > 0, j.toString());
    assertEquals((double) codePlanned / have, j.at("/sources/code/epochs").asDouble(), 1e-12);
    assertTrue(!Files.exists(tmp.resolve("out")));
  }

  @Test
  void packsEachPhaseAndReportsRealisedBesidePlanned() throws Exception {
    PackCommandTest.tokenizer(tmp, true);
    PackCommandTest.corpus(tmp.resolve("web.jsonl"), "web", 60, 1);
    PackCommandTest.corpus(tmp.resolve("code.jsonl"), "code", 20, 2);
    Files.writeString(tmp.resolve("mix.yaml"), yaml("{web: 1, code: 1}", ""));
    Object[] r = ScheduleCommandTest.run("mix", "--config", tmp.resolve("mix.yaml").toString());
    assertEquals(0, r[0], (String) r[2]);
    String table = (String) r[1];
    assertTrue(table.contains("realised") && table.contains("decay"), table);
    JsonNode j = Inputs.JSON.readTree(tmp.resolve("out/mixture.json").toFile());
    for (JsonNode p : j.get("phases")) {
      long planned = p.get("planned_total").asLong();
      long realised = p.get("realised_total").asLong();
      // Each source stops within one document (<= 31 tokens) past its plan; the tail row drops.
      assertTrue(realised >= planned - 16 && realised <= planned + 2 * 31, p.toString());
      assertTrue(
          Files.exists(
              tmp.resolve("out").resolve(p.get("phase").asText()).resolve("manifest.json")));
      for (String s : new String[] {"web", "code"}) {
        double share = p.at("/realised/" + s).asDouble() / realised;
        double want = p.at("/planned/" + s).asDouble() / planned;
        assertEquals(want, share, 0.1, p.toString());
      }
    }
  }

  @Test
  void weightsThatSumToZeroAreNamed() throws Exception {
    PackCommandTest.tokenizer(tmp, true);
    Files.writeString(tmp.resolve("mix.yaml"), yaml("{web: 0, code: 0}", ", tokens: 10"));
    Object[] r =
        ScheduleCommandTest.run(
            "mix", "--config", tmp.resolve("mix.yaml").toString(), "--plan-only");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("positive"), (String) r[2]);
    assertTrue(((String) r[2]).contains("decay"), (String) r[2]);
    // Without --plan-only the run fails the same way, before it makes its output folder.
    r = ScheduleCommandTest.run("mix", "--config", tmp.resolve("mix.yaml").toString());
    assertEquals(2, r[0]);
    assertTrue(!Files.exists(tmp.resolve("out")), "a failed run left its output folder");
  }

  @Test
  void fimSentinelsTheTokenizerLacksAreRefusedBeforeAnythingIsRead() throws Exception {
    PackCommandTest.tokenizer(tmp, false);
    String y =
        yaml("{web: 1, code: 1}", ", tokens: 100000")
            .replace("tokenizer: tokenizer.json", "tokenizer: nofim.json\nfim_rate: 0.5")
            .replace("web: {paths: [web.jsonl]}", "web: {paths: [web.jsonl], tokens: 100000}");
    Files.writeString(tmp.resolve("mix.yaml"), y);
    // Before, the markers went in as the unknown token and the run succeeded.
    for (String[] args :
        new String[][] {
          {"mix", "--config", tmp.resolve("mix.yaml").toString()},
          {"mix", "--config", tmp.resolve("mix.yaml").toString(), "--plan-only"}
        }) {
      Object[] r = ScheduleCommandTest.run(args);
      assertEquals(2, r[0], (String) r[2]);
      assertTrue(((String) r[2]).contains("no token '<fim_prefix>'"), (String) r[2]);
      assertTrue(!Files.exists(tmp.resolve("out")));
    }
  }

  @Test
  void rejectedLinesAreListedOnceWithTheirReasonsThoughTheSourceRepeats() throws Exception {
    PackCommandTest.tokenizer(tmp, true);
    PackCommandTest.corpus(tmp.resolve("web.jsonl"), "web", 60, 1);
    PackCommandTest.corpus(tmp.resolve("code.jsonl"), "code", 6, 2);
    // Two bad lines in the small source, which the plan repeats several times.
    Files.writeString(
        tmp.resolve("code.jsonl"),
        "{not json\n" + Files.readString(tmp.resolve("code.jsonl")) + "{\"text\": 5}\n");
    // web lists code.jsonl too: its rejects are read by both sources, and listed once.
    Files.writeString(
        tmp.resolve("mix.yaml"),
        yaml("{web: 1, code: 1}", "")
            .replace("paths: [web.jsonl]", "paths: [web.jsonl, code.jsonl]"));
    Object[] r = ScheduleCommandTest.run("mix", "--config", tmp.resolve("mix.yaml").toString());
    assertEquals(0, r[0], (String) r[2]);
    List<String> lines = Files.readAllLines(tmp.resolve("out/rejects.jsonl"));
    assertEquals(2, lines.size(), lines.toString());
    JsonNode first = Inputs.JSON.readTree(lines.get(0));
    assertEquals(1, first.get("line").asLong());
    assertTrue(first.get("file").asText().endsWith("code.jsonl"), first.toString());
    assertEquals(8, Inputs.JSON.readTree(lines.get(1)).get("line").asLong());
    JsonNode j = Inputs.JSON.readTree(tmp.resolve("out/mixture.json").toFile());
    assertEquals(2, j.at("/rejects/total").asLong(), j.toString());
    assertEquals("rejects.jsonl", j.at("/rejects/file").asText());
    // Once per source that reads the file.
    String err = (String) r[2];
    assertEquals(2, err.split("records rejected", -1).length - 1, err);
    // A rerun that fails (the small source cannot be repeated enough) keeps the finished run's
    // rejects file as it was (it removed it).
    Files.writeString(
        tmp.resolve("mix.yaml"),
        Files.readString(tmp.resolve("mix.yaml")).replace("max_epochs: 8", "max_epochs: 1"));
    Object[] failed =
        ScheduleCommandTest.run("mix", "--config", tmp.resolve("mix.yaml").toString());
    assertEquals(2, failed[0], (String) failed[2]);
    assertEquals(lines, Files.readAllLines(tmp.resolve("out/rejects.jsonl")));
    // The same failure into a new folder leaves neither it nor the folders made on the way.
    Files.writeString(
        tmp.resolve("mix.yaml"),
        Files.readString(tmp.resolve("mix.yaml")).replace("output: out", "output: deep/er/out"));
    failed = ScheduleCommandTest.run("mix", "--config", tmp.resolve("mix.yaml").toString());
    assertEquals(2, failed[0], (String) failed[2]);
    assertTrue(!Files.exists(tmp.resolve("deep")), "a failed run left the folders it made");
  }

  /** Every file under a folder, by relative path, as bytes: two runs' outputs compared whole. */
  static java.util.Map<String, String> tree(Path dir) throws Exception {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(
            dir.relativize(p).toString(),
            java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private JsonNode plan(String yaml) throws Exception {
    Files.writeString(tmp.resolve("mix.yaml"), yaml);
    Object[] r =
        ScheduleCommandTest.run(
            "mix", "--config", tmp.resolve("mix.yaml").toString(), "--plan-only", "--json");
    assertEquals(0, r[0], (String) r[2]);
    return Inputs.JSON.readTree((String) r[1]);
  }

  @Test
  void aSourceNamesTheFieldsItsTextAndIdAreReadFrom() throws Exception {
    PackCommandTest.tokenizer(tmp, true);
    PackCommandTest.corpus(tmp.resolve("web.jsonl"), "web", 60, 1);
    PackCommandTest.corpus(tmp.resolve("code.jsonl"), "code", 20, 2);
    // The same documents as The Stack spells them: text in content, the id nested.
    StringBuilder stack = new StringBuilder();
    for (String line : Files.readAllLines(tmp.resolve("code.jsonl"))) {
      JsonNode n = Inputs.JSON.readTree(line);
      com.fasterxml.jackson.databind.node.ObjectNode o = Inputs.JSON.createObjectNode();
      o.put("content", n.get("text").asText());
      o.putObject("meta").put("sha", n.get("id").asText());
      stack.append(o).append('\n');
    }
    Files.writeString(tmp.resolve("stack.jsonl"), stack.toString());
    long want = plan(yaml("{web: 1, code: 1}", "")).at("/sources/code/available").asLong();
    String y =
        yaml("{web: 1, code: 1}", ", text_field: content, id_field: meta.sha")
            .replace("paths: [code.jsonl]", "paths: [stack.jsonl]");
    assertEquals(want, plan(y).at("/sources/code/available").asLong());
    // A bad path or a non-text value is named by file and key.
    for (String bad :
        new String[] {"text_field: .content", "id_field: meta..sha", "text_field: [a]"}) {
      Files.writeString(tmp.resolve("mix.yaml"), yaml("{web: 1, code: 1}", ", " + bad));
      Object[] r =
          ScheduleCommandTest.run(
              "mix", "--config", tmp.resolve("mix.yaml").toString(), "--plan-only");
      assertEquals(2, r[0], bad);
      String key = bad.substring(0, bad.indexOf(':'));
      assertTrue(
          ((String) r[2]).contains(tmp.resolve("mix.yaml") + ": sources.code." + key + " must"),
          (String) r[2]);
    }
  }

  @Test
  void aSourcesFimRateOverridesTheTopLevelOne() throws Exception {
    PackCommandTest.tokenizer(tmp, true);
    PackCommandTest.corpus(tmp.resolve("web.jsonl"), "web", 60, 1);
    PackCommandTest.corpus(tmp.resolve("code.jsonl"), "code", 20, 2);
    JsonNode none = plan(yaml("{web: 1, code: 1}", ""));
    // FIM on code only: web's documents stay as they are, code's change (sentinels added).
    JsonNode codeOnly =
        plan(
            yaml("{web: 1, code: 1}", ", fim_rate: 1")
                .replace("web: {paths: [web.jsonl]}", "web: {paths: [web.jsonl], fim_rate: 0}")
                .replace("max_epochs: 8\n", "max_epochs: 8\nfim_rate: 1\n"));
    assertEquals(
        none.at("/sources/web/available").asLong(), codeOnly.at("/sources/web/available").asLong());
    assertTrue(
        codeOnly.at("/sources/code/available").asLong()
            > none.at("/sources/code/available").asLong(),
        codeOnly.toString());
    // A recipe with one top-level rate packs byte for byte as one giving every source that rate.
    String top =
        yaml("{web: 1, code: 1}", "").replace("max_epochs: 8\n", "max_epochs: 8\nfim_rate: 0.5\n");
    Files.writeString(tmp.resolve("mix.yaml"), top);
    Object[] r = ScheduleCommandTest.run("mix", "--config", tmp.resolve("mix.yaml").toString());
    assertEquals(0, r[0], (String) r[2]);
    java.util.Map<String, String> shared = tree(tmp.resolve("out"));
    String each =
        yaml("{web: 1, code: 1}", ", fim_rate: 0.5")
            .replace("web: {paths: [web.jsonl]}", "web: {paths: [web.jsonl], fim_rate: 0.5}")
            .replace("max_epochs: 8\n", "max_epochs: 8\nfim_rate: 0.9\n")
            .replace("output: out", "output: out2");
    Files.writeString(tmp.resolve("mix.yaml"), each);
    r = ScheduleCommandTest.run("mix", "--config", tmp.resolve("mix.yaml").toString());
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(shared, tree(tmp.resolve("out2")));
    assertTrue(shared.size() > 4, shared.keySet().toString());
    // A rate outside [0, 1] is named by file and key.
    Files.writeString(tmp.resolve("mix.yaml"), yaml("{web: 1, code: 1}", ", fim_rate: 1.5"));
    r =
        ScheduleCommandTest.run(
            "mix", "--config", tmp.resolve("mix.yaml").toString(), "--plan-only");
    assertEquals(2, r[0]);
    assertTrue(
        ((String) r[2])
            .contains(tmp.resolve("mix.yaml") + ": sources.code.fim_rate must be in [0, 1]"),
        (String) r[2]);
  }
}
