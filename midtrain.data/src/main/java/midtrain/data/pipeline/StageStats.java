package midtrain.data.pipeline;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one stage did: documents and text bytes in and out, and documents removed per reason.
 *
 * @param stage the stage name
 * @param kind the stage kind ({@code read}, {@code rate}, {@code filter}, {@code quantile}, {@code
 *     sample}, {@code dedup}, {@code decontaminate}, {@code modify})
 * @param docsIn documents that reached the stage
 * @param bytesIn their text bytes (UTF-8)
 * @param docsOut documents it passed on (for {@code sample}, copies included)
 * @param bytesOut their text bytes
 * @param removed documents removed, by reason, sorted by reason
 * @param counts what the stage counted besides documents, by name, sorted by name (a {@code modify}
 *     stage's {@code <modifier>.documents_changed}, {@code <modifier>.lines_removed} and {@code
 *     <modifier>.replacements}); empty for the other stages
 */
public record StageStats(
    String stage,
    String kind,
    long docsIn,
    long bytesIn,
    long docsOut,
    long bytesOut,
    Map<String, Long> removed,
    Map<String, Long> counts) {
  /**
   * Copies the map.
   *
   * @param stage the stage name
   * @param kind the stage kind, such as {@code filter}
   * @param docsIn documents that reached the stage
   * @param bytesIn their text bytes (UTF-8)
   * @param docsOut documents it passed on (for {@code sample}, copies included)
   * @param bytesOut their text bytes
   * @param removed documents removed, by reason; copied and sorted by reason
   * @param counts other counts by name; copied and sorted by name. Null (a statistics file written
   *     before the counts were) reads as none
   */
  public StageStats {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(kind, "kind");
    removed = java.util.Collections.unmodifiableMap(new TreeMap<>(removed));
    counts =
        counts == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
  }

  /**
   * Creates the statistics of a stage that counts nothing but documents.
   *
   * @param stage the stage name
   * @param kind the stage kind, such as {@code filter}
   * @param docsIn documents that reached the stage
   * @param bytesIn their text bytes (UTF-8)
   * @param docsOut documents it passed on (for {@code sample}, copies included)
   * @param bytesOut their text bytes
   * @param removed documents removed, by reason; copied and sorted by reason
   */
  public StageStats(
      String stage,
      String kind,
      long docsIn,
      long bytesIn,
      long docsOut,
      long bytesOut,
      Map<String, Long> removed) {
    this(stage, kind, docsIn, bytesIn, docsOut, bytesOut, removed, Map.of());
  }

  /**
   * Returns the documents removed for any reason.
   *
   * @return the sum of {@link #removed()}
   */
  public long removedTotal() {
    long n = 0;
    for (long v : removed.values()) {
      n += v;
    }
    return n;
  }

  /**
   * Adds another count of the same stage.
   *
   * @param o the other count
   * @return the sum
   */
  public StageStats plus(StageStats o) {
    Map<String, Long> m = new TreeMap<>(removed);
    o.removed.forEach((k, v) -> m.merge(k, v, Long::sum));
    Map<String, Long> c = new TreeMap<>(counts);
    o.counts.forEach((k, v) -> c.merge(k, v, Long::sum));
    return new StageStats(
        stage,
        kind,
        docsIn + o.docsIn,
        bytesIn + o.bytesIn,
        docsOut + o.docsOut,
        bytesOut + o.bytesOut,
        m,
        c);
  }
}
