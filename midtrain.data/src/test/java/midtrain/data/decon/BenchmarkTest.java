package midtrain.data.decon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import midtrain.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Benchmark files in their usual shapes. */
class BenchmarkTest {
  static Benchmark load(Path dir, String name, List<String> fields, String... lines)
      throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, List.of(lines));
    return Benchmark.load(f, fields);
  }

  @Test
  void usualShapes(@TempDir Path dir) throws IOException {
    Benchmark mmlu =
        load(
            dir,
            "mmlu.jsonl",
            List.of(),
            "{\"question\": \"What is 2+2?\", \"choices\": [\"3\", \"4\"], \"answer\": 1}",
            "",
            "{\"id\": \"q7\", \"question\": \"Capital of France?\", \"choices\": [\"Paris\"]}");
    assertEquals("mmlu", mmlu.name());
    assertEquals(
        List.of(
            new BenchmarkItem("0", true, List.of("What is 2+2?", "3", "4")),
            new BenchmarkItem("q7", false, List.of("Capital of France?", "Paris"))),
        mmlu.items());
    Benchmark arc =
        load(
            dir,
            "arc.jsonl",
            List.of(),
            "{\"id\": 5, \"question\": {\"stem\": \"Why?\", \"choices\": [{\"text\": \"Because\","
                + " \"label\": \"A\"}]}, \"answerKey\": \"A\"}");
    assertEquals(new BenchmarkItem("5", true, List.of("Why?", "Because")), arc.items().get(0));
    Benchmark humaneval =
        load(
            dir,
            "he.jsonl",
            List.of("prompt", "canonical_solution"),
            "{\"task_id\": \"HumanEval/0\", \"prompt\": \"def f():\", \"canonical_solution\":"
                + " \"  return 1\", \"test\": \"assert f() == 1\"}");
    assertEquals(List.of("def f():", "  return 1"), humaneval.items().get(0).texts());
    Benchmark nested =
        load(dir, "n.jsonl", List.of("question.stem"), "{\"question\": {\"stem\": \"Deep\"}}");
    assertEquals(List.of("Deep"), nested.items().get(0).texts());
    Benchmark txt = load(dir, "plain.txt", List.of(), "first line", "", "third line");
    assertEquals("2", txt.items().get(1).id());
  }

  @Test
  void compressedFilesAreRead(@TempDir Path dir) throws IOException {
    byte[] jsonl = "{\"question\": \"What is 2+2?\"}\n{\"question\": \"Why?\"}\n".getBytes(UTF_8);
    Path gz = dir.resolve("gsm8k.jsonl.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write(jsonl);
    }
    Path zst = dir.resolve("gsm8k.jsonl.zst");
    try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
      o.write(jsonl);
    }
    Path txt = dir.resolve("lines.txt.zst");
    try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(txt))) {
      o.write("first line\nsecond line\n".getBytes(UTF_8));
    }
    Benchmark a = Benchmark.load(gz, List.of());
    Benchmark b = Benchmark.load(zst, List.of());
    assertEquals("gsm8k", b.name());
    assertEquals(a.items(), b.items());
    assertEquals(List.of("Why?"), b.items().get(1).texts());
    Benchmark lines = Benchmark.load(txt, List.of());
    assertEquals("lines", lines.name());
    assertEquals(List.of("second line"), lines.items().get(1).texts());
    // Not zstd under a zstd name: an error naming the file, not a crash.
    Path bad = dir.resolve("bad.jsonl.zst");
    Files.write(bad, jsonl);
    RuntimeException e = assertThrows(RuntimeException.class, () -> Benchmark.load(bad, List.of()));
    assertTrue(String.valueOf(e.getMessage()).contains("bad.jsonl.zst"), e.toString());
  }

  @Test
  void badLinesNameFileAndLine(@TempDir Path dir) {
    DataException e =
        assertThrows(
            DataException.class,
            () -> load(dir, "bad.jsonl", List.of(), "{\"question\": \"ok\"}", "{oops"));
    assertTrue(e.getMessage().contains("bad.jsonl:2"), e.getMessage());
    DataException f =
        assertThrows(
            DataException.class,
            () -> load(dir, "f.jsonl", List.of("nope"), "{\"question\": \"ok\"}"));
    assertTrue(f.getMessage().contains("f.jsonl:1") && f.getMessage().contains("nope"));
    assertThrows(DataException.class, () -> Benchmark.load(dir.resolve("missing"), List.of()));
  }

  @Test
  void itemsSharingAnNgramAreAllHit() {
    String shared = "one two three four five six seven eight nine ten eleven twelve thirteen";
    BenchmarkIndex index =
        BenchmarkIndex.builder()
            .bloomFilter(true)
            .add(Benchmark.of("a", List.of(shared + " alpha")))
            .add(Benchmark.of("b", List.of("beta " + shared)))
            .build();
    assertEquals(3, index.distinctNgrams());
    assertEquals(2, index.distinctNgrams(0));
    assertEquals(2, index.distinctNgrams(1));
    assertTrue(index.bytesPerNgram() > 0);
    DocumentResult r = Decontaminator.builder(index).build().scan("x " + shared + " y");
    assertEquals(2, r.hits().size());
    assertEquals("a", r.hits().get(0).benchmark());
    assertEquals("b", r.hits().get(1).benchmark());
  }

  /**
   * Distinct n-grams per benchmark against a count with sets, over items that share many n-grams
   * within and across benchmarks (a vocabulary of six words), and items with too few words.
   */
  @Test
  void distinctNgramsPerBenchmarkMatchACountWithSets() {
    SplittableRandom r = new SplittableRandom(7);
    String[] vocabulary = {"red", "green", "blue", "cyan", "teal", "gold"};
    int n = 4;
    BenchmarkIndex.Builder b = BenchmarkIndex.builder().n(n);
    List<Set<List<String>>> want = new ArrayList<>();
    Set<List<String>> all = new HashSet<>();
    for (int bench = 0; bench < 3; bench++) {
      List<String> items = new ArrayList<>();
      Set<List<String>> grams = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        List<String> words = new ArrayList<>();
        int len = r.nextInt(0, 12);
        for (int w = 0; w < len; w++) {
          words.add(vocabulary[r.nextInt(bench == 2 ? 3 : vocabulary.length)]);
        }
        for (int g = 0; g + n <= words.size(); g++) {
          grams.add(List.copyOf(words.subList(g, g + n)));
        }
        items.add(String.join(" ", words));
      }
      b.add(Benchmark.of("b" + bench, items));
      want.add(grams);
      all.addAll(grams);
    }
    BenchmarkIndex index = b.build();
    assertEquals(all.size(), index.distinctNgrams());
    for (int bench = 0; bench < 3; bench++) {
      assertEquals(want.get(bench).size(), index.distinctNgrams(bench), "benchmark " + bench);
    }
  }

  /** A byte-order mark before the first item, as some editors write, is not part of it. */
  @Test
  void aByteOrderMarkIsSkipped(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bom.jsonl");
    Files.write(
        f,
        ("\uFEFF{\"id\": \"q1\", \"question\": \"one two three\"}\n{\"question\": \"four\"}\n")
            .getBytes(UTF_8));
    Benchmark b = Benchmark.load(f, List.of());
    assertEquals(2, b.items().size());
    assertEquals("q1", b.items().get(0).id());
  }
}
