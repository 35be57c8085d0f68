package midtrain.bench.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a seeded, FineWeb-shaped JSONL corpus for the ingest benchmark: {@code corpus.jsonl} of at
 * least the requested size and the same file as {@code corpus.jsonl.zst} (zstd level 3).
 *
 * <p>Each line holds {@code id}, {@code text} (about 3 KB on average: a log-normal length of
 * pseudo-words, sentences and paragraphs, about 2% non-ASCII words, some quotes and tabs that JSON
 * escapes), {@code url}, {@code dump}, {@code language}, {@code language_score} and {@code
 * token_count}, the last five of which land in {@code meta}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar midtrain.bench.io.IngestCorpus DIR MEGABYTES [SEED]}
 */
public final class IngestCorpus {
  private static final String[] EXOTIC = {
    "Grüße", "naïve", "façade", "日本語", "Ελληνικά", "😀", "Привет"
  };

  private IngestCorpus() {}

  /**
   * Writes the corpus.
   *
   * @param args output directory, size in MB (10^6 bytes), optional seed (default 42)
   * @throws IOException when the files cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long target = Long.parseLong(args[1]) * 1_000_000L;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    Files.createDirectories(dir);
    Path jsonl = dir.resolve("corpus.jsonl");
    SplittableRandom rnd = new SplittableRandom(seed);
    String[] vocab = new String[8192];
    for (int i = 0; i < vocab.length; i++) {
      int len = 2 + rnd.nextInt(9);
      StringBuilder w = new StringBuilder();
      for (int k = 0; k < len; k++) {
        w.append((char) ('a' + rnd.nextInt(26)));
      }
      vocab[i] = w.toString();
    }
    long docs = 0;
    long t0 = System.nanoTime();
    JsonFactory json = new JsonFactory();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(jsonl), 1 << 20);
        JsonGenerator g = json.createGenerator(out)) {
      g.setRootValueSeparator(null);
      StringBuilder text = new StringBuilder();
      long written = 0;
      while (written < target) {
        text.setLength(0);
        // Log-normal length around 3 KB, as web documents are.
        int chars = (int) Math.min(200_000, Math.exp(7.6 + 0.9 * gaussian(rnd)));
        int words = 0;
        while (text.length() < chars) {
          String w =
              rnd.nextInt(50) == 0
                  ? EXOTIC[rnd.nextInt(EXOTIC.length)]
                  : vocab[zipf(rnd, vocab.length)];
          if (words == 0) {
            text.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
          } else {
            text.append(w);
          }
          words++;
          int r = rnd.nextInt(100);
          if (r < 6 && words > 4) {
            text.append(rnd.nextInt(8) == 0 ? ".\n\n" : ". ");
            words = 0;
          } else if (r < 9) {
            text.append(", ");
          } else if (r == 9) {
            text.append(" \"quoted\" ");
          } else if (r == 10) {
            text.append('\t');
          } else {
            text.append(' ');
          }
        }
        g.writeStartObject();
        g.writeStringField("id", String.format(Locale.ROOT, "<urn:uuid:%016x>", rnd.nextLong()));
        g.writeStringField("text", text.toString());
        g.writeStringField("url", "https://example" + rnd.nextInt(100_000) + ".com/page/" + docs);
        g.writeStringField("dump", "CC-MAIN-2024-10");
        g.writeStringField("language", "en");
        g.writeNumberField("language_score", 0.5 + rnd.nextDouble() / 2);
        g.writeNumberField("token_count", chars / 4);
        g.writeEndObject();
        g.writeRaw('\n');
        docs++;
        if ((docs & 1023) == 0) {
          g.flush();
          written = Files.size(jsonl);
        }
      }
    }
    long t1 = System.nanoTime();
    Path zst = dir.resolve("corpus.jsonl.zst");
    try (InputStream in = Files.newInputStream(jsonl);
        OutputStream out =
            new ZstdOutputStream(
                new BufferedOutputStream(Files.newOutputStream(zst), 1 << 20), 3)) {
      in.transferTo(out);
    }
    long t2 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "%s: %d documents, %.1f MB in %.1f s; %s: %.1f MB in %.1f s%n",
        jsonl,
        docs,
        Files.size(jsonl) / 1e6,
        (t1 - t0) / 1e9,
        zst,
        Files.size(zst) / 1e6,
        (t2 - t1) / 1e9);
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller; SplittableRandom has no nextGaussian on JDK 17.
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static int zipf(SplittableRandom rnd, int n) {
    // Roughly Zipfian ranks: frequent short words dominate, as in text.
    double x = rnd.nextDouble();
    return (int) Math.min(n - 1, Math.floor(Math.pow(n + 1.0, x) - 1));
  }
}
