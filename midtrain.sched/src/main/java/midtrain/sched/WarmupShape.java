package midtrain.sched;

import java.util.Locale;

/** How a warm-up phase rises from its start level to its target, as a function of progress. */
public enum WarmupShape {
  /** Straight line: {@code p}. */
  LINEAR("linear"),
  /** Half cosine: {@code (1 - cos(pi p)) / 2}. */
  COSINE("cosine"),
  /** Fast start, slow finish: {@code 1 - sqrt(1 - p)}. */
  ONE_MINUS_SQRT("1-sqrt");

  private final String id;

  WarmupShape(String id) {
    this.id = id;
  }

  /**
   * Returns the name used in specs and Hugging Face's {@code warmup_type}.
   *
   * @return the name
   */
  public String id() {
    return id;
  }

  /**
   * Returns the fraction of the rise done at a given progress.
   *
   * @param progress how far into the phase, in [0, 1]
   * @return the fraction in [0, 1]
   */
  public double fraction(double progress) {
    switch (this) {
      case LINEAR:
        return progress;
      case COSINE:
        return 0.5 * (1.0 - Math.cos(Math.PI * progress));
      default:
        return 1.0 - Math.sqrt(1.0 - progress);
    }
  }

  /**
   * Parses a shape name.
   *
   * @param field the field the name came from, for the message
   * @param name {@code linear}, {@code cosine} or {@code 1-sqrt}
   * @return the shape
   * @throws ScheduleException naming the field if {@code name}, trimmed and in any case, is none of
   *     the three
   */
  public static WarmupShape parse(String field, String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (WarmupShape s : values()) {
      if (s.id.equals(n)) {
        return s;
      }
    }
    throw new ScheduleException(
        "'"
            + field
            + "': unknown warm-up shape \""
            + name
            + "\" (expected linear, cosine, 1-sqrt)");
  }
}
