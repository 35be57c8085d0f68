package midtrain.data.synth;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One output document parsed from a completion: its text and the fields it adds to {@code meta}.
 *
 * @param text the output document's text
 * @param fields fields added to the output's {@code meta} (for example {@code question} and {@code
 *     answer}), sorted by name
 */
public record Synthesized(String text, Map<String, String> fields) {
  /**
   * Checks and copies the components.
   *
   * @param text the output document's text
   * @param fields fields added to the output's {@code meta}
   */
  public Synthesized {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(fields, "fields");
    fields = java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
  }

  /**
   * Makes an output with a text and no extra fields.
   *
   * @param text the text
   * @return the output
   */
  public static Synthesized of(String text) {
    return new Synthesized(text, Map.of());
  }
}
