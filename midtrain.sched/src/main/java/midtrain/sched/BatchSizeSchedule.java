package midtrain.sched;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The global batch size, in sequences per optimizer step, as a function of the step.
 *
 * <p>Ramps are defined over what was consumed (sequences or tokens), as GPT-3 and OLMo ramp the
 * batch size; the schedule turns that into per-step sizes once, so {@link #batchSize} and {@link
 * #sequencesBefore} are exact and cheap. Immutable and thread-safe.
 */
public final class BatchSizeSchedule {
  /**
   * Longest ramp this class will tabulate, to fail fast on nonsense input instead of eating RAM.
   */
  private static final int MAX_RAMP_STEPS = 50_000_000;

  private final int[] rampSizes;
  private final long[] rampPrefix;
  private final TreeMap<Long, Integer> changes;
  private final int finalSize;

  private BatchSizeSchedule(int[] rampSizes, TreeMap<Long, Integer> changes, int finalSize) {
    this.rampSizes = rampSizes;
    this.rampPrefix = new long[rampSizes.length + 1];
    for (int i = 0; i < rampSizes.length; i++) {
      rampPrefix[i + 1] = rampPrefix[i] + rampSizes[i];
    }
    this.changes = changes;
    this.finalSize = finalSize;
  }

  /**
   * Returns a constant batch size.
   *
   * @param size sequences per step, positive
   * @return the schedule
   * @throws ScheduleException if {@code size} is not positive
   */
  public static BatchSizeSchedule constant(int size) {
    positive("size", size);
    return new BatchSizeSchedule(new int[0], new TreeMap<>(), size);
  }

  /**
   * Returns a batch size that grows linearly with the sequences consumed, from {@code start} to
   * {@code end} over {@code rampSequences}, rounded down to multiples of {@code increment}.
   *
   * @param start the first batch size, positive
   * @param end the final batch size, at least {@code start}
   * @param rampSequences sequences consumed over the ramp, positive
   * @param increment the granularity of sizes (for data parallelism), positive, dividing start
   * @return the schedule
   * @throws ScheduleException if {@code start} or {@code increment} is not positive, {@code end} is
   *     below {@code start}, {@code rampSequences} is not positive, {@code increment} does not
   *     divide {@code start} and {@code end}, or the ramp would last more than 50,000,000 steps
   */
  public static BatchSizeSchedule linearRampSequences(
      int start, int end, long rampSequences, int increment) {
    positive("start", start);
    positive("increment", increment);
    if (end < start) {
      throw new ScheduleException(
          "batch size 'end' (" + end + ") is below 'start' (" + start + ")");
    }
    if (rampSequences <= 0) {
      throw new ScheduleException("'ramp' must be positive, got " + rampSequences);
    }
    if (start % increment != 0 || end % increment != 0) {
      throw new ScheduleException(
          "'increment' ("
              + increment
              + ") must divide 'start' and 'end' ("
              + start
              + ", "
              + end
              + ")");
    }
    List<Integer> sizes = new ArrayList<>();
    long consumed = 0;
    while (consumed < rampSequences) {
      double target = start + (double) (end - start) * consumed / rampSequences;
      int size = Math.max(start, (int) (Math.floor(target / increment) * increment));
      if (size >= end) {
        break;
      }
      sizes.add(size);
      consumed += size;
      if (sizes.size() > MAX_RAMP_STEPS) {
        throw new ScheduleException(
            "batch-size ramp would last more than " + MAX_RAMP_STEPS + " steps: check 'ramp'");
      }
    }
    return new BatchSizeSchedule(
        sizes.stream().mapToInt(Integer::intValue).toArray(), new TreeMap<>(), end);
  }

  /**
   * Returns a linear ramp measured in tokens, for sequences of a fixed length.
   *
   * @param start the first batch size in sequences
   * @param end the final batch size in sequences
   * @param rampTokens tokens consumed over the ramp
   * @param seqLen tokens per sequence
   * @param increment the granularity of sizes
   * @return the schedule
   * @throws ScheduleException if {@code seqLen} is not positive, or as {@link #linearRampSequences}
   *     refuses the sizes (the ramp lasts {@code rampTokens / seqLen} sequences, at least 1)
   */
  public static BatchSizeSchedule linearRampTokens(
      int start, int end, long rampTokens, int seqLen, int increment) {
    positive("seq_len", seqLen);
    return linearRampSequences(start, end, Math.max(1, rampTokens / seqLen), increment);
  }

  /**
   * Returns a batch size that changes at given steps.
   *
   * @param initial the size from step 0
   * @param changesAtStep new sizes keyed by the first step they apply to
   * @return the schedule
   * @throws ScheduleException if {@code initial} or a new size is not positive, or a change is
   *     keyed by a negative step
   */
  public static BatchSizeSchedule stepwise(int initial, Map<Long, Integer> changesAtStep) {
    positive("initial", initial);
    TreeMap<Long, Integer> c = new TreeMap<>();
    c.put(0L, initial);
    for (Map.Entry<Long, Integer> e : changesAtStep.entrySet()) {
      if (e.getKey() < 0) {
        throw new ScheduleException("batch-size change at negative step " + e.getKey());
      }
      positive("size at step " + e.getKey(), e.getValue());
      c.put(e.getKey(), e.getValue());
    }
    return new BatchSizeSchedule(new int[0], c, c.lastEntry().getValue());
  }

  /**
   * Builds a schedule from a spec: {@code {"type": "constant", "size": 512}}, {@code {"type":
   * "linear_ramp", "start": 32, "end": 512, "ramp_sequences" | "ramp_tokens": N, "seq_len": L,
   * "increment": 32}} or {@code {"type": "stepwise", "initial": 64, "changes": [{"step": 100,
   * "size": 128}]}}.
   *
   * @param p the spec
   * @return the schedule
   * @throws ScheduleException naming the key when {@code type} is missing or unknown, a key the
   *     type needs is missing, a size is not a positive int, a key is unknown, or the values are
   *     refused as {@link #constant}, {@link #linearRampSequences} and {@link #stepwise} refuse
   *     them
   */
  public static BatchSizeSchedule fromSpec(ScheduleParams p) {
    String type = p.requireString("type");
    BatchSizeSchedule s;
    switch (type) {
      case "constant":
        s = constant(toInt(p, "size"));
        break;
      case "linear_ramp":
        {
          int start = toInt(p, "start");
          int end = toInt(p, "end");
          int inc = p.has("increment") ? toInt(p, "increment") : start;
          if (p.has("ramp_tokens")) {
            s =
                linearRampTokens(
                    start, end, p.requireLong("ramp_tokens"), toInt(p, "seq_len"), inc);
          } else {
            s = linearRampSequences(start, end, p.requireLong("ramp_sequences"), inc);
          }
          break;
        }
      case "stepwise":
        {
          Map<Long, Integer> changes = new TreeMap<>();
          for (ScheduleParams c : p.optObjectList("changes").orElse(List.of())) {
            changes.put(c.requireLong("step"), toInt(c, "size"));
            c.requireAllUsed();
          }
          s = stepwise(toInt(p, "initial"), changes);
          break;
        }
      default:
        throw p.error("type", "is \"" + type + "\"; expected constant, linear_ramp or stepwise");
    }
    p.requireAllUsed();
    return s;
  }

  private static int toInt(ScheduleParams p, String key) {
    long v = p.requireLong(key);
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw p.error(key, "must be a positive int, got " + v);
    }
    return (int) v;
  }

  /**
   * Returns the batch size at a step.
   *
   * @param step the optimizer step, at least 0
   * @return sequences in that step's batch
   * @throws ScheduleException if {@code step} is negative
   */
  public int batchSize(long step) {
    if (step < 0) {
      throw new ScheduleException("step must be at least 0, got " + step);
    }
    if (step < rampSizes.length) {
      return rampSizes[(int) step];
    }
    if (!changes.isEmpty()) {
      return changes.floorEntry(step).getValue();
    }
    return finalSize;
  }

  /**
   * Returns the sequences consumed by all steps before this one.
   *
   * @param step the optimizer step
   * @return the sum of batch sizes of steps {@code 0 .. step-1}
   */
  public long sequencesBefore(long step) {
    if (step <= rampSizes.length) {
      return rampPrefix[(int) step];
    }
    if (changes.isEmpty()) {
      return rampPrefix[rampSizes.length] + (step - rampSizes.length) * finalSize;
    }
    long total = 0;
    Long prevStep = null;
    int prevSize = 0;
    for (Map.Entry<Long, Integer> e : changes.entrySet()) {
      if (e.getKey() >= step) {
        break;
      }
      if (prevStep != null) {
        total += (e.getKey() - prevStep) * prevSize;
      }
      prevStep = e.getKey();
      prevSize = e.getValue();
    }
    return total + (step - prevStep) * prevSize;
  }

  /**
   * Returns the tokens consumed before a step, for sequences of a fixed length.
   *
   * @param step the optimizer step
   * @param seqLen tokens per sequence
   * @return tokens consumed by steps {@code 0 .. step-1}
   */
  public long tokensBefore(long step, int seqLen) {
    return Math.multiplyExact(sequencesBefore(step), (long) seqLen);
  }

  /**
   * Returns the number of steps the ramp lasts (0 when there is none).
   *
   * @return the first step at the final size, for ramps
   */
  public long rampSteps() {
    return rampSizes.length;
  }

  @Override
  public String toString() {
    return "BatchSizeSchedule[ramp="
        + Arrays.toString(Arrays.copyOf(rampSizes, Math.min(8, rampSizes.length)))
        + (rampSizes.length > 8 ? "..." : "")
        + ", changes="
        + changes
        + ", final="
        + finalSize
        + "]";
  }

  private static void positive(String field, long v) {
    if (v <= 0) {
      throw new ScheduleException("batch size '" + field + "' must be positive, got " + v);
    }
  }
}
