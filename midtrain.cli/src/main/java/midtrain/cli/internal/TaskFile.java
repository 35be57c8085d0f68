package midtrain.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import midtrain.data.io.CompressedFiles;
import midtrain.eval.spi.TaskDocument;

/**
 * Reads a task's JSONL documents for {@code midtrain eval --task ID=FILE} and {@code --fewshot}:
 * one JSON object a line, plain, {@code .gz} or {@code .zst}; the task then reads its fields.
 */
final class TaskFile {
  private TaskFile() {}

  /** One line's JSON, refusing anything after the value (two records run together on a line). */
  private static final ObjectReader LINE =
      Inputs.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};

  /**
   * Reads every document of a file.
   *
   * @param option the option that named the file, for messages ({@code --task gsm8k})
   * @param file the file
   * @return the documents, in file order, each with its line number
   * @throws UserInputException naming the file and line of a line that is not a JSON object, or the
   *     file when it is missing, unreadable or empty
   */
  static List<TaskDocument> read(String option, Path file) {
    List<TaskDocument> docs = new ArrayList<>();
    eachObject(
        option,
        file,
        (where, lineNo, node) ->
            docs.add(
                TaskDocument.of(file.toString(), lineNo, Inputs.JSON.convertValue(node, FIELDS))));
    if (docs.isEmpty()) {
      throw new UserInputException(option + ": " + file + " has no documents");
    }
    return docs;
  }

  /** What {@link #eachObject} hands each non-blank line to. */
  interface ObjectVisitor {
    /**
     * Takes one line's object.
     *
     * @param where {@code OPTION: FILE:LINE}, for messages
     * @param lineNo the line number, from 1
     * @param node the line's JSON object
     */
    void accept(String where, int lineNo, JsonNode node);
  }

  /**
   * Reads a JSONL file, plain or compressed, line by line: a leading byte-order mark and blank
   * lines are passed over, every other line must be one JSON object. The task files and {@code
   * --benchmark}'s multiple-choice files share it.
   *
   * @param option the option that named the file, for messages
   * @param file the file
   * @param visitor takes each line's object, in file order
   * @throws UserInputException naming the file and line of a line that is not a JSON object, or the
   *     file when it is missing or unreadable
   */
  static void eachObject(String option, Path file, ObjectVisitor visitor) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(option + ": no such file: " + file);
    }
    try (BufferedReader r = CompressedFiles.reader(file)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte-order mark, as files from some editors start with
        }
        if (line.isBlank()) {
          continue;
        }
        String where = option + ": " + file + ":" + lineNo;
        JsonNode node;
        try {
          node = LINE.readTree(line);
        } catch (JsonProcessingException e) {
          throw new UserInputException(where + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
          throw new UserInputException(
              where
                  + ": expected a JSON object, found "
                  + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        visitor.accept(where, lineNo, node);
      }
    } catch (IOException e) {
      throw new UserInputException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
