package midtrain.eval.internal;

import java.util.Locale;
import java.util.OptionalDouble;

/** A standard error as the tasks report it: the harness's "N/A" where there is none. */
final class Stderr {
  private Stderr() {}

  /** The JSON value: the number, else the string "N/A". */
  static Object json(OptionalDouble se) {
    return se.isPresent() ? (Object) se.getAsDouble() : "N/A";
  }

  /** The readable form: four decimals, else "N/A". */
  static String text(OptionalDouble se) {
    return se.isPresent() ? String.format(Locale.ROOT, "%.4f", se.getAsDouble()) : "N/A";
  }

  /** A metric's report line: the name padded to nine, the value and its standard error. */
  static String line(String name, double value, OptionalDouble se) {
    return String.format(Locale.ROOT, "%-9s %.4f ± %s", name, value, text(se));
  }
}
