package midtrain.data.internal.modify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import midtrain.data.modify.Modification;
import midtrain.data.modify.Modifiers;
import midtrain.data.modify.TextModifier;
import org.junit.jupiter.api.Test;

/**
 * The modifiers against {@code midtrain.bench/scripts/modify_baseline.py}, which runs datatrove's
 * own regular expressions (PIIFormatter, SymbolLinesFormatter) and C4QualityFilter's line steps in
 * Python, on 400 generated documents ({@code modify_baseline.py gen modify/corpus.jsonl --docs 400
 * --seed 11}, then {@code modify_baseline.py run modify/corpus.jsonl modify/expected.jsonl}):
 * emails and addresses of every shape next to non-BMP and combining characters, symbol lines, CRLF,
 * citations. Every text and count must be equal; symbol-lines is compared only where the document
 * has no blank CRLF line, the one documented departure.
 */
class ModifyDifferentialTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static List<JsonNode> lines(String resource) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = ModifyDifferentialTest.class.getResourceAsStream(resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    }
    return out;
  }

  @Test
  void javaMatchesPythonOnEveryDocument() throws IOException {
    List<JsonNode> docs = lines("/modify/corpus.jsonl");
    List<JsonNode> expected = lines("/modify/expected.jsonl");
    assertEquals(400, docs.size());
    assertEquals(docs.size(), expected.size());
    TextModifier pii = Modifiers.create("pii", Map.of());
    TextModifier symbols = Modifiers.create("symbol-lines", Map.of());
    TextModifier c4 = Modifiers.create("c4-lines", Map.of());
    // The script's LOOSE settings.
    TextModifier loose =
        Modifiers.create(
            "c4-lines",
            Map.of(
                "min_num_sentences", "1",
                "min_words_per_line", "1",
                "max_word_length", "12",
                "remove_citations", "false"));
    StringBuilder report = new StringBuilder();
    int mismatches = 0;
    int crlf = 0;
    int[] changed = new int[4];
    for (int i = 0; i < docs.size(); i++) {
      String id = docs.get(i).get("id").asText();
      String text = docs.get(i).get("text").asText();
      JsonNode want = expected.get(i);
      assertEquals(id, want.get("id").asText());
      List<String[]> pairs = new ArrayList<>();
      pairs.add(compare("pii", pii.apply(text), want.get("pii"), text, changed, 0));
      if (want.get("crlf_blank").asBoolean()) {
        crlf++;
      } else {
        pairs.add(
            compare(
                "symbol-lines", symbols.apply(text), want.get("symbol-lines"), text, changed, 1));
      }
      pairs.add(compare("c4-lines", c4.apply(text), want.get("c4-lines"), text, changed, 2));
      pairs.add(
          compare(
              "c4-lines-loose", loose.apply(text), want.get("c4-lines-loose"), text, changed, 3));
      for (String[] p : pairs) {
        if (!p[0].equals(p[1])) {
          mismatches++;
          if (mismatches <= 5) {
            report
                .append(id)
                .append(":\n  python ")
                .append(p[1])
                .append("\n  java   ")
                .append(p[0])
                .append('\n');
          }
        }
      }
    }
    assertEquals(0, mismatches, report.toString());
    // The corpus exercises each modifier, and the departure is rare enough not to hide much.
    assertTrue(crlf > 0 && crlf < 50, "documents with a blank CRLF line: " + crlf);
    for (int k = 0; k < changed.length; k++) {
      assertTrue(changed[k] > 40, "modifier " + k + " changed only " + changed[k]);
    }
  }

  /** Java's and Python's results as comparable strings. */
  private static String[] compare(
      String name, Modification got, JsonNode want, String text, int[] changed, int k) {
    String python;
    if (want.has("removed")) {
      python = name + " removed " + want.get("removed").asText();
    } else {
      python =
          name
              + " kept "
              + JSON.valueToTree(want.get("text").asText())
              + " lines "
              + (want.has("lines_removed") ? want.get("lines_removed").asLong() : 0)
              + " replacements "
              + (want.has("replacements") ? want.get("replacements").asLong() : 0);
    }
    String java;
    if (got.isRemoved()) {
      java = name + " removed " + got.reason();
      changed[k]++;
    } else {
      java =
          name
              + " kept "
              + JSON.valueToTree(got.text())
              + " lines "
              + got.linesRemoved()
              + " replacements "
              + got.replacements();
      if (!got.text().equals(text)) {
        changed[k]++;
      }
    }
    return new String[] {java, python};
  }
}
