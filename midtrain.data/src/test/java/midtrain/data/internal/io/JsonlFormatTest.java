package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonlFormatTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final String SCORE = DocumentBatch.scoreColumn("q", "v");

  @TempDir Path dir;

  private static List<Document> sampleDocs(int n, long seed) {
    Random rnd = new Random(seed);
    List<Document> docs = new ArrayList<>();
    String[] words = {"alpha", "Grüße", "日本語", "emoji 🙂", "quote \" and \\ slash", "tab\tnl\n"};
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k <= rnd.nextInt(20); k++) {
        sb.append(words[rnd.nextInt(words.length)]).append(' ');
      }
      Document d = Document.of("doc-" + i, sb.toString().trim());
      if (i % 2 == 0) {
        d = d.withSource("src" + (i % 3)).withDomain("web");
      }
      if (i % 3 == 0) {
        d = d.withLang("de").withMeta("{\"url\":\"https://x/" + i + "\",\"n\":" + i + "}");
      }
      docs.add(d);
    }
    return docs;
  }

  private static Path write(Path file, List<Document> docs, boolean scores) {
    Schema schema = scores ? DocumentBatch.schema(List.of(SCORE)) : DocumentBatch.schema();
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, a);
        DocumentWriter w = Formats.openWriter(file)) {
      // Two batches, so the writer sees a reused root.
      for (int half = 0; half < 2; half++) {
        root.allocateNew();
        int from = half == 0 ? 0 : docs.size() / 2;
        int to = half == 0 ? docs.size() / 2 : docs.size();
        for (int i = from; i < to; i++) {
          DocumentBatch.append(root, docs.get(i));
          int row = root.getRowCount() - 1;
          if (scores && i % 4 != 1) {
            ((Float4Vector) root.getVector(SCORE)).setSafe(row, i * 0.1f);
          }
          if (i % 5 == 0) {
            ((VarCharVector) root.getVector(DocumentBatch.LINEAGE))
                .setSafe(row, ("[\"read\",\"stage" + i + "\"]").getBytes(StandardCharsets.UTF_8));
          }
        }
        root.setRowCount(to - from);
        w.write(root);
      }
      assertEquals(docs.size(), w.documents());
    }
    return file;
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.jsonl", "a.jsonl.gz", "a.jsonl.zst", "a.ndjson"})
  void roundTripKeepsDocumentsScoresAndLineage(String name) {
    List<Document> docs = sampleDocs(50, 7);
    Path file = write(dir.resolve(name), docs, true);
    assertFalse(Files.exists(Files2Probe.tmp(file)), "temporary file renamed away");
    Schema schema = DocumentBatch.schema(List.of(SCORE));
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults());
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, a)) {
      List<Document> back = new ArrayList<>();
      int n;
      while ((n = r.read(root, 1000, rejects)) > 0) {
        for (int i = 0; i < n; i++) {
          back.add(DocumentBatch.get(root, i));
          int doc = back.size() - 1;
          Float4Vector s = (Float4Vector) root.getVector(SCORE);
          if (doc % 4 != 1) {
            assertEquals(doc * 0.1f, s.get(i));
          } else {
            assertTrue(s.isNull(i));
          }
          VarCharVector lin = (VarCharVector) root.getVector(DocumentBatch.LINEAGE);
          assertEquals(
              doc % 5 == 0 ? "[\"read\",\"stage" + doc + "\"]" : "", DocumentBatch.string(lin, i));
        }
      }
      assertEquals(0, rejects.all.size());
      assertEquals(docs.size(), r.records());
      // The reader gives absent sources the file name; everything else comes back as written.
      List<Document> expected = new ArrayList<>();
      for (Document d : docs) {
        expected.add(d.source().isEmpty() ? d.withSource(file.getFileName().toString()) : d);
      }
      assertEquals(expected, back);
      assertTrue(r.bytesRead() > 0);
    }
  }

  @Test
  void writerOutputIsOneObjectPerLineWithMetaMergedAndClashesNested() throws IOException {
    Path file = dir.resolve("w.jsonl");
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a);
        DocumentWriter w = Formats.openWriter(file)) {
      root.allocateNew();
      DocumentBatch.append(
          root,
          new Document("i1", "t1", "s", "", "en", "{\"url\":\"u\",\"id\":\"orig\",\"x\":[1,2]}"));
      DocumentBatch.append(root, new Document("i2", "t2", "", "", "", "not json"));
      w.write(root);
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size());
    JsonNode a = M.readTree(lines.get(0));
    assertEquals("i1", a.get("id").asText());
    assertEquals("u", a.get("url").asText());
    assertEquals("orig", a.get("meta").get("id").asText());
    assertEquals(2, a.get("x").size());
    assertEquals("en", a.get("lang").asText());
    assertFalse(a.has("domain"));
    JsonNode b = M.readTree(lines.get(1));
    assertEquals("not json", b.get("meta").asText());
  }

  @Test
  void abortLeavesNoFile() {
    Path file = dir.resolve("x.jsonl.zst");
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a)) {
      DocumentWriter w = Formats.openWriter(file);
      root.allocateNew();
      DocumentBatch.append(root, "a", "b");
      w.write(root);
      w.abort();
    }
    assertFalse(Files.exists(file));
    assertFalse(Files.exists(Files2Probe.tmp(file)));
  }

  @Test
  void fieldPathsReachIntoNestedObjectsAndTheRestGoesToMeta() throws IOException {
    // Dolma-like: id/text at the top, language and url nested under metadata.
    Path file = dir.resolve("dolma.jsonl");
    Files.writeString(
        file,
        "{\"id\":\"d1\",\"text\":\"hello\",\"source\":\"c4\",\"added\":\"2024\","
            + "\"metadata\":{\"lang\":{\"code\":\"en\",\"p\":0.9},\"url\":\"http://a\"}}\n"
            + "{\"id\":7,\"text\":\"world\",\"metadata\":{\"lang\":{\"code\":\"fr\"}}}\n"
            + "{\"text\":\"no id\"}\n");
    ReaderOptions o =
        ReaderOptions.builder().langField("metadata.lang.code").defaultDomain("web").build();
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, o)) {
      List<Document> docs = IoTesting.readAll(r, a, rejects);
      assertEquals(3, docs.size());
      Document d1 = docs.get(0);
      assertEquals(new Document("d1", "hello", "c4", "web", "en", d1.meta()), d1);
      assertEquals(
          M.readTree(
              "{\"added\":\"2024\",\"metadata\":{\"lang\":{\"p\":0.9},\"url\":\"http://a\"}}"),
          M.readTree(d1.meta()));
      // A numeric id is taken as text; an emptied nested object leaves no meta behind.
      assertEquals(new Document("7", "world", "dolma.jsonl", "web", "fr", ""), docs.get(1));
      assertEquals("dolma.jsonl:3", docs.get(2).id());
      assertEquals(0, rejects.all.size());
    }
  }

  @Test
  void nestedTextAndDefaultSourceAndDroppedMeta() throws IOException {
    Path file = dir.resolve("nested.jsonl");
    Files.writeString(
        file, "{\"doc\":{\"body\":\"x y\",\"extra\":1},\"other\":true}\n{\"doc\":{\"body\":3}}\n");
    ReaderOptions o =
        ReaderOptions.builder().textField("doc.body").defaultSource("mine").keepMeta(false).build();
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, o)) {
      List<Document> docs = IoTesting.readAll(r, a, rejects);
      assertEquals(List.of(new Document("nested.jsonl:1", "x y", "mine", "", "", "")), docs);
      assertEquals(List.of("missing-field"), rejects.reasons());
      assertEquals(2, rejects.all.get(0).line());
    }
  }

  @Test
  void everyBadLineIsRejectedWithItsLineAndReadingGoesOn() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    String big = "x".repeat(200);
    String[] lines = {
      "{\"text\":\"ok1\"}", // 1
      "{\"text\":\"broken\"", // 2 malformed
      "", // 3 blank: not a record
      "[1,2]", // 4 not an object
      "{\"id\":\"a\"}", // 5 no text
      "{\"text\":42}", // 6 text not a string
      "{\"text\":\"   \"}", // 7 blank text
      "{\"text\":\"" + big + "\"}", // 8 text over 100 bytes
      "{\"text\":\"ok2\"} trailing", // 9 content after the object
      "{\"text\":\"ok3\"}\r", // 10 CRLF line
      "{\"text\":\"" + "y".repeat(2_000_000) + "\"}", // 11 line over the line limit
      "{\"text\":\"ok4\",\"id\":{\"a\":1}}", // 12 id is an object
    };
    for (String l : lines) {
      b.write(l.getBytes(StandardCharsets.UTF_8));
      b.write('\n');
    }
    // 13: an overlong encoding of '/', 14: a lone continuation byte, 15: a surrogate
    b.write(
        new byte[] {
          '{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}', '\n'
        });
    b.write(
        new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'a', (byte) 0x80, '"', '}', '\n'});
    b.write(
        new byte[] {
          '{',
          '"',
          't',
          'e',
          'x',
          't',
          '"',
          ':',
          '"',
          (byte) 0xED,
          (byte) 0xA0,
          (byte) 0x80,
          '"',
          '}',
          '\n'
        });
    b.write("{\"text\":\"ok5 ünïcödé\"}".getBytes(StandardCharsets.UTF_8)); // 16, no final newline
    Path file = dir.resolve("bad.jsonl");
    Files.write(file, b.toByteArray());
    ReaderOptions o = ReaderOptions.builder().maxDocumentBytes(100).build();
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, o)) {
      // Batches of 1 make every read stop mid-file and carry on.
      List<Document> docs = IoTesting.readAll(r, a, DocumentBatch.schema(), 1, rejects);
      List<String> texts = new ArrayList<>();
      for (Document d : docs) {
        texts.add(d.text());
      }
      assertEquals(List.of("ok1", "ok3", "ok5 ünïcödé"), texts);
      assertEquals("bad.jsonl:10", docs.get(1).id());
      assertEquals(
          List.of(
              "malformed-json",
              "malformed-json",
              "missing-field",
              "missing-field",
              "empty",
              "oversized",
              "malformed-json",
              "oversized",
              "missing-field",
              "invalid-utf8",
              "invalid-utf8",
              "invalid-utf8"),
          rejects.reasons());
      long[] expectedLines = {2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15};
      long[] got = rejects.all.stream().mapToLong(x -> x.line()).toArray();
      assertArrayEquals(expectedLines, got, Arrays.toString(got));
      assertEquals(15, r.records());
      for (var x : rejects.all) {
        assertEquals(file.toString(), x.file());
        assertFalse(x.detail().isEmpty());
      }
    }
  }

  private static byte[] lines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"id\":\"")
          .append(i)
          .append("\",\"text\":\"line number ")
          .append(i)
          .append("\"}\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] zstd(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new ZstdOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cut.jsonl.gz", "cut.jsonl.zst"})
  void truncatedStreamRejectsOnceAndEndsTheInput(String name) throws IOException {
    byte[] data = lines(20_000);
    byte[] packed = name.endsWith(".gz") ? gzip(data) : zstd(data);
    Path file = dir.resolve(name);
    Files.write(file, Arrays.copyOf(packed, packed.length / 2));
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      List<Document> docs = IoTesting.readAll(r, a, rejects);
      assertTrue(docs.size() > 100 && docs.size() < 20_000, "docs before the cut: " + docs.size());
      for (int i = 0; i < docs.size(); i++) {
        assertEquals("line number " + i, docs.get(i).text());
      }
      assertEquals(List.of("truncated-stream"), rejects.reasons());
      assertEquals(docs.size() + 1, rejects.all.get(0).line());
    }
  }

  @Test
  void notGzipAtAllIsATruncatedStreamNotACrash() throws IOException {
    Path file = dir.resolve("fake.jsonl.gz");
    Files.write(file, lines(3));
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      assertEquals(0, IoTesting.readAll(r, a, rejects).size());
      assertEquals(List.of("truncated-stream"), rejects.reasons());
    }
  }

  @Test
  void concatenatedGzipMembersAndZstdFramesAreAllRead() throws IOException {
    byte[] one = lines(1000);
    ByteArrayOutputStream g = new ByteArrayOutputStream();
    g.write(gzip(one));
    g.write(gzip(one));
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    z.write(zstd(one));
    z.write(zstd(one));
    for (var e : List.of(List.of("m.jsonl.gz", g), List.of("m.jsonl.zst", z))) {
      Path file = dir.resolve((String) e.get(0));
      Files.write(file, ((ByteArrayOutputStream) e.get(1)).toByteArray());
      IoTesting.Rejects rejects = new IoTesting.Rejects();
      try (RootAllocator a = new RootAllocator();
          DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
        assertEquals(2000, IoTesting.readAll(r, a, rejects).size(), file.toString());
        assertEquals(0, rejects.all.size());
      }
    }
  }

  @Test
  void gzipBombStopsAtTheDecompressedCap() throws IOException {
    // 200 MB of zeros packs into about 200 KB of gzip.
    Path file = dir.resolve("bomb.jsonl.gz");
    byte[] zeros = new byte[1 << 20];
    try (OutputStream z = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (int i = 0; i < 200; i++) {
        z.write(zeros);
      }
    }
    assertTrue(Files.size(file) < 1 << 20);
    ReaderOptions o = ReaderOptions.builder().maxDecompressedBytes(4 << 20).build();
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, o)) {
      assertEquals(0, IoTesting.readAll(r, a, rejects).size());
      assertEquals(List.of("decompression-cap"), rejects.reasons());
      assertTrue(rejects.all.get(0).detail().contains("maxDecompressedBytes"));
      assertTrue(r.bytesRead() < Files.size(file), "stopped early");
    }
  }

  @Test
  void zstdBombStopsAtTheRatioCapAfterTheGrace() throws IOException {
    // Valid short lines, so the reader appends documents until the ratio check fires at 64 MiB.
    Path file = dir.resolve("ratio.jsonl.zst");
    byte[] line = ("{\"text\":\"" + "a".repeat(1000) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    byte[] block = new byte[line.length * 1000];
    for (int i = 0; i < 1000; i++) {
      System.arraycopy(line, 0, block, i * line.length, line.length);
    }
    try (OutputStream z = new ZstdOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < 200; i++) { // about 200 MB
        z.write(block);
      }
    }
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      long docs = 0;
      try (VectorSchemaRoot root = DocumentBatch.create(a)) {
        int n;
        while ((n = r.read(root, 100_000, rejects)) > 0) {
          docs += n;
          root.clear();
        }
      }
      assertEquals(List.of("decompression-cap"), rejects.reasons());
      assertTrue(rejects.all.get(0).detail().contains("maxCompressionRatio"));
      long atCap = DecodedInput.RATIO_GRACE_BYTES / line.length;
      // The line reader reads ahead up to 64 KiB, which the cap counts as inflated already.
      long readAhead = (1 << 16) / line.length + 1;
      assertTrue(docs >= atCap - readAhead && docs <= atCap, "documents before the cap: " + docs);
      assertEquals(docs + 1, r.records());
    }
  }

  /** Reaches Files2's temporary name, which the writers use. */
  static final class Files2Probe {
    static Path tmp(Path p) {
      return midtrain.data.internal.token.Files2.temporary(p);
    }
  }

  @Test
  void loneSurrogatesAndNonStringTextsAreRejectedWithTheirReason(@TempDir Path dir)
      throws Exception {
    java.nio.file.Path f = dir.resolve("x.jsonl");
    java.nio.file.Files.writeString(
        f,
        "{\"text\": \"lone \\ud800 surrogate\"}\n"
            + "{\"text\": \"pair \\ud83d\\ude00 fine\"}\n"
            + "{\"text\": 42}\n"
            + "{\"text\": null}\n");
    try (org.apache.arrow.memory.RootAllocator a = new org.apache.arrow.memory.RootAllocator();
        org.apache.arrow.vector.VectorSchemaRoot root = midtrain.data.DocumentBatch.create(a);
        midtrain.data.io.DocumentReader r =
            midtrain.data.io.Formats.openReader(f, midtrain.data.io.ReaderOptions.defaults())) {
      List<midtrain.data.io.Reject> rejects = new java.util.ArrayList<>();
      assertEquals(1, r.read(root, 10, rejects::add));
      assertEquals("pair \ud83d\ude00 fine", midtrain.data.DocumentBatch.get(root, 0).text());
      assertEquals(3, rejects.size());
      assertEquals("invalid-utf8", rejects.get(0).reason());
      assertEquals(1, rejects.get(0).line());
      assertTrue(rejects.get(1).detail().contains("a number (42)"), rejects.get(1).detail());
      assertTrue(rejects.get(2).detail().contains("is null"), rejects.get(2).detail());
    }
  }

  @Test
  void scoreColumnsAreFoundInTheFirstRecordWhichIsThenReadAsUsual(@TempDir Path dir)
      throws Exception {
    java.nio.file.Path f = dir.resolve("rated.jsonl");
    java.nio.file.Files.writeString(
        f,
        "\n{\"id\": \"a\", \"text\": \"x y\", \"score.c4.pass\": 1.0, \"score.note\": \"s\"}\n"
            + "{\"id\": \"b\", \"text\": \"z\", \"score.c4.pass\": 0}\n");
    try (org.apache.arrow.memory.RootAllocator a = new org.apache.arrow.memory.RootAllocator();
        midtrain.data.io.DocumentReader r =
            midtrain.data.io.Formats.openReader(f, midtrain.data.io.ReaderOptions.defaults())) {
      List<String> cols = r.scoreColumns();
      assertEquals(List.of("score.c4.pass"), cols);
      try (org.apache.arrow.vector.VectorSchemaRoot root =
          org.apache.arrow.vector.VectorSchemaRoot.create(
              midtrain.data.DocumentBatch.schema(cols), a)) {
        assertEquals(2, r.read(root, 10, x -> {}));
        org.apache.arrow.vector.Float4Vector v =
            (org.apache.arrow.vector.Float4Vector) root.getVector("score.c4.pass");
        assertEquals(1.0f, v.get(0));
        assertEquals(0.0f, v.get(1));
        assertEquals(2, r.records());
      }
    }
    // A stream that fails while looking ahead still rejects the record it cut, once.
    java.nio.file.Path gz = dir.resolve("cut.jsonl.gz");
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
      z.write("{\"text\": \"hello world\"}\n".repeat(2000).getBytes(StandardCharsets.UTF_8));
    }
    byte[] all = b.toByteArray();
    java.nio.file.Files.write(gz, java.util.Arrays.copyOf(all, 12));
    try (org.apache.arrow.memory.RootAllocator a = new org.apache.arrow.memory.RootAllocator();
        org.apache.arrow.vector.VectorSchemaRoot root = midtrain.data.DocumentBatch.create(a);
        midtrain.data.io.DocumentReader r =
            midtrain.data.io.Formats.openReader(gz, midtrain.data.io.ReaderOptions.defaults())) {
      assertEquals(List.of(), r.scoreColumns());
      List<midtrain.data.io.Reject> rejects = new java.util.ArrayList<>();
      assertEquals(0, r.read(root, 10, rejects::add));
      assertEquals(1, rejects.size(), rejects.toString());
      assertEquals("truncated-stream", rejects.get(0).reason());
      assertEquals(1, r.records());
    }
  }
}
