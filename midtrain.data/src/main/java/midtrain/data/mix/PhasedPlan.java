package midtrain.data.mix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.sched.MixtureSchedule;

/**
 * A mixture plan per phase of a {@link MixtureSchedule}: each segment of the schedule (an LR phase,
 * or a stretch from a step) gets {@code steps * tokensPerStep} tokens, so the data of a phase ends
 * exactly at the step where the learning-rate phase changes. Repetition caps hold over the whole
 * run: a source's tokens summed over all phases must fit in {@code available * maxEpochs}.
 *
 * @param tokensPerStep training tokens per optimizer step (global batch rows times seqLen)
 * @param phases the phases in step order
 */
public record PhasedPlan(long tokensPerStep, List<Phase> phases) {
  /**
   * Copies the list.
   *
   * @param tokensPerStep training tokens per optimizer step
   * @param phases the phases in step order, copied
   */
  public PhasedPlan {
    phases = List.copyOf(phases);
  }

  /**
   * One phase: steps {@code [startStep, endStep)} and their plan.
   *
   * @param name the LR phase's name, or {@code from_step_<n>} for a segment tied to a step
   * @param startStep the first step
   * @param endStep the first step after the phase
   * @param plan tokens per source; its total is {@code (endStep - startStep) * tokensPerStep}
   */
  public record Phase(String name, long startStep, long endStep, MixturePlan plan) {
    /**
     * Rejects nulls.
     *
     * @param name the LR phase's name, or {@code from_step_<n>} for a segment tied to a step
     * @param startStep the first step
     * @param endStep the first step after the phase
     * @param plan the tokens per source for the phase's steps
     */
    public Phase {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(plan, "plan");
    }
  }

  /**
   * Tokens per source over all phases.
   *
   * @return a new map of each source's planned tokens summed over the phases, sorted by source
   */
  public Map<String, Long> tokensBySource() {
    Map<String, Long> out = new TreeMap<>();
    for (Phase p : phases) {
      p.plan().tokens().forEach((k, v) -> out.merge(k, v, Long::sum));
    }
    return out;
  }

  /**
   * The run's token budget.
   *
   * @return the sum of the phases' budgets: the planned steps times {@link #tokensPerStep()}
   */
  public long totalTokens() {
    return phases.stream().mapToLong(p -> p.plan().totalTokens()).sum();
  }

  /**
   * A builder planning with {@code mixer} over {@code schedule}'s segments.
   *
   * @param mixer turns each phase's weights into proportions
   * @param schedule the mixture schedule (its segments are the phases)
   * @return a builder with no sources and a repetition cap of 4 epochs; tokens per step and steps
   *     are required
   */
  public static Builder builder(Mixer mixer, MixtureSchedule schedule) {
    return new Builder(mixer, schedule);
  }

  /** Builder for {@link PhasedPlan}. */
  public static final class Builder {
    private final Mixer mixer;
    private final MixtureSchedule schedule;
    private final Map<String, Long> available = new TreeMap<>();
    private final Map<String, Double> maxEpochs = new HashMap<>();
    private double defaultMaxEpochs = 4.0;
    private long tokensPerStep = -1;
    private long steps = -1;

    private Builder(Mixer mixer, MixtureSchedule schedule) {
      this.mixer = Objects.requireNonNull(mixer, "mixer");
      this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /**
     * Tokens per optimizer step, at least 1.
     *
     * @param n the global batch's tokens: rows times sequence length
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder tokensPerStep(long n) {
      if (n < 1) {
        throw new DataException("tokens per step must be at least 1, got " + n);
      }
      this.tokensPerStep = n;
      return this;
    }

    /**
     * The run's optimizer steps (the LR schedule's total), at least 1.
     *
     * @param n the steps; segments that start at or after it are not planned, and the last one
     *     planned ends there
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder steps(long n) {
      if (n < 1) {
        throw new DataException("steps must be at least 1, got " + n);
      }
      this.steps = n;
      return this;
    }

    /**
     * Tokens available in a source.
     *
     * @param source the source's name, as in the schedule's weights
     * @param tokens the tokens the source holds, at least 0; a source never given here has 0
     * @return this builder
     * @throws DataException if {@code tokens} is negative
     */
    public Builder available(String source, long tokens) {
      if (tokens < 0) {
        throw new DataException("available tokens of source '" + source + "' must be >= 0");
      }
      available.put(Objects.requireNonNull(source, "source"), tokens);
      return this;
    }

    /**
     * The repetition cap of one source over the whole run, in epochs.
     *
     * @param source the source's name
     * @param epochs the cap, positive and finite; fractions are allowed
     * @return this builder
     * @throws DataException if {@code epochs} is not positive or is infinite
     */
    public Builder maxEpochs(String source, double epochs) {
      if (!(epochs > 0) || Double.isInfinite(epochs)) {
        throw new DataException("maxEpochs of source '" + source + "' must be positive: " + epochs);
      }
      maxEpochs.put(Objects.requireNonNull(source, "source"), epochs);
      return this;
    }

    /**
     * The repetition cap for sources without their own (default 4).
     *
     * @param epochs the cap, positive and finite
     * @return this builder
     * @throws DataException if {@code epochs} is not positive or is infinite
     */
    public Builder defaultMaxEpochs(double epochs) {
      if (!(epochs > 0) || Double.isInfinite(epochs)) {
        throw new DataException("default maxEpochs must be positive: " + epochs);
      }
      this.defaultMaxEpochs = epochs;
      return this;
    }

    /** A phase's tokens: its steps times the tokens per step, refused past a long's range. */
    private long phaseTokens(String phase, long phaseSteps) {
      try {
        return Math.multiplyExact(phaseSteps, tokensPerStep);
      } catch (ArithmeticException e) {
        throw new DataException(
            "phased mixture plan: phase "
                + phase
                + " needs "
                + phaseSteps
                + " steps x "
                + tokensPerStep
                + " tokens per step, more than 2^63 tokens; check steps and tokensPerStep",
            e);
      }
    }

    /**
     * Plans every phase, or fails naming every source that is short over the run and by how much.
     *
     * @return the plan, one phase per schedule segment that starts before the last step
     * @throws DataException if tokens per step or steps are not set, the run needs more than 2^63
     *     tokens, a phase's plan fails, or a source would be drawn more often than its cap allows
     */
    public PhasedPlan build() {
      if (tokensPerStep < 0 || steps < 0) {
        throw new DataException("phased mixture plan: tokensPerStep and steps must be set");
      }
      List<Phase> out = new ArrayList<>();
      for (MixtureSchedule.Segment s : schedule.segments()) {
        if (s.start() >= steps) {
          break;
        }
        long end = Math.min(s.end(), steps);
        String name = s.phase().isEmpty() ? "from_step_" + s.start() : s.phase();
        MixturePlan.Builder b =
            MixturePlan.builder(mixer)
                .weights(meanWeights(s.start(), end))
                .totalTokens(phaseTokens(name, end - s.start()))
                // Caps are checked over the whole run below, not per phase.
                .defaultMaxEpochs(Double.MAX_VALUE);
        available.forEach(b::available);
        out.add(new Phase(name, s.start(), end, b.build()));
      }
      long total = 0;
      for (Phase ph : out) {
        try {
          total = Math.addExact(total, ph.plan().totalTokens());
        } catch (ArithmeticException e) {
          // Each phase fits, but the sums below (per source, in all) would wrap to negative and
          // pass the shortage check.
          throw new DataException(
              "phased mixture plan: the phases need more than 2^63 tokens in all ("
                  + steps
                  + " steps x "
                  + tokensPerStep
                  + " tokens per step); check steps and tokensPerStep",
              e);
        }
      }
      PhasedPlan plan = new PhasedPlan(tokensPerStep, out);
      List<String> shortOf = new ArrayList<>();
      plan.tokensBySource()
          .forEach(
              (k, t) -> {
                long have = available.getOrDefault(k, 0L);
                double cap = maxEpochs.getOrDefault(k, defaultMaxEpochs);
                long allowed = (long) Math.floor(have * cap);
                if (t > allowed) {
                  shortOf.add(
                      "source '"
                          + k
                          + "' is short by "
                          + (t - allowed)
                          + " tokens (all phases need "
                          + t
                          + ", "
                          + have
                          + " available, at most "
                          + cap
                          + " epochs = "
                          + allowed
                          + ")");
                }
              });
      if (!shortOf.isEmpty()) {
        throw new DataException("mixture plan: " + String.join("; ", shortOf));
      }
      return plan;
    }

    /** The segment's weights averaged over its steps (exact for blends: one term per step). */
    private Map<String, Double> meanWeights(long start, long end) {
      MixtureSchedule.Segment seg = schedule.segmentAt(start);
      if (!seg.interpolates()) {
        return schedule.weights(start);
      }
      Map<String, Double> sum = new TreeMap<>();
      long n = end - start;
      // Beyond a million steps, sample evenly: the blend is smooth, and planning stays instant.
      long stride = Math.max(1, n / 1_000_000);
      long count = 0;
      for (long st = start; st < end; st += stride) {
        schedule.weights(st).forEach((k, v) -> sum.merge(k, v, Double::sum));
        count++;
      }
      long c = count;
      sum.replaceAll((k, v) -> v / c);
      return sum;
    }
  }
}
