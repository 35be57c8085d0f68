package midtrain.data.rate;

import java.nio.charset.StandardCharsets;
import midtrain.data.DocumentBatch;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A rater that scores each document from its text alone. */
public abstract class TextRater implements Rater {
  /** Creates the rater. */
  protected TextRater() {}

  /**
   * Scores one document.
   *
   * @param text the document text
   * @param out receives the scores in {@link #outputs()} order; its length is the output count
   */
  protected abstract void score(String text, float[] out);

  @Override
  public final void rate(VectorSchemaRoot batch, float[][] scores) {
    VarCharVector text = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
    int outputs = scores.length;
    float[] row = new float[outputs];
    for (int i = 0, n = batch.getRowCount(); i < n; i++) {
      String t = text.isNull(i) ? "" : new String(text.get(i), StandardCharsets.UTF_8);
      java.util.Arrays.fill(row, Float.NaN);
      score(t, row);
      for (int k = 0; k < outputs; k++) {
        scores[k][i] = row[k];
      }
    }
  }
}
