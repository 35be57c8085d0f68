package midtrain.data.mix;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one phase planned and what packing produced, in training tokens per source.
 *
 * @param phase the phase name
 * @param startStep the phase's first step
 * @param endStep the first step after the phase
 * @param planned tokens per source the plan asked for
 * @param realised tokens per source in the packed rows (label positions), measured after packing
 */
public record RealisedMixture(
    String phase,
    long startStep,
    long endStep,
    Map<String, Long> planned,
    Map<String, Long> realised) {
  /**
   * Copies the maps, sorted by source.
   *
   * @param phase the phase name
   * @param startStep the phase's first step
   * @param endStep the first step after the phase
   * @param planned tokens per source the plan asked for
   * @param realised tokens per source in the packed rows; empty before packing
   */
  public RealisedMixture {
    Objects.requireNonNull(phase, "phase");
    planned = Collections.unmodifiableMap(new TreeMap<>(planned));
    realised = Collections.unmodifiableMap(new TreeMap<>(realised));
  }

  /**
   * The planned total.
   *
   * @return the sum of {@link #planned()}'s tokens
   */
  public long plannedTotal() {
    return planned.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The realised total.
   *
   * @return the sum of {@link #realised()}'s tokens; 0 before packing
   */
  public long realisedTotal() {
    return realised.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * A source's share of the realised total (0 when nothing was packed).
   *
   * @param source the source's name
   * @return the share in [0, 1]; 0 for a source with no realised tokens
   */
  public double realisedShare(String source) {
    long t = realisedTotal();
    return t == 0 ? 0 : realised.getOrDefault(source, 0L) / (double) t;
  }

  /**
   * A source's share of the planned total (0 for an empty plan).
   *
   * @param source the source's name
   * @return the share in [0, 1]; 0 for a source with no planned tokens
   */
  public double plannedShare(String source) {
    long t = plannedTotal();
    return t == 0 ? 0 : planned.getOrDefault(source, 0L) / (double) t;
  }
}
