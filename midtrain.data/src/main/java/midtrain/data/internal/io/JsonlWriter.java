package midtrain.data.internal.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.token.Files2;
import midtrain.data.io.DocumentWriter;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes JSON Lines: one object per document with {@code id}, {@code text}, then {@code source},
 * {@code domain}, {@code lang} when set, the fields of {@code meta} merged back at the top level,
 * score columns under their column names, {@code lineage} as a JSON array, and any other column
 * under its name. A meta field whose name collides with a written field is kept under a nested
 * {@code meta} object instead, so nothing is overwritten. Compression follows the suffix.
 */
final class JsonlWriter implements DocumentWriter {
  private final Path target;
  private final Path tmp;
  private final JsonGenerator gen;
  private long documents;
  private boolean closed;

  JsonlWriter(Path target) {
    this.target = target;
    this.tmp = Files2.temporary(target);
    try {
      OutputStream out = FileOutput.openEncoded(tmp, Compression.of(target));
      this.gen = Json.FACTORY.createGenerator(out);
      gen.setRootValueSeparator(null);
    } catch (IOException e) {
      throw new DataException(target + ": cannot create: " + Files2.why(target, e), e);
    }
  }

  @Override
  public void write(VectorSchemaRoot root) {
    if (closed) {
      throw new DataException(target + ": writer already closed");
    }
    VarCharVector id = DocumentBatch.utf8(root, DocumentBatch.ID);
    VarCharVector text = DocumentBatch.utf8(root, DocumentBatch.TEXT);
    List<VarCharVector> optional = new ArrayList<>();
    for (String c : List.of(DocumentBatch.SOURCE, DocumentBatch.DOMAIN, DocumentBatch.LANG)) {
      if (root.getVector(c) != null) {
        optional.add(DocumentBatch.utf8(root, c));
      }
    }
    VarCharVector meta =
        root.getVector(DocumentBatch.META) == null
            ? null
            : DocumentBatch.utf8(root, DocumentBatch.META);
    FieldVector lineage = root.getVector(DocumentBatch.LINEAGE);
    Set<String> written = new HashSet<>();
    List<FieldVector> rest = new ArrayList<>();
    for (FieldVector v : root.getFieldVectors()) {
      written.add(v.getName());
      if (v != id && v != text && v != meta && v != lineage && !optional.contains(v)) {
        rest.add(v);
      }
    }
    try {
      for (int r = 0; r < root.getRowCount(); r++) {
        gen.writeStartObject();
        utf8(DocumentBatch.ID, id, r);
        utf8(DocumentBatch.TEXT, text, r);
        for (VarCharVector v : optional) {
          if (!v.isNull(r)) {
            utf8(v.getName(), v, r);
          }
        }
        if (meta != null && !meta.isNull(r)) {
          meta(meta.get(r), written);
        }
        for (FieldVector v : rest) {
          if (!v.isNull(r)) {
            gen.writeFieldName(v.getName());
            value(v, r);
          }
        }
        if (lineage != null && !lineage.isNull(r)) {
          gen.writeFieldName(DocumentBatch.LINEAGE);
          if (lineage instanceof VarCharVector) {
            json(((VarCharVector) lineage).get(r), JsonToken.START_ARRAY);
          } else {
            value(lineage, r);
          }
        }
        gen.writeEndObject();
        gen.writeRaw('\n');
        documents++;
      }
    } catch (IOException e) {
      throw new DataException(target + ": cannot write: " + e.getMessage(), e);
    }
  }

  private void utf8(String field, VarCharVector v, int r) throws IOException {
    byte[] b = v.get(r);
    gen.writeFieldName(field);
    gen.writeUTF8String(b, 0, b.length);
  }

  private void value(FieldVector v, int r) throws IOException {
    if (v instanceof VarCharVector) {
      byte[] b = ((VarCharVector) v).get(r);
      gen.writeUTF8String(b, 0, b.length);
    } else if (v instanceof FloatingPointVector) {
      double d = ((FloatingPointVector) v).getValueAsDouble(r);
      if (v instanceof Float4Vector) {
        // Written as the float it is, so it reads back to the same float32 bits.
        gen.writeNumber((float) d);
      } else {
        gen.writeNumber(d);
      }
    } else if (v instanceof BitVector) {
      gen.writeBoolean(((BitVector) v).get(r) != 0);
    } else {
      Object o = v.getObject(r);
      if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
        gen.writeNumber(((Number) o).longValue());
      } else {
        gen.writeString(String.valueOf(o));
      }
    }
  }

  /** Copies a JSON value of the expected kind; anything else is written as a string. */
  private void json(byte[] b, JsonToken expected) throws IOException {
    if (!isOne(b, expected)) {
      gen.writeUTF8String(b, 0, b.length);
      return;
    }
    try (JsonParser p = Json.FACTORY.createParser(b)) {
      p.nextToken();
      gen.copyCurrentStructure(p);
    }
  }

  /** Tells whether bytes hold exactly one JSON value starting with the given token. */
  private static boolean isOne(byte[] b, JsonToken expected) {
    try (JsonParser p = Json.FACTORY.createParser(b)) {
      if (p.nextToken() != expected) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  /** Merges a meta object's fields at the top level; colliding ones go under "meta". */
  private void meta(byte[] b, Set<String> written) throws IOException {
    List<String> clashes = new ArrayList<>();
    // Validated first: a meta that is not one JSON object must not leave half an object behind.
    if (!isOne(b, JsonToken.START_OBJECT)) {
      gen.writeFieldName(DocumentBatch.META);
      gen.writeUTF8String(b, 0, b.length);
      return;
    }
    try (JsonParser p = Json.FACTORY.createParser(b)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        if (written.contains(f)) {
          clashes.add(f);
          p.skipChildren();
        } else {
          gen.writeFieldName(f);
          gen.copyCurrentStructure(p);
        }
      }
    }
    if (clashes.isEmpty()) {
      return;
    }
    gen.writeObjectFieldStart(DocumentBatch.META);
    try (JsonParser p = Json.FACTORY.createParser(b)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        if (clashes.contains(f)) {
          gen.writeFieldName(f);
          gen.copyCurrentStructure(p);
        } else {
          p.skipChildren();
        }
      }
    }
    gen.writeEndObject();
  }

  @Override
  public long documents() {
    return documents;
  }

  @Override
  public void abort() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      gen.close();
    } catch (IOException e) {
      // the file is deleted below either way
    }
    Files2.deleteIfExists(tmp);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      gen.close();
    } catch (IOException e) {
      Files2.deleteIfExists(tmp);
      throw new DataException(target + ": cannot finish: " + e.getMessage(), e);
    }
    Files2.moveIntoPlace(target);
  }
}
