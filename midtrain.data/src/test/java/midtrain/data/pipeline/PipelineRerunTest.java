package midtrain.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.decon.Benchmark;
import midtrain.data.decon.BenchmarkIndex;
import midtrain.data.decon.BenchmarkItem;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.Decontaminator;
import midtrain.data.dedup.Dedup;
import midtrain.data.dedup.Deduplicator;
import midtrain.data.io.ShardManifest;
import midtrain.data.rate.Rater;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running one pipeline object again, and sharing a deduplicator, as a library user does. */
class PipelineRerunTest {
  private static final String ITEM =
      "which planet in the solar system has the largest number of confirmed moons orbiting it"
          + " according to the most recent survey";

  /** Scores text length; fails once, on the first document containing a marker. */
  static final class Flaky implements Rater {
    private final String failOn;
    private final AtomicBoolean armed;

    Flaky(String failOn) {
      this.failOn = failOn;
      this.armed = new AtomicBoolean(failOn != null);
    }

    @Override
    public String id() {
      return "flaky";
    }

    @Override
    public List<String> outputs() {
      return List.of("length");
    }

    @Override
    public void rate(VectorSchemaRoot batch, float[][] scores) {
      VarCharVector t = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
      for (int i = 0; i < batch.getRowCount(); i++) {
        String s = DocumentBatch.string(t, i);
        if (failOn != null && s.contains(failOn) && armed.getAndSet(false)) {
          throw new IllegalStateException("simulated failure on " + failOn);
        }
        scores[0][i] = s.length();
      }
    }
  }

  /** Writes {@code prefix0 .. prefix19}; the first {@code repeats} repeat a's texts. */
  static Path input(Path dir, String prefix, int repeats) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String text =
          i < repeats
              ? "text number a" + i + " with a few words"
              : "text number " + prefix + i + " with a few words";
      if (i % 7 == 3) {
        text += " " + ITEM;
      }
      lines.add(PipelineTest.doc(prefix + i, text, "web"));
    }
    return PipelineTest.jsonl(dir, prefix + ".jsonl", lines);
  }

  static Decontaminator decon() {
    BenchmarkIndex index =
        BenchmarkIndex.builder()
            .add(new Benchmark("qa", "", List.of(new BenchmarkItem("q1", false, List.of(ITEM)))))
            .build();
    return Decontaminator.builder(index).mode(DeconMode.REPORT).build();
  }

  static Pipeline.Builder retried(List<Path> in, Path out, Rater rater, Decontaminator decon) {
    return Pipeline.builder()
        .inputs(in)
        .rate(rater)
        .dedup("exact", Dedup.exact())
        .decontaminate("qa", decon)
        .outputDir(out, ".jsonl")
        .threads(1)
        .batchSize(5);
  }

  static List<String> ids(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    PipelineTest.read(file).forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  static void assertSameFiles(Path expected, Path actual, String... names) throws IOException {
    for (String n : names) {
      assertArrayEquals(
          Files.readAllBytes(expected.resolve(n)), Files.readAllBytes(actual.resolve(n)), n);
    }
  }

  @Test
  void runningAgainAfterAFailureFinishesAsAResumedProcessDoes(@TempDir Path dir)
      throws IOException {
    List<Path> in = List.of(input(dir, "a", 0), input(dir, "b", 0));
    Decontaminator decon = decon();
    // The rater fails on b's 16th document, after b0-b14 passed the dedup stage; the same object is
    // then run again, as an in-process retry does.
    Path same = dir.resolve("same");
    Pipeline p = retried(in, same, new Flaky("b15"), decon).build();
    assertThrows(IllegalStateException.class, p::run);
    PipelineResult again = p.run();
    assertEquals(40, again.written(), again.account());
    assertTrue(again.balanced(), again.account());
    assertEquals(1, again.shardsSkipped());
    assertEquals(Map.of(), again.stages().get(1).removed());
    assertEquals(40, ShardManifest.verify(same).documents());
    // What a new process resuming the folder does, to the byte: shards, statistics, the
    // decontamination report and the manifest.
    Path other = dir.resolve("other");
    assertThrows(
        IllegalStateException.class,
        () -> retried(in, other, new Flaky("b15"), decon).build().run());
    PipelineResult resumed = retried(in, other, new Flaky(null), decon).build().run();
    assertEquals(resumed.stages(), again.stages());
    assertSameFiles(
        other,
        same,
        "part-00000.jsonl",
        "part-00001.jsonl",
        "stats.json",
        "decontamination-qa.json",
        "manifest.json");
  }

  @Test
  void runningAFinishedPipelineAgainDoesWhatRerunningTheProcessDoes(@TempDir Path dir)
      throws IOException {
    // b0-b7 repeat a0-a7: 32 of the 40 documents are kept.
    List<Path> in = List.of(input(dir, "a", 0), input(dir, "b", 8));
    // One output file is written anew by each run.
    Path file = dir.resolve("all.jsonl");
    Pipeline single =
        Pipeline.builder().inputs(in).dedup("exact", Dedup.exact()).outputFile(file).build();
    PipelineResult first = single.run();
    assertEquals(32, first.written(), first.account());
    byte[] written = Files.readAllBytes(file);
    PipelineResult second = single.run();
    assertEquals(32, second.written(), second.account());
    assertEquals(first.stages(), second.stages());
    assertArrayEquals(written, Files.readAllBytes(file));
    // A finished folder is resumed: every shard skipped, the same result, the files unchanged.
    Path out = dir.resolve("out");
    Pipeline folder =
        Pipeline.builder()
            .inputs(in)
            .dedup("exact", Dedup.exact())
            .outputDir(out, ".jsonl")
            .batchSize(5)
            .build();
    PipelineResult done = folder.run();
    assertEquals(32, done.written(), done.account());
    byte[] b = Files.readAllBytes(out.resolve("part-00001.jsonl"));
    PipelineResult rerun = folder.run();
    assertEquals(2, rerun.shardsSkipped());
    assertEquals(done.stages(), rerun.stages());
    assertEquals(32, rerun.written(), rerun.account());
    assertArrayEquals(b, Files.readAllBytes(out.resolve("part-00001.jsonl")));
    assertEquals(32, ShardManifest.verify(out).documents());
  }

  @Test
  void oneDeduplicatorGivenToSeveralPipelinesAndStagesIsNotShared(@TempDir Path dir)
      throws IOException {
    List<Path> in = List.of(input(dir, "a", 0), input(dir, "b", 8));
    Deduplicator shared = Dedup.exact();
    PipelineResult first =
        Pipeline.builder()
            .inputs(in)
            .dedup("exact", shared)
            .outputFile(dir.resolve("first.jsonl"))
            .build()
            .run();
    PipelineResult second =
        Pipeline.builder()
            .inputs(in)
            .dedup("exact", shared)
            .dedup("exact-again", shared)
            .outputFile(dir.resolve("second.jsonl"))
            .build()
            .run();
    assertEquals(32, first.written(), first.account());
    assertEquals(32, second.written(), second.account());
    // The second stage sees only what the first kept: nothing in it repeats.
    assertEquals(Map.of(), second.stages().get(1).removed());
    assertEquals(ids(dir.resolve("first.jsonl")), ids(dir.resolve("second.jsonl")));
    // The pipelines deduplicate with copies: the one given keeps no keys.
    assertEquals(0, shared.keys());
  }

  @Test
  void aDeduplicatorThatHoldsKeysIsRefused() {
    Deduplicator used = Dedup.exact();
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a)) {
      DocumentBatch.append(root, "x", "seen before");
      used.apply(root, new boolean[] {true});
    }
    // Its keys would be dropped without a word: a run starts from an empty copy.
    DataException e =
        assertThrows(DataException.class, () -> Pipeline.builder().dedup("exact", used));
    assertTrue(
        e.getMessage()
            .startsWith("dedup stage 'exact': the deduplicator given already holds 1 key,"),
        e.getMessage());
  }

  @Test
  void aDeduplicatorWhoseEmptyCopyIsItselfIsNamed(@TempDir Path dir) throws IOException {
    Deduplicator exact = Dedup.exact();
    // A user's deduplicator that gets emptyCopy wrong: the pipeline would share it between runs.
    Deduplicator same =
        (Deduplicator)
            java.lang.reflect.Proxy.newProxyInstance(
                Deduplicator.class.getClassLoader(),
                new Class<?>[] {Deduplicator.class},
                (proxy, m, args) ->
                    m.getName().equals("emptyCopy") ? proxy : m.invoke(exact, args));
    Pipeline p =
        Pipeline.builder()
            .inputs(List.of(input(dir, "a", 0)))
            .dedup("mine", same)
            .outputFile(dir.resolve("out.jsonl"))
            .build();
    DataException e = assertThrows(DataException.class, p::run);
    assertTrue(
        e.getMessage().startsWith("dedup stage 'mine': ")
            && e.getMessage().endsWith(".emptyCopy() must return a new deduplicator with no keys"),
        e.getMessage());
  }

  /** A user's deduplicator that answers emptyCopy as {@code copy} says, and delegates the rest. */
  private static Deduplicator userDedup(String copy) {
    Deduplicator exact = Dedup.exact();
    return (Deduplicator)
        java.lang.reflect.Proxy.newProxyInstance(
            Deduplicator.class.getClassLoader(),
            new Class<?>[] {Deduplicator.class},
            (proxy, m, args) -> {
              if (!m.getName().equals("emptyCopy")) {
                return m.invoke(exact, args);
              }
              // "default": written before emptyCopy existed, so it has the interface's default.
              return copy.equals("null")
                  ? null
                  : java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
            });
  }

  @Test
  void aDeduplicatorWithoutEmptyCopyOrReturningNullIsNamed(@TempDir Path dir) throws IOException {
    for (String copy : List.of("default", "null")) {
      Pipeline p =
          Pipeline.builder()
              .inputs(List.of(input(dir, "a", 0)))
              .dedup("mine", userDedup(copy))
              .outputFile(dir.resolve("out.jsonl"))
              .build();
      DataException e = assertThrows(DataException.class, p::run, copy);
      assertTrue(
          copy.equals("default")
              ? e.getMessage()
                  .endsWith(
                      "does not implement Deduplicator.emptyCopy(), which a"
                          + " pipeline needs: each run deduplicates with an empty copy of the"
                          + " deduplicator it was given")
              : e.getMessage().endsWith(".emptyCopy() must return a new deduplicator with no keys"),
          copy + ": " + e.getMessage());
    }
  }

  @Test
  void aFailedRunLeavesTheOutputFileAndItsRejectsAsTheyWere(@TempDir Path dir) throws IOException {
    Path in = input(dir, "a", 0);
    Files.writeString(in, "{not json\n", java.nio.file.StandardOpenOption.APPEND);
    Path out = dir.resolve("out.jsonl");
    Path rejects = dir.resolve("out.jsonl.rejects.jsonl");
    Pipeline.builder().inputs(List.of(in)).outputFile(out).build().run();
    byte[] outBefore = Files.readAllBytes(out);
    byte[] rejectsBefore = Files.readAllBytes(rejects);
    assertTrue(rejectsBefore.length > 0, "the first run rejected the broken line");
    Pipeline failing =
        Pipeline.builder()
            .inputs(List.of(in))
            // Fails in the first batch, before the reader meets the broken last line.
            .rate(new Flaky("a2"))
            .outputFile(out)
            .batchSize(5)
            .build();
    assertThrows(IllegalStateException.class, failing::run);
    assertArrayEquals(outBefore, Files.readAllBytes(out));
    assertArrayEquals(rejectsBefore, Files.readAllBytes(rejects));
  }
}
