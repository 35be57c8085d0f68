package midtrain.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import midtrain.data.DataException;
import midtrain.data.decon.Benchmark;
import midtrain.data.decon.BenchmarkIndex;
import midtrain.data.decon.BenchmarkItem;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.DeconReport;
import midtrain.data.decon.Decontaminator;
import midtrain.data.dedup.Dedup;
import midtrain.data.rate.Rater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decontamination report of a pipeline that failed and was resumed, or ran again when finished,
 * against the report of one uninterrupted run over the same inputs.
 */
class PipelineDeconResumeTest {
  private static final long SEED = 0x5EEDL;
  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu"};
  private static final String[] FILLER = {
    "river", "stone", "cloud", "field", "lamp", "paper", "green", "quiet", "north", "bread"
  };
  private static final int ITEMS = 12;

  /** The failing rater fails on b's tenth document, in the middle of the second of three shards. */
  private static final String FAIL_ON = "document b9:";

  /** Two benchmarks of twelve items, one with string ids, one with numeric ids. */
  private static List<Benchmark> benchmarks(SplittableRandom r) {
    List<Benchmark> out = new ArrayList<>();
    for (String name : List.of("qa", "math")) {
      List<BenchmarkItem> items = new ArrayList<>();
      for (int i = 0; i < ITEMS; i++) {
        StringBuilder t = new StringBuilder();
        for (int w = 0; w < 16; w++) {
          t.append(SYLLABLES[r.nextInt(SYLLABLES.length)])
              .append(SYLLABLES[r.nextInt(SYLLABLES.length)])
              .append(SYLLABLES[r.nextInt(SYLLABLES.length)])
              .append(' ');
        }
        boolean numeric = name.equals("math");
        items.add(
            new BenchmarkItem(
                numeric ? String.valueOf(100 + i) : "q" + i,
                numeric,
                List.of(t.toString().trim())));
      }
      out.add(new Benchmark(name, name + ".jsonl", items));
    }
    return out;
  }

  /** The inputs and, per input, which items ("qa:3") its documents quote. */
  private record Corpus(List<Path> inputs, List<Set<String>> quoted, Decontaminator decon) {}

  /**
   * Three inputs (a, b, c) of 20 documents; about a third quote one or two benchmark items, b and c
   * repeat some of a's documents (for the dedup stage), and c has a malformed line (a reject). Each
   * input quotes items no earlier one did and one that all do, and the first one too few to fill
   * the examples, so the report needs every shard, in order, to get its counts and examples.
   */
  private static Corpus corpus(Path dir) throws IOException {
    SplittableRandom r = new SplittableRandom(SEED);
    List<Benchmark> benchmarks = benchmarks(r);
    List<Path> inputs = new ArrayList<>();
    List<Set<String>> quoted = new ArrayList<>();
    List<String> aTexts = new ArrayList<>();
    for (String prefix : List.of("a", "b", "c")) {
      List<String> lines = new ArrayList<>();
      Set<String> q = new TreeSet<>();
      for (int i = 0; i < 20; i++) {
        if (!prefix.equals("a") && i % 6 == 5) {
          lines.add(PipelineTest.doc(prefix + i, aTexts.get(r.nextInt(aTexts.size())), "web"));
          continue;
        }
        StringBuilder t = new StringBuilder("document " + prefix + i + ":");
        for (int w = 0; w < 20 + r.nextInt(20); w++) {
          t.append(' ').append(FILLER[r.nextInt(FILLER.length)]);
        }
        List<int[]> quotes = new ArrayList<>(); // {benchmark, item}
        if (i == 2 || i == 4) {
          // Items 9-11 are quoted by one input each: every input finds new ones.
          quotes.add(new int[] {i == 2 ? 0 : 1, ITEMS - 3 + inputs.size()});
        } else if (i == 6) {
          quotes.add(new int[] {0, 0}); // found in every input
        } else if (r.nextInt(3) == 0) {
          // The first input quotes few items (fewer than the examples kept), later ones more.
          for (int k = 0; k < 1 + r.nextInt(2); k++) {
            quotes.add(new int[] {r.nextInt(2), r.nextInt(2 + 3 * inputs.size())});
          }
        }
        for (int[] bi : quotes) {
          Benchmark b = benchmarks.get(bi[0]);
          t.append(' ').append(b.items().get(bi[1]).texts().get(0)).append(" and then");
          q.add(b.name() + ":" + bi[1]);
        }
        if (prefix.equals("a")) {
          aTexts.add(t.toString());
        }
        lines.add(PipelineTest.doc(prefix + i, t.toString(), "web"));
      }
      if (prefix.equals("c")) {
        lines.add(7, "{\"id\": \"broken\", \"text\": ");
      }
      inputs.add(PipelineTest.jsonl(dir, prefix + ".jsonl", lines));
      quoted.add(q);
    }
    BenchmarkIndex.Builder index = BenchmarkIndex.builder();
    benchmarks.forEach(index::add);
    return new Corpus(
        inputs, quoted, Decontaminator.builder(index.build()).mode(DeconMode.DROP).build());
  }

  /** Rates, deduplicates and decontaminates; the rater runs before or after decontamination. */
  private static Pipeline pipeline(Corpus c, Path out, Rater rater, boolean raterAfterDecon) {
    Pipeline.Builder b = Pipeline.builder().inputs(c.inputs());
    if (!raterAfterDecon) {
      b.rate(rater);
    }
    b.dedup("exact", Dedup.exact()).decontaminate("decon", c.decon());
    if (raterAfterDecon) {
      b.rate(rater);
    }
    return b.outputDir(out, ".jsonl").keepRemoved(true).threads(2).batchSize(4).build();
  }

  /** Every file of a folder, relative to it, in name order. */
  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /**
   * Asserts that two output folders hold the same files with the same bytes; in stats.json only the
   * shards a run skipped may differ.
   */
  private static void assertSameOutput(Path expected, Path actual) throws IOException {
    assertEquals(files(expected), files(actual));
    for (String f : files(expected)) {
      if (f.equals("stats.json")) {
        assertEquals(withoutSkipped(expected.resolve(f)), withoutSkipped(actual.resolve(f)));
      } else {
        assertArrayEquals(
            Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f);
      }
    }
  }

  private static JsonNode withoutSkipped(Path stats) throws IOException {
    ObjectNode n = (ObjectNode) PipelineTest.JSON.readTree(stats.toFile());
    assertTrue(n.has("shardsSkipped"), n.toString());
    n.remove("shardsSkipped");
    return n;
  }

  private static JsonNode report(Path out) throws IOException {
    return PipelineTest.JSON.readTree(out.resolve("decontamination-decon.json").toFile());
  }

  /** Runs without interruption and checks that the corpus tests what it is meant to. */
  private static Path uninterrupted(Corpus c, Path dir, boolean raterAfterDecon)
      throws IOException {
    // The counts need a union of the shards' items, and the examples depend on earlier shards:
    // items are quoted in several inputs, and the later inputs bring new ones.
    Set<String> seen = new HashSet<>(c.quoted().get(0));
    assertTrue(c.quoted().get(1).stream().anyMatch(seen::contains), c.quoted().toString());
    assertTrue(c.quoted().get(1).stream().anyMatch(q -> !seen.contains(q)), c.quoted().toString());
    seen.addAll(c.quoted().get(1));
    assertTrue(c.quoted().get(2).stream().anyMatch(q -> !seen.contains(q)), c.quoted().toString());
    Path whole = dir.resolve("whole");
    PipelineResult res =
        pipeline(c, whole, new PipelineRerunTest.Flaky(null), raterAfterDecon).run();
    assertTrue(res.balanced(), res.account());
    assertEquals(1, res.rejectedTotal(), res.account());
    JsonNode report = report(whole);
    StageStats decon = res.stages().get(raterAfterDecon ? 1 : 2);
    assertEquals(decon.docsIn(), report.get("summary").get("documents").asLong());
    assertTrue(decon.docsIn() > 40, res.account());
    assertEquals(decon.docsIn() - decon.docsOut(), report.get("summary").get("dropped").asLong());
    for (JsonNode b : report.get("benchmarks")) {
      // More items found than examples kept, and items found in more than one document.
      assertTrue(b.get("items_contaminated").asInt() > DeconReport.EXAMPLES, b.toString());
      assertTrue(
          b.get("documents_affected").asInt() > b.get("items_contaminated").asInt(), b.toString());
      assertEquals(DeconReport.EXAMPLES, b.get("examples").size(), b.toString());
    }
    return whole;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aNewPipelineResumingAfterAFailureInAMiddleShardReportsAsAnUninterruptedRun(
      boolean raterAfterDecon, @TempDir Path dir) throws IOException {
    Corpus c = corpus(dir);
    Path whole = uninterrupted(c, dir, raterAfterDecon);
    // As a new process resuming the folder: the rater fails in b, the second of three shards.
    Path resumed = dir.resolve("resumed");
    assertThrows(
        IllegalStateException.class,
        () -> pipeline(c, resumed, new PipelineRerunTest.Flaky(FAIL_ON), raterAfterDecon).run());
    PipelineResult res =
        pipeline(c, resumed, new PipelineRerunTest.Flaky(null), raterAfterDecon).run();
    assertEquals(1, res.shardsSkipped());
    assertSameOutput(whole, resumed);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theSamePipelineRunAgainAfterAFailureInAMiddleShardReportsAsAnUninterruptedRun(
      boolean raterAfterDecon, @TempDir Path dir) throws IOException {
    Corpus c = corpus(dir);
    Path whole = uninterrupted(c, dir, raterAfterDecon);
    // As an in-process retry: the same object run again after the failure.
    Path retried = dir.resolve("retried");
    Pipeline p = pipeline(c, retried, new PipelineRerunTest.Flaky(FAIL_ON), raterAfterDecon);
    assertThrows(IllegalStateException.class, p::run);
    assertEquals(1, p.run().shardsSkipped());
    assertSameOutput(whole, retried);
  }

  @Test
  void aFinishedFolderRunAgainKeepsItsReport(@TempDir Path dir) throws IOException {
    Corpus c = corpus(dir);
    Path whole = uninterrupted(c, dir, false);
    Path again = dir.resolve("again");
    Pipeline p = pipeline(c, again, new PipelineRerunTest.Flaky(null), false);
    p.run();
    assertSameOutput(whole, again);
    // Every shard skipped, by the same object and by a new one.
    assertEquals(3, p.run().shardsSkipped());
    assertSameOutput(whole, again);
    assertEquals(
        3, pipeline(c, again, new PipelineRerunTest.Flaky(null), false).run().shardsSkipped());
    assertSameOutput(whole, again);
  }

  @Test
  void missingReportPartsNameEveryShardToRedo(@TempDir Path dir) throws IOException {
    Corpus c = corpus(dir);
    Path whole = uninterrupted(c, dir, false);
    Path out = dir.resolve("out");
    pipeline(c, out, new PipelineRerunTest.Flaky(null), false).run();
    Path state = out.resolve("_state");
    Files.delete(state.resolve("part-00000.decon-2.json"));
    Files.delete(state.resolve("part-00001.decon-2.json"));
    // Skipping the shards without them would report the other shards only; all are named at once,
    // as a folder written before the parts were saved lacks every one.
    DataException e =
        assertThrows(
            DataException.class,
            () -> pipeline(c, out, new PipelineRerunTest.Flaky(null), false).run());
    Path m0 = state.resolve("part-00000.done.json");
    Path m1 = state.resolve("part-00001.done.json");
    assertEquals(
        out
            + ": 2 done shards lack the decontamination findings a resume needs for its report (a"
            + " folder written before they were saved lacks them all); delete their markers to"
            + " redo them, or remove the folder: "
            + m0
            + " "
            + m1,
        e.getMessage());
    assertArrayEquals(
        Files.readAllBytes(whole.resolve("decontamination-decon.json")),
        Files.readAllBytes(out.resolve("decontamination-decon.json")));
    // Doing what the message says redoes the shards and gives the whole report again.
    Files.delete(m0);
    Files.delete(m1);
    assertEquals(
        1, pipeline(c, out, new PipelineRerunTest.Flaky(null), false).run().shardsSkipped());
    assertSameOutput(whole, out);
  }

  @Test
  void anUnreadableReportPartNamesTheShardToRedo(@TempDir Path dir) throws IOException {
    Corpus c = corpus(dir);
    Path out = dir.resolve("out");
    pipeline(c, out, new PipelineRerunTest.Flaky(null), false).run();
    Path part = out.resolve("_state").resolve("part-00001.decon-2.json");
    Files.writeString(part, "{not json");
    DataException e =
        assertThrows(
            DataException.class,
            () -> pipeline(c, out, new PipelineRerunTest.Flaky(null), false).run());
    assertTrue(
        e.getMessage().startsWith(part + ": cannot reload what decontaminate 'decon' reported")
            && e.getMessage()
                .endsWith(
                    "delete "
                        + out.resolve("_state").resolve("part-00001.done.json")
                        + " to redo that shard"),
        e.getMessage());
  }
}
