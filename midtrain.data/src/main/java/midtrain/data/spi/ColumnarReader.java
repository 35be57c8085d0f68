package midtrain.data.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.io.RowWriter;
import midtrain.data.internal.io.Utf8;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.Reject;
import midtrain.data.io.RejectSink;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A {@link DocumentReader} over a columnar input that yields Arrow record batches (Arrow IPC,
 * Parquet): formats implement {@link #nextBatch()} and this class maps columns to documents and
 * rejects bad rows.
 *
 * <p>Columns are found by the field paths of {@link ReaderOptions}: a column named exactly like the
 * path first, else a path through struct columns ({@code metadata.url}). The text column is
 * required (utf8); without an id column ids are {@code <file name>:<record>}. A utf8 {@code meta}
 * column and a utf8 {@code lineage} column are taken as they are. A float32 {@code score.*} column
 * fills the caller's column of that name when the caller's batch has one and is otherwise ignored.
 * Every other column goes into {@code meta} under its name (strings, numbers, booleans, lists and
 * structs as JSON; other types as their text) unless {@link ReaderOptions#keepMeta()} is off.
 *
 * <p>Each row is one record, numbered from 1 across batches. Rows with a null text ({@code
 * missing-field}), text that is not valid UTF-8 ({@code invalid-utf8}), blank ({@code empty}) or
 * over {@link ReaderOptions#maxDocumentBytes()} ({@code oversized}) are rejected. A failure to read
 * the next batch rejects one record as {@code truncated-stream} and ends the input.
 */
public abstract class ColumnarReader implements DocumentReader {
  private static final JsonFactory JSON = new JsonFactory();

  private final String name;
  private final String idName;
  private final ReaderOptions options;
  private final byte[] defaultSource;
  private final byte[] defaultDomain;
  private VectorSchemaRoot batch;
  private int pos;
  private boolean done;
  private long records;
  private Binding binding;
  private VectorSchemaRoot boundRoot;
  private final ByteArrayOutputStream metaBytes = new ByteArrayOutputStream(256);

  /**
   * Sets the reader up.
   *
   * @param name the input's name for rejects, usually the path as given
   * @param fileName the file name, for default ids (unless {@link ReaderOptions#inputName()} names
   *     the input) and sources
   * @param options the field paths and limits
   */
  protected ColumnarReader(String name, String fileName, ReaderOptions options) {
    this.name = name;
    this.idName = options.inputName().isEmpty() ? fileName : options.inputName();
    this.options = options;
    String src = options.defaultSource().isEmpty() ? fileName : options.defaultSource();
    this.defaultSource = src.getBytes(StandardCharsets.UTF_8);
    this.defaultDomain =
        options.defaultDomain().isEmpty()
            ? null
            : options.defaultDomain().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Loads the next record batch of the input.
   *
   * @return a root holding the batch, owned by the subclass and valid until the next call; null at
   *     the end of the input
   * @throws IOException when the input is truncated or corrupt; the reader rejects one record and
   *     ends
   */
  protected abstract VectorSchemaRoot nextBatch() throws IOException;

  @Override
  public String name() {
    return name;
  }

  @Override
  public long records() {
    return records;
  }

  @Override
  public int read(VectorSchemaRoot root, int max, RejectSink rejects) {
    if (max < 1) {
      throw new DataException(name + ": read needs max >= 1, got " + max);
    }
    RowWriter rows = new RowWriter(root);
    if (root != boundRoot) {
      binding = null; // score columns are resolved against the caller's batch
      boundRoot = root;
    }
    int added = 0;
    try {
      while (added < max && !done) {
        if (batch == null || pos >= batch.getRowCount()) {
          VectorSchemaRoot next;
          try {
            if (pendingError != null) {
              Exception p = pendingError;
              pendingError = null;
              throw p;
            }
            next = nextBatch();
          } catch (Exception e) {
            if (e instanceof DataException) {
              throw (DataException) e;
            }
            records++;
            done = true;
            rejects.reject(
                new Reject(
                    name,
                    records,
                    "truncated-stream",
                    e.getClass().getSimpleName() + ": " + e.getMessage() + "; input ends here"));
            break;
          }
          if (next == null) {
            done = true;
            break;
          }
          binding = null; // resolved again per batch: cheap, and safe if the schema changes
          batch = next;
          pos = 0;
          continue;
        }
        if (binding == null) {
          binding = new Binding(batch, rows);
        }
        int r = pos++;
        records++;
        String reason = row(r, rows);
        if (reason != null) {
          rejects.reject(new Reject(name, records, reason, problem));
        } else {
          added++;
        }
      }
    } finally {
      rows.finish();
    }
    return added;
  }

  private String problem;
  private Exception pendingError;

  /**
   * Returns the input's float32 {@code score.*} columns, looking at its first batch, so that the
   * caller can make a batch that keeps them.
   *
   * @return the score column names, in the input's order
   */
  @Override
  public List<String> scoreColumns() {
    if (batch == null && !done && pendingError == null) {
      try {
        VectorSchemaRoot next = nextBatch();
        if (next == null) {
          done = true;
        } else {
          batch = next;
          pos = 0;
          binding = null;
        }
      } catch (IOException | RuntimeException e) {
        // Reported by read() as the record it cut, like any other failure.
        pendingError = e;
      }
    }
    List<String> out = new ArrayList<>();
    if (batch != null) {
      for (org.apache.arrow.vector.FieldVector v : batch.getFieldVectors()) {
        if (v.getName().startsWith(DocumentBatch.SCORE_PREFIX) && v instanceof Float4Vector) {
          out.add(v.getName());
        }
      }
    }
    return out;
  }

  private String row(int r, RowWriter rows) {
    Binding b = binding;
    byte[] text = bytes(b.text, r);
    if (text == null) {
      problem = "column '" + options.textField() + "' is null";
      return "missing-field";
    }
    int bad = Utf8.invalidAt(text, 0, text.length);
    if (bad >= 0) {
      problem =
          String.format(
              "byte 0x%02X at byte %d of the text is not valid UTF-8", text[bad] & 0xFF, bad + 1);
      return "invalid-utf8";
    }
    if (text.length > options.maxDocumentBytes()) {
      problem =
          "text of "
              + text.length
              + " bytes is over maxDocumentBytes "
              + options.maxDocumentBytes();
      return "oversized";
    }
    if (Utf8.isBlank(text, 0, text.length)) {
      problem = "column '" + options.textField() + "' is empty or blank";
      return "empty";
    }
    byte[] id = b.id == null ? null : scalarBytes(b.id, r);
    if (id == null || id.length == 0) {
      id = (idName + ":" + records).getBytes(StandardCharsets.UTF_8);
    }
    byte[] source = b.source == null ? null : scalarBytes(b.source, r);
    byte[] domain = b.domain == null ? null : scalarBytes(b.domain, r);
    byte[] lang = b.lang == null ? null : scalarBytes(b.lang, r);
    byte[] lineage = b.lineage == null ? null : bytes(b.lineage, r);
    for (int i = 0; i < b.scores.size(); i++) {
      Float4Vector v = b.scores.get(i);
      if (!v.isNull(r)) {
        rows.score(b.scoreIndex[i], v.get(r));
      }
    }
    byte[] meta = meta(b, r);
    rows.add(
        id,
        text,
        source == null || source.length == 0 ? defaultSource : source,
        domain == null || domain.length == 0 ? defaultDomain : domain,
        lang == null || lang.length == 0 ? null : lang,
        meta,
        meta == null ? 0 : meta.length,
        lineage);
    return null;
  }

  private byte[] meta(Binding b, int r) {
    byte[] base = b.meta == null ? null : bytes(b.meta, r);
    if (b.extra.isEmpty() || !options.keepMeta()) {
      return base;
    }
    metaBytes.reset();
    try (JsonGenerator g = JSON.createGenerator(metaBytes)) {
      g.writeStartObject();
      boolean any = false;
      if (base != null) {
        try (JsonParser p = JSON.createParser(base)) {
          if (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              g.writeFieldName(p.currentName());
              p.nextToken();
              g.copyCurrentStructure(p);
              any = true;
            }
          } else {
            g.writeStringField(DocumentBatch.META, new String(base, StandardCharsets.UTF_8));
            any = true;
          }
        } catch (IOException e) {
          // A meta column that is not JSON is kept as a string rather than lost.
          g.writeStringField(DocumentBatch.META, new String(base, StandardCharsets.UTF_8));
          any = true;
        }
      }
      for (int i = 0; i < b.extra.size(); i++) {
        FieldVector v = b.extra.get(i);
        if (v.isNull(r)) {
          continue;
        }
        Object value = v.getObject(r);
        List<String> drop = b.dropped.get(i);
        if (!drop.isEmpty() && value instanceof Map) {
          Map<Object, Object> rest = new java.util.LinkedHashMap<>((Map<?, ?>) value);
          drop.forEach(rest::remove);
          if (rest.isEmpty()) {
            continue;
          }
          value = rest;
        }
        g.writeFieldName(v.getName());
        writeValue(g, value);
        any = true;
      }
      g.writeEndObject();
      g.flush();
      return any ? metaBytes.toByteArray() : null;
    } catch (IOException e) {
      throw new DataException(name + ": cannot build meta for record " + records, e);
    }
  }

  private static void writeValue(JsonGenerator g, Object o) throws IOException {
    if (o == null) {
      g.writeNull();
    } else if (o instanceof Boolean) {
      g.writeBoolean((Boolean) o);
    } else if (o instanceof Integer
        || o instanceof Long
        || o instanceof Short
        || o instanceof Byte) {
      g.writeNumber(((Number) o).longValue());
    } else if (o instanceof Float) {
      g.writeNumber((Float) o);
    } else if (o instanceof Double) {
      g.writeNumber((Double) o);
    } else if (o instanceof BigDecimal) {
      g.writeNumber((BigDecimal) o);
    } else if (o instanceof BigInteger) {
      g.writeNumber((BigInteger) o);
    } else if (o instanceof byte[]) {
      g.writeBinary((byte[]) o);
    } else if (o instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (o instanceof List) {
      g.writeStartArray();
      for (Object x : (List<?>) o) {
        writeValue(g, x);
      }
      g.writeEndArray();
    } else {
      g.writeString(o.toString()); // Text, dates, times, decimals as text
    }
  }

  private static byte[] bytes(FieldVector v, int r) {
    if (v.isNull(r)) {
      return null;
    }
    if (v instanceof VarCharVector) {
      return ((VarCharVector) v).get(r);
    }
    return ((LargeVarCharVector) v).get(r);
  }

  private static byte[] scalarBytes(FieldVector v, int r) {
    if (v.isNull(r)) {
      return null;
    }
    if (v instanceof VarCharVector || v instanceof LargeVarCharVector) {
      return bytes(v, r);
    }
    return String.valueOf(v.getObject(r)).getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isUtf8(FieldVector v) {
    return v instanceof VarCharVector || v instanceof LargeVarCharVector;
  }

  /** The columns of one input schema, resolved against the caller's batch. */
  private final class Binding {
    final FieldVector id;
    final FieldVector text;
    final FieldVector source;
    final FieldVector domain;
    final FieldVector lang;
    final FieldVector meta;
    final FieldVector lineage;
    final List<Float4Vector> scores = new ArrayList<>();
    final int[] scoreIndex;
    final List<FieldVector> extra = new ArrayList<>();

    /** For each extra column, the names of its struct children taken by a field path. */
    final List<List<String>> dropped = new ArrayList<>();

    Binding(VectorSchemaRoot in, RowWriter rows) {
      List<FieldVector> used = new ArrayList<>();
      this.text = find(in, options.textField(), used);
      if (text == null || !isUtf8(text)) {
        throw new DataException(
            name
                + ": needs a utf8 text column '"
                + options.textField()
                + "' (set ReaderOptions.textField); columns: "
                + columnNames(in));
      }
      this.id = find(in, options.idField(), used);
      this.source = find(in, options.sourceField(), used);
      this.domain = find(in, options.domainField(), used);
      this.lang = find(in, options.langField(), used);
      FieldVector m = in.getVector(DocumentBatch.META);
      this.meta = m != null && isUtf8(m) && !used.contains(m) ? m : null;
      if (meta != null) {
        used.add(meta);
      }
      FieldVector l = in.getVector(DocumentBatch.LINEAGE);
      this.lineage = l != null && isUtf8(l) && rows.hasLineage() && !used.contains(l) ? l : null;
      if (lineage != null) {
        used.add(lineage);
      }
      List<Integer> idx = new ArrayList<>();
      for (FieldVector v : in.getFieldVectors()) {
        if (used.contains(v)) {
          continue;
        }
        String n = v.getName();
        if (n.startsWith(DocumentBatch.SCORE_PREFIX) && v instanceof Float4Vector) {
          int i = rows.scoreIndex(n);
          if (i >= 0) {
            scores.add((Float4Vector) v);
            idx.add(i);
          }
          continue; // scores the caller has no column for are ignored, not kept in meta
        }
        if (n.equals(DocumentBatch.LINEAGE)) {
          continue; // the caller's batch has no lineage column
        }
        extra.add(v);
        dropped.add(usedChildren(used, v));
      }
      this.scoreIndex = idx.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** The direct children of a struct column that a field path took (left out of its meta copy). */
  private static List<String> usedChildren(List<FieldVector> used, FieldVector v) {
    List<String> out = new ArrayList<>();
    if (v instanceof StructVector) {
      for (FieldVector c : ((StructVector) v).getChildrenFromFields()) {
        if (used.contains(c)) {
          out.add(c.getName());
        }
      }
    }
    return out;
  }

  private static FieldVector find(VectorSchemaRoot in, String path, List<FieldVector> used) {
    FieldVector v = in.getVector(path);
    if (v == null && path.contains(".")) {
      String[] parts = path.split("\\.");
      FieldVector cur = in.getVector(parts[0]);
      for (int i = 1; i < parts.length && cur != null; i++) {
        cur = cur instanceof StructVector ? ((StructVector) cur).getChild(parts[i]) : null;
      }
      v = cur;
    }
    if (v != null) {
      used.add(v);
    }
    return v;
  }

  private static String columnNames(VectorSchemaRoot in) {
    List<String> names = new ArrayList<>();
    for (Field f : in.getSchema().getFields()) {
      names.add(f.getName());
    }
    return String.join(", ", names);
  }
}
