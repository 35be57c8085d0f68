package midtrain.data.rate;

import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Scores every document of a batch with one or more named numbers.
 *
 * <p>Scores land in float32 columns {@code score.<id>.<output>} (see {@link
 * midtrain.data.DocumentBatch#scoreColumn}). A rater must be safe to call from several threads at
 * once: the pipeline rates different batches in parallel with one instance. {@code NaN} means "not
 * applicable" and fails every threshold.
 */
public interface Rater {
  /**
   * Returns the rater's id, used as the middle part of its score columns.
   *
   * @return letters, digits, {@code _} or {@code -}
   */
  String id();

  /**
   * Returns the names of the scores, in the order of {@link #rate}'s output rows.
   *
   * @return the output names, letters, digits, {@code _} or {@code -}
   */
  List<String> outputs();

  /**
   * Scores rows {@code [0, batch.getRowCount())}.
   *
   * @param batch the documents; the caller keeps ownership, the rater only reads
   * @param scores {@code scores[k][row]} receives output {@code k} of each row; each inner array is
   *     at least as long as the batch; through {@link Raters#apply} (the pipeline, the CLI) filled
   *     with {@code NaN} ("not applicable") before the call, so a row left unwritten fails every
   *     threshold
   */
  void rate(VectorSchemaRoot batch, float[][] scores);

  /**
   * Names the rule a document failed, for lineage and rejection statistics.
   *
   * <p>Rule raters (Gopher, C4, FineWeb) output a {@code pass} score of 1 or 0 and explain a 0
   * here; raters without a verdict return an empty string.
   *
   * @param row the document's scores, in {@link #outputs()} order
   * @return a short reason such as {@code gopher_short_doc}, or empty when it passed
   */
  default String verdict(float[] row) {
    return "";
  }

  /**
   * Describes the rater's configuration, so that a resumed pipeline can tell whether it changed.
   *
   * @return by default the id and outputs; {@link Raters#describe} adds the parameters of raters
   *     made by {@link Raters#create}
   */
  default String describe() {
    return id() + outputs();
  }
}
