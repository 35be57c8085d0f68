package midtrain.data.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import midtrain.data.DataException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trip, manifest, checksums and refusal of damaged shard directories. */
class TokenShardsTest {
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

  /** Seeded random documents with lengths 0..maxLen and ids below vocab. */
  static List<int[]> docs(long seed, int count, int maxLen, int vocab) {
    Random r = new Random(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] d = new int[r.nextInt(maxLen + 1)];
      for (int j = 0; j < d.length; j++) {
        d[j] = r.nextInt(vocab);
      }
      out.add(d);
    }
    return out;
  }

  static String sourceOf(int i) {
    return i % 3 == 0 ? "code" : "web";
  }

  static TokenManifest write(Path dir, BufferAllocator a, List<int[]> docs, int vocab) {
    try (TokenShardWriter w =
        TokenShardWriter.builder(dir, a, vocab)
            .tokenizerHash("tok-1")
            .seed(99)
            .shardTokens(500)
            .batchTokens(120)
            .build()) {
      for (int i = 0; i < docs.size(); i++) {
        w.add(sourceOf(i), docs.get(i));
      }
      return w.finish();
    }
  }

  @Test
  void roundTripKeepsDocumentsSourcesAndCounts() {
    List<int[]> docs = docs(1, 120, 40, 1000);
    Path dir = tmp.resolve("shards");
    TokenManifest m = write(dir, allocator, docs, 1000);
    assertTrue(m.shards().size() > 3, "several shards: " + m.shards().size());
    long tokens = docs.stream().mapToLong(d -> d.length).sum();
    assertEquals(tokens, m.tokens());
    assertEquals(docs.size(), m.documents());
    Map<String, long[]> want = new HashMap<>();
    for (int i = 0; i < docs.size(); i++) {
      long[] c = want.computeIfAbsent(sourceOf(i), k -> new long[2]);
      c[0]++;
      c[1] += docs.get(i).length;
    }
    assertEquals(want.keySet(), m.sources().keySet());
    want.forEach(
        (k, v) -> assertEquals(new SourceCount(v[0], v[1]), m.sources().get(k), "source " + k));
    assertEquals("tok-1", m.tokenizerHash());
    assertEquals(99, m.seed());
    TokenShards shards = TokenShards.open(dir, allocator);
    assertEquals(m, shards.manifest());
    int d = 0;
    for (int s = 0; s < shards.shardCount(); s++) {
      TokenShard shard = shards.read(s);
      assertEquals(m.shards().get(s).documents(), shard.documents());
      for (int i = 0; i < shard.documents(); i++, d++) {
        assertArrayEquals(docs.get(d), shard.document(i), "document " + d);
        assertEquals(sourceOf(d), shard.source(i));
      }
    }
    assertEquals(docs.size(), d);
    int count = shards.shardCount();
    DataException none = assertThrows(DataException.class, () -> shards.read(count));
    assertTrue(none.getMessage().contains("no shard " + count), none.getMessage());
    assertThrows(DataException.class, () -> shards.read(-1));
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(f -> f.toString().endsWith(".tmp")), "no temporary files left");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aChangedShardIsRefusedNamingTheFile() throws IOException {
    Path dir = tmp.resolve("shards");
    TokenManifest m = write(dir, allocator, docs(2, 60, 30, 500), 500);
    Path victim = dir.resolve(m.shards().get(1).file());
    byte[] b = Files.readAllBytes(victim);
    b[b.length / 2] ^= 1;
    Files.write(victim, b);
    DataException e = assertThrows(DataException.class, () -> TokenShards.open(dir, allocator));
    assertTrue(e.getMessage().contains(victim.toString()), e.getMessage());
    Files.delete(victim);
    e = assertThrows(DataException.class, () -> TokenShards.open(dir, allocator));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void anUnfinishedWriterLeavesNoManifestAndNoTemporaryShard() throws IOException {
    Path dir = tmp.resolve("partial");
    try (TokenShardWriter w =
        TokenShardWriter.builder(dir, allocator, 100).batchTokens(4).build()) {
      w.add("web", new int[] {1, 2, 3, 4, 5});
    }
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
    DataException e = assertThrows(DataException.class, () -> TokenShards.open(dir, allocator));
    assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
  }

  @Test
  void badInputIsRefused() throws IOException {
    Path dir = tmp.resolve("bad");
    try (TokenShardWriter w = TokenShardWriter.builder(dir, allocator, 10).build()) {
      DataException e = assertThrows(DataException.class, () -> w.add("web", new int[] {3, 10}));
      assertTrue(e.getMessage().contains("token id 10"), e.getMessage());
    }
    Files.writeString(dir.resolve("x"), "x");
    assertThrows(DataException.class, () -> TokenShardWriter.builder(dir, allocator, 10).build());
    assertThrows(DataException.class, () -> TokenShardWriter.builder(dir, allocator, 0));
    Path ok = tmp.resolve("ok");
    write(ok, allocator, docs(3, 5, 5, 50), 50);
    Path manifest = ok.resolve(TokenManifest.FILE);
    Files.writeString(manifest, Files.readString(manifest).replace("\"tokens\"", "\"tokenz\""));
    DataException e = assertThrows(DataException.class, () -> TokenShards.open(ok, allocator));
    assertTrue(e.getMessage().contains("tokens"), e.getMessage());
  }
}
