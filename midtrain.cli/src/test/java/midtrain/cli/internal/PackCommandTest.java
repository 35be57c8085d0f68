package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import midtrain.data.token.TokenShards;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackCommandTest {
  @TempDir Path tmp;

  static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"};
  static final String[] SPECIALS = {
    "<s>", "</s>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<|endoftext|>"
  };

  /** A WordLevel tokenizer.json: specials 0..5, then the words; one token per word. */
  static Path tokenizer(Path dir, boolean withFim) throws Exception {
    ObjectNode root = Inputs.JSON.createObjectNode();
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode vocab = Inputs.JSON.createObjectNode();
    int id = 0;
    for (String s : SPECIALS) {
      if (!withFim && s.startsWith("<fim")) {
        continue;
      }
      added
          .addObject()
          .put("id", id)
          .put("content", s)
          .put("single_word", false)
          .put("lstrip", false)
          .put("rstrip", false)
          .put("normalized", false)
          .put("special", true);
      vocab.put(s, id++);
    }
    vocab.put("[UNK]", id++);
    for (String w : WORDS) {
      vocab.put(w, id++);
    }
    root.putObject("pre_tokenizer").put("type", "Whitespace");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel").put("unk_token", "[UNK]").set("vocab", vocab);
    Path f = dir.resolve(withFim ? "tokenizer.json" : "nofim.json");
    Files.writeString(f, root.toString());
    return f;
  }

  /** JSONL documents of random words; returns the word count of each. */
  static List<Integer> corpus(Path file, String source, int docs, long seed) throws Exception {
    Random r = new Random(seed);
    List<Integer> counts = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < docs; i++) {
      int n = 1 + r.nextInt(30);
      List<String> w = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        w.add(WORDS[r.nextInt(WORDS.length)]);
      }
      counts.add(n);
      ObjectNode o = Inputs.JSON.createObjectNode();
      o.put("id", source + "-" + i).put("text", String.join(" ", w)).put("source", source);
      sb.append(o).append('\n');
    }
    Files.writeString(file, sb.toString());
    return counts;
  }

  @Test
  void packsJsonlIntoShardsAndReportsTheRealisedMixture() throws Exception {
    Path tok = tokenizer(tmp, true);
    List<Integer> web = corpus(tmp.resolve("web.jsonl"), "web", 80, 1);
    List<Integer> code = corpus(tmp.resolve("code.jsonl"), "code", 40, 2);
    Path out = tmp.resolve("out");
    Object[] r =
        ScheduleCommandTest.run(
            "pack",
            "--tokenizer",
            tok.toString(),
            "--seq-len",
            "16",
            "--input",
            tmp.resolve("web.jsonl") + "," + tmp.resolve("code.jsonl"),
            "--output",
            out.toString(),
            "--eos",
            "</s>",
            "--format",
            "npy",
            "--json");
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree((String) r[1]);
    // One token per word plus EOS per document.
    long total =
        web.stream().mapToLong(i -> i + 1).sum() + code.stream().mapToLong(i -> i + 1).sum();
    assertEquals(total, j.get("tokens").asLong());
    assertEquals((total - 1) / 16, j.get("rows").asLong());
    assertEquals(
        j.get("rows").asLong() * 16,
        j.get("realised").get("web").asLong() + j.get("realised").get("code").asLong());
    assertEquals(120, j.get("documents").asLong());
    try (RootAllocator a = new RootAllocator()) {
      TokenShards shards = TokenShards.open(out, a);
      assertEquals(total, shards.manifest().tokens());
      assertEquals(
          web.stream().mapToLong(i -> i + 1).sum(),
          shards.manifest().sources().get("web").tokens());
    }
    // The .npy holds every token after a 128-byte header, as uint16.
    assertEquals(128 + 2 * total, Files.size(out.resolve("tokens.npy")));
  }

  @Test
  void fimNeedsItsSentinelsInTheTokenizer() throws Exception {
    corpus(tmp.resolve("code.jsonl"), "code", 30, 3);
    Object[] r =
        ScheduleCommandTest.run(
            "pack",
            "--tokenizer",
            tokenizer(tmp, true).toString(),
            "--seq-len",
            "8",
            "--input",
            tmp.resolve("code.jsonl").toString(),
            "--output",
            tmp.resolve("a").toString(),
            "--fim-rate",
            "1",
            "--fim-spm-rate",
            "0.5",
            "--format",
            "megatron",
            "--json");
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(30, Inputs.JSON.readTree((String) r[1]).get("fim_documents").asLong());
    assertTrue(Files.exists(tmp.resolve("a/tokens.idx")));
    r =
        ScheduleCommandTest.run(
            "pack",
            "--tokenizer",
            tokenizer(tmp, false).toString(),
            "--seq-len",
            "8",
            "--input",
            tmp.resolve("code.jsonl").toString(),
            "--output",
            tmp.resolve("b").toString(),
            "--fim-rate",
            "0.5");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("<fim_prefix>"), (String) r[2]);
    assertTrue(!Files.exists(tmp.resolve("b/manifest.json")));
  }

  @Test
  void badInputIsNamed() throws Exception {
    corpus(tmp.resolve("d.jsonl"), "d", 3, 4);
    Path bad = tmp.resolve("broken.json");
    Files.writeString(bad, "{\"model\": {");
    Object[] r =
        ScheduleCommandTest.run(
            "pack",
            "--tokenizer",
            bad.toString(),
            "--seq-len",
            "8",
            "--input",
            tmp.resolve("d.jsonl").toString(),
            "--output",
            tmp.resolve("o").toString());
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains(bad.toString()), (String) r[2]);
    r =
        ScheduleCommandTest.run(
            "pack",
            "--tokenizer",
            tokenizer(tmp, true).toString(),
            "--seq-len",
            "1",
            "--input",
            tmp.resolve("d.jsonl").toString(),
            "--output",
            tmp.resolve("o").toString());
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("--seq-len"), (String) r[2]);
  }

  @Test
  void aFolderOfPartsIsReadInNameOrderAndRejectsAreListed() throws Exception {
    Path tok = tokenizer(tmp, true);
    Path parts = tmp.resolve("curated");
    Files.createDirectories(parts.resolve("_state"));
    corpus(parts.resolve("part-00001.jsonl"), "b", 5, 2);
    corpus(parts.resolve("part-00000.jsonl"), "a", 5, 1);
    Files.writeString(parts.resolve("stats.json"), "{}");
    Files.writeString(
        parts.resolve("part-00002.jsonl"), "{\"id\": \"x\", \"text\": \"cut off\n{\"text\": 7}\n");
    Path out = tmp.resolve("packed");
    Object[] r =
        ScheduleCommandTest.run(
            "pack",
            "--tokenizer",
            tok.toString(),
            "--seq-len",
            "4",
            "--input",
            parts.toString(),
            "--output",
            out.toString(),
            "--json");
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(10, Inputs.JSON.readTree((String) r[1]).get("documents").asLong());
    List<String> rejects = Files.readAllLines(tmp.resolve("packed.rejects.jsonl"));
    assertEquals(2, rejects.size(), rejects.toString());
    JsonNode first = Inputs.JSON.readTree(rejects.get(0));
    assertEquals("malformed-json", first.get("reason").asText());
    assertEquals(1, first.get("line").asLong());
    assertTrue(first.get("file").asText().endsWith("part-00002.jsonl"), first.toString());
  }

  @Test
  void theTextAndIdFieldsAreNamedByOption() throws Exception {
    Path tok = tokenizer(tmp, true);
    corpus(tmp.resolve("code.jsonl"), "code", 40, 2);
    // The same documents as The Stack spells them: text in content, the id nested.
    StringBuilder stack = new StringBuilder();
    for (String line : Files.readAllLines(tmp.resolve("code.jsonl"))) {
      JsonNode n = Inputs.JSON.readTree(line);
      ObjectNode o = Inputs.JSON.createObjectNode();
      o.put("content", n.get("text").asText());
      o.putObject("meta").put("sha", n.get("id").asText());
      stack.append(o).append('\n');
    }
    Files.writeString(tmp.resolve("stack.jsonl"), stack.toString());
    String[] base = {
      "pack",
      "--tokenizer",
      tok.toString(),
      "--seq-len",
      "16",
      "--eos",
      "</s>",
      "--json",
      "--fim-rate",
      "0.5"
    };
    Object[] text =
        run(
            base,
            "--input",
            tmp.resolve("code.jsonl").toString(),
            "--output",
            tmp.resolve("a").toString());
    assertEquals(0, text[0], (String) text[2]);
    Object[] content =
        run(
            base,
            "--input",
            tmp.resolve("stack.jsonl").toString(),
            "--output",
            tmp.resolve("b").toString(),
            "--text-field",
            "content",
            "--id-field",
            "meta.sha");
    assertEquals(0, content[0], (String) content[2]);
    JsonNode a = Inputs.JSON.readTree((String) text[1]);
    JsonNode b = Inputs.JSON.readTree((String) content[1]);
    assertEquals(40, b.get("documents").asLong());
    // Same texts and same ids: the same FIM draws, so the same tokens.
    assertEquals(a.get("tokens").asLong(), b.get("tokens").asLong());
    assertEquals(a.get("fim_documents").asLong(), b.get("fim_documents").asLong());
    assertTrue(b.get("fim_documents").asLong() > 0, b.toString());
    Object[] bad =
        run(
            base,
            "--input",
            tmp.resolve("stack.jsonl").toString(),
            "--output",
            tmp.resolve("c").toString(),
            "--text-field",
            "content.");
    assertEquals(2, bad[0]);
    assertTrue(
        ((String) bad[2]).contains("--text-field must be a dot-separated field path"),
        (String) bad[2]);
  }

  private static Object[] run(String[] base, String... more) {
    List<String> args = new ArrayList<>(List.of(base));
    args.addAll(List.of(more));
    return ScheduleCommandTest.run(args.toArray(String[]::new));
  }
}
