package midtrain.sched;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Data-mixture weights as a function of the optimizer step, tied to a learning-rate schedule's
 * phases: for example general plus domain data while the LR is stable, then the high-quality anneal
 * mix from exactly the step the decay starts, or a linear blend between two mixtures across the
 * decay.
 *
 * <p>Weights are normalised to sum to 1 at every step; a source absent from a mixture has weight 0.
 * The data and train modules ask {@link #weights(long)} per step and {@link #boundaries()} for the
 * steps where the mixture changes.
 */
public final class MixtureSchedule {

  /**
   * One stretch of steps with its mixture.
   *
   * @param start the first step
   * @param end the first step after it ({@link Long#MAX_VALUE} for the open-ended last segment)
   * @param from the weights at {@code start}
   * @param to the weights at {@code end} (equal to {@code from} unless interpolating)
   * @param phase the LR phase the segment was tied to, or empty
   */
  public record Segment(
      long start, long end, Map<String, Double> from, Map<String, Double> to, String phase) {

    /**
     * Copies the weights.
     *
     * @param start the first step
     * @param end the first step after the segment, or {@link Long#MAX_VALUE} for the open-ended
     *     last segment
     * @param from the weights at {@code start}, copied into an unmodifiable map
     * @param to the weights at {@code end}, copied into an unmodifiable map
     * @param phase the LR phase the segment was tied to, or empty for one that starts at a step
     */
    public Segment {
      from = Collections.unmodifiableMap(new LinkedHashMap<>(from));
      to = Collections.unmodifiableMap(new LinkedHashMap<>(to));
      Objects.requireNonNull(phase, "phase");
    }

    /**
     * Tells whether the segment blends two mixtures.
     *
     * @return true when {@code from} and {@code to} differ
     */
    public boolean interpolates() {
      return !from.equals(to);
    }
  }

  private final List<Segment> segments;
  private final List<String> sources;

  private MixtureSchedule(List<Segment> segments) {
    this.segments = List.copyOf(segments);
    TreeSet<String> all = new TreeSet<>();
    for (Segment s : segments) {
      all.addAll(s.from().keySet());
      all.addAll(s.to().keySet());
    }
    this.sources = List.copyOf(all);
  }

  /**
   * Starts a mixture schedule over the phases of a learning-rate schedule.
   *
   * @param lr the schedule whose phases segments may name
   * @return a builder
   */
  public static Builder builder(LearningRateSchedule lr) {
    return new Builder(lr);
  }

  /**
   * Builds a mixture schedule from a spec: a list of objects, each with {@code weights} (source to
   * weight) and either {@code phase} (an LR phase's name) or {@code from_step}; an optional {@code
   * to_weights} blends linearly across the segment.
   *
   * @param lr the LR schedule the phases belong to
   * @param segments the spec's segments, in step order
   * @return the schedule
   * @throws ScheduleException naming the segment's key when {@code weights} is missing or not an
   *     object of numbers, a segment has neither {@code phase} nor {@code from_step} or has an
   *     unknown key, or as the {@link Builder} refuses the segments
   */
  public static MixtureSchedule fromSpec(LearningRateSchedule lr, List<ScheduleParams> segments) {
    Builder b = builder(lr);
    for (ScheduleParams s : segments) {
      Map<String, Double> w = weightsOf(s, "weights");
      Map<String, Double> to = s.has("to_weights") ? weightsOf(s, "to_weights") : w;
      if (s.has("phase")) {
        b.phase(s.requireString("phase"), w, to);
      } else {
        b.fromStep(s.requireLong("from_step"), w, to);
      }
      s.requireAllUsed();
    }
    return b.build();
  }

  private static Map<String, Double> weightsOf(ScheduleParams s, String key) {
    ScheduleParams w = s.optObject(key).orElseThrow(() -> s.error(key, "is required"));
    Map<String, Double> out = new LinkedHashMap<>();
    for (String k : w.keys()) {
      out.put(k, w.requireDouble(k));
    }
    return out;
  }

  /**
   * Returns the normalised weights at a step.
   *
   * @param step the optimizer step
   * @return weights by source, summing to 1, in source-name order
   * @throws ScheduleException if {@code step} is negative
   */
  public Map<String, Double> weights(long step) {
    Segment seg = segmentAt(step);
    double t = 0;
    if (seg.interpolates() && seg.end() != Long.MAX_VALUE) {
      t = Math.min(1.0, (double) (step - seg.start()) / (seg.end() - seg.start()));
    }
    // Blend the normalised mixtures, so "from" and "to" count equally whatever their scales.
    double fromSum = seg.from().values().stream().mapToDouble(Double::doubleValue).sum();
    double toSum = seg.to().values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> out = new LinkedHashMap<>();
    double sum = 0;
    for (String src : sources) {
      double a = seg.from().getOrDefault(src, 0.0) / fromSum;
      double b = seg.to().getOrDefault(src, 0.0) / toSum;
      double v = a + (b - a) * t;
      out.put(src, v);
      sum += v;
    }
    for (Map.Entry<String, Double> e : out.entrySet()) {
      e.setValue(e.getValue() / sum);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Returns the segment holding a step.
   *
   * @param step the optimizer step, at least 0
   * @return the segment
   * @throws ScheduleException if {@code step} is negative
   */
  public Segment segmentAt(long step) {
    if (step < 0) {
      throw new ScheduleException("step must be at least 0, got " + step);
    }
    Segment last = segments.get(0);
    for (Segment s : segments) {
      if (step >= s.start()) {
        last = s;
      }
    }
    return last;
  }

  /**
   * Returns the steps at which a new segment starts, after step 0.
   *
   * @return the boundaries in order
   */
  public List<Long> boundaries() {
    List<Long> out = new ArrayList<>();
    for (Segment s : segments) {
      if (s.start() > 0) {
        out.add(s.start());
      }
    }
    return out;
  }

  /**
   * Returns the segments in step order.
   *
   * @return the segments
   */
  public List<Segment> segments() {
    return segments;
  }

  /**
   * Returns every source named by any segment.
   *
   * @return the source names, sorted
   */
  public List<String> sources() {
    return sources;
  }

  /** Collects segments in step order. */
  public static final class Builder {
    private final LearningRateSchedule lr;
    private final List<long[]> spans = new ArrayList<>();
    private final List<Map<String, Double>> froms = new ArrayList<>();
    private final List<Map<String, Double>> tos = new ArrayList<>();
    private final List<String> phases = new ArrayList<>();

    private Builder(LearningRateSchedule lr) {
      this.lr = Objects.requireNonNull(lr, "lr");
    }

    /**
     * Uses a mixture for the whole of an LR phase.
     *
     * @param phase the phase's name in the LR schedule
     * @param weights the mixture
     * @return this builder
     * @throws ScheduleException as {@link #phase(String, Map, Map)} refuses the phase or the
     *     mixture
     */
    public Builder phase(String phase, Map<String, Double> weights) {
      return phase(phase, weights, weights);
    }

    /**
     * Blends linearly from one mixture to another across an LR phase.
     *
     * @param phase the phase's name in the LR schedule
     * @param from the mixture at the phase's first step
     * @param to the mixture at the phase's end
     * @return this builder
     * @throws ScheduleException if the LR schedule has no phase of that name, a mixture has no
     *     sources, a weight is negative, NaN or infinite, or the weights sum to 0, or the phase
     *     does not start after the previous segment's start
     */
    public Builder phase(String phase, Map<String, Double> from, Map<String, Double> to) {
      PhaseSpan span =
          lr.phase(phase)
              .orElseThrow(
                  () ->
                      new ScheduleException(
                          "mixture names phase '"
                              + phase
                              + "' but the LR schedule has "
                              + lr.phases().stream().map(PhaseSpan::name).toList()));
      return add(span.start(), span.end(), from, to, phase);
    }

    /**
     * Uses a mixture from a step on.
     *
     * @param step the first step
     * @param weights the mixture
     * @return this builder
     * @throws ScheduleException if the mixture has no sources, a weight is negative, NaN or
     *     infinite, or the weights sum to 0, or {@code step} is not after the previous segment's
     *     start
     */
    public Builder fromStep(long step, Map<String, Double> weights) {
      return fromStep(step, weights, weights);
    }

    Builder fromStep(long step, Map<String, Double> from, Map<String, Double> to) {
      return add(step, -1, from, to, "");
    }

    private Builder add(
        long start, long end, Map<String, Double> from, Map<String, Double> to, String phase) {
      check(from, phase.isEmpty() ? "from step " + start : "phase '" + phase + "'");
      check(to, phase.isEmpty() ? "from step " + start : "phase '" + phase + "'");
      if (!spans.isEmpty() && start <= spans.get(spans.size() - 1)[0]) {
        throw new ScheduleException(
            "mixture segments must be in step order: "
                + (phase.isEmpty() ? "step " + start : "phase '" + phase + "'")
                + " starts at or before the previous segment");
      }
      spans.add(new long[] {start, end});
      froms.add(from);
      tos.add(to);
      phases.add(phase);
      return this;
    }

    /**
     * Builds the schedule; the first segment must start at step 0, and each segment without an
     * explicit end lasts until the next one starts.
     *
     * @return the schedule
     * @throws ScheduleException if there is no segment, the first does not start at step 0, or a
     *     segment tied to a phase ends where the next does not start (a gap or an overlap)
     */
    public MixtureSchedule build() {
      if (spans.isEmpty()) {
        throw new ScheduleException("a mixture schedule needs at least one segment");
      }
      if (spans.get(0)[0] != 0) {
        throw new ScheduleException(
            "the first mixture segment starts at step "
                + spans.get(0)[0]
                + "; some mixture must cover step 0");
      }
      List<Segment> out = new ArrayList<>();
      int n = spans.size();
      for (int i = 0; i < n; i++) {
        long start = spans.get(i)[0];
        long explicitEnd = spans.get(i)[1];
        long nextStart = i + 1 < n ? spans.get(i + 1)[0] : Long.MAX_VALUE;
        long end = explicitEnd < 0 ? nextStart : explicitEnd;
        if (i + 1 < n && end != nextStart) {
          throw new ScheduleException(
              "mixture segment '"
                  + (phases.get(i).isEmpty() ? "from step " + start : phases.get(i))
                  + "' ends at step "
                  + end
                  + " but the next starts at "
                  + nextStart
                  + ": segments must cover every step exactly once");
        }
        out.add(new Segment(start, end, froms.get(i), tos.get(i), phases.get(i)));
      }
      return new MixtureSchedule(out);
    }

    private static void check(Map<String, Double> w, String where) {
      if (w.isEmpty()) {
        throw new ScheduleException("mixture for " + where + " has no sources");
      }
      double sum = 0;
      for (Map.Entry<String, Double> e : w.entrySet()) {
        double v = e.getValue();
        if (!(v >= 0) || !Double.isFinite(v)) {
          throw new ScheduleException(
              "mixture for " + where + ": weight of '" + e.getKey() + "' must be >= 0, got " + v);
        }
        sum += v;
      }
      if (!(sum > 0)) {
        throw new ScheduleException(
            "mixture for " + where + ": weights must sum to a positive number");
      }
    }
  }
}
