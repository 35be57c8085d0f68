package midtrain.cli.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The decontaminate command end to end on small files. */
class DecontaminateCommandTest {
  static final ObjectMapper M = new ObjectMapper();
  static final String Q =
      "Natalia sold clips to forty eight of her friends in April and then she sold half as many"
          + " clips in May";
  static final String FILL =
      "Meanwhile the river barges carried timber north while clerks recorded every shipment in"
          + " ledgers kept at the harbour office. ";

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DecontaminateCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler(
        (ex, c, p) -> {
          c.getErr().println(ex.getClass().getName() + ": " + ex.getMessage());
          return ex.getClass().getName().equals("midtrain.data.DataException") ? 2 : 1;
        });
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path files(Path dir) throws IOException {
    Files.write(
        dir.resolve("gsm8k.jsonl"),
        List.of(
            M.createObjectNode().put("question", Q).put("answer", "72").toString(),
            M.createObjectNode()
                .put("id", "x1")
                .put("question", "How many legs do three spiders and two ants have together")
                .put("answer", "36")
                .toString()));
    List<String> docs = new ArrayList<>();
    docs.add(M.createObjectNode().put("id", "a").put("text", FILL.repeat(3)).toString());
    docs.add(
        M.createObjectNode()
            .put("id", "b")
            .put("text", FILL.repeat(5) + Q + ". " + FILL.repeat(5))
            .toString());
    docs.add("{not json");
    docs.add(M.createObjectNode().put("text", "Q: " + Q).toString());
    Path in = dir.resolve("train.jsonl");
    Files.write(in, docs);
    return in;
  }

  @Test
  void reportModeWritesTheDocumentedReport(@TempDir Path dir) throws IOException {
    Path in = files(dir);
    Path rep = dir.resolve("report.json");
    Run r =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--report", rep.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("gsm8k: 1 of 2 items"), r.out());
    JsonNode json = M.readTree(rep.toFile());
    JsonNode docs = json.get("documents");
    assertEquals(3, docs.size());
    assertEquals("a", docs.get(0).get("id").asText());
    assertEquals(false, docs.get(0).get("contaminated").asBoolean());
    JsonNode b = docs.get(1);
    assertEquals(true, b.get("contaminated").asBoolean());
    assertEquals(9, b.get("total_overlaps").asInt()); // 21 question words: 9 13-grams
    assertEquals(9, b.get("unique_overlaps").asInt());
    assertEquals(0, b.get("benchmark_hits").get(0).asInt());
    assertTrue(b.get("benchmark_hits").get(0).isNumber());
    assertEquals(in + ":4", docs.get(2).get("id").asText());
    JsonNode bench = json.get("benchmarks").get(0);
    assertEquals("gsm8k", bench.get("name").asText());
    assertEquals(1, bench.get("items_contaminated").asInt());
    assertEquals(2, bench.get("documents_affected").asInt());
    assertEquals(1, json.get("summary").get("rejected").asInt());
    assertTrue(json.get("summary").get("rejections").get(0).get("where").asText().endsWith(":3"));
  }

  @Test
  void janitorAndDropModesWriteOutput(@TempDir Path dir) throws IOException {
    Path in = files(dir);
    Path out = dir.resolve("clean.jsonl");
    Run r =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--mode", "janitor",
            "--n", "13",
            "--threads", "2",
            "--output", out.toString(),
            "--report", dir.resolve("r.json").toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(out);
    // a kept whole; b cut into two pieces; the third is below the minimum slice.
    assertEquals(3, lines.size());
    assertEquals("b#0", M.readTree(lines.get(1)).get("id").asText());
    JsonNode rep = M.readTree(dir.resolve("r.json").toFile());
    assertEquals(2, rep.get("documents").get(1).get("clean_chunks").size());

    Run drop =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--mode", "drop",
            "--output", out.toString(),
            "--report", dir.resolve("r.json").toString());
    assertEquals(0, drop.code(), drop.err());
    assertEquals(1, Files.readAllLines(out).size());
  }

  @Test
  void aFolderOfTextFilesIsReadThroughItsFormat(@TempDir Path dir) throws IOException {
    files(dir);
    Path books = Files.createDirectory(dir.resolve("books"));
    Files.writeString(books.resolve("a.txt"), FILL.repeat(4));
    Files.writeString(books.resolve("b.txt"), FILL.repeat(4) + "\n" + Q + ".\n" + FILL);
    Path out = dir.resolve("kept.jsonl");
    Run r =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", books.toString(),
            "--mode", "drop",
            "--output", out.toString(),
            "--report", dir.resolve("r.json").toString());
    assertEquals(0, r.code(), r.err());
    JsonNode docs = M.readTree(dir.resolve("r.json").toFile()).get("documents");
    assertEquals(2, docs.size(), docs.toString());
    assertEquals("a.txt", docs.get(0).get("id").asText());
    assertEquals(false, docs.get(0).get("contaminated").asBoolean());
    assertEquals("b.txt", docs.get(1).get("id").asText());
    assertEquals(9, docs.get(1).get("total_overlaps").asInt());
    List<String> kept = Files.readAllLines(out);
    assertEquals(1, kept.size());
    assertEquals("a.txt", M.readTree(kept.get(0)).get("id").asText());
  }

  @Test
  void badInputIsAnInputError(@TempDir Path dir) throws IOException {
    Path in = files(dir);
    Run missing =
        run(
            "--benchmarks", dir.resolve("nope.jsonl").toString(),
            "--input", in.toString(),
            "--report", dir.resolve("r.json").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope.jsonl"), missing.err());
    Run mode =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--mode", "scrub",
            "--report", dir.resolve("r.json").toString());
    assertEquals(2, mode.code());
    assertTrue(mode.err().contains("scrub"), mode.err());
    // The input named as the output: refused before anything is written, the input intact.
    byte[] before = Files.readAllBytes(in);
    Run same =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--mode", "drop",
            "--output", in.toString(),
            "--report", dir.resolve("r.json").toString());
    assertEquals(2, same.code(), same.err());
    assertTrue(same.err().contains("also an input"), same.err());
    assertEquals(new String(before, UTF_8), Files.readString(in));
  }

  @Test
  void anEmptyIndexIsWarnedOf(@TempDir Path dir) throws IOException {
    Path in = files(dir);
    Run r =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--n", "50",
            "--report", dir.resolve("r.json").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("no benchmark item has 50 words"), r.err());
    Run ok =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--report", dir.resolve("r2.json").toString());
    assertFalse(ok.err().contains("warning"), ok.err());
    // A file given twice (here as a file and through its folder) is scanned twice, with a warning.
    Run twice =
        run(
            "--benchmarks", dir.resolve("gsm8k.jsonl").toString(),
            "--input", in.toString(),
            "--input", dir.toString(),
            "--report", dir.resolve("r3.json").toString());
    assertEquals(0, twice.code(), twice.err());
    assertTrue(twice.err().contains("same file as " + in), twice.err());
    assertEquals(6, M.readTree(dir.resolve("r3.json").toFile()).get("documents").size());
  }
}
