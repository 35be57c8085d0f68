package midtrain.eval.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import midtrain.eval.EvalException;

/**
 * One input record of a task, such as one JSONL line: its fields and where it came from, for
 * messages about it.
 */
public final class TaskDocument {
  private final String source;
  private final int line;
  private final Map<String, Object> fields;

  private TaskDocument(String source, int line, Map<String, Object> fields) {
    this.source = source;
    this.line = line;
    this.fields = fields;
  }

  /**
   * Creates a document.
   *
   * @param source where it came from, for example the file's path
   * @param line its line in the source, from 1
   * @param fields its fields as parsed JSON: strings, numbers, booleans, lists, maps; a JSON null
   *     is a key whose value is absent from {@link #text}'s point of view
   * @return the document
   * @throws EvalException if {@code source} or {@code fields} is null or {@code line} is below 1
   */
  public static TaskDocument of(String source, int line, Map<String, ?> fields) {
    if (source == null || fields == null) {
      throw new EvalException((source == null ? "source" : "fields") + " is null");
    }
    if (line < 1) {
      throw new EvalException("line must be at least 1, got " + line);
    }
    return new TaskDocument(source, line, Collections.unmodifiableMap(new LinkedHashMap<>(fields)));
  }

  /**
   * Returns where the document came from.
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  /**
   * Returns the document's line in its source.
   *
   * @return the line, from 1
   */
  public int line() {
    return line;
  }

  /**
   * Returns the fields.
   *
   * @return the fields, unmodifiable
   */
  public Map<String, Object> fields() {
    return fields;
  }

  /**
   * Returns a string field, or fails naming the source, line and field.
   *
   * @param field the field's name
   * @return its value
   * @throws EvalException when the field is missing or not a string
   */
  public String text(String field) {
    Object v = fields.get(field);
    if (v == null) {
      throw error(field, "is missing");
    }
    if (!(v instanceof String s)) {
      throw error(field, "is not a string");
    }
    return s;
  }

  /**
   * Makes an error about one of the document's fields.
   *
   * @param field the field's name
   * @param problem what is wrong, for example {@code is not a string}
   * @return the exception, whose message is {@code source:line: field 'F' problem}
   */
  public EvalException error(String field, String problem) {
    return new EvalException(where() + ": field '" + field + "' " + problem);
  }

  /**
   * Returns the document's place for messages.
   *
   * @return {@code source:line}
   */
  public String where() {
    return source + ":" + line;
  }
}
