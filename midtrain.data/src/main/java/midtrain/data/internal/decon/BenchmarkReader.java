package midtrain.data.internal.decon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.decon.BenchmarkItem;
import midtrain.data.io.CompressedFiles;

/** Reads benchmark items from JSONL (or plain-text) files. */
public final class BenchmarkReader {
  /**
   * The fields that count when none are chosen, covering the usual shapes: MMLU, ARC, HellaSwag,
   * WinoGrande, PIQA, GSM8K, MATH, HumanEval, MBPP and plain text.
   */
  public static final List<String> DEFAULT_FIELDS =
      List.of(
          "question",
          "problem",
          "prompt",
          "text",
          "sentence",
          "ctx",
          "ctx_a",
          "ctx_b",
          "goal",
          "passage",
          "context",
          "choices",
          "endings",
          "options",
          "option1",
          "option2",
          "sol1",
          "sol2",
          "answer",
          "solution",
          "canonical_solution",
          "code");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BenchmarkReader() {}

  /**
   * Returns the benchmark name of a file: its name without {@code .gz}, {@code .zst}, {@code
   * .zstd}, {@code .jsonl}, {@code .json} or {@code .txt}.
   *
   * @param file the file
   * @return the name
   */
  public static String nameOf(Path file) {
    String name = stripCompression(file.getFileName().toString());
    for (String ext : new String[] {".jsonl", ".json", ".txt"}) {
      if (name.endsWith(ext) && name.length() > ext.length()) {
        name = name.substring(0, name.length() - ext.length());
      }
    }
    return name;
  }

  /**
   * Reads the items of a file.
   *
   * @param file a JSONL file, or {@code .txt} with one item per line
   * @param fields the fields that count; empty for {@link #DEFAULT_FIELDS}
   * @return the items, ids from the {@code id} field or the 0-based line number
   */
  public static List<BenchmarkItem> read(Path file, List<String> fields) {
    String fileName = file.getFileName().toString();
    boolean plain = stripCompression(fileName).endsWith(".txt");
    List<BenchmarkItem> items = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(CompressedFiles.open(file), StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        int index = lineNo++;
        if (index == 0 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte-order mark, as training inputs may start with
        }
        if (line.isBlank()) {
          continue;
        }
        if (plain) {
          items.add(new BenchmarkItem(Integer.toString(index), true, List.of(line)));
        } else {
          items.add(item(file, index, line, fields));
        }
      }
    } catch (NoSuchFileException e) {
      throw new DataException("benchmark file not found: " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read benchmark file " + file, e);
    }
    if (items.isEmpty()) {
      throw new DataException(file + ": benchmark file has no items");
    }
    return items;
  }

  private static String stripCompression(String name) {
    for (String ext : new String[] {".gz", ".zst", ".zstd"}) {
      if (name.endsWith(ext) && name.length() > ext.length()) {
        return name.substring(0, name.length() - ext.length());
      }
    }
    return name;
  }

  private static BenchmarkItem item(Path file, int index, String line, List<String> fields) {
    String where = file + ":" + (index + 1);
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new DataException(where + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
    if (node.isTextual()) {
      return new BenchmarkItem(Integer.toString(index), true, List.of(node.asText()));
    }
    if (!node.isObject()) {
      throw new DataException(
          where + ": expected a JSON object or string, found " + node.getNodeType());
    }
    List<String> texts = new ArrayList<>();
    boolean any = false;
    for (String f : fields.isEmpty() ? DEFAULT_FIELDS : fields) {
      JsonNode v = path(node, f);
      if (v != null) {
        any = true;
        strings(v, texts);
      }
    }
    if (!any || texts.isEmpty()) {
      throw new DataException(
          where
              + ": no text in "
              + (fields.isEmpty() ? "any known field " + DEFAULT_FIELDS : "fields " + fields)
              + "; choose fields with --benchmark-fields");
    }
    JsonNode id = node.get("id");
    if (id == null || id.isNull()) {
      return new BenchmarkItem(Integer.toString(index), true, texts);
    }
    return new BenchmarkItem(
        id.isValueNode() ? id.asText() : id.toString(), id.isIntegralNumber(), texts);
  }

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

  /** Collects the strings under a node; object keys naming labels or ids are not text. */
  private static void strings(JsonNode v, List<String> out) {
    if (v.isTextual()) {
      if (!v.asText().isBlank()) {
        out.add(v.asText());
      }
    } else if (v.isArray()) {
      for (JsonNode e : v) {
        strings(e, out);
      }
    } else if (v.isObject()) {
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        String k = e.getKey();
        if (!k.equals("label") && !k.equals("id") && !k.equals("answerKey")) {
          strings(e.getValue(), out);
        }
      }
    }
  }
}
