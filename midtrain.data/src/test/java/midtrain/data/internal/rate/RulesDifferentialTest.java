package midtrain.data.internal.rate;

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
import midtrain.data.DocumentBatch;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * The four raters against {@code rules_baseline.py} on 200 generated documents ({@code
 * gen_web_corpus.py rules/corpus.jsonl 1 7 --docs 200 --max-blocks 3 --max-paras 2}, then {@code
 * rules_baseline.py rules/corpus.jsonl rules/expected.jsonl}): every metric to 1e-6 (relative for
 * counts), every pass and verdict equal.
 */
class RulesDifferentialTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static List<JsonNode> lines(String resource) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = RulesDifferentialTest.class.getResourceAsStream(resource);
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
    List<JsonNode> docs = lines("/rules/corpus.jsonl");
    List<JsonNode> expected = lines("/rules/expected.jsonl");
    JsonNode outputs = expected.get(0).get("outputs");
    assertEquals(docs.size() + 1, expected.size());
    assertTrue(docs.size() >= 200);
    List<String> ids = List.of("gopher-quality", "gopher-repetition", "c4", "fineweb");
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = DocumentBatch.create(allocator)) {
      for (JsonNode d : docs) {
        DocumentBatch.append(batch, d.get("id").asText(), d.get("text").asText());
      }
      int mismatches = 0;
      StringBuilder report = new StringBuilder();
      for (int k = 0; k < ids.size(); k++) {
        Rater r = Raters.create(ids.get(k), Map.of());
        List<String> names = new ArrayList<>();
        outputs.get(ids.get(k)).forEach(n -> names.add(n.asText()));
        assertEquals(names, r.outputs(), ids.get(k));
        float[][] scores = new float[names.size()][docs.size()];
        r.rate(batch, scores);
        for (int i = 0; i < docs.size(); i++) {
          JsonNode want = expected.get(i + 1).get(ids.get(k));
          float[] row = new float[names.size()];
          for (int o = 0; o < names.size(); o++) {
            row[o] = scores[o][i];
            double w = want.get(o).asDouble();
            if (Math.abs(w - row[o]) > 1e-6 * Math.max(1, Math.abs(w))) {
              mismatches++;
              report.append(
                  String.format(
                      "%s %s.%s: python %s, java %s%n",
                      docs.get(i).get("id").asText(), ids.get(k), names.get(o), w, row[o]));
            }
          }
          String verdict = expected.get(i + 1).get("verdicts").get(k).asText();
          if (!verdict.equals(r.verdict(row))) {
            mismatches++;
            report.append(
                String.format(
                    "%s %s verdict: python '%s', java '%s'%n",
                    docs.get(i).get("id").asText(), ids.get(k), verdict, r.verdict(row)));
          }
        }
      }
      assertEquals(0, mismatches, report.toString());
    }
  }
}
