package midtrain.sched;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A schedule composed of warm-up, stable and decay phases, the native shape of mid-training runs:
 * re-warm (from zero or from the pre-training checkpoint's final LR), hold, then anneal, with as
 * many stable/decay stages as a recipe needs (multi-stage WSD).
 *
 * <p>Each phase starts at the level where the previous one ended. A warm-up rises to its target
 * (the peak unless told otherwise), a stable phase holds, a decay falls towards its target. After
 * the last phase the final level holds. An optional floor keeps the rate at or above a minimum LR.
 *
 * <pre>{@code
 * LearningRateSchedule s = PhasedSchedule.builder(3e-4)
 *     .warmupFromLr(200, WarmupShape.LINEAR, 3e-5)   // re-warm from pre-training's final LR
 *     .stable(8_000)
 *     .decay(1_800, DecayShape.oneMinusSqrt(), 0.0)  // anneal to zero
 *     .build();
 * }</pre>
 */
public final class PhasedSchedule implements LearningRateSchedule {

  private final double peakLr;
  private final double floorLr;
  private final List<Phase> phases;
  private final List<PhaseSpan> spans;
  private final long total;

  private PhasedSchedule(double peakLr, double floorLr, List<Phase> phases) {
    this.peakLr = peakLr;
    this.floorLr = floorLr;
    this.phases = List.copyOf(phases);
    List<PhaseSpan> s = new ArrayList<>();
    for (Phase p : phases) {
      s.add(p.span);
    }
    this.spans = Collections.unmodifiableList(s);
    this.total = phases.get(phases.size() - 1).span.end();
  }

  /**
   * Starts a schedule with a peak learning rate.
   *
   * @param peakLr the peak learning rate, positive and finite
   * @return a builder
   * @throws ScheduleException if {@code peakLr} is not a positive finite number
   */
  public static Builder builder(double peakLr) {
    return new Builder(peakLr);
  }

  /**
   * Builds a schedule from its native spec: {@code phases} (a list of objects with {@code type}
   * warmup/stable/decay, {@code steps}, and per type {@code shape}, {@code from_ratio} or {@code
   * from_lr}, {@code to_ratio} or {@code to_lr}, shape parameters and an optional {@code name}),
   * optional {@code min_lr} or {@code min_lr_ratio} (a floor), and optional {@code total_steps}
   * (checked against the sum of the phases).
   *
   * @param peakLr the peak learning rate
   * @param spec the spec without {@code peak_lr}; unknown keys are errors
   * @return the schedule
   * @throws ScheduleException naming the key when {@code phases} is missing or empty, a phase's
   *     {@code type} or {@code steps} is missing or its {@code type} or {@code shape} unknown, a
   *     level is given both as a ratio and as an LR, {@code min_lr} and {@code min_lr_ratio} are
   *     both set, {@code total_steps} differs from the phases' sum, or a key is unknown; or as
   *     {@link #builder} and the {@link Builder} refuse the values
   */
  public static PhasedSchedule fromSpec(double peakLr, ScheduleParams spec) {
    Builder b = builder(peakLr);
    spec.optDouble("min_lr").ifPresent(b::minLr);
    spec.optDouble("min_lr_ratio")
        .ifPresent(
            r -> {
              if (spec.has("min_lr")) {
                throw spec.error("min_lr_ratio", "and 'min_lr' are both set: keep one");
              }
              b.minLrRatio(r);
            });
    List<ScheduleParams> list =
        spec.optObjectList("phases").orElseThrow(() -> spec.error("phases", "is required"));
    if (list.isEmpty()) {
      throw spec.error("phases", "must hold at least one phase");
    }
    for (ScheduleParams p : list) {
      String type = p.requireString("type");
      long steps = p.requireLong("steps");
      switch (type) {
        case "warmup":
          {
            WarmupShape shape = WarmupShape.parse("shape", p.getString("shape", "linear"));
            double to = target(p, "to", b.peakLr, 1.0);
            if (p.has("from_lr") || p.has("from_ratio")) {
              b.warmupBetween(steps, shape, target(p, "from", b.peakLr, 0.0), to);
            } else {
              b.warmupBetween(steps, shape, Double.NaN, to);
            }
            break;
          }
        case "stable":
          b.stable(steps);
          break;
        case "decay":
          b.decay(steps, DecayShape.parse(p), target(p, "to", b.peakLr, 0.0));
          break;
        default:
          throw p.error("type", "is \"" + type + "\"; expected warmup, stable or decay");
      }
      p.optString("name").ifPresent(b::name);
      p.requireAllUsed();
    }
    PhasedSchedule s = b.build();
    spec.optLong("total_steps")
        .ifPresent(
            t -> {
              if (t != s.totalSteps()) {
                throw spec.error(
                    "total_steps",
                    "is " + t + " but the phases add up to " + s.totalSteps() + " steps");
              }
            });
    spec.requireAllUsed();
    return s;
  }

  private static double target(ScheduleParams p, String prefix, double peak, double dflt) {
    String lrKey = prefix + "_lr";
    String ratioKey = prefix + "_ratio";
    if (p.has(lrKey) && p.has(ratioKey)) {
      throw p.error(ratioKey, "and '" + lrKey + "' are both set: keep one");
    }
    if (p.has(lrKey)) {
      return p.requireDouble(lrKey) / peak;
    }
    return p.getDouble(ratioKey, dflt);
  }

  /**
   * {@inheritDoc}
   *
   * @throws ScheduleException if {@code step} is negative
   */
  @Override
  public double lr(long step) {
    if (step < 0) {
      throw new ScheduleException("step must be at least 0, got " + step);
    }
    Phase p = phases.get(phases.size() - 1);
    for (Phase q : phases) {
      if (step < q.span.end()) {
        p = q;
        break;
      }
    }
    return Math.max(floorLr, peakLr * p.level(step));
  }

  @Override
  public double peakLr() {
    return peakLr;
  }

  @Override
  public long totalSteps() {
    return total;
  }

  @Override
  public List<PhaseSpan> phases() {
    return spans;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("PhasedSchedule[peak=").append(peakLr);
    for (Phase p : phases) {
      sb.append(", ").append(p.span.name()).append('(').append(p.span.length()).append(')');
    }
    return sb.append(']').toString();
  }

  /** One phase with its levels resolved. */
  private static final class Phase {
    final PhaseSpan span;
    final double from;
    final double to;
    final WarmupShape warmup;
    final DecayShape decay;

    Phase(PhaseSpan span, double from, double to, WarmupShape warmup, DecayShape decay) {
      this.span = span;
      this.from = from;
      this.to = to;
      this.warmup = warmup;
      this.decay = decay;
    }

    double level(long step) {
      long into = Math.min(step - span.start(), span.length());
      double progress = (double) into / span.length();
      switch (span.kind()) {
        case WARMUP:
          return from + (to - from) * warmup.fraction(progress);
        case STABLE:
          return from;
        default:
          return to + (from - to) * decay.remaining(progress, into);
      }
    }

    double endLevel() {
      return level(span.end());
    }
  }

  /** Assembles phases in order; each starts where the previous one ended. */
  public static final class Builder {
    private final double peakLr;
    private double floorLr;
    private final List<Phase> phases = new ArrayList<>();
    private final Map<String, Integer> names = new HashMap<>();
    private long next;

    private Builder(double peakLr) {
      if (!(peakLr > 0) || !Double.isFinite(peakLr)) {
        throw new ScheduleException("'peak_lr' must be a positive finite number, got " + peakLr);
      }
      this.peakLr = peakLr;
    }

    /**
     * Adds a warm-up from zero (or, after other phases, from the current level) to the peak.
     *
     * @param steps the phase's length, positive
     * @param shape how it rises
     * @return this builder
     * @throws ScheduleException if {@code steps} is not positive
     */
    public Builder warmup(long steps, WarmupShape shape) {
      return warmupBetween(steps, shape, Double.NaN, 1.0);
    }

    /**
     * Adds a warm-up from a fraction of the peak to the peak.
     *
     * @param steps the phase's length, positive
     * @param shape how it rises
     * @param fromRatio the starting multiplier, in [0, 1]
     * @return this builder
     * @throws ScheduleException if {@code steps} is not positive or {@code fromRatio} is not in [0,
     *     1]
     */
    public Builder warmupFromRatio(long steps, WarmupShape shape, double fromRatio) {
      return warmupBetween(steps, shape, fromRatio, 1.0);
    }

    /**
     * Adds a re-warm-up from an absolute learning rate, typically the pre-training checkpoint's
     * final LR, to the peak.
     *
     * @param steps the phase's length, positive
     * @param shape how it rises
     * @param fromLr the starting learning rate, at most the peak
     * @return this builder
     * @throws ScheduleException if {@code steps} is not positive, or {@code fromLr} is negative,
     *     above the peak or NaN
     */
    public Builder warmupFromLr(long steps, WarmupShape shape, double fromLr) {
      return warmupBetween(steps, shape, fromLr / peakLr, 1.0);
    }

    Builder warmupBetween(long steps, WarmupShape shape, double fromRatio, double toRatio) {
      Objects.requireNonNull(shape, "shape");
      double from = Double.isNaN(fromRatio) ? currentLevel() : fromRatio;
      ratio("warm-up start (from_ratio / from_lr)", from);
      ratio("warm-up target (to_ratio / to_lr)", toRatio);
      if (from > toRatio) {
        throw new ScheduleException(
            "warm-up starts at ratio " + from + ", above its target " + toRatio);
      }
      return add(PhaseSpan.Kind.WARMUP, "warmup", steps, from, toRatio, shape, null);
    }

    /**
     * Adds a phase that holds the current level.
     *
     * @param steps the phase's length, positive
     * @return this builder
     * @throws ScheduleException if {@code steps} is not positive
     */
    public Builder stable(long steps) {
      double level = phases.isEmpty() ? 1.0 : currentLevel();
      return add(PhaseSpan.Kind.STABLE, "stable", steps, level, level, null, null);
    }

    /**
     * Adds a decay from the current level towards a fraction of the peak.
     *
     * @param steps the phase's length, positive
     * @param shape how it falls
     * @param toRatio the target multiplier, in [0, current level]
     * @return this builder
     * @throws ScheduleException if {@code steps} is not positive, or {@code toRatio} is not in [0,
     *     1] or is above the level the decay starts from
     */
    public Builder decay(long steps, DecayShape shape, double toRatio) {
      Objects.requireNonNull(shape, "shape");
      double from = phases.isEmpty() ? 1.0 : currentLevel();
      ratio("decay target (to_ratio / to_lr)", toRatio);
      if (toRatio > from) {
        throw new ScheduleException(
            "decay target ratio " + toRatio + " is above the level it starts from, " + from);
      }
      return add(PhaseSpan.Kind.DECAY, "decay", steps, from, toRatio, null, shape);
    }

    /**
     * Renames the last phase added, so mixtures and plots can refer to it.
     *
     * @param name a name unique in this schedule
     * @return this builder
     * @throws ScheduleException if no phase was added yet, {@code name} is blank, or another phase
     *     has it
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (phases.isEmpty()) {
        throw new ScheduleException("'name' given before any phase");
      }
      if (name.isBlank()) {
        throw new ScheduleException("phase 'name' must not be blank");
      }
      Phase last = phases.get(phases.size() - 1);
      names.remove(last.span.name());
      if (names.containsKey(name)) {
        throw new ScheduleException("phase name \"" + name + "\" is used twice");
      }
      names.put(name, phases.size() - 1);
      PhaseSpan s = new PhaseSpan(name, last.span.kind(), last.span.start(), last.span.end());
      phases.set(phases.size() - 1, new Phase(s, last.from, last.to, last.warmup, last.decay));
      return this;
    }

    /**
     * Sets a floor: the learning rate never goes below it.
     *
     * @param minLr the floor, in [0, peak]
     * @return this builder
     * @throws ScheduleException if {@code minLr} is negative, not finite, or above the peak
     */
    public Builder minLr(double minLr) {
      if (!(minLr >= 0) || !Double.isFinite(minLr)) {
        throw new ScheduleException("'min_lr' must be a finite number >= 0, got " + minLr);
      }
      if (minLr > peakLr) {
        throw new ScheduleException("'min_lr' (" + minLr + ") is above 'peak_lr' (" + peakLr + ")");
      }
      this.floorLr = minLr;
      return this;
    }

    /**
     * Sets a floor as a fraction of the peak.
     *
     * @param ratio the floor's multiplier, in [0, 1]
     * @return this builder
     * @throws ScheduleException if {@code ratio} is not in [0, 1]
     */
    public Builder minLrRatio(double ratio) {
      ratio("min_lr_ratio", ratio);
      return minLr(ratio * peakLr);
    }

    /**
     * Builds the schedule.
     *
     * @return the schedule
     * @throws ScheduleException if no phase was added
     */
    public PhasedSchedule build() {
      if (phases.isEmpty()) {
        throw new ScheduleException("a schedule needs at least one phase");
      }
      return new PhasedSchedule(peakLr, floorLr, phases);
    }

    private double currentLevel() {
      return phases.isEmpty() ? 0.0 : phases.get(phases.size() - 1).endLevel();
    }

    private Builder add(
        PhaseSpan.Kind kind,
        String base,
        long steps,
        double from,
        double to,
        WarmupShape w,
        DecayShape d) {
      if (steps <= 0) {
        throw new ScheduleException(
            base + " phase #" + (phases.size() + 1) + ": 'steps' must be positive, got " + steps);
      }
      String name = base;
      for (int i = 2; names.containsKey(name); i++) {
        name = base + i;
      }
      names.put(name, phases.size());
      phases.add(new Phase(new PhaseSpan(name, kind, next, next + steps), from, to, w, d));
      next = Math.addExact(next, steps);
      return this;
    }

    private static void ratio(String field, double r) {
      if (!(r >= 0 && r <= 1)) {
        throw new ScheduleException("'" + field + "' must be in [0, 1], got " + r);
      }
    }
  }
}
