package midtrain.data.synth;

/** Hears a synthesis run's progress, from the thread that reads inputs and from workers. */
@FunctionalInterface
public interface SynthesisListener {
  /**
   * Called after each finished input and at the end; must be cheap and thread-safe.
   *
   * @param finished inputs finished so far (resumed ones included)
   * @param bytesRead input bytes read so far
   * @param totalBytes the size of all input files
   */
  void progress(long finished, long bytesRead, long totalBytes);
}
