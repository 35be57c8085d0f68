package midtrain.data.decon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import midtrain.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that are damaged, or named where the run writes: every record is scanned or rejected with
 * a reason, on the line path (JSON Lines in and out) and the batch path (any other format) alike,
 * and no input is overwritten.
 */
class DeconRunInputsTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static Decontaminator drop() {
    return Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
  }

  private static byte[] lines(List<String> lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(b)) {
      o.write(data);
    }
    return b.toByteArray();
  }

  private static List<String> ids(JsonNode report) {
    List<String> ids = new ArrayList<>();
    report.get("documents").forEach(d -> ids.add(d.get("id").asText()));
    return ids;
  }

  private static List<String> reasons(JsonNode report) {
    List<String> r = new ArrayList<>();
    report.get("summary").get("rejections").forEach(x -> r.add(x.get("reason").asText()));
    return r;
  }

  @Test
  void anInputIsNeverTheOutputOrTheReport(@TempDir Path dir) throws IOException {
    Path in = dir.resolve("t.jsonl");
    byte[] data = lines(DeconRunTest.corpus(20));
    Files.write(in, data);
    Decontaminator d = drop();
    DataException out =
        assertThrows(
            DataException.class,
            () -> DeconRunTest.run(d, List.of(in), dir.resolve("r.json"), in, 1));
    assertTrue(out.getMessage().contains("--output") && out.getMessage().contains("input"));
    // The same file by another name.
    Path other = dir.resolve("sub/../t.jsonl");
    Files.createDirectories(dir.resolve("sub"));
    assertThrows(
        DataException.class,
        () -> DeconRunTest.run(d, List.of(in), other, dir.resolve("o.jsonl"), 1));
    assertThrows(
        DataException.class,
        () ->
            DeconRunTest.run(
                d, List.of(in), dir.resolve("same.jsonl"), dir.resolve("same.jsonl"), 1));
    assertArrayEquals(data, Files.readAllBytes(in));
    // Folders, and files in folders that do not exist, are refused before the scan.
    DataException folder =
        assertThrows(
            DataException.class,
            () -> DeconRunTest.run(d, List.of(in), dir.resolve("r.json"), dir.resolve("sub"), 1));
    assertTrue(folder.getMessage().contains("folder"), folder.getMessage());
    assertThrows(
        DataException.class, () -> DeconRunTest.run(d, List.of(in), dir.resolve("sub"), null, 1));
    DataException missing =
        assertThrows(
            DataException.class,
            () -> DeconRunTest.run(d, List.of(in), dir.resolve("nodir/r.json"), null, 1));
    assertTrue(missing.getMessage().contains("nodir/r.json"), missing.getMessage());
    assertFalse(missing.getMessage().contains(".tmp"), missing.getMessage());
  }

  /**
   * A gzip input cut short, an empty one and one that is not gzip at all: the lines read whole are
   * scanned, the input ends with one {@code truncated-stream} reject, and the next input is read,
   * on both paths.
   */
  @Test
  void aDamagedCompressedInputEndsWithARejectAndTheRunGoesOn(@TempDir Path dir) throws IOException {
    byte[] whole = gzip(lines(DeconRunTest.corpus(300)));
    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    Path empty = dir.resolve("empty.jsonl.gz");
    Files.write(empty, new byte[0]);
    Path notGzip = dir.resolve("plain.jsonl.gz");
    Files.write(notGzip, lines(DeconRunTest.corpus(3)));
    Path last = dir.resolve("last.jsonl");
    Files.write(
        last, lines(List.of("{\"id\":\"last\",\"text\":\"" + DecontaminatorTest.ITEM + "\"}")));
    List<Path> in = List.of(cut, empty, notGzip, last);
    Decontaminator d = drop();
    JsonNode lines = DeconRunTest.run(d, in, dir.resolve("a.json"), dir.resolve("a.jsonl"), 1);
    JsonNode batches = DeconRunTest.run(d, in, dir.resolve("b.json"), dir.resolve("b.arrow"), 1);
    JsonNode threaded = DeconRunTest.run(d, in, dir.resolve("c.json"), null, 3);
    for (JsonNode rep : List.of(lines, batches, threaded)) {
      List<String> ids = ids(rep);
      assertEquals("last", ids.get(ids.size() - 1), rep.get("summary").toString());
      assertTrue(ids.size() > 20 && ids.size() < 300, "scanned " + ids.size());
      List<String> truncated =
          reasons(rep).stream().filter(x -> x.contains("truncated-stream")).toList();
      assertEquals(3, truncated.size(), reasons(rep).toString());
      JsonNode rejections = rep.get("summary").get("rejections");
      int found = 0;
      for (JsonNode x : rejections) {
        String where = x.get("where").asText();
        if (x.get("reason").asText().contains("truncated-stream")) {
          found++;
          if (where.contains("cut.jsonl.gz")) {
            // The reject names the first line not read whole: all lines before it are counted.
            long line = Long.parseLong(where.substring(where.lastIndexOf(':') + 1));
            long before = ids.size() - 1 + rep.get("summary").get("rejected").asLong() - 3;
            assertEquals(line - 1, before, where);
          } else {
            assertTrue(where.endsWith(":1"), where);
          }
        }
      }
      assertEquals(3, found);
    }
    assertEquals(ids(lines), ids(threaded));
    assertEquals(ids(lines), ids(batches));
    assertEquals(lines.get("summary").get("rejected"), batches.get("summary").get("rejected"));
  }

  /**
   * Bytes that are not strict UTF-8, in the text or in another field, and escapes of unpaired
   * surrogates are rejected on both paths, so that no kept line carries them into the output.
   */
  @Test
  void textThatHasNoUtf8IsRejected(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    String text = DecontaminatorTest.ITEM + " more words here";
    b.write(("{\"id\":\"ok\",\"text\":\"" + text + "\"}\n").getBytes(StandardCharsets.UTF_8));
    b.write(("{\"id\":\"overlong\",\"text\":\"caf").getBytes(StandardCharsets.UTF_8));
    b.write(new byte[] {(byte) 0xC0, (byte) 0xAF});
    b.write(" ok\"}\n".getBytes(StandardCharsets.UTF_8));
    b.write(("{\"id\":\"f5\",\"text\":\"x ").getBytes(StandardCharsets.UTF_8));
    b.write(new byte[] {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80});
    b.write(" y\"}\n".getBytes(StandardCharsets.UTF_8));
    b.write(("{\"id\":\"bad").getBytes(StandardCharsets.UTF_8));
    b.write(new byte[] {(byte) 0xFF});
    b.write(("\",\"text\":\"" + text + "\"}\n").getBytes(StandardCharsets.UTF_8));
    b.write(("{\"text\":\"" + text + "\",\"src\":\"").getBytes(StandardCharsets.UTF_8));
    b.write(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    b.write("\"}\n".getBytes(StandardCharsets.UTF_8));
    b.write("{\"id\":\"lone\",\"text\":\"x \\ud800 y\"}\n".getBytes(StandardCharsets.UTF_8));
    b.write("{\"id\":\"pair\",\"text\":\"x \\ud83d\\ude00 y\"}\n".getBytes(StandardCharsets.UTF_8));
    Path in = dir.resolve("in.jsonl");
    Files.write(in, b.toByteArray());
    Decontaminator d = drop();
    JsonNode lines =
        DeconRunTest.run(d, List.of(in), dir.resolve("a.json"), dir.resolve("a.jsonl"), 1);
    JsonNode batches =
        DeconRunTest.run(d, List.of(in), dir.resolve("b.json"), dir.resolve("b.arrow"), 1);
    assertEquals(List.of("ok", "pair"), ids(lines));
    assertEquals(ids(lines), ids(batches));
    List<String> why = reasons(lines);
    assertEquals(5, why.size(), why.toString());
    assertTrue(why.get(0).contains("invalid UTF-8: byte 0xC0"), why.toString());
    assertTrue(why.get(1).contains("invalid UTF-8: byte 0xF5"), why.toString());
    assertTrue(why.get(2).contains("invalid UTF-8: byte 0xFF at byte 11"), why.toString());
    assertTrue(why.get(3).contains("invalid UTF-8: byte 0xED"), why.toString());
    assertTrue(why.get(4).contains("unpaired surrogate") && why.get(4).contains("character 3"));
    assertEquals(5, batches.get("summary").get("rejected").asInt());
    // The only line kept (the other valid one has the item) is written as it was read.
    assertEquals(
        List.of("{\"id\":\"pair\",\"text\":\"x \\ud83d\\ude00 y\"}"),
        Files.readAllLines(dir.resolve("a.jsonl")));
  }

  /** A dotted field name is a path into nested objects on both paths, as the readers read it. */
  @Test
  void dottedFieldsAreNestedPaths(@TempDir Path dir) throws IOException {
    String item = DecontaminatorTest.ITEM;
    List<String> in =
        List.of(
            "{\"doc\":{\"body\":\"" + item + "\",\"n\":1},\"meta\":{\"uid\":\"u1\"}}",
            "{\"doc\":{\"body\":\"clean words only\"},\"meta\":{\"uid\":\"u2\"}}",
            "{\"doc.body\":\"" + item + "\",\"meta\":{\"uid\":\"u3\"}}",
            "{\"doc\":{\"body\":5},\"meta\":{\"uid\":\"u4\"}}",
            "{\"meta\":{\"uid\":\"u5\"},\"doc\":{\"body\":\"tail " + item + "\"}}");
    Path file = dir.resolve("in.jsonl");
    Files.write(file, lines(in));
    Decontaminator d = drop();
    List<JsonNode> reps = new ArrayList<>();
    for (String out : List.of("a.jsonl", "b.arrow")) {
      Path rep = dir.resolve(out + ".json");
      DeconRun.builder()
          .decontaminator(d)
          .inputs(List.of(file))
          .textField("doc.body")
          .idField("meta.uid")
          .report(rep)
          .output(dir.resolve(out))
          .threads(1)
          .build()
          .run();
      reps.add(M.readTree(rep.toFile()));
    }
    for (JsonNode rep : reps) {
      assertEquals(List.of("u1", "u2", "u5"), ids(rep));
      JsonNode docs = rep.get("documents");
      assertTrue(docs.get(0).get("contaminated").asBoolean());
      assertFalse(docs.get(1).get("contaminated").asBoolean());
      assertTrue(docs.get(2).get("contaminated").asBoolean());
      assertEquals(2, rep.get("summary").get("rejected").asInt());
    }
    assertEquals(reps.get(0).get("documents"), reps.get(1).get("documents"));
    assertEquals(
        List.of(in.get(1)), Files.readAllLines(dir.resolve("a.jsonl")), "the clean line, as read");
    assertThrows(DataException.class, () -> DeconRun.builder().textField("doc..body"));
    assertThrows(DataException.class, () -> DeconRun.builder().idField(".id"));
  }

  /** Janitor pieces of a nested text keep it where it was, with ids at the id's path. */
  @Test
  void janitorPiecesOfANestedText(@TempDir Path dir) throws IOException {
    String pad = "lorem ipsum dolor sit amet ".repeat(20);
    Path file = dir.resolve("in.jsonl");
    Files.write(
        file,
        lines(
            List.of(
                "{\"doc\":{\"body\":\""
                    + pad
                    + DecontaminatorTest.ITEM
                    + " "
                    + pad
                    + "\",\"lang\":\"en\"},\"meta\":{\"uid\":\"u1\"}}")));
    Decontaminator d =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.JANITOR).build();
    Path out = dir.resolve("o.jsonl");
    DeconRun.builder()
        .decontaminator(d)
        .inputs(List.of(file))
        .textField("doc.body")
        .idField("meta.uid")
        .report(dir.resolve("r.json"))
        .output(out)
        .build()
        .run();
    List<String> pieces = Files.readAllLines(out);
    assertEquals(2, pieces.size());
    for (int k = 0; k < 2; k++) {
      JsonNode p = M.readTree(pieces.get(k));
      assertEquals("u1#" + k, p.get("meta").get("uid").asText());
      assertEquals("en", p.get("doc").get("lang").asText());
      String body = p.get("doc").get("body").asText();
      assertTrue(body.contains("lorem") && !body.contains("moons"), body);
      assertFalse(p.has("doc.body"));
    }
  }
}
