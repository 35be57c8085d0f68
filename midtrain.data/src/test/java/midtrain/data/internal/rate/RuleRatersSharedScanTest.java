package midtrain.data.internal.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import midtrain.data.DocumentBatch;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * The speed-ups of the rule raters against plain definitions: the n-gram metrics of
 * gopher-repetition on every key path (packed word ids, hashed 4-grams, 4-gram ids, the hashed
 * fallback of huge documents) against a string-keyed oracle, and the per-thread batch cache against
 * rating each text alone, with batches refilled in place and several threads.
 */
class RuleRatersSharedScanTest {
  private static final List<String> IDS =
      List.of("gopher-quality", "gopher-repetition", "c4", "fineweb");

  /** Words drawn from {@code vocab} words, with runs copied from earlier in the text. */
  static String words(Random rnd, int tokens, int vocab) {
    List<String> w = new ArrayList<>(tokens);
    while (w.size() < tokens) {
      if (w.size() > 20 && rnd.nextInt(8) == 0) {
        int len = 2 + rnd.nextInt(12);
        int from = rnd.nextInt(w.size() - len);
        for (int k = 0; k < len && w.size() < tokens; k++) {
          w.add(w.get(from + k));
        }
      } else {
        w.add(Integer.toString(rnd.nextInt(vocab), 36));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < w.size(); i++) {
      sb.append(w.get(i)).append(rnd.nextInt(20) == 0 ? '\n' : ' ');
    }
    return sb.toString();
  }

  /**
   * The duplicate n-gram fractions by datatrove's scan, keyed by strings: {@code out[n - 5]} for n
   * in {@code [from, to]}, 0 elsewhere.
   */
  static double[] dupOracle(String text, int from, int to) {
    String[] w = text.isBlank() ? new String[0] : text.trim().split("\\s+");
    double len = text.codePointCount(0, text.length());
    double[] out = new double[6];
    for (int k = from - 5; k <= to - 5; k++) {
      int n = k + 5;
      Set<String> seen = new HashSet<>();
      long repeated = 0;
      int p = 0;
      while (p + n <= w.length) {
        String g = String.join("\u0000", java.util.Arrays.asList(w).subList(p, p + n));
        if (seen.contains(g)) {
          repeated += g.length() - (n - 1);
          p += n;
        } else {
          seen.add(g);
          p++;
        }
      }
      out[k] = len == 0 ? 0 : (float) (repeated / len);
    }
    return out;
  }

  /** The top n-gram fractions (n = 2 to 4): the highest count, ties to the first seen. */
  static double[] topOracle(String text) {
    String[] w = text.trim().split("\\s+");
    if (text.isBlank()) {
      w = new String[0];
    }
    double len = text.codePointCount(0, text.length());
    double[] out = new double[3];
    for (int k = 0; k < 3; k++) {
      int n = k + 2;
      Map<String, Integer> count = new HashMap<>();
      Map<String, Integer> first = new HashMap<>();
      for (int p = 0; p + n <= w.length; p++) {
        String g = String.join(" ", java.util.Arrays.asList(w).subList(p, p + n));
        count.merge(g, 1, Integer::sum);
        first.putIfAbsent(g, p);
      }
      String best = null;
      for (String g : count.keySet()) {
        if (best == null
            || count.get(g) > count.get(best)
            || (count.get(g).equals(count.get(best)) && first.get(g) < first.get(best))) {
          best = g;
        }
      }
      out[k] = best == null ? 0 : (float) (best.length() * count.get(best) / len);
    }
    return out;
  }

  private static void assertRepetition(String text) {
    float[] s = RuleRatersTest.score(Raters.create("gopher-repetition", Map.of()), text);
    double[] top = topOracle(text);
    double[] dup = dupOracle(text, 5, 10);
    for (int k = 0; k < 3; k++) {
      assertEquals(top[k], s[4 + k], 1e-6, "top_" + (k + 2) + "_gram_frac");
    }
    for (int k = 0; k < 6; k++) {
      assertEquals(dup[k], s[7 + k], 1e-6, "dup_" + (k + 5) + "_gram_frac");
    }
  }

  @Test
  void ngramsMatchTheDefinitionsOnEveryKeyPath() {
    Random rnd = new Random(11);
    // Few distinct words: every n-gram packs its word ids.
    for (int i = 0; i < 20; i++) {
      assertRepetition(words(rnd, 50 + rnd.nextInt(400), 3 + rnd.nextInt(40)));
    }
    // Over 2^15 distinct words: 4-grams no longer pack and are hashed.
    assertRepetition(words(rnd, 60_000, 1_000_000));
  }

  @Test
  void hugeDocumentsUseTheHashedFallback() {
    // Over 2^21 4-grams: three 4-gram ids no longer fit in 63 bits. Words of one char (from 12)
    // let the oracle key an n-gram by its chars packed into a long.
    String text = words(new Random(5), (1 << 21) + 1000, 12);
    float[] s = RuleRatersTest.score(Raters.create("gopher-repetition", Map.of()), text);
    String[] w = text.trim().split("\\s+");
    double len = text.length();
    for (int n = 5; n <= 10; n++) {
      // An open-addressing set of the keys + 1 (0 marks a free slot): a HashSet<Long> of two
      // million keys is too slow here.
      long[] seen = new long[1 << 23];
      long repeated = 0;
      int p = 0;
      while (p + n <= w.length) {
        long key = 1;
        for (int j = 0; j < n; j++) {
          key = key << 4 | Character.digit(w[p + j].charAt(0), 36);
        }
        int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 41);
        while (seen[slot] != 0 && seen[slot] != key) {
          slot = (slot + 1) & (seen.length - 1);
        }
        boolean added = seen[slot] == 0;
        seen[slot] = key;
        if (!added) {
          repeated += n;
          p += n;
        } else {
          p++;
        }
      }
      assertEquals((float) (repeated / len), s[2 + n], 1e-6, "dup_" + n + "_gram_frac");
    }
  }

  private static List<String> texts(Random rnd, int n) {
    String[] pieces = {
      "The cat sat on the mat. ",
      "Privacy Policy\n",
      "lorem ipsum dolor\n",
      "a [1] cited line.\n",
      "\u2022 bullet\n",
      "- dash...\n",
      "#tag ",
      "\n\n",
      "caf\u00e9 \ud835\udd18\ud835\udd2b\u2028",
      "x\r\ny\u000bz\u0085",
      "{ code }\n",
      "   \t",
    };
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int parts = rnd.nextInt(30);
      for (int p = 0; p < parts; p++) {
        sb.append(pieces[rnd.nextInt(pieces.length)]);
      }
      out.add(sb.toString());
    }
    return out;
  }

  private static void fill(VectorSchemaRoot batch, List<String> texts) {
    VarCharVector v = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
    VarCharVector id = DocumentBatch.utf8(batch, DocumentBatch.ID);
    for (int i = 0; i < texts.size(); i++) {
      id.setSafe(i, ("d" + i).getBytes(StandardCharsets.UTF_8));
      v.setSafe(i, texts.get(i).getBytes(StandardCharsets.UTF_8));
    }
    batch.setRowCount(texts.size());
  }

  /** Rates a batch with all four raters, as the pipeline does, and checks every row. */
  private static void rateAndCheck(List<Rater> raters, VectorSchemaRoot batch, List<String> texts) {
    for (Rater r : raters) {
      float[][] scores = new float[r.outputs().size()][texts.size()];
      r.rate(batch, scores);
      for (int i = 0; i < texts.size(); i++) {
        float[] alone = RuleRatersTest.score(r, texts.get(i));
        for (int o = 0; o < alone.length; o++) {
          assertEquals(alone[o], scores[o][i], r.id() + " row " + i + " output " + o);
        }
      }
    }
  }

  @Test
  void batchCacheFollowsContentNotIdentity() {
    List<Rater> raters = new ArrayList<>();
    for (String id : IDS) {
      raters.add(Raters.create(id, Map.of()));
    }
    Random rnd = new Random(3);
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot batch = DocumentBatch.create(a)) {
      List<String> texts = texts(rnd, 50);
      fill(batch, texts);
      rateAndCheck(raters, batch, texts);
      // Same root, same row count, one text changed in place: no stale scores.
      List<String> changed = new ArrayList<>(texts);
      changed.set(7, texts.get(7) + " lorem ipsum {");
      batch.clear();
      batch.allocateNew();
      fill(batch, changed);
      rateAndCheck(raters, batch, changed);
      // Same bytes, different row boundaries.
      List<String> moved = new ArrayList<>(changed);
      moved.set(0, changed.get(0) + changed.get(1));
      moved.set(1, "");
      batch.clear();
      batch.allocateNew();
      fill(batch, moved);
      rateAndCheck(raters, batch, moved);
    }
  }

  @Test
  void threadsRatingDifferentBatchesWithOneInstanceAgree() throws Exception {
    List<Rater> raters = new ArrayList<>();
    for (String id : IDS) {
      raters.add(Raters.create(id, Map.of()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (RootAllocator a = new RootAllocator()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        done.add(
            pool.submit(
                () -> {
                  try (VectorSchemaRoot batch = DocumentBatch.create(a)) {
                    for (int round = 0; round < 5; round++) {
                      List<String> texts = texts(new Random(seed * 31L + round), 40);
                      batch.clear();
                      batch.allocateNew();
                      fill(batch, texts);
                      rateAndCheck(raters, batch, texts);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
