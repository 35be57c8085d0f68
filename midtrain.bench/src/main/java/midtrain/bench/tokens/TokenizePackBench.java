package midtrain.bench.tokens;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import midtrain.data.Document;
import midtrain.data.fim.Fim;
import midtrain.data.pack.DocumentPacker;
import midtrain.data.pack.PackSink;
import midtrain.data.pack.StreamPacker;
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.TokenShardWriter;
import midtrain.data.token.Tokenization;
import midtrain.tokenizers.HuggingFaceTokenizers;
import org.apache.arrow.memory.RootAllocator;

/**
 * Tokenize-and-pack throughput beside the tokenizer's own, on a generated corpus.
 *
 * <p>The tokenizer is a byte-level BPE {@code tokenizer.json} with about {@code vocab} entries
 * built here: words drawn from a Zipf law over generated syllable words, each frequent word made
 * reachable by a chain of merges (prefix + next character), as trained BPE vocabularies hold
 * frequent words whole. The corpus uses the same words plus rarer ones the vocabulary lacks (so BPE
 * falls back to pieces), digits and punctuation. Both measurements encode the same in-memory
 * documents in batches of 1024 through {@link Tokenization}; the full path adds FIM (rate 0.5), EOS
 * framing, {@link StreamPacker} and {@link TokenShardWriter} (Arrow IPC, fsync, SHA-256).
 *
 * <p>Usage: {@code TokenizePackBench WORKDIR [MB] [vocab] [rounds]}; set {@code
 * TOKENIZERS_PARALLELISM=false} to measure one core.
 */
public final class TokenizePackBench {
  private TokenizePackBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args work directory, corpus megabytes (30), vocabulary size (32000), rounds (3)
   * @throws IOException when the work directory cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path work = Path.of(args.length > 0 ? args[0] : "/tmp/tokenize-pack-bench");
    int mb = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int vocab = args.length > 2 ? Integer.parseInt(args[2]) : 32000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Files.createDirectories(work);
    SplittableRandom rng = new SplittableRandom(42);
    List<String> words = words(rng, 60_000);
    Path tokFile = work.resolve("tokenizer.json");
    Files.writeString(tokFile, tokenizerJson(words, vocab));
    List<Document> docs = corpus(rng, words, mb * 1_000_000L);
    long bytes = docs.stream().mapToLong(d -> d.text().length()).sum();
    System.out.printf(
        Locale.ROOT,
        "corpus: %d documents, %.1f MB; tokenizer %s%n",
        docs.size(),
        bytes / 1e6,
        tokFile);
    List<String> texts = docs.stream().map(Document::text).toList();
    try (TextTokenizer tok = HuggingFaceTokenizers.open(tokFile);
        Tokenization tz = Tokenization.builder(tok).eos("<|endoftext|>").batchSize(1024).build()) {
      System.out.printf(Locale.ROOT, "vocab size %d%n", tok.vocabSize());
      double bestTok = Double.MAX_VALUE;
      double bestPack = Double.MAX_VALUE;
      long tokens = 0;
      long packedTokens = 0;
      for (int r = 0; r < rounds + 1; r++) {
        long t0 = System.nanoTime();
        long n = 0;
        for (int from = 0; from < texts.size(); from += 1024) {
          for (int[] ids : tz.encodeAll(texts.subList(from, Math.min(texts.size(), from + 1024)))) {
            n += ids.length;
          }
        }
        double tokS = (System.nanoTime() - t0) / 1e9;
        tokens = n;
        Path out = work.resolve("shards-" + r);
        deleteTree(out);
        long t1 = System.nanoTime();
        DocumentPacker dp;
        try (RootAllocator a = new RootAllocator();
            TokenShardWriter w =
                TokenShardWriter.builder(out, a, tok.vocabSize())
                    .tokenizerHash(tok.hash())
                    .build()) {
          StreamPacker sp = StreamPacker.builder(4096).sink(PackSink.of(w)).build();
          dp =
              DocumentPacker.builder(tz, sp)
                  .fim(Fim.builder().rate(0.5).spmRate(0.5).seed(1).build())
                  .batchDocuments(1024)
                  .build();
          for (Document d : docs) {
            dp.add("web", d);
          }
          dp.finish();
          w.finish();
        }
        double packS = (System.nanoTime() - t1) / 1e9;
        packedTokens = dp.tokens();
        deleteTree(out);
        String tag = r == 0 ? "warm-up" : "round " + r;
        System.out.printf(
            Locale.ROOT,
            "%-8s tokenizer alone %.2f s (%.2f M tok/s); tokenize+FIM+pack+write %.2f s (%.2f M"
                + " tok/s); ratio %.3f%n",
            tag,
            tokS,
            n / tokS / 1e6,
            packS,
            dp.tokens() / packS / 1e6,
            packS / tokS);
        if (r > 0) {
          bestTok = Math.min(bestTok, tokS);
          bestPack = Math.min(bestPack, packS);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "best: tokenizer %.2f M tok/s (%d tokens), tokenize+pack %.2f M tok/s (%d tokens with FIM"
              + " sentinels), time ratio %.3f (overhead %.1f%%)%n",
          tokens / bestTok / 1e6,
          tokens,
          packedTokens / bestPack / 1e6,
          packedTokens,
          bestPack / bestTok,
          100 * (bestPack / bestTok - 1));
    }
  }

  /** Generated words: syllables in Zipf order of use. */
  static List<String> words(SplittableRandom rng, int n) {
    String[] on = {
      "", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st",
      "tr", "pl", "ch", "sh", "th", "gr"
    };
    String[] nu = {"a", "e", "i", "o", "u", "ea", "ou", "io", "ai"};
    String[] co = {"", "", "n", "r", "s", "t", "l", "m", "nd", "ng", "st", "ck"};
    LinkedHashSet<String> out = new LinkedHashSet<>();
    while (out.size() < n) {
      int syl = 1 + rng.nextInt(1 + rng.nextInt(4));
      StringBuilder sb = new StringBuilder();
      for (int s = 0; s < syl; s++) {
        sb.append(on[rng.nextInt(on.length)])
            .append(nu[rng.nextInt(nu.length)])
            .append(co[rng.nextInt(co.length)]);
      }
      out.add(sb.toString());
    }
    return new ArrayList<>(out);
  }

  /** A byte-level BPE tokenizer.json of about {@code vocab} entries over the frequent words. */
  static String tokenizerJson(List<String> words, int vocab) {
    ObjectMapper m = new ObjectMapper();
    Map<String, Integer> v = new LinkedHashMap<>();
    List<String> merges = new ArrayList<>();
    String[] specials = {"<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<pad>"};
    for (String s : specials) {
      v.put(s, v.size());
    }
    // The 256 byte symbols of the GPT-2 byte-to-unicode table.
    for (int b = 0; b < 256; b++) {
      v.putIfAbsent(String.valueOf(byteChar(b)), v.size());
    }
    String space = String.valueOf(byteChar(' '));
    outer:
    for (int wi = 0; wi < words.size(); wi++) {
      // Frequent words appear with a leading space (as "Ġword") and bare, like GPT-2's vocabulary.
      for (String w :
          wi % 3 == 0
              ? List.of(space + words.get(wi), words.get(wi))
              : List.of(space + words.get(wi))) {
        String cur = w.substring(0, w.startsWith(space) ? 1 : 1);
        for (int i = 1; i < w.length(); i++) {
          String ch = String.valueOf(w.charAt(i));
          String next = cur + ch;
          if (!v.containsKey(next)) {
            if (v.size() >= vocab) {
              break outer;
            }
            v.put(next, v.size());
            merges.add(cur + " " + ch);
          }
          cur = next;
        }
      }
    }
    ObjectNode root = m.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String s : specials) {
      added
          .addObject()
          .put("id", v.get(s))
          .put("content", s)
          .put("single_word", false)
          .put("lstrip", false)
          .put("rstrip", false)
          .put("normalized", false)
          .put("special", true);
    }
    root.putNull("normalizer");
    root.putObject("pre_tokenizer")
        .put("type", "ByteLevel")
        .put("add_prefix_space", false)
        .put("trim_offsets", true)
        .put("use_regex", true);
    root.putNull("post_processor");
    root.putObject("decoder")
        .put("type", "ByteLevel")
        .put("add_prefix_space", false)
        .put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE").putNull("dropout");
    model.putNull("unk_token");
    model.put("fuse_unk", false).put("byte_fallback", false);
    ObjectNode vocabNode = model.putObject("vocab");
    v.forEach(vocabNode::put);
    ArrayNode mergeNode = model.putArray("merges");
    merges.forEach(mergeNode::add);
    return root.toString();
  }

  /** GPT-2's byte-to-unicode map: printable bytes map to themselves, the rest above 255. */
  static char byteChar(int b) {
    if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
      return (char) b;
    }
    int n = 0;
    for (int x = 0; x < b; x++) {
      if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) {
        n++;
      }
    }
    return (char) (256 + n);
  }

  /** Documents of Zipf-distributed words with punctuation, digits and line breaks. */
  static List<Document> corpus(SplittableRandom rng, List<String> words, long bytes) {
    List<Document> out = new ArrayList<>();
    long have = 0;
    int n = words.size();
    double[] cdf = new double[n];
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += 1.0 / (i + 1);
      cdf[i] = s;
    }
    while (have < bytes) {
      int len = 50 + (int) Math.min(20_000, Math.exp(rng.nextDouble() * Math.log(4000)));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        double u = rng.nextDouble() * s;
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (cdf[mid] < u) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        if (i > 0) {
          sb.append(rng.nextInt(40) == 0 ? ". " : rng.nextInt(25) == 0 ? ", " : " ");
        }
        sb.append(words.get(lo));
        if (rng.nextInt(200) == 0) {
          sb.append(' ').append(rng.nextInt(100_000));
        }
        if (rng.nextInt(300) == 0) {
          sb.append(".\n\n");
        }
      }
      have += sb.length();
      out.add(new Document("doc-" + out.size(), sb.toString(), "web", "web", "en", ""));
    }
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
