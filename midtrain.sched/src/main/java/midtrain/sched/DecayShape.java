package midtrain.sched;

import java.util.Locale;
import java.util.Objects;

/**
 * How a decay phase falls from its start level to its target.
 *
 * <p>A shape gives the fraction of the drop still remaining, from 1 at the start of the phase; the
 * level is {@code target + (start - target) * remaining}. Shapes that never reach zero
 * (exponential, inverse square root) end the phase above its target, and the next phase starts from
 * where this one ended.
 */
public final class DecayShape {
  private enum Kind {
    LINEAR,
    COSINE,
    COSINE_RESTARTS,
    EXPONENTIAL,
    ONE_MINUS_SQRT,
    INVERSE_SQRT,
    POLYNOMIAL
  }

  private final Kind kind;
  private final double param;

  private DecayShape(Kind kind, double param) {
    this.kind = kind;
    this.param = param;
  }

  /**
   * Returns a straight-line decay.
   *
   * @return {@code 1 - p}
   */
  public static DecayShape linear() {
    return new DecayShape(Kind.LINEAR, 0);
  }

  /**
   * Returns a cosine decay over half a cycle.
   *
   * @return {@code (1 + cos(pi p)) / 2}
   */
  public static DecayShape cosine() {
    return cosine(0.5);
  }

  /**
   * Returns a cosine decay with a number of cycles (0.5 falls once; 1.5 falls, rises, falls).
   *
   * @param cycles the number of cosine cycles, positive
   * @return {@code (1 + cos(2 pi cycles p)) / 2}
   * @throws ScheduleException if {@code cycles} is not a positive finite number
   */
  public static DecayShape cosine(double cycles) {
    positive("cycles", cycles);
    return new DecayShape(Kind.COSINE, cycles);
  }

  /**
   * Returns a cosine decay with hard restarts: each of {@code cycles} cycles falls from the start
   * level and jumps back up.
   *
   * @param cycles the number of restarts, positive
   * @return {@code (1 + cos(pi ((cycles p) mod 1))) / 2}
   * @throws ScheduleException if {@code cycles} is not a positive finite number
   */
  public static DecayShape cosineWithRestarts(double cycles) {
    positive("cycles", cycles);
    return new DecayShape(Kind.COSINE_RESTARTS, cycles);
  }

  /**
   * Returns an exponential decay {@code eta_max * e^(-k s)} with {@code s} the steps into the
   * phase.
   *
   * @param k the rate per step, positive
   * @return {@code e^(-k s)}
   * @throws ScheduleException if {@code k} is not a positive finite number
   */
  public static DecayShape exponential(double k) {
    positive("rate", k);
    return new DecayShape(Kind.EXPONENTIAL, k);
  }

  /**
   * Returns the 1-sqrt decay used by WSD (Hägele et al. 2024).
   *
   * @return {@code 1 - sqrt(p)}
   */
  public static DecayShape oneMinusSqrt() {
    return new DecayShape(Kind.ONE_MINUS_SQRT, 0);
  }

  /**
   * Returns an inverse square-root decay {@code sqrt(timescale / (timescale + s))}.
   *
   * @param timescale the steps at which the rate has fallen by sqrt(2), positive
   * @return the shape
   * @throws ScheduleException if {@code timescale} is not a positive finite number
   */
  public static DecayShape inverseSqrt(double timescale) {
    positive("timescale", timescale);
    return new DecayShape(Kind.INVERSE_SQRT, timescale);
  }

  /**
   * Returns a polynomial decay {@code (1 - p)^power}.
   *
   * @param power the power, positive (1 is linear)
   * @return the shape
   * @throws ScheduleException if {@code power} is not a positive finite number
   */
  public static DecayShape polynomial(double power) {
    positive("power", power);
    return new DecayShape(Kind.POLYNOMIAL, power);
  }

  /**
   * Returns the fraction of the drop still remaining.
   *
   * @param progress how far into the phase, in [0, 1]
   * @param stepsInto whole steps into the phase
   * @return the remaining fraction, 1 at the start
   */
  public double remaining(double progress, long stepsInto) {
    switch (kind) {
      case LINEAR:
        return 1.0 - progress;
      case COSINE:
        return 0.5 * (1.0 + Math.cos(Math.PI * param * 2.0 * progress));
      case COSINE_RESTARTS:
        if (progress >= 1.0) {
          return 0.0;
        }
        return 0.5 * (1.0 + Math.cos(Math.PI * ((param * progress) % 1.0)));
      case EXPONENTIAL:
        return Math.exp(-param * stepsInto);
      case ONE_MINUS_SQRT:
        return 1.0 - Math.sqrt(progress);
      case INVERSE_SQRT:
        return Math.sqrt(param / (param + stepsInto));
      default:
        return Math.pow(1.0 - progress, param);
    }
  }

  /**
   * Returns the shape's name as used in specs.
   *
   * @return the name
   */
  public String id() {
    return kind.name()
        .toLowerCase(Locale.ROOT)
        .replace('_', '-')
        .replace("one-minus-sqrt", "1-sqrt");
  }

  /**
   * Parses a shape from a spec: {@code shape} names it, and {@code cycles}, {@code rate}, {@code
   * timescale} or {@code power} give its parameter.
   *
   * @param params the phase's parameters
   * @return the shape
   * @throws ScheduleException if {@code shape} names no known shape, {@code rate} (exponential) or
   *     {@code timescale} (inverse-sqrt) is missing, or the shape's parameter is not a positive
   *     finite number
   */
  public static DecayShape parse(ScheduleParams params) {
    String name = params.getString("shape", "cosine").trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case "linear":
        return linear();
      case "cosine":
        return cosine(params.getDouble("cycles", 0.5));
      case "cosine-restarts":
      case "cosine_with_restarts":
        return cosineWithRestarts(params.getDouble("cycles", 1.0));
      case "exponential":
      case "exp":
        return exponential(params.requireDouble("rate"));
      case "1-sqrt":
        return oneMinusSqrt();
      case "inverse-sqrt":
      case "inverse_sqrt":
        return inverseSqrt(params.requireDouble("timescale"));
      case "polynomial":
        return polynomial(params.getDouble("power", 1.0));
      default:
        throw params.error(
            "shape",
            "is an unknown decay shape \""
                + name
                + "\" (expected linear, cosine, cosine-restarts, exponential, 1-sqrt, inverse-sqrt,"
                + " polynomial)");
    }
  }

  private static void positive(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new ScheduleException("'" + field + "' must be a positive finite number, got " + v);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecayShape
        && ((DecayShape) o).kind == kind
        && Double.compare(((DecayShape) o).param, param) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, param);
  }

  @Override
  public String toString() {
    return kind == Kind.LINEAR || kind == Kind.ONE_MINUS_SQRT ? id() : id() + "(" + param + ")";
  }
}
