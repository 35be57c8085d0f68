package midtrain.bench.decon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Generates a decontamination benchmark: an English-like corpus (Zipf-distributed pseudo-words,
 * capitalized sentences, commas and periods, about 2 KB per document) and a benchmark of GSM8K-like
 * items, with 0.5% of the documents containing a copy of an item's question.
 *
 * <p>Usage: {@code java -cp benchmarks.jar midtrain.bench.decon.DeconCorpus DIR CORPUS_MB ITEMS}
 * writes {@code DIR/corpus.jsonl} and {@code DIR/bench.jsonl}.
 */
public final class DeconCorpus {
  private final SplittableRandom random;
  private final String[] vocab;
  private final double[] cumulative;

  /**
   * Creates a generator.
   *
   * @param seed the random seed
   * @param vocabSize distinct words
   */
  public DeconCorpus(long seed, int vocabSize) {
    this.random = new SplittableRandom(seed);
    String[] syll = {
      "ka", "ri", "to", "men", "sa", "lo", "de", "vin", "ta", "re", "shi", "po", "lan", "qu", "ber",
      "ton", "el", "ma", "nor", "is", "an", "th", "ow", "ing", "ed", "es", "al", "um", "or", "et"
    };
    vocab = new String[vocabSize];
    cumulative = new double[vocabSize];
    double sum = 0;
    for (int i = 0; i < vocabSize; i++) {
      StringBuilder w = new StringBuilder();
      int s = 1 + (i < 100 ? 0 : 1) + random.nextInt(i < 1000 ? 2 : 3);
      for (int k = 0; k < s; k++) {
        w.append(syll[random.nextInt(syll.length)]);
      }
      vocab[i] = w.toString();
      sum += 1.0 / (i + 1);
      cumulative[i] = sum;
    }
    for (int i = 0; i < vocabSize; i++) {
      cumulative[i] /= sum;
    }
  }

  String word() {
    double u = random.nextDouble();
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return vocab[lo];
  }

  /**
   * Appends sentences until the text has at least {@code bytes} characters.
   *
   * @param sb the text
   * @param bytes the length to reach
   */
  public void sentences(StringBuilder sb, int bytes) {
    while (sb.length() < bytes) {
      int words = 8 + random.nextInt(18);
      for (int i = 0; i < words; i++) {
        String w = word();
        if (i == 0) {
          sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
        } else {
          sb.append(w);
        }
        if (i == words - 1) {
          sb.append(". ");
        } else if (random.nextInt(12) == 0) {
          sb.append(", ");
        } else {
          sb.append(' ');
        }
      }
    }
  }

  /**
   * Returns a text with every {@code e} written {@code é} and every {@code o} {@code ö}: a two-byte
   * UTF-8 letter every few bytes ({@code --accented}).
   *
   * @param text the text
   * @return the accented text
   */
  public static String accented(String text) {
    return text.replace('e', '\u00e9').replace('o', '\u00f6');
  }

  /**
   * Writes the corpus and the benchmark.
   *
   * <p>With {@code --accented} every {@code e} of the text and the benchmark is written {@code é}
   * and every {@code o} {@code ö}: the same documents, with a two-byte UTF-8 letter every few
   * bytes, to measure text that is not plain ASCII.
   *
   * @param args directory, corpus megabytes (of characters), benchmark items, optional {@code
   *     --accented}
   * @throws IOException when writing fails
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/decon-bench");
    long corpusBytes = (args.length > 1 ? Long.parseLong(args[1]) : 220) << 20;
    int items = args.length > 2 ? Integer.parseInt(args[2]) : 40_000;
    boolean accented = args.length > 3 && args[3].equals("--accented");
    UnaryOperator<String> letters = accented ? DeconCorpus::accented : UnaryOperator.identity();
    Files.createDirectories(dir);
    DeconCorpus g = new DeconCorpus(20240501L, 30_000);
    JsonFactory json = new JsonFactory();
    List<String> questions = new ArrayList<>();
    try (OutputStream o =
            new BufferedOutputStream(Files.newOutputStream(dir.resolve("bench.jsonl")), 1 << 20);
        JsonGenerator gen = json.createGenerator(o)) {
      for (int i = 0; i < items; i++) {
        StringBuilder q = new StringBuilder();
        g.sentences(q, 330);
        questions.add(q.toString());
        gen.writeStartObject();
        gen.writeStringField("question", letters.apply(q.toString()));
        gen.writeStringField("answer", "The answer is " + i);
        gen.writeEndObject();
        gen.writeRaw('\n');
      }
    }
    long written = 0;
    int docs = 0;
    try (OutputStream o =
            new BufferedOutputStream(Files.newOutputStream(dir.resolve("corpus.jsonl")), 1 << 20);
        JsonGenerator gen = json.createGenerator(o)) {
      while (written < corpusBytes) {
        StringBuilder t = new StringBuilder();
        g.sentences(t, 600 + g.random.nextInt(2800));
        if (g.random.nextInt(200) == 0) {
          t.insert(t.length() / 2, questions.get(g.random.nextInt(questions.size())) + " ");
        }
        gen.writeStartObject();
        gen.writeStringField("id", "doc" + docs);
        gen.writeStringField("text", letters.apply(t.toString()));
        gen.writeEndObject();
        gen.writeRaw('\n');
        written += t.length() + 30;
        docs++;
      }
    }
    System.out.printf(
        "wrote %d documents (%d MB) to %s, %d benchmark items to %s%n",
        docs,
        Files.size(dir.resolve("corpus.jsonl")) >> 20,
        dir.resolve("corpus.jsonl"),
        items,
        dir.resolve("bench.jsonl"));
  }
}
