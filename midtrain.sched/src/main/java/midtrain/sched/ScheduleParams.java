package midtrain.sched;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Named parameters of a schedule, read with typed getters that name the key in every error.
 *
 * <p>Values come from parsed JSON or YAML (numbers, strings, booleans, lists, maps); numbers
 * written as strings ({@code "3e-4"}, which YAML 1.1 leaves as text) are accepted. Every key read
 * is remembered, so {@link #requireAllUsed()} can reject a misspelled or unknown key instead of
 * silently ignoring it.
 */
public final class ScheduleParams {
  private final String context;
  private final Map<String, Object> values;
  private final Set<String> used = new TreeSet<>();

  private ScheduleParams(String context, Map<String, ?> values) {
    this.context = Objects.requireNonNull(context, "context");
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Wraps a map of parameters.
   *
   * @param context what the parameters belong to, used in messages (for example {@code schedule
   *     'cosine'})
   * @param values the parameters; null values count as absent
   * @return the parameters
   */
  public static ScheduleParams of(String context, Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      if (e.getValue() != null) {
        copy.put(e.getKey(), e.getValue());
      }
    }
    return new ScheduleParams(context, copy);
  }

  /**
   * Returns what the parameters belong to.
   *
   * @return the context used in messages
   */
  public String context() {
    return context;
  }

  /**
   * Tells whether a key is present.
   *
   * @param key the key
   * @return true when present and not null
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
   * @throws ScheduleException naming the key if it is absent, or its value is not a finite number
   *     or a string holding one
   */
  public double requireDouble(String key) {
    return optDouble(key).orElseThrow(() -> error(key, "is required"));
  }

  /**
   * Reads a finite number, or a default when absent.
   *
   * @param key the key
   * @param defaultValue the value when absent
   * @return the value
   * @throws ScheduleException naming the key if its value is not a finite number or a string
   *     holding one
   */
  public double getDouble(String key, double defaultValue) {
    return optDouble(key).orElse(defaultValue);
  }

  /**
   * Reads an optional finite number.
   *
   * @param key the key
   * @return the value, or empty when absent
   * @throws ScheduleException naming the key if its value is not a finite number or a string
   *     holding one
   */
  public Optional<Double> optDouble(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    double d;
    if (v instanceof Number) {
      d = ((Number) v).doubleValue();
    } else if (v instanceof String) {
      try {
        d = Double.parseDouble(((String) v).trim());
      } catch (NumberFormatException e) {
        throw error(key, "must be a number, got \"" + v + "\"");
      }
    } else {
      throw error(key, "must be a number, got " + describe(v));
    }
    if (!Double.isFinite(d)) {
      throw error(key, "must be a finite number, got " + d);
    }
    return Optional.of(d);
  }

  /**
   * Reads a required whole number.
   *
   * @param key the key
   * @return the value
   * @throws ScheduleException naming the key if it is absent, or its value is not a number or a
   *     string holding one, has a fraction, or (unless given as an int or a long) exceeds 2^53 in
   *     magnitude
   */
  public long requireLong(String key) {
    return optLong(key).orElseThrow(() -> error(key, "is required"));
  }

  /**
   * Reads a whole number, or a default when absent.
   *
   * @param key the key
   * @param defaultValue the value when absent
   * @return the value
   * @throws ScheduleException naming the key if its value is not a whole number, as {@link
   *     #optLong} refuses it
   */
  public long getLong(String key, long defaultValue) {
    return optLong(key).orElse(defaultValue);
  }

  /**
   * Reads an optional whole number; {@code 100.0} is accepted, {@code 100.5} is not.
   *
   * @param key the key
   * @return the value, or empty when absent
   * @throws ScheduleException naming the key if its value is not a number or a string holding one,
   *     has a fraction, or (unless given as an int or a long) exceeds 2^53 in magnitude
   */
  public Optional<Long> optLong(String key) {
    Optional<Double> d = optDouble(key);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    Object raw = values.get(key);
    if (raw instanceof Long || raw instanceof Integer || raw instanceof Short) {
      return Optional.of(((Number) raw).longValue());
    }
    double v = d.get();
    if (v != Math.rint(v) || Math.abs(v) > 0x1p53) {
      throw error(key, "must be a whole number, got " + raw);
    }
    return Optional.of((long) v);
  }

  /**
   * Reads a string, or a default when absent.
   *
   * @param key the key
   * @param defaultValue the value when absent
   * @return the value
   * @throws ScheduleException naming the key if its value is not a string
   */
  public String getString(String key, String defaultValue) {
    return optString(key).orElse(defaultValue);
  }

  /**
   * Reads a required string.
   *
   * @param key the key
   * @return the value
   * @throws ScheduleException naming the key if it is absent or its value is not a string
   */
  public String requireString(String key) {
    return optString(key).orElseThrow(() -> error(key, "is required"));
  }

  /**
   * Reads an optional string.
   *
   * @param key the key
   * @return the value, or empty when absent
   * @throws ScheduleException naming the key if its value is not a string
   */
  public Optional<String> optString(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String)) {
      throw error(key, "must be a string, got " + describe(v));
    }
    return Optional.of((String) v);
  }

  /**
   * Reads an optional nested object.
   *
   * @param key the key
   * @return the nested parameters, or empty when absent
   * @throws ScheduleException naming the key if its value is not an object (a map)
   */
  public Optional<ScheduleParams> optObject(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    return Optional.of(asObject(key, v));
  }

  /**
   * Reads an optional list of nested objects.
   *
   * @param key the key
   * @return the nested parameters in order, or empty when absent
   * @throws ScheduleException naming the key if its value is not a list, or naming the element
   *     ({@code key[i]}) if one is not an object
   */
  public Optional<List<ScheduleParams>> optObjectList(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof List)) {
      throw error(key, "must be a list, got " + describe(v));
    }
    List<ScheduleParams> out = new ArrayList<>();
    List<?> list = (List<?>) v;
    for (int i = 0; i < list.size(); i++) {
      out.add(asObject(key + "[" + i + "]", list.get(i)));
    }
    return Optional.of(out);
  }

  /**
   * Returns the raw value of a key and marks it used.
   *
   * @param key the key
   * @return the raw value, or empty when absent
   */
  public Optional<Object> raw(String key) {
    used.add(key);
    return Optional.ofNullable(values.get(key));
  }

  /**
   * Fails when a key was present but never read: it is unknown or misspelled.
   *
   * @throws ScheduleException naming every key present but never read, and the keys that were read
   */
  public void requireAllUsed() {
    List<String> unknown = new ArrayList<>();
    for (String k : values.keySet()) {
      if (!used.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ScheduleException(
          context
              + ": unknown key"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + (used.isEmpty() ? "" : " (known keys: " + String.join(", ", used) + ")"));
    }
  }

  /**
   * Builds an error about one key.
   *
   * @param key the key at fault
   * @param problem what is wrong with it
   * @return the exception, to throw
   */
  public ScheduleException error(String key, String problem) {
    return new ScheduleException(context + ": '" + key + "' " + problem);
  }

  private ScheduleParams asObject(String key, Object v) {
    if (!(v instanceof Map)) {
      throw error(key, "must be an object, got " + describe(v));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
      if (e.getValue() != null) {
        m.put(String.valueOf(e.getKey()), e.getValue());
      }
    }
    return new ScheduleParams(context + " " + key, m);
  }

  private static String describe(Object v) {
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "a list";
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
  }
}
