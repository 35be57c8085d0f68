package midtrain.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedWriterTest {
  @TempDir Path dir;

  private static List<Document> docs(int n) {
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Document.of("d" + i, "text ".repeat(1 + i % 7) + i));
    }
    return out;
  }

  private static List<Document> readShards(Path dir, ShardManifest m) {
    List<Document> back = new ArrayList<>();
    ReaderOptions o = ReaderOptions.builder().defaultSource("x").build();
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a)) {
      for (ShardManifest.Shard s : m.shards()) {
        long before = back.size();
        try (DocumentReader r = Formats.openReader(dir.resolve(s.file()), o)) {
          int n;
          while ((n =
                  r.read(
                      root,
                      64,
                      x -> {
                        throw new AssertionError(x.toString());
                      }))
              > 0) {
            for (int i = 0; i < n; i++) {
              back.add(DocumentBatch.get(root, i).withSource(""));
            }
            root.clear();
          }
        }
        assertEquals(s.documents(), back.size() - before, s.file());
      }
    }
    return back;
  }

  private static void writeAll(ShardedWriter w, List<Document> docs, int batch) {
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a)) {
      for (int i = 0; i < docs.size(); i += batch) {
        root.allocateNew();
        for (int k = i; k < Math.min(docs.size(), i + batch); k++) {
          DocumentBatch.append(root, docs.get(k));
        }
        w.write(root);
        root.clear();
      }
    }
  }

  @Test
  void rollsAtMaxDocumentsAcrossBatchesAndWritesAVerifiableManifest() throws IOException {
    List<Document> docs = docs(95);
    try (ShardedWriter w =
        ShardedWriter.builder(dir).prefix("p").suffix(".jsonl.zst").maxDocuments(20).build()) {
      writeAll(w, docs, 7);
      assertEquals(95, w.documents());
    }
    ShardManifest m = ShardedWriter.verify(dir);
    assertEquals(5, m.shards().size());
    assertEquals(
        List.of(20L, 20L, 20L, 20L, 15L), m.shards().stream().map(s -> s.documents()).toList());
    assertEquals("p-00000.jsonl.zst", m.shards().get(0).file());
    assertEquals(95, m.documents());
    long sum = 0;
    for (ShardManifest.Shard s : m.shards()) {
      sum += Files.size(dir.resolve(s.file()));
    }
    assertEquals(sum, m.bytes());
    assertEquals(docs, readShards(dir, m));
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    assertEquals(95, json.get("documents").asLong());
    assertEquals(64, json.get("shards").get(0).get("sha256").asText().length());
  }

  @Test
  void rollsBeforeADocumentThatWouldPassMaxBytes() {
    List<Document> docs = docs(40);
    long limit = 100;
    try (ShardedWriter w = ShardedWriter.builder(dir).suffix(".jsonl").maxBytes(limit).build()) {
      writeAll(w, docs, 40);
    }
    ShardManifest m = ShardedWriter.verify(dir);
    List<Document> back = readShards(dir, m);
    assertEquals(docs, back);
    // Recount text bytes per shard independently of the writer.
    int at = 0;
    for (ShardManifest.Shard s : m.shards()) {
      long bytes = 0;
      for (int i = 0; i < s.documents(); i++) {
        bytes += docs.get(at++).text().getBytes(StandardCharsets.UTF_8).length;
      }
      assertTrue(bytes <= limit, s + " holds " + bytes + " text bytes");
      if (at < docs.size()) {
        long next = docs.get(at).text().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes + next > limit, "shard closed early: " + s);
      }
    }
  }

  @Test
  void verifyNamesTheChangedOrMissingShard() throws IOException {
    try (ShardedWriter w = ShardedWriter.builder(dir).suffix(".jsonl").maxDocuments(10).build()) {
      writeAll(w, docs(30), 30);
    }
    Path second = dir.resolve("part-00001.jsonl");
    byte[] b = Files.readAllBytes(second);
    b[5] ^= 1;
    Files.write(second, b);
    DataException e = assertThrows(DataException.class, () -> ShardedWriter.verify(dir));
    assertTrue(
        e.getMessage().contains("part-00001.jsonl") && e.getMessage().contains("SHA-256"),
        e.getMessage());
    Files.delete(second);
    e = assertThrows(DataException.class, () -> ShardedWriter.verify(dir));
    assertTrue(
        e.getMessage().contains("part-00001.jsonl") && e.getMessage().contains("missing"),
        e.getMessage());
    Files.delete(dir.resolve(ShardManifest.FILE_NAME));
    e = assertThrows(DataException.class, () -> ShardedWriter.verify(dir));
    assertTrue(e.getMessage().contains("manifest"), e.getMessage());
  }

  @Test
  void emptyStreamGivesAnEmptyManifestAndAbortWritesNone() {
    Path empty = dir.resolve("empty");
    try (ShardedWriter w = ShardedWriter.builder(empty).build()) {
      assertEquals(0, w.documents());
    }
    assertEquals(0, ShardedWriter.verify(empty).shards().size());
    Path aborted = dir.resolve("aborted");
    ShardedWriter w = ShardedWriter.builder(aborted).suffix(".jsonl").build();
    writeAll(w, docs(3), 3);
    w.abort();
    assertFalse(Files.exists(aborted.resolve(ShardManifest.FILE_NAME)));
    assertFalse(Files.exists(aborted.resolve("part-00000.jsonl")));
    assertThrows(DataException.class, () -> ShardedWriter.builder(dir).suffix(".nope").build());
  }

  @Test
  void rejectsFileWritesOneLinePerRejectAndCounts() throws IOException {
    Path file = dir.resolve("rejects.jsonl");
    Map<String, Long> counts;
    try (RejectsFile r = RejectsFile.create(file)) {
      r.reject(new Reject("a.jsonl", 3, "malformed-json", "bad \"quote\""));
      r.reject(new Reject("a.jsonl", 9, "empty", ""));
      r.reject(new Reject("b.jsonl", 1, "malformed-json", "x"));
      assertFalse(Files.exists(file), "appears on close");
      counts = r.counts();
      assertEquals(3, r.total());
    }
    assertEquals(Map.of("empty", 1L, "malformed-json", 2L), counts);
    List<String> lines = Files.readAllLines(file);
    assertEquals(3, lines.size());
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertEquals("a.jsonl", first.get("file").asText());
    assertEquals(3, first.get("line").asLong());
    assertEquals("malformed-json", first.get("reason").asText());
    assertEquals("bad \"quote\"", first.get("detail").asText());
  }
}
