package midtrain.sched;

import java.util.Objects;

/**
 * A named stretch of steps {@code [start, end)} of a schedule, used to tie data mixtures to LR
 * phases and to mark phases on plots.
 *
 * @param name the phase's name, unique within its schedule (for example {@code warmup}, {@code
 *     stable}, {@code decay}, {@code decay2})
 * @param kind what the phase does to the learning rate
 * @param start the first step of the phase
 * @param end the first step after the phase
 */
public record PhaseSpan(String name, Kind kind, long start, long end) {

  /** What a phase does to the learning rate. */
  public enum Kind {
    /** The learning rate rises towards its peak. */
    WARMUP,
    /** The learning rate holds. */
    STABLE,
    /** The learning rate falls. */
    DECAY
  }

  /**
   * Validates the span.
   *
   * @param name the phase's name
   * @param kind what the phase does to the learning rate
   * @param start the first step of the phase, at least 0
   * @param end the first step after the phase, at least {@code start} (equal for an empty phase)
   * @throws ScheduleException if {@code start} is negative or {@code end} is before it
   */
  public PhaseSpan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (start < 0 || end < start) {
      throw new ScheduleException(
          "phase '" + name + "': span [" + start + ", " + end + ") is not a valid step range");
    }
  }

  /**
   * Tells whether a step falls in this phase.
   *
   * @param step an optimizer step
   * @return true when {@code start <= step < end}
   */
  public boolean contains(long step) {
    return step >= start && step < end;
  }

  /**
   * Returns the number of steps in the phase.
   *
   * @return {@code end - start}
   */
  public long length() {
    return end - start;
  }
}
