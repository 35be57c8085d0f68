package midtrain.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import midtrain.data.DataException;
import midtrain.data.io.ReaderOptions;
import midtrain.data.synth.FakeOpenAi.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthesis runs end to end against a fake server: order, accounting, resume, templates. */
class SynthesisRunTest {
  static final String KEY = "sk-run-" + "77aa31";

  @TempDir Path dir;

  private Path input(int n, long seed) throws IOException {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode o = FakeOpenAi.JSON.createObjectNode();
      o.put("id", "doc" + i);
      StringBuilder t = new StringBuilder("Document " + i + " says");
      for (int w = 0, m = 3 + r.nextInt(12); w < m; w++) {
        t.append(' ').append((char) ('a' + r.nextInt(26))).append("word");
      }
      o.put("text", t.append('.').toString());
      o.put("source", "web");
      o.put("domain", i % 2 == 0 ? "science" : "history");
      o.put("lang", "en");
      o.put("url", "https://example.org/" + i);
      lines.add(FakeOpenAi.JSON.writeValueAsString(o));
    }
    Path p = dir.resolve("in-" + seed + ".jsonl");
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  private static List<JsonNode> read(Path p) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        out.add(FakeOpenAi.JSON.readTree(l));
      }
    }
    return out;
  }

  private SynthesisRun.Builder run(FakeOpenAi s, Path in, Path out, Synthesizer syn) {
    return SynthesisRun.builder()
        .inputs(List.of(in))
        .synthesizer(syn)
        .endpoint(
            EndpointConfig.builder(s.baseUrl())
                .apiKeyEnv("RUN_KEY")
                .environment(Map.of("RUN_KEY", KEY)::get)
                .concurrency(4)
                .maxRetries(2)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .build())
        .generation(GenerationSettings.builder("fake-model").seed(11).build())
        .output(out);
  }

  @Test
  void outputsFollowInputOrderWithDerivedIdsMetaAndLineage() throws Exception {
    Path in = input(40, 1);
    Random delays = new Random(3);
    long[] ms = new long[200];
    for (int k = 0; k < ms.length; k++) {
      ms[k] = delays.nextInt(40);
    }
    // Random delays make requests finish out of input order.
    try (FakeOpenAi s = new FakeOpenAi(c -> FakeOpenAi.echo(c).after(ms[c.n() % ms.length]))) {
      Path out = dir.resolve("out.jsonl");
      Synthesizer syn = Synthesizers.create("rewrite", Map.of("style", "easy"));
      SynthesisReport r = run(s, in, out, syn).build().run();
      assertEquals(40, r.inputs());
      assertEquals(40, r.synthesized());
      assertEquals(40, r.outputs());
      assertTrue(r.balanced());
      assertEquals(40, r.requests());
      assertTrue(s.maxInFlight() <= 4, "in flight " + s.maxInFlight());
      List<JsonNode> inputs = read(in);
      List<JsonNode> outs = read(out);
      assertEquals(40, outs.size());
      long promptWords = 0;
      long completionWords = 0;
      for (FakeOpenAi.Call c : s.calls()) {
        promptWords += c.prompt().split("\\s+").length;
        completionWords +=
            FakeOpenAi.echo(c).body().substring(1).split("\u0000")[1].split("\\s+").length;
      }
      assertEquals(promptWords, r.promptTokens());
      assertEquals(completionWords, r.completionTokens());
      for (int i = 0; i < 40; i++) {
        JsonNode o = outs.get(i);
        JsonNode p = inputs.get(i);
        assertEquals("doc" + i + "#rewrite-0", o.get("id").asText());
        assertEquals("REWRITTEN " + p.get("text").asText(), o.get("text").asText());
        assertEquals("web", o.get("source").asText());
        assertEquals(p.get("domain").asText(), o.get("domain").asText());
        assertEquals("en", o.get("lang").asText());
        assertEquals(p.get("url").asText(), o.get("url").asText()); // parent meta carried
        JsonNode g = o.get("synth");
        assertEquals("doc" + i, g.get("parent").asText());
        assertEquals("rewrite", g.get("synthesizer").asText());
        assertEquals("easy", g.get("settings").get("style").asText());
        assertEquals("fake-model", g.get("model").asText());
        assertEquals(syn.templateHash(), g.get("template_sha256").asText());
        assertEquals(0.7, g.get("temperature").asDouble());
        assertEquals(11, g.get("seed").asLong());
        assertTrue(g.has("request_seed"));
        assertEquals("stop", g.get("finish_reason").asText());
        assertEquals("synthesized: rewrite from doc" + i, o.get("lineage").get(0).asText());
      }
      Set<Long> seeds = new HashSet<>();
      for (FakeOpenAi.Call c : s.calls()) {
        assertEquals("Bearer " + KEY, c.authorization());
        seeds.add(c.body().get("seed").asLong());
      }
      assertEquals(40, seeds.size(), "request seeds differ per document");
    }
  }

  @Test
  void outputsContinueTheLineageTheirParentCameWithAndSameNamedInputsHaveTheirOwnIds()
      throws Exception {
    // Two inputs named alike in two folders, without ids: their default ids must differ (they
    // seed the requests and name the outputs), and a parent's lineage must not be lost.
    Path a = Files.createDirectories(dir.resolve("a")).resolve("part-0.jsonl");
    Path b = Files.createDirectories(dir.resolve("b")).resolve("part-0.jsonl");
    Files.writeString(
        a,
        "{\"text\": \"First words here.\", \"lineage\": [\"dedup\", \"quality\"]}\n",
        StandardCharsets.UTF_8);
    Files.writeString(b, "{\"text\": \"Second words here.\"}\n", StandardCharsets.UTF_8);
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      Path out = dir.resolve("lineage.jsonl");
      SynthesisReport r =
          run(s, a, out, Synthesizers.create("rewrite", Map.of("style", "easy")))
              .inputs(List.of(a, b))
              .build()
              .run();
      assertEquals(2, r.outputs());
      List<JsonNode> outs = read(out);
      String first = outs.get(0).get("synth").get("parent").asText();
      String second = outs.get(1).get("synth").get("parent").asText();
      assertEquals("a/part-0.jsonl:1", first);
      assertEquals("b/part-0.jsonl:1", second);
      assertEquals(
          List.of("dedup", "quality", "synthesized: rewrite from " + first),
          FakeOpenAi.JSON.convertValue(outs.get(0).get("lineage"), List.class));
      assertEquals(
          List.of("synthesized: rewrite from " + second),
          FakeOpenAi.JSON.convertValue(outs.get(1).get("lineage"), List.class));
    }
  }

  @Test
  void everyInputIsOutputOrRejectedWithItsReason() throws Exception {
    List<String> lines =
        List.of(
            "{\"id\":\"ok\",\"text\":\"Question time. Good.\"}",
            "{\"id\":\"blank\",\"text\":\"   \"}", // the reader refuses a blank text
            "{\"id\":\"empty-answer\",\"text\":\"EMPTY please\"}",
            "{\"id\":\"cut\",\"text\":\"CUT please\"}",
            "{\"id\":\"prose\",\"text\":\"PROSE please\"}",
            "{\"id\":\"down\",\"text\":\"DOWN please\"}",
            "not json at all",
            "{\"id\":\"two\",\"text\":\"Two answers.\"}");
    Path in = dir.resolve("mixed.jsonl");
    Files.write(in, lines, StandardCharsets.UTF_8);
    try (FakeOpenAi s =
        new FakeOpenAi(
            c -> {
              String p = c.prompt();
              if (p.contains("EMPTY")) {
                return Reply.ok("");
              } else if (p.contains("CUT")) {
                return Reply.ok("Question: cut?\nAnswer: yes, cut", "length");
              } else if (p.contains("PROSE")) {
                return Reply.ok("Here is some prose without any pairs.");
              } else if (p.contains("DOWN")) {
                return Reply.status(503, "");
              } else if (p.contains("Two answers")) {
                return Reply.ok(
                    "1. Question: one?\nAnswer: first\n2. **Question:** two?\n"
                        + "**Answer:** second\nmore of it");
              }
              return Reply.ok("Question: what time?\nAnswer: question time");
            })) {
      Path out = dir.resolve("qa.jsonl");
      Synthesizer qa = Synthesizers.create("qa", Map.of("split", "true"));
      SynthesisReport r = run(s, in, out, qa).build().run();
      assertEquals(6, r.inputs());
      assertEquals(2, r.unreadable());
      assertEquals(2, r.synthesized());
      assertEquals(3, r.outputs());
      assertEquals(
          Map.of("empty", 1L, "length", 1L, "unparseable", 1L, "http-503", 1L), r.rejected());
      assertTrue(r.balanced());
      List<JsonNode> outs = read(out);
      assertEquals(
          List.of("ok#qa-0", "two#qa-0", "two#qa-1"),
          outs.stream().map(o -> o.get("id").asText()).toList());
      assertEquals("two?", outs.get(2).get("question").asText());
      assertEquals("second\nmore of it", outs.get(2).get("answer").asText());
      Map<String, String> rejects = new TreeMap<>();
      List<String> unreadable = new ArrayList<>();
      for (JsonNode j : read(SynthesisRun.rejectsFile(out))) {
        assertFalse(j.toString().contains(KEY));
        if (j.has("file")) {
          // A record no reader could read: its file, line and reason, not lost.
          assertEquals(in.toString(), j.get("file").asText());
          unreadable.add(j.get("line").asLong() + " " + j.get("reason").asText());
          continue;
        }
        rejects.put(j.get("id").asText(), j.get("reason").asText());
      }
      assertEquals(2, unreadable.size(), unreadable.toString());
      assertTrue(unreadable.get(0).startsWith("2 "), unreadable.toString());
      assertTrue(unreadable.get(1).startsWith("7 "), unreadable.toString());
      assertFalse(Files.exists(dir.resolve("qa.jsonl.unreadable.jsonl")), "the spool is removed");
      assertEquals(
          Map.of(
              "empty-answer", "empty",
              "cut", "length",
              "prose", "unparseable",
              "down", "http-503"),
          rejects);
      // 503 retried twice: 3 requests for it, 1 for each of the other five
      assertEquals(8, r.requests());
      assertEquals(2, r.retries());

      // With length kept, the cut completion is an output that says so.
      Path kept = dir.resolve("qa-kept.jsonl");
      SynthesisReport r2 = run(s, in, kept, qa).lengthPolicy(LengthPolicy.KEEP).build().run();
      assertEquals(3, r2.synthesized());
      JsonNode cut = read(kept).get(1);
      assertEquals("cut#qa-0", cut.get("id").asText());
      assertEquals("length", cut.get("synth").get("finish_reason").asText());
    }
  }

  @Test
  void aResumeAfterACrashAsksOnlyForUnfinishedInputsAndMatchesAnUninterruptedRun()
      throws Exception {
    Path in = input(30, 2);
    Synthesizer syn = Synthesizers.create("extract", Map.of());
    Path fresh = dir.resolve("fresh.jsonl");
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      run(s, in, fresh, syn).build().run();
    }
    Path out = dir.resolve("resumed.jsonl");
    AtomicInteger served = new AtomicInteger();
    // The server "crashes" the run after 12 answers: a 401 is fatal and stops it.
    try (FakeOpenAi s =
        new FakeOpenAi(
            c -> served.incrementAndGet() <= 12 ? FakeOpenAi.echo(c) : Reply.status(401, ""))) {
      DataException e = assertThrows(DataException.class, () -> run(s, in, out, syn).build().run());
      assertFalse(e.getMessage().contains(KEY));
    }
    assertFalse(Files.exists(out), "no output before every input is finished");
    Path journal = SynthesisRun.journalFile(out);
    long finished = Files.readAllLines(journal).size() - 1;
    assertTrue(finished >= 12 - 4 && finished <= 12, "finished " + finished);
    // A kill in the middle of a write leaves half a line behind.
    Files.writeString(journal, "{\"i\":29,\"id\":\"doc2", StandardOpenOption.APPEND);
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      SynthesisReport r = run(s, in, out, syn).build().run();
      assertEquals(1, r.journalLinesDropped(), "the cut line is dropped and counted");
      assertEquals(finished, r.resumed());
      assertEquals(30 - finished, s.calls().size());
      Set<String> asked = new HashSet<>();
      for (FakeOpenAi.Call c : s.calls()) {
        asked.add(c.prompt());
      }
      assertEquals(asked.size(), s.calls().size(), "no input asked for twice");
      assertEquals(30, r.inputs());
      assertTrue(r.balanced());
    }
    assertEquals(Files.readString(fresh), Files.readString(out));
    // A finished run resumed again asks for nothing and writes the same output.
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      SynthesisReport r = run(s, in, out, syn).build().run();
      assertEquals(0, s.calls().size());
      assertEquals(30, r.resumed());
    }
    assertEquals(Files.readString(fresh), Files.readString(out));
  }

  @Test
  void httpFailuresAreAskedForAgainOnResume() throws Exception {
    Path in = input(6, 4);
    Path out = dir.resolve("retry.jsonl");
    Synthesizer syn = Synthesizers.create("rewrite", Map.of());
    try (FakeOpenAi s =
        new FakeOpenAi(
            c -> c.prompt().contains("Document 3 ") ? Reply.status(500, "") : FakeOpenAi.echo(c))) {
      SynthesisReport r = run(s, in, out, syn).build().run();
      assertEquals(Map.of("http-500", 1L), r.rejected());
      assertEquals(5, r.outputs());
    }
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      SynthesisReport r = run(s, in, out, syn).build().run();
      assertEquals(1, s.calls().size());
      assertTrue(s.calls().get(0).prompt().contains("Document 3 "));
      assertEquals(Map.of(), r.rejected());
      assertEquals(6, r.outputs());
      assertEquals("doc3#rewrite-0", read(out).get(3).get("id").asText());
    }
  }

  /** The rejects file as id to reason. */
  private static Map<String, String> rejects(Path out) throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (JsonNode r : read(SynthesisRun.rejectsFile(out))) {
      m.put(r.get("id").asText(), r.get("reason").asText());
      assertFalse(r.get("detail").asText().isEmpty(), r.toString());
    }
    return m;
  }

  @Test
  void permanentFailuresAreKeptAcrossResumesUntilFailedInputsAreAskedForAgain() throws Exception {
    Path in = input(8, 7);
    Path out = dir.resolve("permanent.jsonl");
    Synthesizer syn = Synthesizers.create("rewrite", Map.of());
    // doc2: the request is bad (400); doc5: the server is down (503); doc6: a 200 with no choices.
    try (FakeOpenAi s =
        new FakeOpenAi(
            c ->
                c.prompt().contains("Document 2 ")
                    ? Reply.status(400, "")
                    : c.prompt().contains("Document 5 ")
                        ? Reply.status(503, "0")
                        : c.prompt().contains("Document 6 ")
                            ? new Reply(200, "", "{\"choices\":[]}", 0)
                            : FakeOpenAi.echo(c))) {
      SynthesisReport r = run(s, in, out, syn).build().run();
      assertEquals(Map.of("http-400", 1L, "http-503", 1L, "bad-response", 1L), r.rejected());
      assertEquals(1, r.pending());
      assertEquals(2, r.failedPermanently());
      assertTrue(r.balanced());
      // 5 answered, doc2 and doc6 once, doc5 three times (two retries).
      assertEquals(5 + 1 + 1 + 3, s.calls().size());
    }
    assertEquals(
        Map.of("doc2", "http-400", "doc5", "http-503", "doc6", "bad-response"), rejects(out));
    // A resume asks again only for the transient failure; the permanent ones stay rejected.
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      SynthesisReport r = run(s, in, out, syn).build().run();
      assertEquals(1, s.calls().size());
      assertTrue(s.calls().get(0).prompt().contains("Document 5 "));
      assertEquals(7, r.resumed());
      assertEquals(0, r.pending());
      assertEquals(2, r.failedPermanently());
      assertEquals(6, r.synthesized());
      assertTrue(r.balanced());
    }
    assertEquals(Map.of("doc2", "http-400", "doc6", "bad-response"), rejects(out));
    // Asked for, the failed inputs are sent again, and only they.
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      SynthesisReport r = run(s, in, out, syn).retryFailed(true).build().run();
      assertEquals(2, s.calls().size());
      assertEquals(8, r.synthesized());
      assertEquals(0, r.failedPermanently());
      assertEquals(Map.of(), r.rejected());
    }
    assertEquals(Map.of(), rejects(out));
    List<JsonNode> outs = read(out);
    assertEquals(8, outs.size());
    for (int i = 0; i < 8; i++) {
      assertEquals("doc" + i + "#rewrite-0", outs.get(i).get("id").asText());
    }
  }

  @Test
  void anAuthErrorStopsTheRunAfterTheRequestsInFlight() throws Exception {
    Path in = input(200, 8);
    Path out = dir.resolve("auth.jsonl");
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.status(403, ""))) {
      DataException e =
          assertThrows(
              DataException.class,
              () -> run(s, in, out, Synthesizers.create("rewrite", Map.of())).build().run());
      assertTrue(
          e.getMessage().contains("403") && e.getMessage().contains("RUN_KEY"), e.getMessage());
      // Not one refusal per document: the requests already in flight at most (concurrency 4).
      assertTrue(s.calls().size() <= 2 * 4, "requests " + s.calls().size());
    }
    // Nothing was finished, so nothing is journalled as failed: a fixed key resumes them all.
    assertEquals(1, Files.readAllLines(SynthesisRun.journalFile(out)).size());
  }

  @Test
  void aResumeReadingOtherFieldsOrWithAnotherModelIsRefusedNamingEach() throws Exception {
    Path in = input(4, 9);
    Path out = dir.resolve("fields.jsonl");
    Synthesizer syn = Synthesizers.create("rewrite", Map.of());
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      run(s, in, out, syn).build().run();
      DataException e =
          assertThrows(
              DataException.class,
              () ->
                  run(s, in, out, syn)
                      .readerOptions(ReaderOptions.builder().textField("url").build())
                      .generation(GenerationSettings.builder("other-model").seed(11).build())
                      .build()
                      .run());
      String m = e.getMessage();
      assertTrue(m.contains("text_field = \"text\" (this run: \"url\")"), m);
      assertTrue(m.contains("model = \"fake-model\" (this run: \"other-model\")"), m);
      assertTrue(m.contains(SynthesisRun.journalFile(out).toString()), m);
      assertEquals(4, s.calls().size(), "refused before any request");
      // The token-limit field's name does not change what an entry means: a resume may switch it.
      SynthesisReport r =
          run(s, in, out, syn)
              .generation(
                  GenerationSettings.builder("fake-model")
                      .seed(11)
                      .maxTokensField(TokenLimitField.MAX_COMPLETION_TOKENS)
                      .build())
              .build()
              .run();
      assertEquals(4, r.resumed());
    }
  }

  @Test
  void aResumeWithOtherSettingsOrInputsIsRefused() throws Exception {
    Path in = input(5, 5);
    Path out = dir.resolve("strict.jsonl");
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      run(s, in, out, Synthesizers.create("rewrite", Map.of())).build().run();
      DataException e =
          assertThrows(
              DataException.class,
              () ->
                  run(s, in, out, Synthesizers.create("rewrite", Map.of("style", "qa")))
                      .build()
                      .run());
      assertTrue(e.getMessage().contains("settings"), e.getMessage());
      assertTrue(e.getMessage().contains(SynthesisRun.journalFile(out).toString()));
      Path other = input(5, 6);
      List<String> swapped = new ArrayList<>(Files.readAllLines(other));
      java.util.Collections.swap(swapped, 0, 1);
      Files.write(other, swapped);
      e =
          assertThrows(
              DataException.class,
              () -> run(s, other, out, Synthesizers.create("rewrite", Map.of())).build().run());
      assertTrue(e.getMessage().contains("inputs changed"), e.getMessage());
    }
  }

  @Test
  void anOutputOrRejectsFileThatIsAlsoAnInputIsRefusedBeforeAnyRequest() throws Exception {
    Path in = input(4, 8);
    String before = Files.readString(in);
    Synthesizer syn = Synthesizers.create("rewrite", Map.of());
    try (FakeOpenAi s = new FakeOpenAi(FakeOpenAi::echo)) {
      // Written once the inputs are read: the input's documents would be replaced by outputs.
      DataException e = assertThrows(DataException.class, () -> run(s, in, in, syn).build().run());
      assertTrue(e.getMessage().contains("also an input"), e.getMessage());
      Path out = dir.resolve("side.jsonl");
      Path rejects = SynthesisRun.rejectsFile(out);
      Files.writeString(rejects, before);
      e =
          assertThrows(
              DataException.class,
              () ->
                  SynthesisRun.builder()
                      .inputs(List.of(in, rejects))
                      .synthesizer(syn)
                      .endpoint(EndpointConfig.builder(s.baseUrl()).build())
                      .generation(GenerationSettings.builder("fake-model").build())
                      .output(out)
                      .build()
                      .run());
      assertTrue(e.getMessage().contains(rejects.toString()), e.getMessage());
      assertEquals(0, s.calls().size());
    }
    assertEquals(before, Files.readString(in));
  }

  @Test
  void aTemplateFileReplacesTheBuiltInPromptAndLongDocumentsAreChunked() throws Exception {
    Path tpl = dir.resolve("mine.txt");
    Files.writeString(tpl, "Summarise in JSON {\"k\": 1}:\n{text}\n-- end");
    StringBuilder text = new StringBuilder();
    for (int p = 0; p < 6; p++) {
      text.append("Paragraph ").append(p).append(" has {text} in it and more words here.\n\n");
    }
    Path in = dir.resolve("long.jsonl");
    ObjectNode o = FakeOpenAi.JSON.createObjectNode().put("id", "L").put("text", text.toString());
    Files.writeString(in, FakeOpenAi.JSON.writeValueAsString(o) + "\n");
    Synthesizer syn =
        Synthesizers.create(
            "extract", Map.of("template", tpl.toString(), "max-input-chars", "120"));
    assertEquals(PromptTemplate.load(tpl).hash(), syn.templateHash());
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.ok("K" + c.n()))) {
      Path out = dir.resolve("chunks.jsonl");
      SynthesisReport r = run(s, in, out, syn).build().run();
      List<FakeOpenAi.Call> calls = s.calls();
      assertEquals(3, calls.size());
      StringBuilder back = new StringBuilder();
      List<String> prompts = new ArrayList<>();
      for (FakeOpenAi.Call c : calls) {
        prompts.add(c.prompt());
      }
      for (String p : prompts) {
        assertTrue(p.startsWith("Summarise in JSON {\"k\": 1}:\n"), p);
        assertTrue(p.endsWith("\n-- end"), p);
        String chunk = p.substring(28, p.length() - 7);
        assertTrue(chunk.length() <= 120, chunk);
        back.append(chunk).append("\n\n");
      }
      assertEquals(text.toString().strip(), back.toString().strip());
      assertEquals(3, r.outputs());
      List<JsonNode> outs = read(out);
      for (int k = 0; k < 3; k++) {
        assertEquals("L#extract-" + k, outs.get(k).get("id").asText());
        assertEquals(k, outs.get(k).get("synth").get("chunk").asInt());
        assertEquals(3, outs.get(k).get("synth").get("chunks").asInt());
        assertEquals("file", outs.get(k).get("synth").get("settings").get("template").asText());
      }
    }
  }
}
