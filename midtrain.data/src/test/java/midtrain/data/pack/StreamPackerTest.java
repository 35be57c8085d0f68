package midtrain.data.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.token.TokenShardWriter;
import midtrain.data.token.TokenShards;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming packing: same rows as the in-memory packer, and as the loader over its shards. */
class StreamPackerTest {
  @TempDir Path tmp;

  static List<Packer.Document> docs(long seed, int n, int maxLen, int longEvery, int longLen) {
    Random r = new Random(seed);
    List<Packer.Document> out = new ArrayList<>();
    String[] sources = {"web", "code", "math"};
    for (int i = 0; i < n; i++) {
      int len =
          longEvery > 0 && i % longEvery == longEvery - 1
              ? longLen + r.nextInt(longLen)
              : r.nextInt(maxLen);
      int[] d = new int[len];
      for (int j = 0; j < len; j++) {
        d[j] = 3 + r.nextInt(300);
      }
      out.add(new Packer.Document(sources[r.nextInt(sources.length)], d));
    }
    return out;
  }

  @Test
  void concatRowsAndStatsEqualTheInMemoryPacker() {
    for (int seqLen : new int[] {2, 7, 16, 64}) {
      List<Packer.Document> docs = docs(seqLen, 200, 40, 0, 0);
      Packer.Result want = Packer.builder(seqLen).framing(Framing.eos(2)).build().pack(docs);
      List<PackedRow> got = new ArrayList<>();
      StreamPacker sp = StreamPacker.builder(seqLen).framing(Framing.eos(2)).rows(got::add).build();
      docs.forEach(d -> sp.add(d.source(), d.tokens()));
      PackStats stats = sp.finish();
      assertEquals(want.rows(), got, "seqLen " + seqLen);
      assertEquals(want.stats(), stats);
      Map<String, Long> bySource = new TreeMap<>();
      want.rows()
          .forEach(rw -> rw.tokensBySource().forEach((k, v) -> bySource.merge(k, v, Long::sum)));
      assertEquals(bySource, sp.tokensBySource());
      assertEquals(
          stats.rows() * seqLen, bySource.values().stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  void longDocumentsStartAtRowBoundariesAndFillRowsAlone() {
    int seqLen = 32;
    List<Packer.Document> docs = docs(11, 300, 20, 10, 40);
    List<PackedRow> rows = new ArrayList<>();
    List<Integer> pieceLengths = new ArrayList<>();
    Map<String, Long> streamed = new TreeMap<>();
    StreamPacker sp =
        StreamPacker.builder(seqLen)
            .mode(PackMode.LONG_CONTEXT)
            .framing(Framing.eos(2))
            .rows(rows::add)
            .sink(
                (s, t, from, len) -> {
                  pieceLengths.add(len);
                  streamed.merge(s, (long) len, Long::sum);
                })
            .build();
    long wantSingle = 0;
    Map<String, Long> framed = new TreeMap<>();
    for (Packer.Document d : docs) {
      sp.add(d.source(), d.tokens());
      int n = d.tokens().length + 1;
      framed.merge(d.source(), (long) n, Long::sum);
      if (n >= seqLen + 1) {
        wantSingle += (n - 1) / seqLen;
      }
    }
    PackStats stats = sp.finish();
    assertEquals(0, sp.misalignedLongDocuments());
    // Every framed token reaches the sink exactly once.
    assertEquals(framed, streamed);
    assertTrue(
        stats.singleDocumentRows() >= wantSingle,
        stats.singleDocumentRows() + " single rows, want at least " + wantSingle);
    // Long documents: the first row holding their first token starts with it.
    for (Packer.Document d : docs) {
      int[] f = Framing.eos(2).frame(d.tokens());
      if (f.length >= seqLen + 1) {
        int[] head = Arrays.copyOf(f, seqLen + 1);
        assertTrue(
            rows.stream()
                .anyMatch(r -> Arrays.equals(r.tokens(), head) && r.documentStarts().length == 1),
            "a long document fills a row alone from its first token");
      }
    }
    // The streaming packer's memory bound: nothing waits beyond the pool.
    assertEquals(stats.rows(), rows.size());
  }

  @Test
  void shardsWrittenFromThePiecesLoadAsTheSameRows() {
    int seqLen = 16;
    for (PackMode mode : PackMode.values()) {
      Path dir = tmp.resolve(mode.name());
      List<Packer.Document> docs = docs(5, 150, 30, 9, 20);
      List<PackedRow> rows = new ArrayList<>();
      try (RootAllocator allocator = new RootAllocator()) {
        StreamPacker sp;
        try (TokenShardWriter w =
            TokenShardWriter.builder(dir, allocator, 400)
                .shardTokens(300)
                .batchTokens(64)
                .build()) {
          sp =
              StreamPacker.builder(seqLen)
                  .mode(mode)
                  .framing(Framing.of(1, 2))
                  .sink(PackSink.of(w))
                  .rows(rows::add)
                  .build();
          docs.forEach(d -> sp.add(d.source(), d.tokens()));
          sp.finish();
          w.finish();
        }
        TokenShards shards = TokenShards.open(dir, allocator);
        assertTrue(shards.shardCount() > 1);
        TokenLoader loader =
            TokenLoader.builder(shards, seqLen).rows(1).microBatches(1).seed(3).build();
        assertEquals(rows.size(), loader.sequences());
        Map<String, Integer> want = new HashMap<>();
        Map<String, Long> wantSources = new TreeMap<>();
        for (PackedRow r : rows) {
          want.merge(
              Arrays.toString(r.tokens()) + Arrays.toString(r.documentStarts()), 1, Integer::sum);
          r.tokensBySource().forEach((k, v) -> wantSources.merge(k, v, Long::sum));
        }
        Map<String, Integer> got = new HashMap<>();
        Map<String, Long> gotSources = new TreeMap<>();
        for (int step = 0; step < loader.sequences(); step++) {
          LoaderBatch b = loader.batch(step, 0);
          got.merge(
              Arrays.toString(b.tokens()) + Arrays.toString(b.documentStarts(0)), 1, Integer::sum);
          b.tokensBySource().forEach((k, v) -> gotSources.merge(k, v, Long::sum));
        }
        assertEquals(want, got, mode.name());
        assertEquals(wantSources, gotSources);
        assertEquals(wantSources, sp.tokensBySource());
      }
    }
  }

  @Test
  void tailIsDroppedAndCounted() {
    StreamPacker sp = StreamPacker.builder(4).build();
    sp.add("a", new int[] {5, 6, 7});
    assertEquals(0, sp.stats().rows());
    assertEquals(3, sp.stats().droppedTokens());
    sp.add("b", new int[] {8, 9, 10, 11});
    PackStats s = sp.finish();
    // Stream 5..11 (7 tokens): one row [5..9], then 10, 11 are left over.
    assertEquals(1, s.rows());
    assertEquals(2, s.droppedTokens());
    assertEquals(Map.of("a", 2L, "b", 2L), sp.tokensBySource());
    assertThrows(IllegalStateException.class, () -> sp.add("a", new int[] {1}));
    assertThrows(DataException.class, () -> StreamPacker.builder(1));
  }

  @Test
  void rowsOverlapByOneToken() {
    List<PackedRow> rows = new ArrayList<>();
    StreamPacker sp = StreamPacker.builder(3).rows(rows::add).build();
    sp.add("a", new int[] {1, 2, 3, 4, 5, 6, 7, 8});
    sp.finish();
    assertEquals(2, rows.size());
    assertArrayEquals(new int[] {1, 2, 3, 4}, rows.get(0).tokens());
    assertArrayEquals(new int[] {4, 5, 6, 7}, rows.get(1).tokens());
  }
}
