package midtrain.data.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class DedupTest {
  static boolean[] run(Deduplicator d, RootAllocator a, String... texts) {
    try (VectorSchemaRoot root = DocumentBatch.create(a)) {
      for (int i = 0; i < texts.length; i++) {
        DocumentBatch.append(root, "d" + i, texts[i]);
      }
      boolean[] alive = new boolean[texts.length];
      Arrays.fill(alive, true);
      d.apply(root, alive);
      return alive;
    }
  }

  @Test
  void exactKeepsTheFirstOfTextsEqualAfterNormalization() {
    try (RootAllocator a = new RootAllocator()) {
      Deduplicator d = Dedup.exact();
      boolean[] alive =
          run(d, a, "Hello, World!", "hello world", "hello   world\n", "hello worlds", "", "");
      assertArrayEquals(new boolean[] {true, false, false, true, true, false}, alive);
      // State carries across batches.
      assertArrayEquals(new boolean[] {false, true}, run(d, a, "HELLO WORLD", "new text"));
      assertEquals(4, d.keys());
    }
  }

  @Test
  void rowsAlreadyDeadAreNeitherCheckedNorRemembered() {
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a)) {
      DocumentBatch.append(root, "a", "same");
      DocumentBatch.append(root, "b", "same");
      Deduplicator d = Dedup.exact();
      boolean[] alive = {false, true};
      assertEquals(0, d.apply(root, alive));
      assertTrue(alive[1]);
    }
  }

  static String words(SplittableRandom rnd, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append("w").append(rnd.nextInt(100_000));
    }
    return sb.toString();
  }

  @Test
  void minHashCatchesNearDuplicatesAndKeepsDistinctTexts() {
    SplittableRandom rnd = new SplittableRandom(11);
    List<String> docs = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      String base = words(rnd, 400);
      docs.add(base);
      expected.add(true);
      // One word changed in 400: Jaccard of 5-shingles about 0.975.
      docs.add(base.replaceFirst("w\\d+", "changed"));
      expected.add(false);
    }
    for (int k = 0; k < 40; k++) {
      docs.add(words(rnd, 400));
      expected.add(true);
    }
    try (RootAllocator a = new RootAllocator()) {
      boolean[] alive = run(Dedup.minHash(5, 14, 8, 42), a, docs.toArray(new String[0]));
      for (int i = 0; i < alive.length; i++) {
        assertEquals(expected.get(i), alive[i], "document " + i);
      }
    }
  }

  @Test
  void minHashCatchRateFollowsTheSCurve() {
    // Pairs at Jaccard ~0.5 with 20 bands x 5 rows: P(catch) = 1 - (1 - 0.5^5)^20 = 0.47.
    SplittableRandom rnd = new SplittableRandom(5);
    int caught = 0;
    int pairs = 200;
    try (RootAllocator a = new RootAllocator()) {
      for (int k = 0; k < pairs; k++) {
        Deduplicator d = Dedup.minHash(1, 20, 5, k);
        // 1-word shingles: 200 shared words + 100 + 100 own words -> Jaccard 200/400.
        String shared = words(rnd, 200);
        String x = shared + " " + words(rnd, 100);
        String y = shared + " " + words(rnd, 100);
        boolean[] alive = run(d, a, x, y);
        caught += alive[1] ? 0 : 1;
      }
    }
    double p = 1 - Math.pow(1 - Math.pow(0.5, 5), 20);
    double sd = Math.sqrt(p * (1 - p) / pairs);
    assertEquals(p, caught / (double) pairs, 5 * sd + 0.03, "caught " + caught + " of " + pairs);
  }

  @Test
  void keysWrittenAfterAShardRebuildTheStateElsewhere() throws IOException {
    for (Deduplicator first : List.of(Dedup.exact(), Dedup.minHash(3, 4, 2, 1))) {
      Deduplicator second = first.id().equals("exact") ? Dedup.exact() : Dedup.minHash(3, 4, 2, 1);
      try (RootAllocator a = new RootAllocator()) {
        run(first, a, "alpha beta gamma delta", "one two three four five");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.writeNewKeys(new DataOutputStream(bytes));
        second.readKeys(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(first.keys(), second.keys());
        assertFalse(run(second, a, "alpha beta gamma delta")[0], first.id());
        // Nothing new since the last write: an empty delta.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        first.writeNewKeys(new DataOutputStream(again));
        Deduplicator third = first.id().equals("exact") ? Dedup.exact() : Dedup.minHash(3, 4, 2, 1);
        third.readKeys(new DataInputStream(new ByteArrayInputStream(again.toByteArray())));
        assertEquals(0, third.keys());
      }
    }
  }

  @Test
  void anEmptyCopyHasTheSettingsButNoneOfTheKeys() {
    for (Deduplicator d : List.of(Dedup.exact(), Dedup.minHash(3, 4, 2, 1))) {
      try (RootAllocator a = new RootAllocator()) {
        run(d, a, "alpha beta gamma delta");
        Deduplicator copy = d.emptyCopy();
        assertEquals(d.describe(), copy.describe());
        assertEquals(0, copy.keys(), d.id());
        assertTrue(run(copy, a, "alpha beta gamma delta")[0], d.id());
        // Nor does the original get the copy's keys.
        assertTrue(run(copy, a, "only seen by the copy")[0], d.id());
        assertTrue(run(d, a, "only seen by the copy")[0], d.id());
      }
    }
  }

  @Test
  void estimatesGrowWithDocumentsAndRefuseWhatDoesNotFit() {
    long exact = Dedup.estimateBytes("exact", 0, 100_000_000);
    long minhash = Dedup.estimateBytes("minhash", 14, 100_000_000);
    assertTrue(exact >= 100_000_000L * 16, "exact " + exact);
    assertTrue(minhash >= 14 * 100_000_000L * 8, "minhash " + minhash);
    DataException e =
        assertThrows(
            DataException.class, () -> Dedup.requireFits("dedup", exact, 100_000_000, 512 << 20));
    assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
    Dedup.requireFits("dedup", 1000, 10, 2000);
    assertThrows(DataException.class, () -> Dedup.minHash(0, 1, 1, 0));
    assertThrows(DataException.class, () -> Dedup.estimateBytes("fuzzy", 1, 1));
  }
}
