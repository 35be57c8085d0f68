package midtrain.data.internal.decon;

import java.io.IOException;
import midtrain.data.decon.DeconReport;
import midtrain.data.decon.Decontaminator;

/**
 * Lets the pipeline start a stage's decontamination report, save one per output shard and merge the
 * saved ones, without public methods on {@link DeconReport}.
 *
 * <p>A resumed pipeline run processes only the shards that were not committed, so its report is
 * built from the parts saved when each shard committed, merged in input order; the result is the
 * report of one uninterrupted run.
 */
public final class ReportParts {
  private static volatile Access access;

  private ReportParts() {}

  /** What {@link DeconReport} provides, set by its static initializer. */
  public interface Access {
    /**
     * Starts the report of a pipeline stage, which leaves out the rejected records: the pipeline's
     * readers reject them before any stage, and the pipeline counts them.
     *
     * @param decon the stage's decontaminator
     * @return an empty report
     */
    DeconReport forStage(Decontaminator decon);

    /**
     * Returns what a report of one part of the input recorded, as JSON that {@link #merge} reads.
     *
     * @param part the report
     * @return the state
     */
    byte[] save(DeconReport part);

    /**
     * Adds a saved part to a report, as if its documents and rejects were recorded after the
     * report's own.
     *
     * @param into the report
     * @param saved what {@link #save} returned, for a decontaminator with the same benchmarks
     * @throws IOException when the state is not valid JSON or is for other benchmarks, saying how
     */
    void merge(DeconReport into, byte[] saved) throws IOException;
  }

  /**
   * Called once by {@link DeconReport}.
   *
   * @param a its implementation
   */
  public static synchronized void set(Access a) {
    // Once only: on a class path any code can call this public method, and a second implementation
    // would read and merge the saved parts of every later pipeline run.
    if (access != null) {
      throw new IllegalStateException("ReportParts access is already set");
    }
    access = a;
  }

  /**
   * Returns the implementation.
   *
   * @return {@link DeconReport}'s
   */
  public static Access get() {
    Access a = access;
    if (a == null) {
      // Naming DeconReport.class does not run its static initializer, which sets the access.
      try {
        Class.forName(DeconReport.class.getName(), true, DeconReport.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      a = access;
    }
    return a;
  }
}
