package midtrain.data.internal.modify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import midtrain.data.DataException;

/** A modifier's parameters as text, read with messages naming the modifier and the key. */
final class Params {
  private final String modifier;
  private final Map<String, String> map;

  Params(String modifier, Map<String, String> map) {
    this.modifier = modifier;
    this.map = map;
  }

  boolean bool(String key, boolean def) {
    String v = map.get(key);
    if (v == null) {
      return def;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw bad(key, "must be true or false", v);
    };
  }

  /** An integer at least {@code min}. */
  int integer(String key, int def, int min) {
    String v = map.get(key);
    if (v == null) {
      return def;
    }
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw bad(key, "must be an integer", v);
    }
    if (d != Math.rint(d) || Math.abs(d) > 1e9) {
      throw bad(key, "must be an integer", v);
    }
    if (d < min) {
      throw bad(key, "must be at least " + min, v);
    }
    return (int) d;
  }

  String string(String key, String def) {
    String v = map.get(key);
    return v == null ? def : v;
  }

  /**
   * A comma-separated list, each value kept as written (replacements may hold spaces); an empty
   * value is refused, since it would cycle in an empty replacement unnoticed.
   */
  List<String> list(String key, List<String> def) {
    String v = map.get(key);
    if (v == null) {
      return def;
    }
    List<String> out = new ArrayList<>();
    for (String p : v.split(",", -1)) {
      if (p.isEmpty()) {
        throw bad(key, "must list non-empty values separated by commas", v);
      }
      out.add(p);
    }
    return List.copyOf(out);
  }

  private DataException bad(String key, String what, String value) {
    return new DataException(
        "modifier '" + modifier + "': parameter " + key + " " + what + ", got '" + value + "'");
  }
}
