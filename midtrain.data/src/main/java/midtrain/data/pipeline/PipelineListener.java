package midtrain.data.pipeline;

/** Receives progress from a running pipeline, on the thread that writes the output. */
@FunctionalInterface
public interface PipelineListener {
  /**
   * Reports progress after each written batch.
   *
   * @param documents input records processed so far (this run, skipped shards included)
   * @param bytes input bytes consumed so far (compressed size for compressed inputs)
   * @param totalBytes the size of all inputs
   */
  void progress(long documents, long bytes, long totalBytes);
}
