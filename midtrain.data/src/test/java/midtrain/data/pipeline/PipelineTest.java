package midtrain.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.decon.Benchmark;
import midtrain.data.decon.BenchmarkIndex;
import midtrain.data.decon.BenchmarkItem;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.Decontaminator;
import midtrain.data.dedup.Dedup;
import midtrain.data.rate.Rater;
import midtrain.data.select.Quantile;
import midtrain.data.select.Sampler;
import midtrain.data.select.Selection;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Scores word count; passes documents of at least 3 words. Can be told to fail on a word. */
  static final class Words implements Rater {
    static volatile String failOn = null;

    @Override
    public String id() {
      return "words";
    }

    @Override
    public List<String> outputs() {
      return List.of("count", "pass");
    }

    @Override
    public void rate(VectorSchemaRoot batch, float[][] scores) {
      VarCharVector t = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
      for (int i = 0; i < batch.getRowCount(); i++) {
        String s = DocumentBatch.string(t, i);
        if (failOn != null && s.contains(failOn)) {
          throw new IllegalStateException("simulated crash on " + failOn);
        }
        int n = s.isBlank() ? 0 : s.trim().split("\\s+").length;
        scores[0][i] = n;
        scores[1][i] = n >= 3 ? 1 : 0;
      }
    }

    @Override
    public String verdict(float[] row) {
      return row[1] == 1 ? "" : "too_few_words";
    }
  }

  static Path jsonl(Path dir, String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  static String doc(String id, String text, String domain) throws IOException {
    return JSON.writeValueAsString(Map.of("id", id, "text", text, "domain", domain));
  }

  static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  static String listing(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.map(Path::toString).collect(java.util.stream.Collectors.joining("\n"));
    }
  }

  static List<Path> corpus(Path dir) throws IOException {
    Path a =
        jsonl(
            dir,
            "a.jsonl",
            List.of(
                doc("a1", "the quick brown fox", "web"),
                doc("a2", "too short", "web"),
                "{not json",
                doc("a3", "The quick, brown FOX!", "web"),
                doc("a4", "two plus two is four", "math")));
    Path b =
        jsonl(
            dir,
            "b.jsonl",
            List.of(
                doc("b1", "the quick brown fox", "web"),
                doc("b2", "a fresh document about rivers", "web"),
                doc("b3", "one more fresh web page here", "web")));
    return List.of(a, b);
  }

  static Pipeline.Builder standard(List<Path> in, Path out) {
    Rater words = new Words();
    return Pipeline.builder()
        .inputs(in)
        .rate(words)
        .filterPassing(words)
        .filter("not-rivers", Selection.parse("words.count < 5 or domain != web"))
        .dedup("exact", Dedup.exact())
        .outputDir(out, ".jsonl")
        .keepRemoved(true)
        .batchSize(2)
        .threads(2);
  }

  @Test
  void everyRecordIsWrittenRejectedOrRemovedWithAReason(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    Path out = dir.resolve("out");
    PipelineResult r = standard(corpus(dir), out).build().run();
    assertEquals(8, r.records());
    assertEquals(Map.of("malformed-json", 1L), r.rejected());
    assertTrue(r.balanced(), r.account());
    List<JsonNode> a = read(out.resolve("part-00000.jsonl"));
    List<JsonNode> b = read(out.resolve("part-00001.jsonl"));
    List<String> ids = new ArrayList<>();
    a.forEach(n -> ids.add(n.get("id").asText()));
    b.forEach(n -> ids.add(n.get("id").asText()));
    // a2 is short, a3 and b1 repeat a1 after normalization, b2/b3 are long web pages.
    assertEquals(List.of("a1", "a4"), ids);
    assertEquals(4f, a.get(0).get("score.words.count").floatValue());
    assertTrue(a.get(0).get("lineage").toString().contains("exact"), a.get(0).toString());
    StageStats pass = r.stages().get(1);
    assertEquals(Map.of("too_few_words", 1L), pass.removed());
    assertEquals(Map.of("not-rivers", 2L), r.stages().get(2).removed());
    assertEquals(Map.of("exact-duplicate", 2L), r.stages().get(3).removed());
    // Removed documents are kept with the stage and reason in their lineage.
    List<JsonNode> removed = read(out.resolve("_removed").resolve("part-00000.jsonl"));
    assertTrue(
        removed.stream().anyMatch(n -> n.get("lineage").toString().contains("too_few_words")),
        removed.toString());
    List<JsonNode> rejects = read(out.resolve("_rejects").resolve("part-00000.jsonl"));
    assertEquals(1, rejects.size());
    assertEquals(3, rejects.get(0).get("line").asLong());
    assertTrue(rejects.get(0).get("file").asText().endsWith("a.jsonl"));
    midtrain.data.io.ShardManifest m = midtrain.data.io.ShardManifest.verify(out);
    assertEquals(2, m.shards().size());
    assertEquals(2, m.documents());
    JsonNode stats = JSON.readTree(out.resolve("stats.json").toFile());
    assertEquals(8, stats.get("records").asLong());
  }

  @Test
  void aDocumentKeepsTheLineageItCameWithAndGainsThisRunsStages(@TempDir Path dir)
      throws IOException {
    Words.failOn = null;
    Path in =
        jsonl(
            dir,
            "synth.jsonl",
            List.of(
                "{\"id\":\"s1\",\"text\":\"a rewritten page about foxes\",\"domain\":\"web\","
                    + "\"lineage\":[\"synthesized: rewrite from a1\"]}",
                "{\"id\":\"s2\",\"text\":\"too short\",\"domain\":\"web\","
                    + "\"lineage\":[\"synthesized: qa from a2\"]}",
                doc("plain", "a page with no lineage yet", "web")));
    Path out = dir.resolve("out");
    Rater words = new Words();
    Pipeline.builder()
        .inputs(List.of(in))
        .rate(words)
        .filterPassing(words)
        .outputDir(out, ".jsonl")
        .keepRemoved(true)
        .threads(1)
        .build()
        .run();
    List<JsonNode> kept = read(out.resolve("part-00000.jsonl"));
    assertEquals(
        "[\"synthesized: rewrite from a1\",\"rate:words\",\"pass:words\"]",
        kept.get(0).get("lineage").toString());
    assertEquals("[\"rate:words\",\"pass:words\"]", kept.get(1).get("lineage").toString());
    JsonNode removed = read(out.resolve("_removed").resolve("part-00000.jsonl")).get(0);
    assertEquals(
        "[\"synthesized: qa from a2\",\"rate:words\",\"pass:words: removed: too_few_words\"]",
        removed.get("lineage").toString());
  }

  @Test
  void sameNamedInputsInTwoFoldersGetDistinctDefaultIds(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = new ArrayList<>();
    for (String folder : new String[] {"a", "b"}) {
      Files.createDirectories(dir.resolve(folder));
      in.add(
          jsonl(
              dir.resolve(folder),
              "part-0.jsonl",
              List.of(
                  "{\"text\":\"first page of " + folder + " here\"}",
                  "{\"text\":\"second page of " + folder + " here\"}")));
    }
    in.add(jsonl(dir, "solo.jsonl", List.of("{\"text\":\"a lone page here\"}")));
    Path out = dir.resolve("out");
    PipelineResult r =
        Pipeline.builder().inputs(in).outputDir(out, ".jsonl").threads(1).build().run();
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      read(out.resolve(String.format("part-%05d.jsonl", k)))
          .forEach(n -> ids.add(n.get("id").asText()));
    }
    // Only the inputs that share a file name are told apart; solo.jsonl keeps its ids.
    assertEquals(
        List.of(
            "a/part-0.jsonl:1",
            "a/part-0.jsonl:2",
            "b/part-0.jsonl:1",
            "b/part-0.jsonl:2",
            "solo.jsonl:1"),
        ids);
    assertEquals(5, r.idsChecked());
    assertEquals(0, r.duplicateIds());
  }

  @Test
  void repeatedIdsAreCountedWithAnExampleAlsoAfterAResume(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in =
        List.of(
            jsonl(
                dir,
                "x.jsonl",
                List.of(doc("u1", "one two three", "web"), doc("u2", "four five six", "web"))),
            jsonl(
                dir,
                "y.jsonl",
                List.of(
                    doc("u3", "seven eight nine", "web"), doc("u2", "ten eleven twelve", "web"))),
            jsonl(
                dir,
                "z.jsonl",
                List.of(
                    doc("u1", "thirteen fourteen fifteen", "web"),
                    doc("u1", "sixteen seventeen", "web"))));
    Path out = dir.resolve("out");
    PipelineResult r =
        Pipeline.builder().inputs(in).outputDir(out, ".jsonl").threads(1).build().run();
    assertEquals(6, r.idsChecked());
    assertEquals(3, r.duplicateIds());
    assertEquals("u2", r.duplicateIdExample());
    JsonNode stats = JSON.readTree(out.resolve("stats.json").toFile());
    assertEquals(3, stats.get("duplicateIds").asLong());
    // A run resuming after the first shard counts as the uninterrupted one did: the done shard's
    // id hashes are reloaded.
    Files.delete(out.resolve("_state").resolve("part-00001.done.json"));
    Files.delete(out.resolve("_state").resolve("part-00002.done.json"));
    PipelineResult again =
        Pipeline.builder().inputs(in).outputDir(out, ".jsonl").threads(1).build().run();
    assertEquals(1, again.shardsSkipped());
    assertEquals(r.idsChecked(), again.idsChecked());
    assertEquals(r.duplicateIds(), again.duplicateIds());
    assertEquals(r.duplicateIdExample(), again.duplicateIdExample());
    // Off, nothing is counted.
    PipelineResult off =
        Pipeline.builder()
            .inputs(in)
            .outputDir(dir.resolve("off"), ".jsonl")
            .checkIds(false)
            .build()
            .run();
    assertEquals(0, off.idsChecked());
    assertEquals(0, off.duplicateIds());
  }

  static List<Path> bigCorpus(Path dir, int files, int docs) throws IOException {
    SplittableRandom rnd = new SplittableRandom(9);
    List<Path> in = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      List<String> lines = new ArrayList<>();
      for (int d = 0; d < docs; d++) {
        int words = rnd.nextInt(1, 8);
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
          sb.append(w == 0 ? "" : " ").append("w").append(rnd.nextInt(6));
        }
        lines.add(doc("f" + f + "-" + d, sb.toString(), rnd.nextBoolean() ? "web" : "math"));
      }
      in.add(jsonl(dir, "in-" + f + ".jsonl", lines));
    }
    return in;
  }

  static byte[] concat(Path out, int files) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (int f = 0; f < files; f++) {
      all.write(Files.readAllBytes(out.resolve(String.format("part-%05d.jsonl", f))));
    }
    return all.toByteArray();
  }

  @Test
  void outputIsByteIdenticalWhateverTheThreadsAndBatchSize(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = bigCorpus(dir, 3, 400);
    standard(in, dir.resolve("one")).threads(1).batchSize(1000).build().run();
    PipelineResult r = standard(in, dir.resolve("two")).threads(2).batchSize(7).build().run();
    assertTrue(r.balanced(), r.account());
    assertTrue(r.written() > 50, "written " + r.written());
    assertArrayEquals(concat(dir.resolve("one"), 3), concat(dir.resolve("two"), 3));
  }

  @Test
  void aKilledRunResumesWithoutLosingOrRepeatingDocuments(@TempDir Path dir) throws IOException {
    List<Path> in = bigCorpus(dir, 3, 300);
    // A document of the last shard makes the run fail there, after two shards are complete.
    List<String> last = new ArrayList<>(Files.readAllLines(in.get(2)));
    last.add(150, doc("crash", "boom boom boom boom", "web"));
    Files.write(in.get(2), last);
    Words.failOn = null;
    Path clean = dir.resolve("clean");
    PipelineResult whole = standard(in, clean).build().run();
    Path out = dir.resolve("resumed");
    Words.failOn = "boom";
    try {
      IllegalStateException crash =
          assertThrows(IllegalStateException.class, () -> standard(in, out).build().run());
      assertTrue(crash.getMessage().contains("simulated crash"), crash.getMessage());
    } finally {
      Words.failOn = null;
    }
    assertTrue(Files.exists(out.resolve("part-00001.jsonl")));
    assertFalse(Files.exists(out.resolve("part-00002.jsonl")), listing(out));
    PipelineResult resumed = standard(in, out).build().run();
    assertEquals(2, resumed.shardsSkipped());
    assertArrayEquals(concat(clean, 3), concat(out, 3));
    assertEquals(whole.written(), resumed.written());
    assertEquals(whole.stages(), resumed.stages());
    assertTrue(resumed.balanced(), resumed.account());
    // Negative control: without the reloaded dedup keys the last shard would keep documents that
    // repeat earlier shards, so the outputs would differ.
    Path fresh = dir.resolve("fresh");
    standard(List.of(in.get(2)), fresh).build().run();
    assertFalse(
        java.util.Arrays.equals(
            Files.readAllBytes(fresh.resolve("part-00000.jsonl")),
            Files.readAllBytes(clean.resolve("part-00002.jsonl"))));
  }

  @Test
  void aResumeWithOtherStagesIsRefused(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path out = dir.resolve("out");
    standard(in, out).build().run();
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                Pipeline.builder()
                    .inputs(in)
                    .dedup("exact", Dedup.exact())
                    .outputDir(out, ".jsonl")
                    .build()
                    .run());
    assertTrue(e.getMessage().contains("other inputs or stages"), e.getMessage());
    // One line: the first difference and what to do.
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(
        e.getMessage().contains("earlier: 'stage rate [words=")
            && e.getMessage().contains(", now: 'stage dedup exact"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("remove the folder to start this one over"), e.getMessage());
    // Fewer inputs: the difference is their number, not two unrelated lines.
    DataException fewer =
        assertThrows(DataException.class, () -> standard(in.subList(0, 1), out).build().run());
    assertTrue(fewer.getMessage().contains(" inputs, now: 1 input)"), fewer.getMessage());
    // Its shards without the record of their run (the folder's _state removed by hand): the new
    // run would leave the shards it does not write beside its own.
    deleteTree(out.resolve("_state"));
    DataException stale =
        assertThrows(
            DataException.class,
            () ->
                Pipeline.builder()
                    .inputs(in.subList(0, 1))
                    .dedup("exact", Dedup.exact())
                    .outputDir(out, ".jsonl")
                    .build()
                    .run());
    assertTrue(
        stale.getMessage().contains("holds part-00000.jsonl of an earlier run"),
        stale.getMessage());
    // Parameters count too: the same stages with another MinHash band count, or a rater with
    // another threshold, are another configuration.
    Path near = dir.resolve("near");
    Pipeline.builder()
        .inputs(in)
        .dedup("d", Dedup.minHash(5, 4, 2, 1))
        .outputDir(near, ".jsonl")
        .build()
        .run();
    assertThrows(
        DataException.class,
        () ->
            Pipeline.builder()
                .inputs(in)
                .dedup("d", Dedup.minHash(5, 8, 2, 1))
                .outputDir(near, ".jsonl")
                .build()
                .run());
    Path rated = dir.resolve("rated");
    Pipeline.builder()
        .inputs(in)
        .rate(midtrain.data.rate.Raters.create("gopher-quality", Map.of("min_doc_words", "50")))
        .outputDir(rated, ".jsonl")
        .build()
        .run();
    assertThrows(
        DataException.class,
        () ->
            Pipeline.builder()
                .inputs(in)
                .rate(
                    midtrain.data.rate.Raters.create(
                        "gopher-quality", Map.of("min_doc_words", "120")))
                .outputDir(rated, ".jsonl")
                .build()
                .run());
    // An input edited in place (same size) is noticed by its modification time.
    Files.setLastModifiedTime(
        in.get(0),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    assertThrows(DataException.class, () -> standard(in, out).build().run());
  }

  @Test
  void quantileAndSamplingAreAccountedFor(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = bigCorpus(dir, 2, 200);
    Path out = dir.resolve("out");
    PipelineResult r =
        Pipeline.builder()
            .inputs(in)
            .rate(new Words())
            .quantile("top", new Quantile("words.count", 0.5, true))
            .sample("balance", Sampler.byDomain(Map.of("math", 2.0, "web", 0.5), 1, 3))
            .outputDir(out, ".jsonl")
            .batchSize(16)
            .build()
            .run();
    assertTrue(r.balanced(), r.account());
    assertTrue(r.copiesAdded() > 0);
    double t = r.thresholds().get("top");
    long kept = r.stages().get(1).docsOut();
    assertTrue(kept >= 200 && kept < 300, "kept " + kept + " at threshold " + t);
    List<JsonNode> docs = read(out.resolve("part-00000.jsonl"));
    assertTrue(docs.stream().anyMatch(n -> n.get("id").asText().endsWith("#1")));
    for (JsonNode n : docs) {
      assertTrue(n.get("score.words.count").floatValue() >= t);
    }
  }

  @Test
  void flaggedOverlapsAreSelectedOnByALaterFilter(@TempDir Path dir) throws IOException {
    String item =
        "Which planet in the solar system has the largest number of confirmed moons orbiting it"
            + " according to the most recent survey";
    BenchmarkIndex index =
        BenchmarkIndex.builder()
            .add(new Benchmark("qa", "", List.of(new BenchmarkItem("q1", false, List.of(item)))))
            .build();
    String[] vocab = {"river", "stone", "cloud", "field", "lamp", "paper", "green", "quiet"};
    SplittableRandom r = new SplittableRandom(4);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      StringBuilder t = new StringBuilder();
      for (int w = 0; w < 30 + r.nextInt(30); w++) {
        t.append(vocab[r.nextInt(vocab.length)]).append(' ');
      }
      if (i % 8 == 3) {
        t.append(item).append(' ').append("and more words after it");
      }
      lines.add(doc("d" + i, t.toString().trim(), "web"));
    }
    List<Path> in = List.of(jsonl(dir, "in.jsonl", lines));
    Path out = dir.resolve("out");
    PipelineResult res =
        Pipeline.builder()
            .inputs(in)
            .decontaminate("qa", Decontaminator.builder(index).mode(DeconMode.FLAG).build())
            .filter("clean", Selection.parse("decon.overlap_fraction < 0.01"))
            .outputDir(out, ".jsonl")
            .batchSize(7)
            .threads(2)
            .build()
            .run();
    assertTrue(res.balanced(), res.account());
    List<JsonNode> docs = read(out.resolve("part-00000.jsonl"));
    assertEquals(35, docs.size());
    for (JsonNode n : docs) {
      assertFalse(n.get(Decontaminator.COL_CONTAMINATED).asBoolean(), n.toString());
      assertEquals(0.0, n.get(Decontaminator.COL_FRACTION).asDouble(), n.toString());
      assertTrue(n.get(Decontaminator.COL_NGRAMS).asInt() > 0, n.toString());
    }
    JsonNode report = JSON.readTree(out.resolve("decontamination-qa.json").toFile());
    assertEquals(5, report.get("benchmarks").get(0).get("documents_affected").asInt());
    // Janitor mode cuts documents into pieces, which the pipeline's accounting cannot express.
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                Pipeline.builder()
                    .inputs(in)
                    .decontaminate(
                        "qa", Decontaminator.builder(index).mode(DeconMode.JANITOR).build()));
    assertTrue(e.getMessage().contains("janitor"), e.getMessage());
  }

  /**
   * A decontamination stage's report leaves out rejected records: the readers' rejects never reach
   * a stage, so its report said "rejected": 0 beside the pipeline's 1; the pipeline counts them.
   */
  @Test
  void aDeconStageReportDoesNotClaimTheReadersRejects(@TempDir Path dir) throws IOException {
    List<Path> in = corpus(dir);
    BenchmarkIndex index =
        BenchmarkIndex.builder()
            .n(3)
            .add(
                new Benchmark(
                    "qa", "", List.of(new BenchmarkItem("q1", false, List.of("quick brown fox")))))
            .build();
    Path out = dir.resolve("out");
    PipelineResult res =
        Pipeline.builder()
            .inputs(in)
            .decontaminate("qa", Decontaminator.builder(index).mode(DeconMode.REPORT).build())
            .outputDir(out, ".jsonl")
            .build()
            .run();
    assertEquals(Map.of("malformed-json", 1L), res.rejected());
    JsonNode summary =
        JSON.readTree(out.resolve("decontamination-qa.json").toFile()).get("summary");
    assertEquals(7, summary.get("documents").asInt(), summary.toString());
    assertEquals(3, summary.get("contaminated").asInt(), summary.toString());
    assertFalse(summary.has("rejected"), summary.toString());
    assertFalse(summary.has("rejections"), summary.toString());
  }

  @Test
  void anIdCheckThatCannotFitIsRefusedNamingHowToTurnItOff(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path out = dir.resolve("out");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                Pipeline.builder()
                    .inputs(in)
                    .expectedDocuments(50_000_000_000L)
                    .outputDir(out, ".jsonl")
                    .build()
                    .run());
    assertTrue(e.getMessage().contains("pipeline id check"), e.getMessage());
    assertTrue(e.getMessage().contains("check_ids: false"), e.getMessage());
    assertFalse(Files.exists(out.resolve("part-00000.jsonl")));
    // Without the check, the same run has nothing to hold per document, and runs.
    PipelineResult r =
        Pipeline.builder()
            .inputs(in)
            .expectedDocuments(50_000_000_000L)
            .checkIds(false)
            .outputDir(out, ".jsonl")
            .build()
            .run();
    assertTrue(r.balanced(), r.account());
  }

  @Test
  void dedupThatCannotFitIsRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
    List<Path> in = corpus(dir);
    Path out = dir.resolve("out");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                Pipeline.builder()
                    .inputs(in)
                    .dedup("near", Dedup.minHash(5, 64, 4, 0))
                    .expectedDocuments(50_000_000_000L)
                    .outputDir(out, ".jsonl")
                    .build()
                    .run());
    assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
    assertFalse(Files.exists(out.resolve("part-00000.jsonl")));
  }

  @Test
  void aRunThatFailsBeforeItsFirstCommitLeavesTheFolderFree(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path out = dir.resolve("out");
    // Refused for memory: the corrected run (fewer bands) must not be refused as another run.
    assertThrows(
        DataException.class,
        () ->
            Pipeline.builder()
                .inputs(in)
                .dedup("near", Dedup.minHash(5, 64, 4, 0))
                .expectedDocuments(50_000_000_000L)
                .outputDir(out, ".jsonl")
                .build()
                .run());
    Pipeline.builder()
        .inputs(in)
        .dedup("near", Dedup.minHash(5, 4, 2, 0))
        .outputDir(out, ".jsonl")
        .build()
        .run();
    assertTrue(Files.exists(out.resolve("manifest.json")));
    // A stage failing in the first shard commits nothing either.
    Path crashed = dir.resolve("crashed");
    Words.failOn = "quick";
    try {
      assertThrows(IllegalStateException.class, () -> standard(in, crashed).build().run());
    } finally {
      Words.failOn = null;
    }
    PipelineResult r =
        Pipeline.builder()
            .inputs(in)
            .dedup("exact", Dedup.exact())
            .outputDir(crashed, ".jsonl")
            .build()
            .run();
    assertTrue(r.balanced(), r.account());
    assertEquals(0, r.shardsSkipped());
    // Once a shard is committed, the folder is held again.
    assertThrows(DataException.class, () -> standard(in, crashed).build().run());
    // A run file left by an earlier version's failed run, with no work beside it, is replaced.
    Path stale = dir.resolve("stale");
    Files.createDirectories(stale.resolve("_state"));
    Files.writeString(stale.resolve("_state/run.txt"), "stage filter q: c4.pass == 1\n");
    assertTrue(standard(in, stale).build().run().balanced());
    assertEquals(2, standard(in, stale).build().run().shardsSkipped());
  }

  @Test
  void aStageReadingAColumnNothingProvidesFailsAtBuild(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path out = dir.resolve("out");
    java.util.function.Function<Pipeline.Builder, String> refused =
        b -> {
          DataException e =
              assertThrows(DataException.class, () -> b.outputDir(out, ".jsonl").build());
          assertFalse(e.getMessage().contains("\n"), e.getMessage());
          return e.getMessage();
        };
    String filter =
        refused.apply(
            Pipeline.builder().inputs(in).filter("q", Selection.parse("words.pass == 1")));
    assertTrue(
        filter.startsWith("filter 'q' reads column 'score.words.pass'")
            && filter.contains(in.get(0).toString()),
        filter);
    String quantile =
        refused.apply(
            Pipeline.builder().inputs(in).quantile("top", new Quantile("words.count", 0.5, true)));
    assertTrue(quantile.startsWith("quantile 'top' reads column 'score.words.count'"), quantile);
    String passing = refused.apply(Pipeline.builder().inputs(in).filterPassing(new Words()));
    assertTrue(passing.startsWith("keep_passing 'words' reads column"), passing);
    // A rate stage after the filter does not count.
    refused.apply(
        Pipeline.builder()
            .inputs(in)
            .filter("q", Selection.parse("words.pass == 1"))
            .rate(new Words()));
    assertFalse(Files.exists(out), listing(dir));
    // Rated inputs carry the columns; an empty input lacks none; an unrated one is named.
    Path rated = dir.resolve("rated.jsonl");
    Pipeline.builder().inputs(in).rate(new Words()).outputFile(rated).build().run();
    Path empty = jsonl(dir, "empty.jsonl", List.of());
    Pipeline.builder()
        .inputs(List.of(rated, empty))
        .filter("q", Selection.parse("words.pass == 1"))
        .outputDir(out, ".jsonl")
        .build();
    String mixed =
        refused.apply(
            Pipeline.builder()
                .inputs(List.of(rated, in.get(1)))
                .filter("q", Selection.parse("words.pass == 1")));
    assertTrue(mixed.contains("input " + in.get(1) + " does not carry"), mixed);
  }

  @Test
  void anOutputThatIsAnInputIsRefused(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    byte[] before = Files.readAllBytes(in.get(0));
    DataException file =
        assertThrows(
            DataException.class,
            () -> Pipeline.builder().inputs(in).rate(new Words()).outputFile(in.get(0)).build());
    assertTrue(file.getMessage().contains("both an input and the output"), file.getMessage());
    assertArrayEquals(before, Files.readAllBytes(in.get(0)));
    // A curate output folder read back into itself; other files beside it are fine.
    Path out = dir.resolve("out");
    standard(in, out).build().run();
    List<Path> again = List.of(in.get(0), out.resolve("part-00001.jsonl"));
    DataException folder =
        assertThrows(
            DataException.class,
            () -> Pipeline.builder().inputs(again).outputDir(out, ".jsonl").build());
    assertTrue(folder.getMessage().contains("a file of the output folder"), folder.getMessage());
    // The output file's own rejects, taken in by a glob: counted again on every run before.
    Path single = dir.resolve("all.jsonl");
    Path rejects = dir.resolve("all.jsonl.rejects.jsonl");
    Files.writeString(rejects, "{\"file\": \"x\", \"line\": 1}\n");
    List<Path> withRejects = new java.util.ArrayList<>(in);
    withRejects.add(rejects);
    DataException own =
        assertThrows(
            DataException.class,
            () -> Pipeline.builder().inputs(withRejects).outputFile(single).build());
    assertTrue(own.getMessage().contains("the output's rejects file"), own.getMessage());
    Pipeline.builder().inputs(in).outputDir(dir, ".jsonl").build();
  }

  @Test
  void anOutputFileHasItsRejectsWrittenBesideIt(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path file = dir.resolve("all.jsonl");
    PipelineResult r = Pipeline.builder().inputs(in).outputFile(file).build().run();
    assertEquals(Map.of("malformed-json", 1L), r.rejected());
    // As Builder.outputFile says: listed in <file>.rejects.jsonl, not only counted.
    List<JsonNode> rejects = read(dir.resolve("all.jsonl.rejects.jsonl"));
    assertEquals(1, rejects.size(), rejects.toString());
    assertEquals(3, rejects.get(0).get("line").asLong());
    assertEquals("malformed-json", rejects.get(0).get("reason").asText());
    assertTrue(rejects.get(0).get("file").asText().endsWith("a.jsonl"), rejects.toString());
    assertEquals(7, read(file).size());
  }

  @Test
  void anOutputFileAndAnOutputFolderTogetherAreRefused(@TempDir Path dir) throws IOException {
    List<Path> in = corpus(dir);
    Path file = dir.resolve("all.jsonl");
    Path folder = dir.resolve("out");
    // The last one set won without a word, where a config giving both is refused.
    DataException dirAfterFile =
        assertThrows(
            DataException.class,
            () -> Pipeline.builder().inputs(in).outputFile(file).outputDir(folder, ".jsonl"));
    assertEquals(
        "pipeline output set twice, outputFile("
            + file
            + ") and then outputDir("
            + folder
            + "); a pipeline writes one file or one folder: set only one",
        dirAfterFile.getMessage());
    DataException fileAfterDir =
        assertThrows(
            DataException.class,
            () ->
                Pipeline.builder()
                    .inputs(in)
                    .outputDir(folder, ".jsonl")
                    .outputFile(file, "jsonl"));
    assertTrue(
        fileAfterDir
            .getMessage()
            .startsWith(
                "pipeline output set twice, outputDir(" + folder + ") and then outputFile(" + file),
        fileAfterDir.getMessage());
    // One kind set again is a change of mind: the last one is used.
    Pipeline.builder()
        .inputs(in)
        .outputFile(dir.resolve("first.jsonl"))
        .outputFile(file)
        .build()
        .run();
    assertTrue(Files.exists(file));
    assertFalse(Files.exists(dir.resolve("first.jsonl")));
  }

  /**
   * A second run of one pipeline while the first runs is refused: unguarded, both wrote the same
   * shards and state files. The first run is held at its first progress report, so the second call
   * comes while it runs, with no timing involved.
   */
  @Test
  void aSecondRunWhileTheFirstRunsIsRefused(@TempDir Path dir) throws Exception {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path out = dir.resolve("out");
    java.util.concurrent.CountDownLatch inFirstRun = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean held =
        new java.util.concurrent.atomic.AtomicBoolean();
    Pipeline p =
        standard(in, out)
            .listener(
                (documents, bytes, totalBytes) -> {
                  if (held.compareAndSet(false, true)) {
                    inFirstRun.countDown();
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                })
            .build();
    java.util.concurrent.ExecutorService other =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<PipelineResult> first = other.submit(p::run);
      assertTrue(
          inFirstRun.await(2, java.util.concurrent.TimeUnit.MINUTES),
          "the first run reported no progress");
      DataException second = assertThrows(DataException.class, p::run);
      assertTrue(
          second.getMessage().startsWith("this pipeline is running already, writing " + out),
          second.getMessage());
      // Another pipeline object (or process) on the same folder is refused by the folder's lock.
      DataException another = assertThrows(DataException.class, standard(in, out).build()::run);
      assertTrue(
          another.getMessage().startsWith(out + " is being written by another pipeline run"),
          another.getMessage());
      release.countDown();
      PipelineResult r = first.get(2, java.util.concurrent.TimeUnit.MINUTES);
      assertTrue(r.balanced(), r.account());
      // Once the first has returned, the pipeline runs again (skipping the finished shards).
      assertTrue(p.run().balanced());
    } finally {
      release.countDown();
      other.shutdownNow();
    }
  }

  @Test
  void aNullStageArgumentIsNamedWhereItIsGiven() {
    // They failed only at build or run, with the text of an internal NullPointerException.
    java.util.function.BiConsumer<String, org.junit.jupiter.api.function.Executable> refused =
        (message, call) ->
            assertEquals(message, assertThrows(NullPointerException.class, call).getMessage());
    refused.accept("filter 'q': selection is null", () -> Pipeline.builder().filter("q", null));
    refused.accept(
        "dedup 'exact': deduplicator is null", () -> Pipeline.builder().dedup("exact", null));
    refused.accept("sample 'mix': sampler is null", () -> Pipeline.builder().sample("mix", null));
    refused.accept(
        "quantile 'top': quantile is null", () -> Pipeline.builder().quantile("top", null));
    refused.accept(
        "decontaminate 'qa': decontaminator is null",
        () -> Pipeline.builder().decontaminate("qa", null));
    refused.accept(
        "filter: name is null",
        () -> Pipeline.builder().filter(null, Selection.parse("domain == web")));
    refused.accept("dedup: name is null", () -> Pipeline.builder().dedup(null, Dedup.exact()));
    refused.accept("filterPassing: rater is null", () -> Pipeline.builder().filterPassing(null));
    refused.accept("rate: rater 2 of 2 is null", () -> Pipeline.builder().rate(new Words(), null));
    // inputs(null) was a NullPointerException without a message, from the loop over the files.
    refused.accept("inputs: files is null", () -> Pipeline.builder().inputs(null));
    refused.accept(
        "inputs: file 2 of 2 is null",
        () -> Pipeline.builder().inputs(java.util.Arrays.asList(Path.of("a.jsonl"), null)));
    // These named only the parameter ("file"), not the setting it was given to.
    refused.accept("outputFile: file is null", () -> Pipeline.builder().outputFile(null));
    refused.accept("outputDir: dir is null", () -> Pipeline.builder().outputDir(null, ".jsonl"));
    refused.accept(
        "outputDir: fileSuffix is null", () -> Pipeline.builder().outputDir(Path.of("o"), null));
    refused.accept("readerOptions: options is null", () -> Pipeline.builder().readerOptions(null));
    refused.accept("listener: listener is null", () -> Pipeline.builder().listener(null));
  }

  @Test
  void scoresWrittenToJsonlAreSelectedOnInALaterRun(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path rated = dir.resolve("rated.jsonl.zst");
    Pipeline.builder().inputs(in).rate(new Words()).outputFile(rated).build().run();
    PipelineResult r =
        Pipeline.builder()
            .inputs(List.of(rated))
            .filter("long", Selection.parse("words.count >= 5"))
            .outputFile(dir.resolve("long.jsonl"))
            .build()
            .run();
    assertTrue(r.balanced(), r.account());
    assertEquals(7, r.records());
    assertEquals(3, read(dir.resolve("long.jsonl")).size());
  }

  @Test
  void scoresWrittenToArrowAreSelectedOnInALaterRun(@TempDir Path dir) throws IOException {
    Words.failOn = null;
    List<Path> in = corpus(dir);
    Path rated = dir.resolve("rated.arrow");
    Pipeline.builder().inputs(in).rate(new Words()).outputFile(rated).build().run();
    PipelineResult r =
        Pipeline.builder()
            .inputs(List.of(rated))
            .filter("long", Selection.parse("words.count >= 5"))
            .outputFile(dir.resolve("long.jsonl"))
            .build()
            .run();
    assertTrue(r.balanced(), r.account());
    List<JsonNode> kept = read(dir.resolve("long.jsonl"));
    assertEquals(3, kept.size(), kept.toString());
    for (JsonNode n : kept) {
      assertTrue(n.get("score.words.count").floatValue() >= 5, n.toString());
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (java.util.stream.Stream<Path> w = Files.walk(p)) {
      for (Path f : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
