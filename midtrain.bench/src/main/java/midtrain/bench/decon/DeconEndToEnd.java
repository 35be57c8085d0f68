package midtrain.bench.decon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import midtrain.data.decon.Benchmark;
import midtrain.data.decon.BenchmarkIndex;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.DeconReport;
import midtrain.data.decon.DeconRun;
import midtrain.data.decon.Decontaminator;
import midtrain.data.decon.Normalization;

/**
 * End-to-end decontamination timing, reading included: the same path as {@code midtrain
 * decontaminate} (JSONL parsing, scanning, report writing). Prints the index build time and size,
 * scan throughput, peak resident memory and, with {@code --bandwidth}, one core's memory read
 * bandwidth measured by summing a 1 GiB array. {@code --copies K} scans the corpus K times over in
 * one run (as K input files) and prints the rate of each copy and of all but the first, the rate of
 * a warm JVM (the first copy includes the JIT compiler's warm-up).
 *
 * <p>{@code --chunks A,B[,...] ROUNDS} compares chunk sizes ({@link DeconRun.Builder#chunkBytes})
 * in one JVM: after one run to warm it up, each round scans the corpus once with each size in turn,
 * so that the machine's slow and fast minutes fall on all of them alike; it prints every run and
 * each size's median rate.
 *
 * <p>{@code -Dnormalize=unicode} scans with the Unicode normalization, {@code -DnoBloom=true}
 * without the Bloom filters.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * midtrain.bench.decon.DeconEndToEnd DIR THREADS [--bandwidth | --copies K | --chunks A,B ROUNDS]}
 */
public final class DeconEndToEnd {
  private DeconEndToEnd() {}

  /**
   * Runs the measurement.
   *
   * @param args directory written by {@link DeconCorpus}, threads, optional --bandwidth
   * @throws IOException when files cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    if (args.length > 2 && args[2].equals("--bandwidth")) {
      bandwidth();
      return;
    }
    if (args.length > 4 && args[2].equals("--chunks")) {
      compareChunks(dir, threads, args[3], Integer.parseInt(args[4]));
      return;
    }
    int copies = args.length > 3 && args[2].equals("--copies") ? Integer.parseInt(args[3]) : 1;
    long t0 = System.nanoTime();
    BenchmarkIndex index =
        BenchmarkIndex.builder()
            .n(13)
            .normalization(normalization())
            .bloomFilter(!Boolean.getBoolean("noBloom"))
            .add(Benchmark.load(dir.resolve("bench.jsonl"), List.of()))
            .build();
    long t1 = System.nanoTime();
    Decontaminator d = Decontaminator.builder(index).mode(DeconMode.REPORT).build();
    Path corpus = dir.resolve("corpus.jsonl");
    long size = Files.size(corpus);
    long bytes = size * copies;
    // When each copy was done, from the progress reported after each chunk: the copies after the
    // first give the rate of a warm JVM, as in a scan of hundreds of gigabytes.
    long[] done = new long[copies + 1];
    int[] copiesDone = {0};
    done[0] = t1;
    DeconReport rep =
        DeconRun.builder()
            .decontaminator(d)
            .inputs(Collections.nCopies(copies, corpus))
            .report(dir.resolve("report-java-" + threads + ".json"))
            .threads(threads)
            .listener(
                (records, read, total) -> {
                  while (copiesDone[0] < copies && read >= (copiesDone[0] + 1) * size) {
                    done[++copiesDone[0]] = System.nanoTime();
                  }
                })
            .build()
            .run();
    long t2 = System.nanoTime();
    double scan = (t2 - t1) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "index: %d distinct 13-grams, %.2f bytes/n-gram (table %d B, kept text %d B), built in"
            + " %.2f s%n",
        index.distinctNgrams(),
        index.bytesPerNgram(),
        index.tableBytes(),
        index.keptTextBytes(),
        (t1 - t0) / 1e9);
    System.out.printf(
        Locale.ROOT,
        "scan: %d docs, %d contaminated, %.1f MB in %.2f s = %.1f MB/s with %d thread(s)%n",
        rep.documents(),
        rep.contaminated(),
        bytes / 1e6,
        scan,
        bytes / 1e6 / scan,
        threads);
    if (copies > 1 && copiesDone[0] == copies) {
      StringBuilder each = new StringBuilder();
      for (int k = 1; k <= copies; k++) {
        each.append(
            String.format(Locale.ROOT, " %.0f", size / 1e3 / ((done[k] - done[k - 1]) / 1e6)));
      }
      System.out.printf(
          Locale.ROOT,
          "copies (MB/s):%s; after the first: %.1f MB/s%n",
          each,
          (copies - 1) * size / 1e3 / ((done[copies] - done[1]) / 1e6));
    }
    System.out.println("peak RSS: " + peakRss());
  }

  private static void compareChunks(Path dir, int threads, String sizes, int rounds)
      throws IOException {
    BenchmarkIndex index =
        BenchmarkIndex.builder()
            .n(13)
            .add(Benchmark.load(dir.resolve("bench.jsonl"), List.of()))
            .build();
    Decontaminator d = Decontaminator.builder(index).mode(DeconMode.REPORT).build();
    Path corpus = dir.resolve("corpus.jsonl");
    double mb = Files.size(corpus) / 1e6;
    int[] chunks = Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray();
    double[][] rates = new double[chunks.length][rounds];
    for (int round = -1; round < rounds; round++) {
      for (int c = 0; c < chunks.length; c++) {
        long t = System.nanoTime();
        DeconRun.builder()
            .decontaminator(d)
            .inputs(List.of(corpus))
            .report(dir.resolve("report-chunks.json"))
            .threads(threads)
            .chunkBytes(chunks[c])
            .build()
            .run();
        double rate = mb / ((System.nanoTime() - t) / 1e9);
        if (round < 0) {
          System.out.printf(Locale.ROOT, "warm-up, %d-byte chunks: %.1f MB/s%n", chunks[c], rate);
        } else {
          rates[c][round] = rate;
          System.out.printf(
              Locale.ROOT, "round %d, %d-byte chunks: %.1f MB/s%n", round, chunks[c], rate);
        }
      }
    }
    for (int c = 0; c < chunks.length; c++) {
      double[] r = rates[c].clone();
      Arrays.sort(r);
      System.out.printf(
          Locale.ROOT,
          "%d-byte chunks, %d thread(s): median %.1f MB/s (%.1f to %.1f)%n",
          chunks[c],
          threads,
          r[r.length / 2],
          r[0],
          r[r.length - 1]);
    }
  }

  /** The normalization named by {@code -Dnormalize=janitor|unicode} (janitor by default). */
  private static Normalization normalization() {
    return Normalization.valueOf(
        System.getProperty("normalize", "janitor").toUpperCase(Locale.ROOT));
  }

  static String peakRss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM")) {
        return line.substring(6).trim();
      }
    }
    return "unknown";
  }

  private static void bandwidth() {
    long[] a = new long[1 << 27]; // 1 GiB, far beyond the caches
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    double best = 0;
    long sink = 0;
    for (int rep = 0; rep < 8; rep++) {
      long t = System.nanoTime();
      long s0 = 0;
      long s1 = 0;
      long s2 = 0;
      long s3 = 0;
      for (int i = 0; i < a.length; i += 4) {
        s0 += a[i];
        s1 += a[i + 1];
        s2 += a[i + 2];
        s3 += a[i + 3];
      }
      sink += s0 + s1 + s2 + s3;
      best = Math.max(best, a.length * 8.0 / (System.nanoTime() - t));
    }
    System.out.printf(Locale.ROOT, "one-core read bandwidth: %.1f GB/s (sink %d)%n", best, sink);
  }
}
