package midtrain.data.internal.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.DataException;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A rater made of threshold rules over its own metrics, datatrove style: the first failing rule, in
 * order, names the verdict.
 *
 * <p>Rules compare the float32 metric, exactly as stored in the score column, with the float32
 * threshold: a verdict recomputed later from the columns always agrees with {@code pass}.
 */
abstract class RuleRater implements Rater {
  /** How a rule fails. */
  enum Op {
    /** Fails when the metric is below the threshold. */
    LESS,
    /** Fails when the metric is above the threshold. */
    GREATER,
    /** Fails when the metric is at or above the threshold. */
    GREATER_EQ,
    /** Fails when the metric is at or below the threshold. */
    LESS_EQ,
    /** Fails when the metric is at or below the threshold but not 0. */
    LESS_EQ_NONZERO
  }

  /** One rule: output {@code output} compared with {@code threshold}. */
  record Rule(int output, Op op, float threshold, String reason) {
    boolean fails(float v) {
      return switch (op) {
        case LESS -> v < threshold;
        case GREATER -> v > threshold;
        case GREATER_EQ -> v >= threshold;
        case LESS_EQ -> v <= threshold;
        case LESS_EQ_NONZERO -> v <= threshold && v != 0f;
      };
    }
  }

  private final String id;
  private final List<String> outputs;
  private final Rule[] rules;
  private final int pass;

  RuleRater(String id, List<String> metrics, List<Rule> rules) {
    this.id = id;
    List<String> all = new ArrayList<>(metrics);
    all.add("pass");
    this.outputs = List.copyOf(all);
    this.rules = rules.toArray(new Rule[0]);
    this.pass = metrics.size();
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final List<String> outputs() {
    return outputs;
  }

  /**
   * Scores every row as {@code TextRater} would (a null text is empty), from this thread's shared
   * decoding and tokenization of the batch (see {@link BatchText}).
   */
  @Override
  public final void rate(VectorSchemaRoot batch, float[][] scores) {
    BatchText b = BatchText.of(batch);
    int outputs = scores.length;
    float[] row = new float[outputs];
    for (int i = 0; i < b.rows; i++) {
      java.util.Arrays.fill(row, Float.NaN);
      measure(TextScan.load(b, i), row);
      row[pass] = verdict(row).isEmpty() ? 1f : 0f;
      for (int k = 0; k < outputs; k++) {
        scores[k][i] = row[k];
      }
    }
  }

  /** Scores one text (the tests' entry point; {@link #rate} gives the same numbers). */
  final void score(String text, float[] out) {
    measure(TextScan.load(text), out);
    out[pass] = verdict(out).isEmpty() ? 1f : 0f;
  }

  /**
   * Writes the metrics (every output but {@code pass}).
   *
   * @param s the loaded text
   * @param out receives the metrics in output order
   */
  abstract void measure(TextScan s, float[] out);

  @Override
  public final String verdict(float[] row) {
    for (Rule r : rules) {
      if (r.fails(row[r.output])) {
        return r.reason;
      }
    }
    return "";
  }

  /** Divides, with 0 for an empty denominator (where datatrove would raise). */
  static float ratio(double num, double den) {
    return den == 0 ? 0f : (float) (num / den);
  }

  /** Reads the parameters of one rater, checking types and ranges. */
  static final class Params {
    private final String rater;
    private final Map<String, String> map;

    Params(String rater, Map<String, String> map, Set<String> known) {
      this.rater = rater;
      this.map = map;
      for (String k : map.keySet()) {
        if (!known.contains(k) && !k.equals(Raters.AS)) {
          throw new DataException(
              "rater '" + rater + "': unknown parameter " + k + " (known: " + known + ")");
        }
      }
    }

    double num(String key, double def) {
      return Raters.doubleParam(rater, map, key, def);
    }

    /** An integer-valued parameter (counts, lengths). */
    int integer(String key, int def) {
      double d = num(key, def);
      if (d != Math.rint(d) || Math.abs(d) > 1e9) {
        throw new DataException(
            "rater '" + rater + "': parameter " + key + " must be an integer, got " + map.get(key));
      }
      return (int) d;
    }

    boolean bool(String key, boolean def) {
      String v = map.get(key);
      if (v == null) {
        return def;
      }
      return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default ->
            throw new DataException(
                "rater '"
                    + rater
                    + "': parameter "
                    + key
                    + " must be true or false, got '"
                    + v
                    + "'");
      };
    }

    List<String> list(String key, List<String> def) {
      String v = map.get(key);
      if (v == null) {
        return def;
      }
      List<String> out = new ArrayList<>();
      for (String p : v.split(",", -1)) {
        String t = p.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
      if (out.isEmpty()) {
        throw new DataException(
            "rater '" + rater + "': parameter " + key + " must list at least one value");
      }
      return out;
    }
  }
}
