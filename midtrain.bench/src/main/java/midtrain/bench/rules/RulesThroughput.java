package midtrain.bench.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import midtrain.data.DocumentBatch;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Rates a JSONL corpus held in memory as Arrow batches with the four rule raters on one thread and
 * prints MB/s (UTF-8 bytes of the text fields) and docs/s, per rater and for the four together.
 * With {@code --python OUT.jsonl} (written by {@code rules_baseline.py} for the same corpus, or for
 * its first documents) it then checks every metric (to 1e-6) and verdict against Python.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp CP
 * midtrain.bench.rules.RulesThroughput CORPUS.jsonl [--python OUT.jsonl] [--passes N]}. The first
 * pass includes JIT warm-up; each pass is printed, then the best.
 */
public final class RulesThroughput {
  private static final List<String> IDS =
      List.of("gopher-quality", "gopher-repetition", "c4", "fineweb");
  private static final int BATCH = 1024;

  private RulesThroughput() {}

  /**
   * Runs the measurement.
   *
   * @param args the corpus, then options
   * @throws IOException when a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path corpus = Path.of(args[0]);
    Path python = null;
    int passes = 2;
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--python" -> python = Path.of(args[i + 1]);
        case "--passes" -> passes = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    ObjectMapper json = new ObjectMapper();
    List<Rater> raters = new ArrayList<>();
    for (String id : IDS) {
      raters.add(Raters.create(id, Map.of()));
    }
    try (RootAllocator allocator = new RootAllocator()) {
      List<VectorSchemaRoot> batches = new ArrayList<>();
      long bytes = 0;
      int docs = 0;
      long t0 = System.nanoTime();
      try (BufferedReader r = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
        VectorSchemaRoot batch = null;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode d = json.readTree(line);
          String text = d.get("text").asText();
          if (batch == null || batch.getRowCount() == BATCH) {
            batch = DocumentBatch.create(allocator);
            batches.add(batch);
          }
          DocumentBatch.append(batch, d.path("id").asText(String.valueOf(docs)), text);
          bytes += text.getBytes(StandardCharsets.UTF_8).length;
          docs++;
        }
      }
      double mb = bytes / 1e6;
      System.out.printf(
          Locale.ROOT,
          "read %d docs, %.1f MB of text into %d Arrow batches in %.1f s%n",
          docs,
          mb,
          batches.size(),
          (System.nanoTime() - t0) / 1e9);
      float[][][] scores = new float[IDS.size()][][];
      for (int k = 0; k < IDS.size(); k++) {
        scores[k] = new float[raters.get(k).outputs().size()][BATCH];
      }
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double best = Double.MAX_VALUE;
      double bestCpu = Double.MAX_VALUE;
      for (int pass = 1; pass <= passes; pass++) {
        long[] perRater = new long[IDS.size()];
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (VectorSchemaRoot b : batches) {
          for (int k = 0; k < IDS.size(); k++) {
            long s = System.nanoTime();
            raters.get(k).rate(b, scores[k]);
            perRater[k] += System.nanoTime() - s;
          }
        }
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        bestCpu = Math.min(bestCpu, cpu);
        long total = 0;
        StringBuilder parts = new StringBuilder();
        for (int k = 0; k < IDS.size(); k++) {
          total += perRater[k];
          parts.append(
              String.format(Locale.ROOT, " %s %.1f MB/s;", IDS.get(k), mb / (perRater[k] / 1e9)));
        }
        double sec = total / 1e9;
        best = Math.min(best, sec);
        System.out.printf(
            Locale.ROOT,
            "java rules pass %d: %.2f s = %.2f MB/s, %.0f docs/s (1 thread, all four; CPU time %.2f s"
                + " = %.2f MB/s);%s%n",
            pass,
            sec,
            mb / sec,
            docs / sec,
            cpu,
            mb / cpu,
            parts);
      }
      System.out.printf(
          Locale.ROOT,
          "java rules best: %.2f MB/s, %.0f docs/s (1 thread, all four); by CPU time: %.2f MB/s,"
              + " %.0f docs/s%n",
          mb / best,
          docs / best,
          mb / bestCpu,
          docs / bestCpu);
      if (python != null) {
        check(json, batches, raters, python);
      }
      for (VectorSchemaRoot b : batches) {
        b.close();
      }
    }
  }

  private static void check(
      ObjectMapper json, List<VectorSchemaRoot> batches, List<Rater> raters, Path python)
      throws IOException {
    long checked = 0;
    long mismatches = 0;
    try (BufferedReader r = Files.newBufferedReader(python, StandardCharsets.UTF_8)) {
      r.readLine(); // the outputs header
      outer:
      for (VectorSchemaRoot b : batches) {
        float[][][] scores = new float[raters.size()][][];
        for (int k = 0; k < raters.size(); k++) {
          scores[k] = new float[raters.get(k).outputs().size()][b.getRowCount()];
          raters.get(k).rate(b, scores[k]);
        }
        for (int i = 0; i < b.getRowCount(); i++) {
          String line = r.readLine();
          if (line == null) {
            break outer;
          }
          JsonNode want = json.readTree(line);
          checked++;
          boolean same = true;
          for (int k = 0; k < raters.size(); k++) {
            Rater rater = raters.get(k);
            JsonNode values = want.get(IDS.get(k));
            float[] row = new float[rater.outputs().size()];
            for (int o = 0; o < row.length; o++) {
              row[o] = scores[k][o][i];
              double w = values.get(o).asDouble();
              same &= Math.abs(w - row[o]) <= 1e-6 * Math.max(1, Math.abs(w));
            }
            same &= want.get("verdicts").get(k).asText().equals(rater.verdict(row));
          }
          if (!same) {
            if (mismatches < 10) {
              System.out.println("mismatch: " + want.get("id") + " " + line);
            }
            mismatches++;
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "checked %d docs against %s: %d differ%n",
        checked,
        python.getFileName(),
        mismatches);
  }
}
