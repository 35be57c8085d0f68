package midtrain.data.pipeline;

import java.util.List;
import java.util.Map;

/**
 * The accounting of a pipeline run: every input record is written, rejected by a reader, or removed
 * by a stage ({@code records + copiesAdded == written + rejected + removed}).
 *
 * @param records input records seen by the readers
 * @param rejected records the readers could not read, by reason
 * @param stages per-stage statistics, in pipeline order
 * @param written documents written to the output
 * @param writtenBytes their text bytes
 * @param copiesAdded extra copies made by up-sampling
 * @param shardsSkipped input shards already complete from an earlier run and not redone
 * @param thresholds quantile thresholds fixed by calibration, by stage name
 * @param idsChecked input documents whose id was checked against the run's earlier ones, a resumed
 *     run's done shards included (their counts are kept with them), so that it reports what the
 *     uninterrupted run would; 0 when the check is off
 * @param duplicateIds documents among them whose id an earlier one had (by a 64-bit hash)
 * @param duplicateIdExample the first such id, or empty when there is none
 */
public record PipelineResult(
    long records,
    Map<String, Long> rejected,
    List<StageStats> stages,
    long written,
    long writtenBytes,
    long copiesAdded,
    int shardsSkipped,
    Map<String, Double> thresholds,
    long idsChecked,
    long duplicateIds,
    String duplicateIdExample) {
  /**
   * Copies the collections.
   *
   * @param records input records seen by the readers
   * @param rejected records the readers could not read, by reason; copied and sorted by reason
   * @param stages per-stage statistics, in pipeline order; copied
   * @param written documents written to the output
   * @param writtenBytes their text bytes
   * @param copiesAdded extra copies made by up-sampling
   * @param shardsSkipped input shards already complete from an earlier run and not redone
   * @param thresholds quantile thresholds fixed by calibration, by stage name; copied and sorted
   * @param idsChecked input documents whose id was checked (a resumed run's done shards included)
   * @param duplicateIds documents among them whose id an earlier one had
   * @param duplicateIdExample the first such id, or empty when there is none
   */
  public PipelineResult {
    // Sorted copies: the statistics file must not depend on hash order.
    rejected = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(rejected));
    stages = List.copyOf(stages);
    thresholds = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(thresholds));
    java.util.Objects.requireNonNull(duplicateIdExample, "duplicateIdExample");
  }

  /**
   * Returns the records rejected by the readers.
   *
   * @return the sum of {@link #rejected()}
   */
  public long rejectedTotal() {
    long n = 0;
    for (long v : rejected.values()) {
      n += v;
    }
    return n;
  }

  /**
   * Returns the documents removed by stages.
   *
   * @return the sum over stages
   */
  public long removedTotal() {
    long n = 0;
    for (StageStats s : stages) {
      n += s.removedTotal();
    }
    return n;
  }

  /**
   * Tells whether every record is accounted for.
   *
   * @return {@code records + copiesAdded == written + rejected + removed}
   */
  public boolean balanced() {
    return records + copiesAdded == written + rejectedTotal() + removedTotal();
  }

  /**
   * Returns the one-line account printed at the end of a run.
   *
   * @return for example {@code in 1,000 = out 900 + rejected 10 + removed 90}
   */
  public String account() {
    return String.format(
        java.util.Locale.ROOT,
        "in %,d%s = out %,d + rejected %,d + removed %,d%s",
        records,
        copiesAdded > 0 ? String.format(java.util.Locale.ROOT, " + copies %,d", copiesAdded) : "",
        written,
        rejectedTotal(),
        removedTotal(),
        balanced() ? "" : "  (UNBALANCED)");
  }
}
