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
    assertTrue(
        out.getMessage().contains("the output") && out.getMessage().contains("input"),
        out.getMessage());
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
    // The report is moved into place at the end, which would replace a device or a pipe (tested
    // with a pipe of its own: a failing test must not replace a device of the machine).
    Path fifo = dir.resolve("fifo");
    boolean made;
    try {
      made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      made = false;
    }
    if (made) {
      DataException pipe =
          assertThrows(DataException.class, () -> DeconRunTest.run(d, List.of(in), fifo, null, 1));
      assertTrue(pipe.getMessage().contains("not a regular file"), pipe.getMessage());
      assertFalse(Files.isRegularFile(fifo));
    }
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

  /** The item between two runs of filler, each long enough to be kept as a janitor piece. */
  private static String dirtyText() {
    String pad = "lorem ipsum dolor sit amet ".repeat(20);
    return pad + DecontaminatorTest.ITEM + " " + pad;
  }

  /** Janitor pieces of a nested text keep it where it was, with ids at the id's path. */
  @Test
  void janitorPiecesOfANestedText(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("in.jsonl");
    Files.write(
        file,
        lines(
            List.of(
                "{\"doc\":{\"body\":\""
                    + dirtyText()
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

  /**
   * The report's temporary file has a name of its own: an input or an output named like a fixed
   * temporary name is neither emptied nor replaced, and nothing is left behind.
   */
  @Test
  void theTemporaryReportIsNeverAnotherFile(@TempDir Path dir) throws IOException {
    Path in = dir.resolve("r.json.tmp");
    byte[] data = lines(DeconRunTest.corpus(20));
    Files.write(in, data);
    Path mine = dir.resolve("s.json.tmp");
    Files.writeString(mine, "the user's");
    Decontaminator d = drop();
    JsonNode r = DeconRunTest.run(d, List.of(in), dir.resolve("r.json"), null, 1);
    assertEquals(20, r.get("documents").size());
    assertArrayEquals(data, Files.readAllBytes(in));
    JsonNode s = DeconRunTest.run(d, List.of(in), dir.resolve("s.json"), dir.resolve("o.jsonl"), 2);
    assertEquals(20, s.get("documents").size());
    assertEquals("the user's", Files.readString(mine));
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of("o.jsonl", "r.json", "r.json.tmp", "s.json", "s.json.tmp"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }

  /** A folder reached through a link is the same folder: two names of one file are refused. */
  @Test
  void linksDoNotHideASharedFile(@TempDir Path dir) throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.write(in, lines(DeconRunTest.corpus(5)));
    Path real = Files.createDirectory(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    Decontaminator d = drop();
    assertThrows(
        DataException.class,
        () ->
            DeconRunTest.run(d, List.of(in), real.resolve("o.jsonl"), link.resolve("o.jsonl"), 1));
    // "link/.." is the parent of the link's target, as the system reads it, not the link's folder.
    Path target = Files.createDirectories(dir.resolve("a/b"));
    Path w = Files.createDirectory(dir.resolve("w"));
    Files.createSymbolicLink(w.resolve("link"), target);
    Path viaLink = w.resolve("link/../x.jsonl");
    assertThrows(
        DataException.class,
        () -> DeconRunTest.run(d, List.of(in), dir.resolve("a/x.jsonl"), viaLink, 1));
    DeconRunTest.run(d, List.of(in), w.resolve("x.jsonl"), viaLink, 1);
    assertTrue(Files.exists(dir.resolve("a/x.jsonl")) && Files.exists(w.resolve("x.jsonl")));
    Path linkedIn = dir.resolve("in-link.jsonl");
    Files.createSymbolicLink(linkedIn, in);
    assertThrows(
        DataException.class,
        () -> DeconRunTest.run(d, List.of(linkedIn), dir.resolve("r.json"), in, 1));
    assertEquals(5, Files.readAllLines(in).size());
  }

  /** Ids under a dotted path keep their digits; overlapping text and id fields are refused. */
  @Test
  void nestedIdsAndOverlappingFields(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("in.jsonl");
    Files.write(
        file,
        lines(
            List.of(
                "{\"doc\":{\"id\":1.50,\"body\":\"a b c\"}}",
                "{\"doc\":{\"id\":1e400,\"body\":\"a b c\"}}",
                "{\"doc\":{\"id\":\"\",\"body\":\"a b c\"}}",
                "{\"id\":\"\",\"doc\":{\"body\":\"a b c\"}}",
                "\r\r",
                "{\"doc\":{\"id\":7,\"body\":\"a b c\"}}")));
    Path rep = dir.resolve("r.json");
    DeconRun.builder()
        .decontaminator(drop())
        .inputs(List.of(file))
        .textField("doc.body")
        .idField("doc.id")
        .report(rep)
        .build()
        .run();
    String json = Files.readString(rep);
    JsonNode docs = M.readTree(json).get("documents");
    assertEquals(5, docs.size(), json);
    assertTrue(json.contains("\"id\":1.50,"), json);
    assertTrue(docs.get(1).get("id").isNumber(), json);
    assertEquals(file + ":3", docs.get(2).get("id").asText());
    assertEquals(7, docs.get(4).get("id").asInt());
    // A top-level empty id is no id either, and a line of carriage returns is blank.
    JsonNode top = DeconRunTest.run(drop(), List.of(file), dir.resolve("t.json"), null, 1);
    assertEquals(0, top.get("summary").get("rejected").asInt() - 5, top.toString());
    for (String[] f : new String[][] {{"text", "text"}, {"doc", "doc.id"}, {"doc.body", "doc"}}) {
      assertThrows(
          DataException.class,
          () ->
              DeconRun.builder()
                  .decontaminator(drop())
                  .inputs(List.of(file))
                  .textField(f[0])
                  .idField(f[1])
                  .report(dir.resolve("x.json"))
                  .build(),
          f[0] + " " + f[1]);
    }
  }

  /** Janitor pieces leave a value of the record's own on the id's path as it is. */
  @Test
  void janitorPiecesKeepWhatIsOnTheIdPath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("in.jsonl");
    Files.write(file, lines(List.of("{\"meta\":\"source-A\",\"text\":\"" + dirtyText() + "\"}")));
    Path out = dir.resolve("o.jsonl");
    DeconRun.builder()
        .decontaminator(
            Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.JANITOR).build())
        .inputs(List.of(file))
        .idField("meta.id")
        .report(dir.resolve("r.json"))
        .output(out)
        .build()
        .run();
    List<String> pieces = Files.readAllLines(out);
    assertEquals(2, pieces.size());
    for (String p : pieces) {
      assertEquals("source-A", M.readTree(p).get("meta").asText(), p);
    }
  }

  /**
   * Documents without an id are named by their line, and rejects give theirs, in every chunk: with
   * small chunks, one thread and several, blank lines, CRLF line ends, and a second file that
   * starts again at line 1 and ends without a newline.
   */
  @Test
  void lineNumbersAreRightInEveryChunk(@TempDir Path dir) throws IOException {
    java.util.Random rnd = new java.util.Random(7);
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    List<String> expectIds = new ArrayList<>();
    List<String> expectWhere = new ArrayList<>();
    for (Path f : List.of(a, b)) {
      StringBuilder text = new StringBuilder();
      int count = f == a ? 400 : 150;
      for (int line = 1; line <= count; line++) {
        int kind = rnd.nextInt(10);
        String body = "word ".repeat(1 + rnd.nextInt(60));
        if (kind == 0) {
          text.append("{\"text\": 5}");
          expectWhere.add(f + ":" + line);
        } else if (kind == 1) {
          text.append("   "); // blank: neither a document nor a reject
        } else if (kind == 2) {
          text.append("{\"id\": \"k").append(line).append("\", \"text\": \"").append(body);
          text.append("\"}");
          expectIds.add("k" + line);
        } else {
          text.append("{\"text\": \"").append(body).append("\"}");
          expectIds.add(f + ":" + line);
        }
        if (line < count || f == a) {
          text.append(kind == 3 ? "\r\n" : "\n");
        }
      }
      Files.writeString(f, text);
    }
    for (int threads : new int[] {1, 3}) {
      for (int chunk : new int[] {300, 4096, 0}) {
        Path rep = dir.resolve("r" + threads + "-" + chunk + ".json");
        DeconRun.Builder run =
            DeconRun.builder()
                .decontaminator(drop())
                .inputs(List.of(a, b))
                .report(rep)
                .threads(threads);
        if (chunk > 0) {
          run.chunkBytes(chunk);
        }
        run.build().run();
        JsonNode r = M.readTree(rep.toFile());
        List<String> where = new ArrayList<>();
        r.get("summary").get("rejections").forEach(x -> where.add(x.get("where").asText()));
        String at = threads + " threads, chunks of " + chunk;
        assertEquals(expectIds, ids(r), at);
        assertEquals(expectWhere, where, at);
      }
    }
  }

  /**
   * A line over the line limit is rejected as the readers reject it, without holding it whole, and
   * the lines after it are scanned; also as the last line, without a newline.
   */
  @Test
  void aLineOverTheLimitIsRejectedAndSkipped(@TempDir Path dir) throws IOException {
    String big = "{\"id\":\"big\",\"text\":\"" + "word ".repeat(2000) + "\"}";
    List<String> in = new ArrayList<>(DeconRunTest.corpus(30));
    in.add(12, big);
    Path file = dir.resolve("in.jsonl");
    Files.write(file, lines(in));
    Path last = dir.resolve("last.jsonl");
    Files.writeString(last, "{\"id\":\"x\",\"text\":\"a b\"}\n" + big);
    for (int threads : new int[] {1, 3}) {
      Path rep = dir.resolve("r" + threads + ".json");
      DeconRun.builder()
          .decontaminator(drop())
          .inputs(List.of(file, last))
          .report(rep)
          .threads(threads)
          .chunkBytes(512)
          .maxLineBytes(4096)
          .build()
          .run();
      JsonNode r = M.readTree(rep.toFile());
      List<String> ids = ids(r);
      assertEquals(31, ids.size(), ids.toString());
      assertFalse(ids.contains("big"));
      assertEquals("x", ids.get(30));
      List<String> where = new ArrayList<>();
      r.get("summary").get("rejections").forEach(x -> where.add(x.get("where").asText()));
      assertTrue(where.contains(file + ":13"), where.toString());
      assertTrue(where.contains(last + ":2"), where.toString());
      assertTrue(reasons(r).stream().filter(x -> x.startsWith("oversized")).count() == 2);
    }
  }

  /** A record of exactly {@code n} bytes, without its line end. */
  private static String record(String id, int n) {
    String head = "{\"id\":\"" + id + "\",\"text\":\"";
    StringBuilder sb = new StringBuilder(head);
    for (int i = head.length(); i < n - 2; i++) {
      sb.append(i % 5 == 4 ? ' ' : 'a');
    }
    return sb.append("\"}").toString();
  }

  /**
   * The limit is the readers': a line longer than it, its carriage return not counted, is rejected;
   * one of exactly the limit is kept. The same on any chunk size and thread count, with lines that
   * fit in a chunk, span several, come in a row, or end the file without a newline.
   */
  @Test
  void theLineLimitIsTheSameOnAnyChunkAndThreadCount(@TempDir Path dir) throws IOException {
    int limit = 4096;
    StringBuilder in = new StringBuilder();
    List<String> kept = new ArrayList<>();
    List<Integer> rejectedLines = new ArrayList<>();
    List<Integer> rejectedSizes = new ArrayList<>();
    int[] sizes = {40, limit, limit + 1, 6000, 40, 9000, 9001, limit - 1, limit, 12000, 40, limit};
    for (int i = 0; i < sizes.length; i++) {
      String id = "l" + (i + 1);
      // Lines over the limit with CRLF and LF ends: the size reported leaves the '\r' out,
      // whether the line was seen whole in a chunk or skipped past the buffer.
      boolean crlf = i % 3 != 2;
      in.append(record(id, sizes[i])).append(crlf ? "\r\n" : "\n");
      if (sizes[i] > limit) {
        rejectedLines.add(i + 1);
        rejectedSizes.add(sizes[i]);
      } else {
        kept.add(id);
      }
    }
    in.append(record("tail-ok", limit)).append("\n").append(record("tail-big", limit + 7));
    kept.add("tail-ok");
    rejectedLines.add(sizes.length + 2);
    rejectedSizes.add(limit + 7);
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, in);
    for (int chunk : new int[] {64, 512, 4096, 5000, 65536}) {
      for (int threads : new int[] {1, 3}) {
        Path rep = dir.resolve("r-" + chunk + "-" + threads + ".json");
        DeconRun.builder()
            .decontaminator(drop())
            .inputs(List.of(file))
            .report(rep)
            .threads(threads)
            .chunkBytes(chunk)
            .maxLineBytes(limit)
            .build()
            .run();
        JsonNode r = M.readTree(rep.toFile());
        String where = "chunk " + chunk + ", threads " + threads;
        assertEquals(kept, ids(r), where);
        List<Integer> lines = new ArrayList<>();
        List<Integer> lineSizes = new ArrayList<>();
        for (JsonNode x : r.get("summary").get("rejections")) {
          String w = x.get("where").asText();
          lines.add(Integer.parseInt(w.substring(w.lastIndexOf(':') + 1)));
          String reason = x.get("reason").asText();
          assertTrue(reason.startsWith("oversized: a line of "), where + " " + x);
          lineSizes.add(Integer.parseInt(reason.split(" ")[4]));
        }
        assertEquals(rejectedLines, lines, where);
        assertEquals(rejectedSizes, lineSizes, where);
      }
    }
  }
}
