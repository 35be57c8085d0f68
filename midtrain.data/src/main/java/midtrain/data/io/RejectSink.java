package midtrain.data.io;

/** Receives the records a reader could not turn into documents; readers go on after each one. */
@FunctionalInterface
public interface RejectSink {
  /**
   * Takes one rejected record.
   *
   * @param reject what was rejected and why
   */
  void reject(Reject reject);
}
