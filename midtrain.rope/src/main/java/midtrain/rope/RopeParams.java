package midtrain.rope;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rope-type specific keys of a scaling dictionary, read with typed getters that name the key in
 * every error.
 *
 * <p>Values come from a parsed {@code config.json} (numbers, booleans, lists). Every key read is
 * remembered, so {@link #requireAllUsed()} rejects a misspelled or unknown key instead of silently
 * ignoring it. Not thread-safe: a provider reads one instance while it builds one encoding.
 */
public final class RopeParams {
  private final String context;
  private final String ropeType;
  private final Map<String, Object> values;
  private final Set<String> used = new TreeSet<>();

  private RopeParams(String context, String ropeType, Map<String, Object> values) {
    this.context = context;
    this.ropeType = ropeType;
    this.values = values;
  }

  /**
   * Wraps the keys of a scaling dictionary.
   *
   * @param context the dictionary's name, used as the key prefix in messages (for example {@code
   *     rope_scaling})
   * @param ropeType the rope type the keys belong to, for messages
   * @param values the keys; null values count as absent
   * @return the parameters
   */
  public static RopeParams of(String context, String ropeType, Map<String, ?> values) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(ropeType, "ropeType");
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      if (e.getValue() != null) {
        copy.put(e.getKey(), e.getValue());
      }
    }
    return new RopeParams(context, ropeType, Collections.unmodifiableMap(copy));
  }

  /**
   * Returns the dictionary's name used in messages.
   *
   * @return for example {@code rope_scaling} or {@code rope_parameters}
   */
  public String context() {
    return context;
  }

  /**
   * Tells whether a key is present (and not null).
   *
   * @param key the key
   * @return true when present
   */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /**
   * Returns the keys present, in input order.
   *
   * @return the keys
   */
  public Set<String> keys() {
    return values.keySet();
  }

  /**
   * Reads a required finite number.
   *
   * @param key the key
   * @return the value
   * @throws RopeException when absent or not a finite number
   */
  public double requireDouble(String key) {
    OptionalDouble v = optDouble(key);
    if (v.isEmpty()) {
      throw error(key, "is required for rope_type '" + ropeType + "'");
    }
    return v.getAsDouble();
  }

  /**
   * Reads an optional finite number.
   *
   * @param key the key
   * @return the value, or empty when absent
   * @throws RopeException when present but not a finite number
   */
  public OptionalDouble optDouble(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return OptionalDouble.empty();
    }
    if (!(v instanceof Number)) {
      throw error(key, "must be a number, got " + describe(v));
    }
    double d = ((Number) v).doubleValue();
    if (!Double.isFinite(d)) {
      throw error(key, "must be finite, got " + v);
    }
    return OptionalDouble.of(d);
  }

  /**
   * Reads a required number that must be greater than zero.
   *
   * @param key the key
   * @return the value
   * @throws RopeException when absent or not a positive finite number
   */
  public double requirePositive(String key) {
    OptionalDouble v = optPositive(key);
    if (v.isEmpty()) {
      throw error(key, "is required for rope_type '" + ropeType + "'");
    }
    return v.getAsDouble();
  }

  /**
   * Reads a number that must be greater than zero, or empty when absent.
   *
   * @param key the key
   * @return the value, or empty when absent
   * @throws RopeException when present but not a positive finite number
   */
  public OptionalDouble optPositive(String key) {
    OptionalDouble v = optDouble(key);
    if (v.isPresent() && !(v.getAsDouble() > 0)) {
      throw error(key, "must be > 0, got " + v.getAsDouble());
    }
    return v;
  }

  /**
   * Reads an optional boolean.
   *
   * @param key the key
   * @return the value, or empty when absent
   * @throws RopeException when present but not a boolean
   */
  public Optional<Boolean> optBoolean(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Boolean)) {
      throw error(key, "must be true or false, got " + describe(v));
    }
    return Optional.of((Boolean) v);
  }

  /**
   * Reads a required list of finite numbers.
   *
   * @param key the key
   * @return the values, a fresh array
   * @throws RopeException when absent, not a list, or holding something other than finite numbers
   */
  public double[] requireDoubleList(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      throw error(key, "is required for rope_type '" + ropeType + "'");
    }
    if (!(v instanceof List)) {
      throw error(key, "must be a list of numbers, got " + describe(v));
    }
    List<?> list = (List<?>) v;
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      Object e = list.get(i);
      if (!(e instanceof Number) || !Double.isFinite(((Number) e).doubleValue())) {
        throw error(key + "[" + i + "]", "must be a finite number, got " + describe(e));
      }
      out[i] = ((Number) e).doubleValue();
    }
    return out;
  }

  /**
   * Fails when a key was never read: a misspelled or unsupported key must not be silently ignored.
   *
   * @throws RopeException naming the first unknown key and the keys that were read
   */
  public void requireAllUsed() {
    for (String k : values.keySet()) {
      if (!used.contains(k)) {
        throw error(
            k,
            "is not a parameter of rope_type '"
                + ropeType
                + "' (known: "
                + String.join(", ", used)
                + ")");
      }
    }
  }

  /**
   * Builds an exception whose message names {@code context.key}.
   *
   * @param key the key at fault
   * @param problem what is wrong with it
   * @return the exception, for the caller to throw
   */
  public RopeException error(String key, String problem) {
    return new RopeException(context + "." + key + " " + problem);
  }

  /** A value for an error message; a string is called one, as "64" and 64 print alike. */
  static String describe(Object v) {
    return v instanceof String ? "the string \"" + v + "\"" : String.valueOf(v);
  }
}
