package midtrain.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The document batch: the Arrow columns in which documents travel between curation stages.
 *
 * <table>
 *   <caption>Columns</caption>
 *   <tr><th>column</th><th>type</th><th>notes</th></tr>
 *   <tr><td>{@code id}</td><td>utf8, not null</td><td>unique within a run; derived documents get
 *       derived ids ({@code parent#k})</td></tr>
 *   <tr><td>{@code text}</td><td>utf8, not null</td><td>the document</td></tr>
 *   <tr><td>{@code source}, {@code domain}, {@code lang}</td><td>utf8, nullable</td><td>may be
 *       dictionary-encoded by readers</td></tr>
 *   <tr><td>{@code meta}</td><td>utf8 (a JSON object), nullable</td><td>unknown input fields,
 *       passed through</td></tr>
 *   <tr><td>{@code score.<rater>.<name>}</td><td>float32, nullable</td><td>one per rater
 *       output</td></tr>
 *   <tr><td>{@code lineage}</td><td>utf8 (a JSON array), nullable</td><td>stages passed and, when
 *       rejected, the stage and reason</td></tr>
 * </table>
 *
 * <p>Stages may add columns of their own (decontamination adds {@code decon.*} columns); readers of
 * a batch look columns up by name and ignore those they do not know. A batch is owned by whoever
 * holds it last: every API that takes or returns a {@link VectorSchemaRoot} says whether it keeps,
 * closes or hands over the root.
 */
public final class DocumentBatch {
  /** Column name of the document id. */
  public static final String ID = "id";

  /** Column name of the document text. */
  public static final String TEXT = "text";

  /** Column name of the document's source (dataset, crawl, file). */
  public static final String SOURCE = "source";

  /** Column name of the document's domain (web, code, math, ...). */
  public static final String DOMAIN = "domain";

  /** Column name of the document's language code. */
  public static final String LANG = "lang";

  /** Column name of the pass-through JSON object of unknown input fields. */
  public static final String META = "meta";

  /** Column name of the JSON array of stages the document passed. */
  public static final String LINEAGE = "lineage";

  /** Prefix of rater score columns: {@code score.<rater>.<name>}. */
  public static final String SCORE_PREFIX = "score.";

  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9_-]+");
  private static final ArrowType UTF8 = ArrowType.Utf8.INSTANCE;
  private static final ArrowType FLOAT32 =
      new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

  private DocumentBatch() {}

  /**
   * Returns the base schema: {@code id}, {@code text}, {@code source}, {@code domain}, {@code
   * lang}, {@code meta}, {@code lineage}, without score columns.
   *
   * @return the schema
   */
  public static Schema schema() {
    return schema(List.of());
  }

  /**
   * Returns the base schema followed by one float32 column per score name.
   *
   * @param scoreColumns full score column names, each made by {@link #scoreColumn}
   * @return the schema
   */
  public static Schema schema(List<String> scoreColumns) {
    List<Field> fields = new ArrayList<>();
    fields.add(Field.notNullable(ID, UTF8));
    fields.add(Field.notNullable(TEXT, UTF8));
    fields.add(Field.nullable(SOURCE, UTF8));
    fields.add(Field.nullable(DOMAIN, UTF8));
    fields.add(Field.nullable(LANG, UTF8));
    fields.add(Field.nullable(META, UTF8));
    for (String s : scoreColumns) {
      if (!s.startsWith(SCORE_PREFIX)) {
        throw new DataException("score column '" + s + "' must start with " + SCORE_PREFIX);
      }
      fields.add(scoreField(s));
    }
    fields.add(Field.nullable(LINEAGE, UTF8));
    return new Schema(fields);
  }

  /**
   * Returns the column name of one rater output.
   *
   * @param rater the rater id, letters, digits, {@code _} or {@code -}
   * @param name the output name, same alphabet
   * @return {@code score.<rater>.<name>}
   */
  public static String scoreColumn(String rater, String name) {
    if (!NAME_PART.matcher(rater).matches() || !NAME_PART.matcher(name).matches()) {
      throw new DataException(
          "score column parts must be letters, digits, '_' or '-': rater '"
              + rater
              + "', name '"
              + name
              + "'");
    }
    return SCORE_PREFIX + rater + "." + name;
  }

  /**
   * Returns the float32 field of a score column.
   *
   * @param column the full column name
   * @return a nullable float32 field
   */
  public static Field scoreField(String column) {
    return Field.nullable(column, FLOAT32);
  }

  /**
   * Creates an empty batch with the base schema.
   *
   * @param allocator the allocator for the vectors
   * @return a new root; the caller owns it and must close it
   */
  public static VectorSchemaRoot create(BufferAllocator allocator) {
    return VectorSchemaRoot.create(schema(), allocator);
  }

  /**
   * Returns a utf8 column of the batch, failing with the column named when it is missing.
   *
   * @param root the batch; still owned by the caller
   * @param column the column name
   * @return the column's vector, valid while the root is open
   */
  public static VarCharVector utf8(VectorSchemaRoot root, String column) {
    FieldVector v = root.getVector(column);
    if (v == null) {
      throw new DataException("document batch has no column '" + column + "'");
    }
    if (!(v instanceof VarCharVector)) {
      throw new DataException(
          "document batch column '" + column + "' must be utf8, found " + v.getField().getType());
    }
    return (VarCharVector) v;
  }

  /**
   * Appends one document to a batch with the base schema, setting {@code id} and {@code text} and
   * leaving the other columns null.
   *
   * @param root a batch whose schema contains the base columns; still owned by the caller
   * @param id the document id
   * @param text the document text
   */
  public static void append(VectorSchemaRoot root, String id, String text) {
    int row = root.getRowCount();
    utf8(root, ID).setSafe(row, id.getBytes(StandardCharsets.UTF_8));
    utf8(root, TEXT).setSafe(row, text.getBytes(StandardCharsets.UTF_8));
    for (FieldVector v : root.getFieldVectors()) {
      if (!v.getName().equals(ID) && !v.getName().equals(TEXT)) {
        v.setNull(row);
      }
    }
    root.setRowCount(row + 1);
  }

  /**
   * Appends one document to a batch whose schema contains the base columns; empty optional values
   * are stored as null, and every other column (scores, lineage, stage columns) is left null.
   *
   * @param root the batch; still owned by the caller
   * @param doc the document
   */
  public static void append(VectorSchemaRoot root, Document doc) {
    int row = root.getRowCount();
    utf8(root, ID).setSafe(row, doc.id().getBytes(StandardCharsets.UTF_8));
    utf8(root, TEXT).setSafe(row, doc.text().getBytes(StandardCharsets.UTF_8));
    setOptional(utf8(root, SOURCE), row, doc.source());
    setOptional(utf8(root, DOMAIN), row, doc.domain());
    setOptional(utf8(root, LANG), row, doc.lang());
    setOptional(utf8(root, META), row, doc.meta());
    for (FieldVector v : root.getFieldVectors()) {
      String n = v.getName();
      if (!n.equals(ID)
          && !n.equals(TEXT)
          && !n.equals(SOURCE)
          && !n.equals(DOMAIN)
          && !n.equals(LANG)
          && !n.equals(META)) {
        v.setNull(row);
      }
    }
    root.setRowCount(row + 1);
  }

  /**
   * Reads one row of a batch back as a document; null optional values come back empty.
   *
   * @param root the batch; still owned by the caller
   * @param row the row index
   * @return the document
   */
  public static Document get(VectorSchemaRoot root, int row) {
    if (row < 0 || row >= root.getRowCount()) {
      throw new DataException("row " + row + " outside a batch of " + root.getRowCount());
    }
    return new Document(
        string(utf8(root, ID), row),
        string(utf8(root, TEXT), row),
        string(utf8(root, SOURCE), row),
        string(utf8(root, DOMAIN), row),
        string(utf8(root, LANG), row),
        string(utf8(root, META), row));
  }

  /**
   * Reads one utf8 cell as a string.
   *
   * @param v the column
   * @param row the row
   * @return the value, or empty when null
   */
  public static String string(VarCharVector v, int row) {
    if (v.isNull(row)) {
      return "";
    }
    return new String(v.get(row), StandardCharsets.UTF_8);
  }

  private static void setOptional(VarCharVector v, int row, String value) {
    if (value.isEmpty()) {
      v.setNull(row);
    } else {
      v.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
