package midtrain.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import midtrain.data.io.CompressedFiles;
import midtrain.eval.EvalException;
import midtrain.eval.MultipleChoiceItem;

/**
 * A multiple-choice benchmark read from JSONL for {@code midtrain eval --benchmark}: one item per
 * line, with its context, choices and gold answer in fields chosen by name or found among the usual
 * ones.
 *
 * @param name the file name without {@code .gz} and {@code .jsonl}/{@code .json}, as reported
 * @param file the file as given
 * @param items the items, in file order
 * @param lines each item's line number (1-based), for messages about it
 */
record MultipleChoiceFile(String name, Path file, List<MultipleChoiceItem> items, int[] lines) {
  /** Where the context is looked for when --context-field is not given, first match wins. */
  static final List<String> CONTEXT_FIELDS = List.of("query", "question", "ctx");

  /** Where the choices are looked for when --choices-field is not given. */
  static final List<String> CHOICES_FIELDS = List.of("choices");

  /**
   * Where the gold answer is looked for when --gold-field is not given; {@code answerKey} is ARC's
   * letter, which names one of the choices' labels.
   */
  static final List<String> GOLD_FIELDS = List.of("gold", "label", "answer", "answerKey");

  /**
   * Reads a benchmark file.
   *
   * @param file a JSONL file, optionally compressed ({@code .gz}, {@code .zst})
   * @param contextField the context's field (a dotted path), or null for {@link #CONTEXT_FIELDS}
   * @param choicesField the choices' field, or null for {@link #CHOICES_FIELDS}
   * @param goldField the gold answer's field, or null for {@link #GOLD_FIELDS}
   * @return the benchmark
   * @throws UserInputException naming the file, line and field of the first bad item
   */
  static MultipleChoiceFile read(
      Path file, String contextField, String choicesField, String goldField) {
    List<MultipleChoiceItem> items = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    TaskFile.eachObject(
        "--benchmark",
        file,
        (where, lineNo, node) -> {
          items.add(item(where, node, contextField, choicesField, goldField));
          lines.add(lineNo);
        });
    if (items.isEmpty()) {
      throw new UserInputException("--benchmark: " + file + " has no items");
    }
    return new MultipleChoiceFile(
        nameOf(file), file, items, lines.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * The file name less its compression ({@code .gz}, {@code .zst}) and {@code .jsonl} or {@code
   * .json}: the report's key.
   */
  static String nameOf(Path file) {
    String name = CompressedFiles.stripCompression(file.getFileName().toString());
    for (String ext : new String[] {".jsonl", ".json"}) {
      if (name.endsWith(ext) && name.length() > ext.length()) {
        name = name.substring(0, name.length() - ext.length());
      }
    }
    return name;
  }

  private static MultipleChoiceItem item(
      String where, JsonNode node, String contextField, String choicesField, String goldField) {
    String cf = field(node, where, contextField, CONTEXT_FIELDS, "--context-field");
    JsonNode ctx = path(node, cf);
    if (!ctx.isTextual()) {
      throw new UserInputException(where + ": field '" + cf + "' is not a string");
    }
    String chf = field(node, where, choicesField, CHOICES_FIELDS, "--choices-field");
    JsonNode ch = path(node, chf);
    // ARC's shape on the Hugging Face hub: {"text": [...], "label": ["A", "B", ...]}.
    JsonNode labelsNode = null;
    if (ch.isObject() && ch.has("text")) {
      labelsNode = ch.get("label");
      ch = ch.get("text");
    }
    List<String> choices = strings(ch, where, chf);
    List<String> labels = null;
    if (labelsNode != null && !labelsNode.isNull()) {
      labels = strings(labelsNode, where, chf + ".label");
      if (labels.size() != choices.size()) {
        throw new UserInputException(
            where
                + ": field '"
                + chf
                + "' has "
                + choices.size()
                + " texts but "
                + labels.size()
                + " labels");
      }
    }
    String gf = field(node, where, goldField, GOLD_FIELDS, "--gold-field");
    JsonNode g = path(node, gf);
    List<Integer> gold = new ArrayList<>();
    if (g.isArray()) {
      if (g.isEmpty()) {
        throw new UserInputException(where + ": field '" + gf + "' is an empty list");
      }
      for (JsonNode e : g) {
        gold.add(goldIndex(e, labels, choices.size(), where, gf));
      }
    } else {
      gold.add(goldIndex(g, labels, choices.size(), where, gf));
    }
    try {
      return MultipleChoiceItem.of(ctx.asText(), choices, gold);
    } catch (EvalException e) {
      // Out-of-range gold is refused above; what is left is a repeated gold or an empty choice.
      String f = e.getMessage().startsWith("gold") ? gf : chf;
      throw new UserInputException(where + ": field '" + f + "': " + e.getMessage());
    }
  }

  /** The field to read: the one chosen, which must be there, or the first default present. */
  private static String field(
      JsonNode node, String where, String chosen, List<String> defaults, String option) {
    if (chosen != null) {
      if (path(node, chosen) == null) {
        throw new UserInputException(where + ": no field '" + chosen + "'");
      }
      return chosen;
    }
    for (String f : defaults) {
      if (path(node, f) != null) {
        return f;
      }
    }
    throw new UserInputException(
        where
            + ": no field "
            + String.join(" or ", defaults.stream().map(f -> "'" + f + "'").toList())
            + " (name the field with "
            + option
            + ")");
  }

  /** A dotted path's value, or null where any part is missing or the value is JSON null. */
  private static JsonNode path(JsonNode node, String dotted) {
    JsonNode cur = node;
    for (String part : dotted.split("\\.", -1)) {
      if (cur == null || !cur.isObject()) {
        return null;
      }
      cur = cur.get(part);
    }
    return cur == null || cur.isNull() ? null : cur;
  }

  private static List<String> strings(JsonNode v, String where, String field) {
    if (!v.isArray() || v.isEmpty()) {
      throw new UserInputException(
          where + ": field '" + field + "' must be a non-empty list of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new UserInputException(
            where + ": field '" + field + "' must be a list of strings, found " + e);
      }
      out.add(e.asText());
    }
    return out;
  }

  /**
   * A gold answer as a choice index: an integer, a string of digits (HellaSwag's labels are
   * strings), or, with labelled choices, one of the labels (ARC's answerKey).
   */
  private static int goldIndex(
      JsonNode g, List<String> labels, int choices, String where, String field) {
    int index;
    if (g.isTextual() && labels != null && labels.contains(g.asText())) {
      index = labels.indexOf(g.asText());
    } else if (g.isIntegralNumber() && g.canConvertToInt()) {
      index = g.intValue();
    } else if (g.isTextual() && g.asText().matches("-?[0-9]{1,9}")) {
      index = Integer.parseInt(g.asText());
    } else {
      throw new UserInputException(
          where
              + ": field '"
              + field
              + "': "
              + g
              + " is not a choice index"
              + (labels == null ? "" : " or label " + labels));
    }
    if (index < 0 || index >= choices) {
      throw new UserInputException(
          where
              + ": field '"
              + field
              + "': gold index "
              + index
              + " is out of range: there are "
              + choices
              + " choices");
    }
    return index;
  }
}
