package midtrain.data.io;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Streams documents from one input into Arrow batches, in bounded memory.
 *
 * <p>Readers never stop at a bad record: it goes to the {@link RejectSink} with file, line and
 * reason, and reading goes on with the next one. A truncated compressed stream rejects the record
 * it cut and ends the input. Every record is either appended or rejected, so {@link #records()}
 * equals documents appended plus rejects.
 */
public interface DocumentReader extends AutoCloseable {
  /**
   * Returns the input's name as it appears in rejects and statistics.
   *
   * @return the file name or path given by the user
   */
  String name();

  /**
   * Appends up to {@code max} documents to a batch, starting at its current row count.
   *
   * @param root a batch whose schema contains the base columns of {@link
   *     midtrain.data.DocumentBatch}; the caller keeps ownership and the reader only appends rows
   *     (other columns of the new rows are left null)
   * @param max the most documents to append, at least 1
   * @param rejects where records that cannot be read go
   * @return the number of documents appended; 0 only at the end of the input
   */
  int read(VectorSchemaRoot root, int max, RejectSink rejects);

  /**
   * Returns the score columns the input already carries (Arrow and Parquet files written by an
   * earlier rating step), so that a caller can make batches that keep them; the others are read
   * into batches of the base schema.
   *
   * @return full {@code score.<rater>.<output>} names; empty by default
   */
  default java.util.List<String> scoreColumns() {
    return java.util.List.of();
  }

  /**
   * Returns the input records seen so far: documents appended plus records rejected.
   *
   * @return the count
   */
  long records();

  /**
   * Returns the input bytes consumed so far (compressed size for compressed inputs), for progress.
   *
   * @return the count
   */
  long bytesRead();

  /** Releases the input; never throws a checked exception. */
  @Override
  void close();
}
