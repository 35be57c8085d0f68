package midtrain.train;

/**
 * Where the trainer's batches come from: a pure function of the optimizer step (and the micro-batch
 * within it), so a resumed run sees exactly the data the interrupted one would have.
 */
public interface BatchSource {

  /**
   * Returns a micro-batch.
   *
   * @param step the optimizer step
   * @param micro the micro-batch within the step, {@code 0 .. accumulation-1}
   * @return the batch
   */
  TokenBatch batch(long step, int micro);

  /**
   * Identifies the data: a resume on data with another fingerprint is refused unless overridden.
   *
   * @return a stable fingerprint (for example a hash of the shard manifests and the seed)
   */
  String fingerprint();

  /**
   * Returns the micro-batches of a step, for batch-size schedules that grow the batch by
   * accumulating more micro-batches; 0 (the default) means the trainer's fixed accumulation.
   *
   * @param step the optimizer step
   * @return micro-batches in that step, or 0
   */
  default int microBatches(long step) {
    return 0;
  }
}
