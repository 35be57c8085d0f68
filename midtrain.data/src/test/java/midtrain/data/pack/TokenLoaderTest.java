package midtrain.data.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import midtrain.data.DataException;
import midtrain.data.token.TokenShardWriter;
import midtrain.data.token.TokenShards;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader: windows of the framed stream, one permutation per epoch, exact resume. */
class TokenLoaderTest {
  static final int SEQ = 8;
  static final Framing FRAMING = Framing.of(1, 2);

  @TempDir Path tmp;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void leaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow buffers leaked");
    allocator.close();
  }

  static List<int[]> docs(long seed) {
    Random r = new Random(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int[] d = new int[r.nextInt(20)];
      for (int j = 0; j < d.length; j++) {
        d[j] = 3 + r.nextInt(200);
      }
      if (i % 7 == 0 && d.length > 0) {
        d[0] = 1; // already has BOS: must not get a second one
      }
      out.add(d);
    }
    return out;
  }

  TokenShards write(String name, List<int[]> docs) {
    Path dir = tmp.resolve(name);
    try (TokenShardWriter w =
        TokenShardWriter.builder(dir, allocator, 256).shardTokens(90).batchTokens(30).build()) {
      for (int i = 0; i < docs.size(); i++) {
        w.add(i % 2 == 0 ? "even" : "odd", docs.get(i));
      }
      w.finish();
    }
    return TokenShards.open(dir, allocator);
  }

  TokenLoader.Builder loader(TokenShards s) {
    return TokenLoader.builder(s, SEQ).rows(3).microBatches(2).seed(17).framing(FRAMING);
  }

  @Test
  void everyEpochVisitsEveryWindowOnceWithBoundariesAndSources() {
    List<int[]> docs = docs(1);
    TokenShards shards = write("a", docs);
    assertTrue(shards.shardCount() > 3);
    List<Integer> stream = new ArrayList<>();
    List<Integer> docOf = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      for (int t : FRAMING.frame(docs.get(d))) {
        stream.add(t);
        docOf.add(d);
      }
    }
    int n = (stream.size() - 1) / SEQ;
    Map<String, int[]> windows = new HashMap<>();
    for (int k = 0; k < n; k++) {
      int[] w = new int[SEQ + 1];
      for (int i = 0; i <= SEQ; i++) {
        w[i] = stream.get(k * SEQ + i);
      }
      windows.merge(Arrays.toString(w), new int[] {k}, (a, b) -> a);
    }
    TokenLoader l = loader(shards).build();
    assertEquals(n, l.sequences());
    int perStep = 3 * 2;
    List<Integer> seen = new ArrayList<>();
    for (long step = 0; seen.size() < 2 * n; step++) {
      for (int m = 0; m < 2; m++) {
        LoaderBatch b = l.batch(step, m);
        int[] t = b.tokens();
        assertEquals(3 * (SEQ + 1), t.length);
        Map<String, Long> bySource = new HashMap<>();
        for (int r = 0; r < 3; r++) {
          int[] row = Arrays.copyOfRange(t, r * (SEQ + 1), (r + 1) * (SEQ + 1));
          int[] k = windows.get(Arrays.toString(row));
          assertTrue(k != null, "row is a window of the framed stream: " + Arrays.toString(row));
          seen.add(k[0]);
          List<Integer> starts = new ArrayList<>();
          for (int i = 0; i <= SEQ; i++) {
            int p = k[0] * SEQ + i;
            if (i == 0 || !docOf.get(p).equals(docOf.get(p - 1))) {
              starts.add(i);
            }
            if (i > 0) {
              bySource.merge(docOf.get(p) % 2 == 0 ? "even" : "odd", 1L, Long::sum);
            }
          }
          assertArrayEquals(starts.stream().mapToInt(x -> x).toArray(), b.documentStarts(r));
        }
        assertEquals(bySource, b.tokensBySource());
        assertEquals((step * perStep + m * 3) / n, b.epoch());
      }
    }
    // Windows with equal content would collapse in the map; the seeded data has none.
    assertEquals(n, windows.size());
    List<Integer> epoch0 = new ArrayList<>(seen.subList(0, n));
    List<Integer> epoch1 = new ArrayList<>(seen.subList(n, 2 * n));
    assertFalse(epoch0.equals(epoch1), "each epoch has its own permutation");
    epoch0.sort(null);
    epoch1.sort(null);
    for (int k = 0; k < n; k++) {
      assertEquals(k, epoch0.get(k));
      assertEquals(k, epoch1.get(k));
    }
  }

  @Test
  void aResumedLoaderGivesTheSameBatches() {
    TokenShards shards = write("a", docs(2));
    TokenLoader fresh = loader(shards).build();
    long k = 37;
    LoaderState state = LoaderState.parse(fresh.state(k).toJson());
    assertEquals(fresh.state(k), state);
    assertEquals(fresh.epochOf(k), state.epoch());
    TokenLoader resumed =
        TokenLoader.builder(shards, SEQ)
            .rows(3)
            .microBatches(2)
            .framing(FRAMING)
            .resume(state)
            .build();
    assertEquals(k, resumed.startStep());
    TokenLoader other = loader(shards).seed(18).build();
    boolean differs = false;
    for (long s = k + 5; s >= k; s--) {
      for (int m = 0; m < 2; m++) {
        assertArrayEquals(fresh.batch(s, m).tokens(), resumed.batch(s, m).tokens(), "step " + s);
        differs |= !Arrays.equals(fresh.batch(s, m).tokens(), other.batch(s, m).tokens());
      }
    }
    assertTrue(differs, "another seed gives other batches");
  }

  @Test
  void changedShardsOrSettingsAreRefused() {
    List<int[]> docs = docs(3);
    TokenShards a = write("a", docs);
    LoaderState state = loader(a).build().state(50);
    docs.set(10, new int[] {5, 6, 7});
    TokenShards b = write("b", docs);
    DataException e = assertThrows(DataException.class, () -> loader(b).resume(state).build());
    assertTrue(e.getMessage().contains("changed"), e.getMessage());
    e = assertThrows(DataException.class, () -> loader(a).rows(7).resume(state).build());
    assertTrue(e.getMessage().contains("epoch"), e.getMessage());
    assertThrows(DataException.class, () -> loader(a).build().batch(0, 2));
    assertThrows(DataException.class, () -> TokenLoader.builder(a, 1));
    assertThrows(DataException.class, () -> LoaderState.parse("{\"seed\": 1}"));
  }

  @Test
  void aBatchSizeScheduleConsumesRowsInOrderAndGrowsTheMicroBatches() {
    TokenShards shards = write("sched", docs(4));
    // 3 rows per micro-batch; 3 sequences at step 0, then 6, 6, 9 (stepwise).
    midtrain.sched.BatchSizeSchedule bs =
        midtrain.sched.BatchSizeSchedule.stepwise(3, Map.of(1L, 6, 3L, 9));
    TokenLoader grown =
        TokenLoader.builder(shards, SEQ)
            .rows(3)
            .seed(17)
            .framing(FRAMING)
            .batchSchedule(bs)
            .build();
    TokenLoader flat =
        TokenLoader.builder(shards, SEQ).rows(3).microBatches(1).seed(17).framing(FRAMING).build();
    assertEquals(
        List.of(1, 2, 2, 3),
        List.of(
            grown.microBatches(0),
            grown.microBatches(1),
            grown.microBatches(2),
            grown.microBatches(3)));
    // The scheduled loader reads the same row sequence as a one-micro-batch loader, in order.
    long flatStep = 0;
    for (long step = 0; step < 5; step++) {
      for (int m = 0; m < grown.microBatches(step); m++) {
        assertArrayEquals(
            flat.batch(flatStep++, 0).tokens(),
            grown.batch(step, m).tokens(),
            "step " + step + " micro " + m);
      }
    }
    // A later stage's loader reads the schedule from its first step but its data from the start.
    TokenLoader later =
        TokenLoader.builder(shards, SEQ)
            .rows(3)
            .seed(17)
            .framing(FRAMING)
            .batchSchedule(bs, 3)
            .build();
    assertEquals(3, later.microBatches(0));
    assertArrayEquals(flat.batch(2, 0).tokens(), later.batch(0, 2).tokens());
    assertThrows(DataException.class, () -> grown.batch(0, 1));
    TokenLoader odd =
        TokenLoader.builder(shards, SEQ)
            .rows(4)
            .seed(17)
            .framing(FRAMING)
            .batchSchedule(bs)
            .build();
    DataException e = assertThrows(DataException.class, () -> odd.microBatches(0));
    assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());
  }
}
