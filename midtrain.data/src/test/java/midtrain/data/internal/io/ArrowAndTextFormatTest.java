package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArrowAndTextFormatTest {
  private static final String SCORE = DocumentBatch.scoreColumn("q", "v");
  private static final String OTHER = DocumentBatch.scoreColumn("other", "x");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"a.arrow", "a.arrows", "a.feather"})
  void ipcRoundTripKeepsDocumentsScoresAndLineage(String name) {
    Path file = dir.resolve(name);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Document d = Document.of("id" + i, "text " + i + " é");
      docs.add(
          i % 2 == 0
              ? d.withSource("s").withLang("en").withMeta("{\"k\":" + i + "}")
              : d.withSource("t"));
    }
    try (RootAllocator a = new RootAllocator();
        DocumentWriter w = Formats.openWriter(file)) {
      // Two different roots: the writer must not depend on the caller reusing one.
      for (int half = 0; half < 2; half++) {
        try (VectorSchemaRoot root =
            VectorSchemaRoot.create(DocumentBatch.schema(List.of(SCORE, OTHER)), a)) {
          root.allocateNew();
          for (int i = half * 15; i < half * 15 + 15; i++) {
            DocumentBatch.append(root, docs.get(i));
            int row = root.getRowCount() - 1;
            ((Float4Vector) root.getVector(SCORE)).setSafe(row, i / 4f);
            ((Float4Vector) root.getVector(OTHER)).setSafe(row, -i);
            ((VarCharVector) root.getVector(DocumentBatch.LINEAGE))
                .setSafe(row, ("[\"s" + i + "\"]").getBytes(StandardCharsets.UTF_8));
          }
          root.setRowCount(15);
          w.write(root);
        }
      }
      assertEquals(30, w.documents());
    }
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults());
        VectorSchemaRoot root = VectorSchemaRoot.create(DocumentBatch.schema(List.of(SCORE)), a)) {
      List<Document> back = new ArrayList<>();
      int n;
      while ((n = r.read(root, 7, rejects)) > 0) {
        for (int i = 0; i < n; i++) {
          int doc = back.size();
          back.add(DocumentBatch.get(root, i));
          assertEquals(doc / 4f, ((Float4Vector) root.getVector(SCORE)).get(i));
          assertEquals(
              "[\"s" + doc + "\"]",
              DocumentBatch.string((VarCharVector) root.getVector(DocumentBatch.LINEAGE), i));
        }
        root.clear();
      }
      // score.other.x has no column in the reader's batch: ignored, not put into meta.
      assertEquals(docs, back);
      assertEquals(30, r.records());
      assertEquals(0, rejects.all.size());
    }
  }

  @Test
  void foreignIpcFileMapsColumnsByPathAndRejectsBadRows() throws IOException {
    // A file another tool wrote: text under "content", the id nested in a struct, an int column.
    Path file = dir.resolve("foreign.arrow");
    Field url = Field.nullable("url", ArrowType.Utf8.INSTANCE);
    Field docId = Field.nullable("doc_id", ArrowType.Utf8.INSTANCE);
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("content", ArrowType.Utf8.INSTANCE),
                new Field(
                    "info", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(docId, url)),
                Field.nullable("tokens", new ArrowType.Int(64, true))));
    String[] texts = {"fine", null, "  ", "x".repeat(50), "also fine"};
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, a)) {
      root.allocateNew();
      VarCharVector content = (VarCharVector) root.getVector("content");
      StructVector info = (StructVector) root.getVector("info");
      VarCharVector ids = (VarCharVector) info.getChild("doc_id");
      VarCharVector urls = (VarCharVector) info.getChild("url");
      BigIntVector tokens = (BigIntVector) root.getVector("tokens");
      for (int i = 0; i < texts.length; i++) {
        if (texts[i] != null) {
          content.setSafe(i, texts[i].getBytes(StandardCharsets.UTF_8));
        }
        info.setIndexDefined(i);
        ids.setSafe(i, ("n" + i).getBytes(StandardCharsets.UTF_8));
        urls.setSafe(i, ("http://u/" + i).getBytes(StandardCharsets.UTF_8));
        tokens.setSafe(i, 10L * i);
      }
      content.setSafe(5, new byte[] {'a', (byte) 0xFF}); // invalid UTF-8 in a utf8 column
      info.setIndexDefined(5);
      ids.setSafe(5, "n5".getBytes(StandardCharsets.UTF_8));
      root.setRowCount(6);
      try (var ch =
              Files.newByteChannel(
                  file,
                  java.nio.file.StandardOpenOption.CREATE_NEW,
                  java.nio.file.StandardOpenOption.WRITE);
          ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
        w.start();
        w.writeBatch();
        w.end();
      }
    }
    ReaderOptions o =
        ReaderOptions.builder()
            .textField("content")
            .idField("info.doc_id")
            .maxDocumentBytes(20)
            .build();
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, o)) {
      List<Document> docs = IoTesting.readAll(r, a, rejects);
      assertEquals(List.of("n0", "n4"), docs.stream().map(Document::id).toList());
      ObjectMapper m = new ObjectMapper();
      assertEquals(
          m.readTree("{\"info\":{\"url\":\"http://u/0\"},\"tokens\":0}"),
          m.readTree(docs.get(0).meta()));
      assertEquals("foreign.arrow", docs.get(0).source());
      assertEquals(
          List.of("missing-field", "empty", "oversized", "invalid-utf8"), rejects.reasons());
      assertEquals(List.of(2L, 3L, 4L, 6L), rejects.all.stream().map(x -> x.line()).toList());
    }
    DataException e;
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      e = assertThrows(DataException.class, () -> IoTesting.readAll(r, a, new IoTesting.Rejects()));
    }
    assertTrue(
        e.getMessage().contains("'text'") && e.getMessage().contains("content"), e.getMessage());
  }

  @Test
  void truncatedIpcFileIsARejectNotACrash() throws IOException {
    Path file = dir.resolve("t.arrow");
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a);
        DocumentWriter w = Formats.openWriter(file)) {
      root.allocateNew();
      for (int i = 0; i < 100; i++) {
        DocumentBatch.append(root, "i" + i, "some text " + i);
      }
      w.write(root);
    }
    byte[] b = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(b, b.length - 40));
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      assertEquals(0, IoTesting.readAll(r, a, rejects).size());
      assertEquals(List.of("truncated-stream"), rejects.reasons());
    }
  }

  @Test
  void emptyWriterStillWritesAReadableFile() {
    Path file = dir.resolve("empty.arrow");
    Formats.openWriter(file).close();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      assertEquals(0, IoTesting.readAll(r, a, new IoTesting.Rejects()).size());
      assertEquals(0, r.records());
    }
  }

  @Test
  void textFileIsOneDocumentNamedAfterItsFile() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("books"));
    Path plain = folder.resolve("moby.txt");
    Files.writeString(plain, "\uFEFFCall me Ishmael.\nSome years ago...\n");
    Path gz = folder.resolve("two.txt.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("zweite Datei ü".getBytes(StandardCharsets.UTF_8));
    }
    try (RootAllocator a = new RootAllocator()) {
      IoTesting.Rejects rejects = new IoTesting.Rejects();
      try (DocumentReader r = Formats.openReader(plain, ReaderOptions.defaults())) {
        assertEquals(
            List.of(
                new Document(
                    "moby.txt", "Call me Ishmael.\nSome years ago...\n", "books", "", "", "")),
            IoTesting.readAll(r, a, rejects));
      }
      try (DocumentReader r =
          Formats.openReader(
              gz, ReaderOptions.builder().defaultSource("de").defaultDomain("web").build())) {
        assertEquals(
            List.of(new Document("two.txt.gz", "zweite Datei ü", "de", "web", "", "")),
            IoTesting.readAll(r, a, rejects));
      }
      assertEquals(0, rejects.all.size());
    }
  }

  @Test
  void anInputNameReplacesTheFileNameInDefaultIdsButNotInSources() throws IOException {
    Path file = dir.resolve("named.arrow");
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = midtrain.data.DocumentBatch.create(a)) {
      midtrain.data.DocumentBatch.append(root, "x", "first");
      midtrain.data.DocumentBatch.append(root, "y", "second");
      try (midtrain.data.io.DocumentWriter w = Formats.openWriter(file)) {
        w.write(root);
      }
    }
    Path text = Files.createDirectories(dir.resolve("books")).resolve("moby.txt");
    Files.writeString(text, "Call me Ishmael.");
    ReaderOptions named = ReaderOptions.builder().idField("no_such").inputName("a/named").build();
    try (RootAllocator a = new RootAllocator()) {
      IoTesting.Rejects rejects = new IoTesting.Rejects();
      try (DocumentReader r = Formats.openReader(file, named)) {
        List<Document> docs = IoTesting.readAll(r, a, rejects);
        assertEquals(List.of("a/named:1", "a/named:2"), docs.stream().map(Document::id).toList());
        assertEquals("named.arrow", docs.get(0).source());
      }
      try (DocumentReader r = Formats.openReader(text, named)) {
        assertEquals("a/named", IoTesting.readAll(r, a, rejects).get(0).id());
      }
      assertEquals(0, rejects.all.size());
    }
  }

  @Test
  void badTextFilesAreRejectedOnce() throws IOException {
    Path empty = Files.write(dir.resolve("e.txt"), new byte[0]);
    Path big = Files.writeString(dir.resolve("b.txt"), "y".repeat(5000));
    Path bad = Files.write(dir.resolve("u.txt"), new byte[] {'o', 'k', (byte) 0xC3});
    Path cut = dir.resolve("c.txt.gz");
    byte[] packed;
    try (var bo = new java.io.ByteArrayOutputStream()) {
      try (OutputStream out = new GZIPOutputStream(bo)) {
        out.write("z".repeat(3000).getBytes(StandardCharsets.UTF_8));
      }
      packed = bo.toByteArray();
    }
    Files.write(cut, Arrays.copyOf(packed, packed.length - 10));
    Path bomb = dir.resolve("bomb.txt.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
      out.write(new byte[8 << 20]);
    }
    ReaderOptions o =
        ReaderOptions.builder().maxDocumentBytes(4096).maxDecompressedBytes(1 << 20).build();
    List<String> reasons = new ArrayList<>();
    try (RootAllocator a = new RootAllocator()) {
      for (Path p : List.of(empty, big, bad, cut, bomb)) {
        IoTesting.Rejects rejects = new IoTesting.Rejects();
        try (DocumentReader r = Formats.openReader(p, o)) {
          assertEquals(0, IoTesting.readAll(r, a, rejects).size());
          assertEquals(1, r.records());
        }
        reasons.addAll(rejects.reasons());
      }
    }
    assertEquals(
        List.of("empty", "oversized", "invalid-utf8", "truncated-stream", "oversized"), reasons);
    assertFalse(reasons.isEmpty());
  }
}
