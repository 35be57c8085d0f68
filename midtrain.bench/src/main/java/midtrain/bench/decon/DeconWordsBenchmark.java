package midtrain.bench.decon;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import midtrain.data.internal.simd.TextNormalizer;
import midtrain.data.internal.simd.Tokens;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The word loop of a scan alone, on documents generated as {@link DeconScanBenchmark}'s are (the
 * same generator and lengths, without the benchmark copies): the janitor kernel hashing every word
 * ({@code all}, as dedup does) or only the words of the runs a 13-gram scan samples, 5 of every 9
 * ({@code sampled}); both include classifying the bytes. The score is documents per second; the
 * scan's own figure, filters and n-grams included, is {@link DeconScanBenchmark}'s. It calls the
 * kernels of an unexported package, which the class path allows.
 *
 * <p>{@code -p normalize=unicode} measures the Unicode normalization, and {@code -p text=accented}
 * documents with every {@code e} written {@code é} and every {@code o} {@code ö} (as {@code
 * DeconCorpus --accented}), where that normalization leaves the janitor kernel's words.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class DeconWordsBenchmark {
  @Param({"all", "sampled"})
  String words;

  @Param({"janitor"})
  String normalize;

  @Param({"plain"})
  String text;

  private TextNormalizer norm;
  private final Tokens tokens = new Tokens();
  private byte[][] docs;
  private int next;

  /** Generates documents as {@link DeconScanBenchmark} does (without the benchmark copies). */
  @Setup(Level.Trial)
  public void setup() {
    norm = TextNormalizer.create(normalize.equals("unicode"));
    boolean accented = text.equals("accented");
    DeconCorpus g = new DeconCorpus(20240501L, 30_000);
    docs = new byte[4096][];
    long total = 0;
    for (int i = 0; i < docs.length; i++) {
      StringBuilder t = new StringBuilder();
      g.sentences(t, 600 + (i * 7919) % 2800);
      String doc = t.toString();
      if (accented) {
        doc = DeconCorpus.accented(doc);
      }
      docs[i] = doc.getBytes(StandardCharsets.UTF_8);
      total += docs[i].length;
    }
    System.out.printf("%navgDocBytes %d%n", total / docs.length);
  }

  /**
   * Hashes one document's words.
   *
   * @return the word count, so the work is not eliminated
   */
  @Benchmark
  public int hash() {
    byte[] d = docs[next];
    next = (next + 1) & (docs.length - 1);
    if (words.equals("all")) {
      norm.hashWords(d, 0, d.length, tokens);
    } else {
      norm.hashSampledWords(d, 0, d.length, tokens, 5, 9);
    }
    return tokens.wordCount;
  }
}
