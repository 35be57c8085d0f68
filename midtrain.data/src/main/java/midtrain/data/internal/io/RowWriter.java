package midtrain.data.internal.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import midtrain.data.DocumentBatch;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Appends rows to a caller's document batch with its columns looked up once per {@link
 * midtrain.data.io.DocumentReader#read} call rather than once per row.
 *
 * <p>Cells are set with the vectors' {@code setSafe}, which grows them; the row count is set once
 * in {@link #finish()}. Columns the row does not set (scores not given, stage columns) are set null
 * explicitly, so a reused root never shows stale values.
 */
public final class RowWriter {
  private final VectorSchemaRoot root;
  private final VarCharVector id;
  private final VarCharVector text;
  private final VarCharVector source;
  private final VarCharVector domain;
  private final VarCharVector lang;
  private final VarCharVector meta;
  private final VarCharVector lineage;
  private final Float4Vector[] scores;
  private final Map<String, Integer> scoreIndex = new HashMap<>();
  private final FieldVector[] others;
  private final float[] scoreValues;
  private final boolean[] scoreSet;
  private int row;

  /**
   * Looks the columns of a batch up.
   *
   * @param root a batch with the base columns; {@code lineage} and score columns are optional
   */
  public RowWriter(VectorSchemaRoot root) {
    this.root = root;
    this.id = DocumentBatch.utf8(root, DocumentBatch.ID);
    this.text = DocumentBatch.utf8(root, DocumentBatch.TEXT);
    this.source = DocumentBatch.utf8(root, DocumentBatch.SOURCE);
    this.domain = DocumentBatch.utf8(root, DocumentBatch.DOMAIN);
    this.lang = DocumentBatch.utf8(root, DocumentBatch.LANG);
    this.meta = DocumentBatch.utf8(root, DocumentBatch.META);
    FieldVector lin = root.getVector(DocumentBatch.LINEAGE);
    this.lineage = lin instanceof VarCharVector ? (VarCharVector) lin : null;
    List<Float4Vector> s = new ArrayList<>();
    List<FieldVector> o = new ArrayList<>();
    for (FieldVector v : root.getFieldVectors()) {
      if (v == id || v == text || v == source || v == domain || v == lang || v == meta) {
        continue;
      }
      if (v == lineage) {
        continue;
      }
      if (v.getName().startsWith(DocumentBatch.SCORE_PREFIX) && v instanceof Float4Vector) {
        scoreIndex.put(v.getName(), s.size());
        s.add((Float4Vector) v);
      } else {
        o.add(v);
      }
    }
    this.scores = s.toArray(new Float4Vector[0]);
    this.others = o.toArray(new FieldVector[0]);
    this.scoreValues = new float[scores.length];
    this.scoreSet = new boolean[scores.length];
    this.row = root.getRowCount();
  }

  /** Tells whether the batch has a utf8 {@code lineage} column. */
  public boolean hasLineage() {
    return lineage != null;
  }

  /**
   * Returns the index of a float32 score column of the batch, or -1.
   *
   * @param column the column name
   * @return the index for {@link #score}, or -1 when the batch has no such column
   */
  public int scoreIndex(String column) {
    Integer i = scoreIndex.get(column);
    return i == null ? -1 : i;
  }

  /**
   * Sets a score of the row being built (cleared by {@link #add}).
   *
   * @param index from {@link #scoreIndex}
   * @param value the score
   */
  public void score(int index, float value) {
    scoreValues[index] = value;
    scoreSet[index] = true;
  }

  /** Forgets the scores set for a row that is then not added (it was rejected). */
  public void clearScores() {
    java.util.Arrays.fill(scoreSet, false);
  }

  /**
   * Appends one row; null optional arguments become null cells.
   *
   * @param idBytes the id, UTF-8
   * @param textBytes the text, UTF-8
   * @param sourceBytes the source or null
   * @param domainBytes the domain or null
   * @param langBytes the language or null
   * @param metaBytes the meta JSON object or null
   * @param metaLen how many bytes of {@code metaBytes} to use
   * @param lineageBytes the lineage JSON array or null
   */
  public void add(
      byte[] idBytes,
      byte[] textBytes,
      byte[] sourceBytes,
      byte[] domainBytes,
      byte[] langBytes,
      byte[] metaBytes,
      int metaLen,
      byte[] lineageBytes) {
    int r = row;
    id.setSafe(r, idBytes);
    text.setSafe(r, textBytes);
    set(source, r, sourceBytes, sourceBytes == null ? 0 : sourceBytes.length);
    set(domain, r, domainBytes, domainBytes == null ? 0 : domainBytes.length);
    set(lang, r, langBytes, langBytes == null ? 0 : langBytes.length);
    set(meta, r, metaBytes, metaLen);
    if (lineage != null) {
      set(lineage, r, lineageBytes, lineageBytes == null ? 0 : lineageBytes.length);
    }
    for (int i = 0; i < scores.length; i++) {
      if (scoreSet[i]) {
        scores[i].setSafe(r, scoreValues[i]);
        scoreSet[i] = false;
      } else {
        scores[i].setNull(r);
      }
    }
    for (FieldVector v : others) {
      v.setNull(r);
    }
    row = r + 1;
  }

  /** Sets the batch's row count to the rows appended. */
  public void finish() {
    root.setRowCount(row);
  }

  private static void set(VarCharVector v, int r, byte[] b, int len) {
    if (b == null) {
      v.setNull(r);
    } else {
      v.setSafe(r, b, 0, len);
    }
  }
}
