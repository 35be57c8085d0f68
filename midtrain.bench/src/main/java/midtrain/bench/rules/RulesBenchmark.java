package midtrain.bench.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import midtrain.bench.decon.DeconCorpus;
import midtrain.data.DocumentBatch;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The four rule raters (gopher-quality, gopher-repetition, c4, fineweb) one after the other on
 * Arrow batches of 1024 documents in memory, as the pipeline calls them. One operation rates one
 * batch with all four; MB/s is the score times {@code MB/batch} (printed at setup). The documents
 * are the first of {@code corpus} (a JSONL file, for example {@code rules_bench.sh}'s generated
 * corpus) or, when it is empty, generated prose with repeated lines, bullets and boilerplate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class RulesBenchmark {
  private static final int BATCH = 1024;
  private static final List<String> IDS =
      List.of("gopher-quality", "gopher-repetition", "c4", "fineweb");

  /** A JSONL corpus with a {@code text} field, or empty for generated documents. */
  @Param({""})
  String corpus;

  /** Number of batches rated in turn. */
  @Param({"4"})
  int batches;

  private RootAllocator allocator;
  private final List<VectorSchemaRoot> roots = new ArrayList<>();
  private final List<Rater> raters = new ArrayList<>();
  private float[][][] scores;
  private int next;

  /** Loads or generates the documents into Arrow batches. */
  @Setup(Level.Trial)
  public void setup() throws IOException {
    allocator = new RootAllocator();
    List<String> texts = corpus.isEmpty() ? generate(batches * BATCH) : read(batches * BATCH);
    long bytes = 0;
    VectorSchemaRoot root = null;
    for (int i = 0; i < texts.size(); i++) {
      if (root == null || root.getRowCount() == BATCH) {
        root = DocumentBatch.create(allocator);
        roots.add(root);
      }
      DocumentBatch.append(root, "d" + i, texts.get(i));
      bytes += texts.get(i).getBytes(StandardCharsets.UTF_8).length;
    }
    scores = new float[IDS.size()][][];
    for (int k = 0; k < IDS.size(); k++) {
      raters.add(Raters.create(IDS.get(k), Map.of()));
      scores[k] = new float[raters.get(k).outputs().size()][BATCH];
    }
    System.out.printf(
        "%nMB/batch %.4f (%d docs in %d batches)%n",
        bytes / 1e6 / roots.size(), texts.size(), roots.size());
  }

  private List<String> read(int n) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Path.of(corpus), StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null && out.size() < n; line = r.readLine()) {
        if (!line.isBlank()) {
          out.add(json.readTree(line).get("text").asText());
        }
      }
    }
    return out;
  }

  private static List<String> generate(int n) {
    DeconCorpus g = new DeconCorpus(20251123L, 20_000);
    Random rnd = new Random(20251123L);
    String[] boiler = {
      "Home | About | Contact", "Privacy Policy", "This site uses cookies.", "\u2022 Read more..."
    };
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder t = new StringBuilder();
      int paras = 1 + rnd.nextInt(6);
      for (int p = 0; p < paras; p++) {
        if (rnd.nextInt(3) == 0) {
          t.append(boiler[rnd.nextInt(boiler.length)]).append('\n');
        }
        g.sentences(t, 40 + rnd.nextInt(200));
        t.append(rnd.nextInt(4) == 0 ? "\n" : "\n\n");
      }
      out.add(t.toString());
    }
    return out;
  }

  /** Frees the batches. */
  @TearDown(Level.Trial)
  public void tearDown() {
    for (VectorSchemaRoot r : roots) {
      r.close();
    }
    allocator.close();
  }

  /**
   * Rates the next batch with the four raters.
   *
   * @param bh keeps the scores alive
   */
  @Benchmark
  public void allFour(Blackhole bh) {
    VectorSchemaRoot b = roots.get(next);
    next = (next + 1) % roots.size();
    for (int k = 0; k < raters.size(); k++) {
      raters.get(k).rate(b, scores[k]);
      bh.consume(scores[k]);
    }
  }
}
