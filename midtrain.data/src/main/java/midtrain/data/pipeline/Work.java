package midtrain.data.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import midtrain.data.DocumentBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** One batch on its way through the stages: the rows, which are alive, and why the others died. */
final class Work implements AutoCloseable {
  VectorSchemaRoot root;
  boolean[] alive;

  /** For a dead row, the stage index that removed it; -1 while alive. */
  int[] diedAt;

  /** For a dead row, the reason. */
  String[] reason;

  /** Per stage statistics of this batch. */
  final StageStats[] stats;

  /** Per stage, per row side results (decontamination reports), or null. */
  final Object[][] side;

  /** Records the reader consumed for this batch, rejects included. */
  long records;

  /** Rows the reader produced (stages may add copies). */
  int readerRows;

  /** Input bytes consumed at the end of this batch. */
  long bytesRead;

  /** Scores collected for a quantile calibration. */
  float[] calibration;

  int calibrated;

  Work(VectorSchemaRoot root, int stages) {
    this.stats = new StageStats[stages];
    this.side = new Object[stages][];
    reset(root);
  }

  void reset(VectorSchemaRoot newRoot) {
    this.root = newRoot;
    int n = newRoot.getRowCount();
    this.alive = new boolean[n];
    java.util.Arrays.fill(alive, true);
    this.diedAt = new int[n];
    java.util.Arrays.fill(diedAt, -1);
    this.reason = new String[n];
  }

  int rows() {
    return root.getRowCount();
  }

  long textBytes(int row) {
    VarCharVector t = DocumentBatch.utf8(root, DocumentBatch.TEXT);
    return t.isNull(row) ? 0 : t.getEndOffset(row) - t.getStartOffset(row);
  }

  void kill(int row, int stage, String why) {
    alive[row] = false;
    diedAt[row] = stage;
    reason[row] = why;
  }

  /**
   * Copies rows into a new root with the same schema, optionally overriding ids and lineage.
   *
   * @param rows source row per output row
   * @param ids id per output row, or null entries to keep the source id
   * @param lineage lineage JSON per output row, or null to copy the source's
   * @param allocator for the new root
   * @return the new root, owned by the caller
   */
  static VectorSchemaRoot copyRows(
      VectorSchemaRoot from,
      int[] rows,
      String[] ids,
      byte[][] lineage,
      BufferAllocator allocator) {
    VectorSchemaRoot out = VectorSchemaRoot.create(from.getSchema(), allocator);
    try {
      out.allocateNew();
      List<FieldVector> src = from.getFieldVectors();
      List<FieldVector> dst = out.getFieldVectors();
      for (int c = 0; c < src.size(); c++) {
        FieldVector s = src.get(c);
        FieldVector d = dst.get(c);
        String name = s.getName();
        boolean isId = name.equals(DocumentBatch.ID) && ids != null;
        boolean isLineage = name.equals(DocumentBatch.LINEAGE) && lineage != null;
        for (int r = 0; r < rows.length; r++) {
          if (isId && ids[r] != null) {
            ((VarCharVector) d).setSafe(r, ids[r].getBytes(StandardCharsets.UTF_8));
          } else if (isLineage) {
            ((VarCharVector) d).setSafe(r, lineage[r]);
          } else {
            d.copyFromSafe(rows[r], r, s);
          }
        }
        d.setValueCount(rows.length);
      }
      out.setRowCount(rows.length);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  static List<Integer> indexes(boolean[] mask, boolean value, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (mask[i] == value) {
        out.add(i);
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (root != null) {
      root.close();
      root = null;
    }
  }
}
