package midtrain.data.internal.simd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import midtrain.data.DocumentBatch;
import midtrain.data.decon.Benchmark;
import midtrain.data.decon.BenchmarkIndex;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.DeconReport;
import midtrain.data.decon.DeconRun;
import midtrain.data.decon.Decontaminator;
import midtrain.data.decon.DocumentResult;
import midtrain.data.decon.Normalization;
import midtrain.data.dedup.Dedup;
import midtrain.data.dedup.Deduplicator;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A library user's work on a JSONL file, run by {@link VectorApiAbsentTest} in a child JVM on the
 * class path without the Vector API module, and in the test's own JVM with it: it reads the file
 * through {@link Formats}, tokenizes every document under both normalizations, deduplicates (exact
 * and MinHash) and decontaminates (one document at a time, and the file through {@link DeconRun},
 * with Bloom filters), and prints one line per result, so that the two runs compare line by line.
 */
public final class ClassPathProbe {
  /** The benchmark text that some documents of {@link #writeCorpus} copy. */
  static final String BENCHMARK =
      "Natalia sold clips to forty-eight of her friends in April, and then she sold half as many"
          + " clips in May. How many clips did Natalia sell altogether in April and May?";

  private ClassPathProbe() {}

  /**
   * Runs the probe on the corpus in a folder and prints its lines, after the kernel width in use.
   *
   * @param args the folder that {@link #writeCorpus} wrote
   * @throws IOException when the corpus cannot be read
   */
  public static void main(String[] args) throws IOException {
    System.out.println("bits=" + Kernels.defaultBits());
    for (String line : run(Path.of(args[0]))) {
      System.out.println(line);
    }
  }

  /**
   * Writes a JSONL corpus: escapes, accented and non-BMP text, Unicode spaces, lines longer than
   * any vector, exact and near duplicates, and copies of {@link #BENCHMARK}.
   *
   * @param dir the folder
   * @return the file
   * @throws IOException when it cannot be written
   */
  static Path writeCorpus(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    String[] words = {
      "the",
      "Quick",
      "brown",
      "fox",
      "jumps",
      "over",
      "lazy",
      "dog's",
      "café",
      "naïve",
      "Straße",
      "ÉCOLE",
      "日本語",
      "😀",
      "(word)",
      "don't",
      "x.y.z",
      "tab\\there",
      "quote\\\"d",
      "\\u00e9t\\u00e9"
    };
    long seed = 42;
    for (int i = 0; i < 60; i++) {
      StringBuilder text = new StringBuilder();
      int count = 5 + i * 7 % 180;
      for (int w = 0; w < count; w++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        text.append(words[(int) ((seed >>> 33) % words.length)]);
        text.append(w % 11 == 10 ? "\\n" : w % 13 == 12 ? "\u00a0" : w % 17 == 16 ? "\u3000" : " ");
      }
      if (i % 9 == 4) {
        text.append(BENCHMARK).append(' ');
      }
      lines.add("{\"id\":\"d" + i + "\",\"text\":\"" + text + "\"}");
      if (i % 10 == 3) {
        lines.add("{\"id\":\"e" + i + "\",\"text\":\"" + text + "\"}"); // an exact duplicate
        lines.add("{\"id\":\"n" + i + "\",\"text\":\"" + text + "and one more word\"}");
      }
    }
    lines.add("{\"id\":\"broken\",\"text\":\"no closing quote}");
    Path file = dir.resolve("corpus.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  /**
   * Does the work on the corpus in a folder.
   *
   * @param dir the folder that {@link #writeCorpus} wrote; the decontamination report goes there
   * @return one line per result
   */
  static List<String> run(Path dir) {
    Path file = dir.resolve("corpus.jsonl");
    List<String> out = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<byte[]> texts = new ArrayList<>();
    List<String> rejects = new ArrayList<>();
    TextNormalizer janitor = TextNormalizer.create(false);
    TextNormalizer unicode = TextNormalizer.create(true);
    Deduplicator exact = Dedup.exact();
    Deduplicator minHash = Dedup.minHash(3, 8, 2, 7);
    Tokens tokens = new Tokens();
    try (BufferAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a);
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      while (r.read(root, 16, x -> rejects.add(x.line() + " " + x.reason() + " " + x.detail()))
          > 0) {
        boolean[] exactAlive = new boolean[root.getRowCount()];
        Arrays.fill(exactAlive, true);
        boolean[] nearAlive = exactAlive.clone();
        exact.apply(root, exactAlive);
        minHash.apply(root, nearAlive);
        for (int i = 0; i < root.getRowCount(); i++) {
          String id = DocumentBatch.get(root, i).id();
          byte[] text = DocumentBatch.get(root, i).text().getBytes(StandardCharsets.UTF_8);
          ids.add(id);
          texts.add(text);
          janitor.tokenize(text, 0, text.length, tokens);
          String words = Arrays.toString(Arrays.copyOf(tokens.wordHash, tokens.wordCount));
          unicode.tokenize(text, 0, text.length, tokens);
          words += Arrays.toString(Arrays.copyOf(tokens.wordHash, tokens.wordCount));
          out.add(
              id
                  + " words "
                  + words
                  + " exact-dup "
                  + !exactAlive[i]
                  + " near-dup "
                  + !nearAlive[i]);
        }
        root.clear();
      }
      out.add("records " + r.records() + " rejects " + rejects);
    }
    for (Normalization n : Normalization.values()) {
      BenchmarkIndex index =
          BenchmarkIndex.builder()
              .n(8)
              .normalization(n)
              .bloomFilter(true)
              .add(Benchmark.of("gsm", List.of(BENCHMARK)))
              .build();
      Decontaminator decon = Decontaminator.builder(index).mode(DeconMode.FLAG).build();
      for (int i = 0; i < texts.size(); i++) {
        DocumentResult d = decon.scan(texts.get(i), 0, texts.get(i).length);
        out.add(n.id() + " " + ids.get(i) + " " + d.ngrams() + " " + d.totalOverlaps());
      }
      DeconReport report =
          DeconRun.builder()
              .decontaminator(decon)
              .inputs(List.of(file))
              .report(dir.resolve("report-" + n.id() + ".json"))
              .threads(1)
              .chunkBytes(4096)
              .build()
              .run();
      out.add(
          n.id()
              + " run documents "
              + report.documents()
              + " contaminated "
              + report.contaminated()
              + " rejected "
              + report.rejected());
    }
    return out;
  }
}
