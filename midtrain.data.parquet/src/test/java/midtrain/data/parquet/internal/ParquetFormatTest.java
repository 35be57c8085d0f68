package midtrain.data.parquet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.Reject;
import org.apache.arrow.memory.RootAllocator;
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

class ParquetFormatTest {
  private static final String SCORE = DocumentBatch.scoreColumn("quality", "p");

  @TempDir Path dir;

  /** Reads everything, checking the accounting after every call. */
  private static List<Document> readAll(
      DocumentReader r, VectorSchemaRoot root, List<Reject> rejects, List<Float> scores) {
    List<Document> out = new ArrayList<>();
    int n;
    while ((n = r.read(root, 100, rejects::add)) > 0) {
      for (int i = 0; i < n; i++) {
        out.add(DocumentBatch.get(root, i));
        if (scores != null) {
          Float4Vector s = (Float4Vector) root.getVector(SCORE);
          scores.add(s.isNull(i) ? null : s.get(i));
        }
      }
      assertEquals(r.records(), out.size() + rejects.size());
      root.clear();
    }
    assertEquals(r.records(), out.size() + rejects.size());
    return out;
  }

  @Test
  void providerIsFoundBySuffix() {
    assertEquals("parquet", Formats.forPath(Path.of("x.parquet")).id());
  }

  @Test
  void roundTripKeepsDocumentsScoresAndLineage() throws IOException {
    Path file = dir.resolve("docs.parquet");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      Document d = Document.of("id-" + i, "Text number " + i + " — ünïcode");
      if (i % 3 == 0) {
        d =
            d.withSource("c4")
                .withDomain("web")
                .withLang("en")
                .withMeta("{\"url\":\"u" + i + "\"}");
      }
      docs.add(d);
    }
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(DocumentBatch.schema(List.of(SCORE)), a);
        DocumentWriter w = Formats.openWriter(file)) {
      for (int from = 0; from < docs.size(); from += 1000) {
        root.allocateNew();
        for (int i = from; i < Math.min(docs.size(), from + 1000); i++) {
          DocumentBatch.append(root, docs.get(i));
          int row = root.getRowCount() - 1;
          if (i % 7 != 0) {
            ((Float4Vector) root.getVector(SCORE)).setSafe(row, i / 8f);
          }
          ((VarCharVector) root.getVector(DocumentBatch.LINEAGE))
              .setSafe(row, "[\"read\"]".getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(root.getRowCount());
        w.write(root);
        root.clear();
      }
      assertEquals(2500, w.documents());
    }
    assertTrue(Files.isRegularFile(file));
    try (Stream<Path> s = Dirs.list(dir)) {
      assertEquals(List.of(file), s.toList(), "no spool or temporary directory left");
    }
    List<Reject> rejects = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(DocumentBatch.schema(List.of(SCORE)), a);
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      List<Document> back = readAll(r, root, rejects, scores);
      List<Document> expected = new ArrayList<>();
      for (Document d : docs) {
        expected.add(d.source().isEmpty() ? d.withSource("docs.parquet") : d);
      }
      assertEquals(expected, back);
      for (int i = 0; i < scores.size(); i++) {
        assertEquals(i % 7 != 0 ? Float.valueOf(i / 8f) : null, scores.get(i), "score " + i);
      }
      assertEquals(0, rejects.size());
      assertTrue(r.bytesRead() > 0);
    }
  }

  @Test
  void nestedIdPathAndExtraColumnsFromAForeignFile() throws IOException {
    Path ipc = dir.resolve("foreign.arrow");
    Field docId = Field.nullable("doc_id", ArrowType.Utf8.INSTANCE);
    Field url = Field.nullable("url", ArrowType.Utf8.INSTANCE);
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("text", ArrowType.Utf8.INSTANCE),
                new Field(
                    "metadata",
                    FieldType.nullable(ArrowType.Struct.INSTANCE),
                    List.of(docId, url))));
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, a)) {
      root.allocateNew();
      VarCharVector text = (VarCharVector) root.getVector("text");
      StructVector meta = (StructVector) root.getVector("metadata");
      String[] texts = {"first", "", "third"};
      for (int i = 0; i < 3; i++) {
        text.setSafe(i, texts[i].getBytes(StandardCharsets.UTF_8));
        meta.setIndexDefined(i);
        ((VarCharVector) meta.getChild("doc_id"))
            .setSafe(i, ("m" + i).getBytes(StandardCharsets.UTF_8));
        ((VarCharVector) meta.getChild("url"))
            .setSafe(i, ("http://x/" + i).getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(3);
      try (var ch =
              Files.newByteChannel(ipc, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
        w.start();
        w.writeBatch();
        w.end();
      }
    }
    Path file = dir.resolve("foreign.parquet");
    ParquetWriter.convert(ipc, file);
    List<Reject> rejects = new ArrayList<>();
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a);
        DocumentReader r =
            Formats.openReader(file, ReaderOptions.builder().idField("metadata.doc_id").build())) {
      List<Document> back = readAll(r, root, rejects, null);
      assertEquals(List.of("m0", "m2"), back.stream().map(Document::id).toList());
      assertEquals("{\"metadata\":{\"url\":\"http://x/0\"}}", back.get(0).meta());
      assertEquals(1, rejects.size());
      assertEquals("empty", rejects.get(0).reason());
      assertEquals(2, rejects.get(0).line());
    }
  }

  @Test
  void aFileThatIsNotParquetIsOneRejectAndAbortLeavesNothing() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.parquet"), "this is not parquet at all");
    List<Reject> rejects = new ArrayList<>();
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a);
        DocumentReader r = Formats.openReader(bad, ReaderOptions.defaults())) {
      assertEquals(0, readAll(r, root, rejects, null).size());
      assertEquals("truncated-stream", rejects.get(0).reason());
      assertEquals(1, rejects.size());
    }
    Path target = dir.resolve("never.parquet");
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a)) {
      DocumentWriter w = Formats.openWriter(target);
      root.allocateNew();
      DocumentBatch.append(root, "a", "b");
      w.write(root);
      w.abort();
    }
    assertFalse(Files.exists(target));
    try (Stream<Path> s = Dirs.list(dir)) {
      assertEquals(List.of(bad), s.toList());
    }
  }

  /** Lists a directory, sorted. */
  static final class Dirs {
    static Stream<Path> list(Path d) throws IOException {
      return Files.list(d).sorted();
    }
  }
}
