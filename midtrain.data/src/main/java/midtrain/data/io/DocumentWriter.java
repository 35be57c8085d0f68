package midtrain.data.io;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes document batches to one output file, appearing under its final name only when complete.
 *
 * <p>Writers write to a temporary name beside the target and rename it on {@link #close()}, so a
 * killed run never leaves a half-written file that looks complete; {@link #abort()} deletes the
 * temporary file instead.
 */
public interface DocumentWriter extends AutoCloseable {
  /**
   * Writes every row of a batch: the base columns and, where the format can hold them, score,
   * lineage and stage columns.
   *
   * @param root the batch; the caller keeps ownership and may reuse it after the call
   */
  void write(VectorSchemaRoot root);

  /**
   * Returns the documents written so far.
   *
   * @return the count
   */
  long documents();

  /** Discards everything written and removes the temporary file; the target is not created. */
  void abort();

  /** Finishes the file and renames it to its target name. */
  @Override
  void close();
}
