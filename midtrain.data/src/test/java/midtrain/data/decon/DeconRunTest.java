package midtrain.data.decon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.zip.GZIPOutputStream;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standalone runs over JSONL files: order, threads, rejects, outputs. */
class DeconRunTest {
  static final ObjectMapper M = new ObjectMapper();

  static List<String> corpus(int docs) {
    SplittableRandom r = new SplittableRandom(11);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < docs; i++) {
      String text = DecontaminatorTest.filler(r, 80 + r.nextInt(200));
      if (i % 7 == 3) {
        text = text + DecontaminatorTest.ITEM + " " + text;
      }
      lines.add(M.createObjectNode().put("id", "d" + i).put("text", text).toString());
      if (i == 5) {
        lines.add("{\"id\": \"broken\", \"text\": ");
      }
      if (i == 9) {
        lines.add("{\"id\": \"notext\"}");
      }
    }
    return lines;
  }

  @Test
  void threadsAndChunksDoNotChangeTheReport(@TempDir Path dir) throws IOException {
    Path in = dir.resolve("in.jsonl.gz");
    byte[] lines = (String.join("\n", corpus(300)) + "\n").getBytes(StandardCharsets.UTF_8);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(in))) {
      o.write(lines);
    }
    // More than one chunk of the default size on one thread.
    assertTrue(lines.length > 256 << 10, "bytes: " + lines.length);
    Decontaminator d =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
    String first = null;
    // 4 KB chunks, and the defaults (256 KB on one thread, 4 MB on more).
    for (int chunk : new int[] {4096, 0}) {
      for (int threads : new int[] {1, 3}) {
        Path rep = dir.resolve("r" + threads + "-" + chunk + ".json");
        Path out = dir.resolve("o" + threads + "-" + chunk + ".jsonl");
        DeconRun.Builder b =
            DeconRun.builder().decontaminator(d).inputs(List.of(in)).report(rep).output(out);
        if (chunk > 0) {
          b.chunkBytes(chunk);
        }
        DeconReport report = b.threads(threads).build().run();
        assertEquals(300, report.documents());
        assertEquals(2, report.rejected());
        assertEquals(43, report.contaminated());
        JsonNode json = M.readTree(rep.toFile());
        assertEquals(300, json.get("documents").size());
        assertEquals("d0", json.get("documents").get(0).get("id").asText());
        assertEquals("d299", json.get("documents").get(299).get("id").asText());
        assertEquals(1, json.get("benchmarks").get(0).get("items_contaminated").asInt());
        assertEquals(43, json.get("benchmarks").get(0).get("documents_affected").asInt());
        JsonNode rej = json.get("summary").get("rejections");
        assertTrue(rej.get(0).get("where").asText().endsWith("in.jsonl.gz:7"), rej.toString());
        assertTrue(rej.get(1).get("reason").asText().contains("no 'text' field"), rej.toString());
        assertEquals(257, Files.readAllLines(out).size());
        String docs = json.get("documents").toString();
        if (first == null) {
          first = docs;
        } else {
          assertEquals(first, docs);
        }
      }
    }
    assertThrows(DataException.class, () -> DeconRun.builder().chunkBytes(0));
  }

  @Test
  void escapedTextIsDecodedAndBrokenStringsAreRejected(@TempDir Path dir) throws IOException {
    // The benchmark item with its spaces written as \n and \u0020 escapes, a letter as \u0065,
    // so the same words and the same hits.
    String item = DecontaminatorTest.ITEM;
    String escaped =
        item.replaceFirst(" ", Matcher.quoteReplacement("\\n"))
            .replaceFirst(" ", Matcher.quoteReplacement("\\u0020"))
            .replaceFirst("e", Matcher.quoteReplacement("\\u0065"));
    SplittableRandom r = new SplittableRandom(3);
    String filler = DecontaminatorTest.filler(r, 40);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        ("{\"id\":\"clean\",\"text\":\"" + filler + " \\\"quoted\\\"\"}\n").getBytes(UTF_8));
    b.writeBytes(
        ("{\"id\":\"hit\",\"text\":\"" + filler + " " + escaped + "\"}\n").getBytes(UTF_8));
    b.writeBytes("{\"id\":\"utf8\",\"text\":\"bad ".getBytes(UTF_8));
    b.write(0xFF);
    b.writeBytes(" byte\"}\n".getBytes(UTF_8));
    b.writeBytes("{\"id\":\"ctl\",\"text\":\"raw \u0001 control\"}\n".getBytes(UTF_8));
    b.writeBytes("{\"id\":\"esc\",\"text\":\"bad \\x escape\"}\n".getBytes(UTF_8));
    b.writeBytes("{\"id\":\"open\",\"text\":\"no end}\n".getBytes(UTF_8));
    // A surrogate encoded in UTF-8 (CESU-8): not strict UTF-8, rejected before Jackson sees it.
    b.writeBytes("{\"id\":\"cesu\",\"text\":\"emoji ".getBytes(UTF_8));
    b.writeBytes(
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80});
    b.writeBytes("\"}\n".getBytes(UTF_8));
    // An overlong 'y' (C1 B9), which Jackson would decode to 'y': rejected, as the readers do,
    // since a kept line is written out as it is.
    String prefix = item.substring(0, item.length() - "survey".length());
    b.writeBytes(
        ("{\"id\":\"overlong\",\"text\":\"" + filler + " " + prefix + "surve").getBytes(UTF_8));
    b.writeBytes(new byte[] {(byte) 0xC1, (byte) 0xB9, '"', '}', '\n'});
    Path in = dir.resolve("in.jsonl");
    Files.write(in, b.toByteArray());
    Decontaminator d = Decontaminator.builder(DecontaminatorTest.index()).build();
    Path rep = dir.resolve("r.json");
    DeconReport report =
        DeconRun.builder().decontaminator(d).inputs(List.of(in)).report(rep).build().run();
    assertEquals(2, report.documents());
    assertEquals(6, report.rejected());
    assertEquals(1, report.contaminated());
    JsonNode json = M.readTree(rep.toFile());
    DocumentResult direct = d.scan(filler + " " + item);
    JsonNode hit = json.get("documents").get(1);
    assertEquals("hit", hit.get("id").asText());
    assertEquals(direct.totalOverlaps(), hit.get("total_overlaps").asInt());
    assertEquals(direct.ngrams(), hit.get("ngrams").asInt());
    JsonNode rej = json.get("summary").get("rejections");
    String[] reasons = {
      "invalid UTF-8: byte 0xFF at byte 26",
      "malformed JSON",
      "malformed JSON",
      "malformed JSON",
      "invalid UTF-8: byte 0xED",
      "invalid UTF-8: byte 0xC1"
    };
    for (int k = 0; k < reasons.length; k++) {
      String where = rej.get(k).get("where").asText();
      assertTrue(where.endsWith("in.jsonl:" + (k + 3)), rej.toString());
      assertTrue(rej.get(k).get("reason").asText().startsWith(reasons[k]), rej.toString());
    }
    // The modes that write lines re-read them: the rejected ones never get there.
    Path out = dir.resolve("flagged.jsonl");
    Decontaminator flag =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.FLAG).build();
    DeconReport flagged =
        DeconRun.builder()
            .decontaminator(flag)
            .inputs(List.of(in))
            .report(dir.resolve("f.json"))
            .output(out)
            .build()
            .run();
    assertEquals(6, flagged.rejected());
    assertEquals(2, Files.readAllLines(out).size());
  }

  @Test
  void whatFollowsTheTextIsParsedAsJacksonWould(@TempDir Path dir) throws Exception {
    // The text value is copied by the kernel and not scanned again; the rest of each line is
    // still parsed: ids after the text, nested values, a second text field, and errors there
    // (rejected with the reason Jackson gives for the whole line).
    String item = DecontaminatorTest.ITEM;
    List<String> lines =
        List.of(
            "{\"text\":\"" + item + "\",\"meta\":{\"a\":[1,{\"b\":null}]},\"id\":7}",
            "{\"text\":\"first\", \"id\":\"twice\", \"text\":\"" + item + "\"}",
            "{\"id\":\"comma\",\"text\":\"" + item + "\",}",
            "{\"id\":\"after\",\"text\":\"" + item + "\"} {}",
            "{\"id\":\"open\",\"text\":\"" + item + "\",\"meta\":{\"a\":1}",
            "{\"id\":\"notext\",\"text\":\"" + item + "\",\"text\":5}",
            // Characters that would continue a number straight after the value.
            "{\"id\":\"dot\",\"text\":\"" + item + "\".5}",
            "{\"id\":\"exp\",\"text\":\"" + item + "\"e5,\"id\":3}",
            "{\"id\":\"zeros\",\"text\":\"" + item + "\"00}",
            // Errors whose message names a column: leading blanks, and a container left open.
            "   {\"id\":\"lead\",\"text\":\"" + item + "\",\"a\":[1",
            "{\"id\":\"wrong\",\"text\":\"" + item + "\",\"a\":{\"b\":1]}",
            "{\"id\":\"clean\",\"text\":\"nothing to see\"}   ");
    Path in = dir.resolve("rest.jsonl");
    Files.write(in, lines);
    Decontaminator d = Decontaminator.builder(DecontaminatorTest.index()).build();
    DeconReport report =
        DeconRun.builder()
            .decontaminator(d)
            .inputs(List.of(in))
            .report(dir.resolve("r.json"))
            .threads(1)
            .build()
            .run();
    assertEquals(3, report.documents());
    assertEquals(9, report.rejected());
    assertEquals(2, report.contaminated());
    JsonNode json = M.readTree(dir.resolve("r.json").toFile());
    JsonNode docs = json.get("documents");
    assertEquals(7, docs.get(0).get("id").asInt());
    assertTrue(docs.get(0).get("contaminated").asBoolean());
    assertEquals("twice", docs.get(1).get("id").asText());
    assertTrue(docs.get(1).get("contaminated").asBoolean(), "the last text field counts");
    assertEquals("clean", docs.get(2).get("id").asText());
    JsonNode rej = json.get("summary").get("rejections");
    // The reasons a full Jackson parse of each line gives.
    List<String> bad = lines.subList(2, 11);
    for (int k = 0; k < bad.size(); k++) {
      assertTrue(rej.get(k).get("where").asText().endsWith("rest.jsonl:" + (k + 3)));
      assertEquals(jacksonReason(bad.get(k)), rej.get(k).get("reason").asText(), bad.get(k));
    }
  }

  /** The reason DeconRun gives for a line when Jackson parses it whole. */
  private static String jacksonReason(String line) throws Exception {
    try (com.fasterxml.jackson.core.JsonParser p =
        M.getFactory().createParser(line.getBytes(UTF_8))) {
      p.nextToken();
      com.fasterxml.jackson.core.JsonToken t;
      String text = null;
      while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        com.fasterxml.jackson.core.JsonToken v = p.nextToken();
        if (name.equals("text") && v != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          text = "field 'text' is not a string";
        }
        p.skipChildren();
      }
      if (t != com.fasterxml.jackson.core.JsonToken.END_OBJECT || p.nextToken() != null) {
        return "malformed JSON: trailing data after the object";
      }
      return text;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "malformed JSON: " + e.getOriginalMessage();
    }
  }

  @Test
  void reportModeRefusesAnOutput(@TempDir Path dir) {
    Decontaminator d = Decontaminator.builder(DecontaminatorTest.index()).build();
    assertThrows(
        DataException.class,
        () ->
            DeconRun.builder()
                .decontaminator(d)
                .inputs(List.of(dir.resolve("x")))
                .report(dir.resolve("r"))
                .output(dir.resolve("o"))
                .build());
  }

  @Test
  void aNullSettingIsRefusedWhereItIsGivenNamingIt() {
    java.util.function.BiConsumer<String, org.junit.jupiter.api.function.Executable> refused =
        (message, call) ->
            assertEquals(message, assertThrows(NullPointerException.class, call).getMessage());
    // inputs(null) was the JDK's NullPointerException about addAll's argument ("c" is null).
    refused.accept("inputs: files is null", () -> DeconRun.builder().inputs(null));
    // A null file was taken in, and build failed with a NullPointerException naming no input.
    refused.accept(
        "inputs: file 2 of 2 is null",
        () -> DeconRun.builder().inputs(java.util.Arrays.asList(Path.of("a.jsonl"), null)));
    // Optional.of's NullPointerException, without a message.
    refused.accept("output: file is null", () -> DeconRun.builder().output(null));
    // Taken in, and build said "no report file given", as if it had never been set.
    refused.accept("report: file is null", () -> DeconRun.builder().report(null));
    // Taken in, and build failed with NullPointerException("decontaminator").
    refused.accept(
        "decontaminator: decontaminator is null", () -> DeconRun.builder().decontaminator(null));
    refused.accept("textField: field is null", () -> DeconRun.builder().textField(null));
    refused.accept("idField: field is null", () -> DeconRun.builder().idField(null));
    refused.accept("listener: listener is null", () -> DeconRun.builder().listener(null));
  }

  @Test
  void aRefusedInputsCallAddsNoFile(@TempDir Path dir) throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.write(in, corpus(20));
    Decontaminator d = Decontaminator.builder(DecontaminatorTest.index()).build();
    DeconRun.Builder b = DeconRun.builder().decontaminator(d).report(dir.resolve("r.json"));
    // The file before the null was added, and build went on to fail on the null.
    assertThrows(NullPointerException.class, () -> b.inputs(java.util.Arrays.asList(in, null)));
    DataException e = assertThrows(DataException.class, b::build);
    assertEquals("no input files given", e.getMessage());
    b.inputs(List.of(in)).build().run();
    assertTrue(Files.exists(dir.resolve("r.json")));
  }

  /** Runs a scan and returns its report's JSON. */
  static JsonNode run(Decontaminator d, List<Path> in, Path rep, Path out, int threads) {
    DeconRun.Builder b =
        DeconRun.builder().decontaminator(d).inputs(in).report(rep).threads(threads);
    if (out != null) {
      b.output(out);
    }
    b.build().run();
    try {
      return M.readTree(rep.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of a file, read back through its format. */
  static List<Document> readBack(Path file) {
    List<Document> docs = new ArrayList<>();
    try (BufferAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a);
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      while (r.read(root, 100, x -> fail(x.toString())) > 0) {
        for (int i = 0; i < root.getRowCount(); i++) {
          docs.add(DocumentBatch.get(root, i));
        }
        root.clear();
      }
    }
    return docs;
  }

  /** Writes the documents of JSONL lines (the readable ones) as an Arrow IPC file. */
  static void toArrow(List<String> lines, Path arrow) throws IOException {
    try (BufferAllocator a = new RootAllocator();
        VectorSchemaRoot root = DocumentBatch.create(a);
        DocumentWriter w = Formats.openWriter(arrow)) {
      for (String line : lines) {
        if (!line.endsWith("}")) {
          continue; // the broken line
        }
        JsonNode doc = M.readTree(line);
        if (doc.has("text") && doc.get("text").isTextual()) {
          DocumentBatch.append(root, doc.get("id").asText(), doc.get("text").asText());
        }
      }
      w.write(root);
    }
  }

  @Test
  void otherFormatsGoThroughTheReadersWithTheSameResults(@TempDir Path dir) throws IOException {
    // Two files, the first over one batch of rows (4,096), as JSONL and as Arrow IPC.
    List<Path> jsonl = List.of(dir.resolve("a.jsonl"), dir.resolve("b.jsonl"));
    List<Path> arrow = List.of(dir.resolve("a.arrow"), dir.resolve("b.arrow"));
    int[] docs = {4500, 300};
    for (int f = 0; f < 2; f++) {
      List<String> lines = corpus(docs[f]);
      Files.write(jsonl.get(f), lines);
      toArrow(lines, arrow.get(f));
    }
    for (DeconMode mode : List.of(DeconMode.DROP, DeconMode.JANITOR, DeconMode.FLAG)) {
      Decontaminator d =
          Decontaminator.builder(DecontaminatorTest.index())
              .mode(mode)
              .window(20)
              .minSlice(20)
              .build();
      JsonNode want = run(d, jsonl, dir.resolve("want.json"), dir.resolve("w.jsonl"), 1);
      List<String> wanted = Files.readAllLines(dir.resolve("w.jsonl"));
      for (int threads : new int[] {1, 3}) {
        String where = mode + ", " + threads + " thread(s)";
        Path out = dir.resolve("out" + threads + ".arrow");
        JsonNode got = run(d, arrow, dir.resolve("got.json"), out, threads);
        assertEquals(4800, got.get("documents").size(), where);
        assertEquals(want.get("documents"), got.get("documents"), where);
        assertEquals(want.get("benchmarks"), got.get("benchmarks"), where);
        assertEquals(0, got.get("summary").get("rejected").asInt(), where);
        // The kept documents, as the JSONL path wrote them.
        List<Document> kept = readBack(out);
        assertEquals(wanted.size(), kept.size(), where);
        for (int i = 0; i < kept.size(); i++) {
          JsonNode line = M.readTree(wanted.get(i));
          assertEquals(line.get("id").asText(), kept.get(i).id(), where + " row " + i);
          assertEquals(line.get("text").asText(), kept.get(i).text(), where + " row " + i);
        }
      }
      if (mode == DeconMode.FLAG) {
        // The flags, which the line path nests under "decon" and the batch path writes as the
        // batch's columns.
        run(d, arrow, dir.resolve("got.json"), dir.resolve("flat.jsonl"), 2);
        List<String> flat = Files.readAllLines(dir.resolve("flat.jsonl"));
        assertEquals(wanted.size(), flat.size());
        int hits = 0;
        for (int i = 0; i < flat.size(); i++) {
          JsonNode nested = M.readTree(wanted.get(i)).get("decon");
          JsonNode row = M.readTree(flat.get(i));
          assertEquals(
              nested.get("contaminated").asBoolean(),
              row.get(Decontaminator.COL_CONTAMINATED).asBoolean(),
              "row " + i);
          assertEquals(nested.get("ngrams").asInt(), row.get(Decontaminator.COL_NGRAMS).asInt());
          assertEquals(
              nested.get("benchmark_hits").toString(),
              row.get(Decontaminator.COL_HITS).asText(),
              "row " + i);
          assertEquals(
              nested.get("overlap_fraction").asDouble(),
              row.get(Decontaminator.COL_FRACTION).asDouble(),
              1e-6);
          hits += nested.get("contaminated").asBoolean() ? 1 : 0;
        }
        assertEquals(686, hits);
        // An input that carries a score column (the flag output) beside one that does not: the
        // batches take the union of the inputs' score columns, so one Arrow output takes both.
        Path flagged = dir.resolve("flagged.arrow");
        run(d, List.of(arrow.get(1)), dir.resolve("got.json"), flagged, 1);
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "a plain text document about " + DecontaminatorTest.ITEM);
        Decontaminator drop =
            Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
        JsonNode mixed =
            run(drop, List.of(flagged, plain), dir.resolve("m.json"), dir.resolve("m.arrow"), 2);
        assertEquals(301, mixed.get("documents").size());
        assertEquals(300 - 43, readBack(dir.resolve("m.arrow")).size());
      }
    }
  }

  @Test
  void anOutputFormatThatCannotBeWrittenIsRefusedBeforeTheScan(@TempDir Path dir) {
    Decontaminator d =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                DeconRun.builder()
                    .decontaminator(d)
                    .inputs(List.of(dir.resolve("in.jsonl")))
                    .report(dir.resolve("r.json"))
                    .output(dir.resolve("out.txt"))
                    .build());
    assertTrue(e.getMessage().contains("out.txt: format 'text' cannot be written"), e.getMessage());
  }

  @Test
  void sameNamedInputsWithoutIdsAreToldApartOnTheBatchPath(@TempDir Path dir) throws IOException {
    List<Path> in = new ArrayList<>();
    for (String folder : new String[] {"x", "y"}) {
      Path p = Files.createDirectories(dir.resolve(folder)).resolve("part.jsonl");
      Files.writeString(p, "{\"text\":\"" + DecontaminatorTest.ITEM + "\"}\n");
      in.add(p);
    }
    Decontaminator d =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
    JsonNode rep = run(d, in, dir.resolve("r.json"), dir.resolve("r.arrow"), 1);
    List<String> ids = new ArrayList<>();
    rep.get("documents").forEach(n -> ids.add(n.get("id").asText()));
    assertEquals(List.of("x/part.jsonl:1", "y/part.jsonl:1"), ids);
  }

  @Test
  void anUnknownNameIsReadAsJsonlOnBothPaths(@TempDir Path dir) throws IOException {
    Path in = dir.resolve("data.json");
    Files.write(in, corpus(50));
    Decontaminator d =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
    JsonNode lines = run(d, List.of(in), dir.resolve("a.json"), dir.resolve("a.jsonl"), 1);
    JsonNode batches = run(d, List.of(in), dir.resolve("b.json"), dir.resolve("b.arrow"), 1);
    assertEquals(50, lines.get("documents").size());
    assertEquals(lines.get("documents"), batches.get("documents"));
    // A failed run leaves no report behind (it is written under a temporary name first).
    Path rep = dir.resolve("c.json");
    assertThrows(
        DataException.class,
        () -> run(d, List.of(in, dir.resolve("gone.jsonl")), rep, dir.resolve("c.arrow"), 1));
    assertFalse(Files.exists(rep));
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(f -> f.toString().endsWith(".tmp")).toList());
    }
  }

  @Test
  void jsonlToAnotherFormatRejectsWhatTheReaderCannotRead(@TempDir Path dir) throws IOException {
    Path in = dir.resolve("in.jsonl.zst");
    try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(in))) {
      o.write((String.join("\n", corpus(300)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Decontaminator d =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
    // zstd through the line path, and through the readers when the output is Arrow.
    JsonNode lines = run(d, List.of(in), dir.resolve("a.json"), dir.resolve("a.jsonl"), 2);
    JsonNode batches = run(d, List.of(in), dir.resolve("b.json"), dir.resolve("b.arrow"), 2);
    for (JsonNode rep : List.of(lines, batches)) {
      JsonNode sum = rep.get("summary");
      assertEquals(300, rep.get("documents").size(), rep.toString());
      assertEquals(2, sum.get("rejected").asInt(), sum.toString());
      assertTrue(
          sum.get("rejections").get(0).get("where").asText().endsWith("in.jsonl.zst:7"),
          sum.toString());
      assertEquals(43, rep.get("benchmarks").get(0).get("documents_affected").asInt());
    }
    assertEquals(lines.get("documents"), batches.get("documents"));
    assertEquals(257, Files.readAllLines(dir.resolve("a.jsonl")).size());
    assertEquals(257, readBack(dir.resolve("b.arrow")).size());
  }

  @Test
  void aParquetNameWithoutItsModuleIsRefused(@TempDir Path dir) {
    Decontaminator d = Decontaminator.builder(DecontaminatorTest.index()).build();
    DataException e =
        assertThrows(
            DataException.class,
            () -> run(d, List.of(dir.resolve("x.parquet")), dir.resolve("r.json"), null, 1));
    assertTrue(e.getMessage().contains("midtrain.data.parquet"), e.getMessage());
  }

  @Test
  void progressReachesEveryRecordAndEveryByte(@TempDir Path dir) throws IOException {
    Path gz = dir.resolve("in.jsonl.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write((String.join("\n", corpus(300)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Path plain = dir.resolve("in.jsonl");
    Files.write(plain, corpus(300));
    Path arrow = dir.resolve("in.arrow");
    toArrow(corpus(300), arrow);
    Decontaminator d =
        Decontaminator.builder(DecontaminatorTest.index()).mode(DeconMode.DROP).build();
    // The line path (JSONL only) and the batch path (an Arrow input), on 1 and 2 threads.
    for (List<Path> in : List.of(List.of(plain, gz), List.of(plain, gz, arrow))) {
      long total = 0;
      for (Path f : in) {
        total += Files.size(f);
      }
      for (int threads : new int[] {1, 2}) {
        List<long[]> calls = new ArrayList<>();
        DeconReport r =
            DeconRun.builder()
                .decontaminator(d)
                .inputs(in)
                .report(dir.resolve("r.json"))
                .output(dir.resolve("o.jsonl"))
                .threads(threads)
                .chunkBytes(8192)
                .listener((records, bytes, all) -> calls.add(new long[] {records, bytes, all}))
                .build()
                .run();
        String where = in.size() + " inputs, " + threads + " thread(s)";
        assertTrue(calls.size() > 3, where + ": " + calls.size() + " calls");
        if (in.size() == 2) {
          // The line path reports within a file, a chunk at a time, not only at its end.
          long first = Files.size(plain);
          assertTrue(
              calls.stream().anyMatch(c -> c[1] > 0 && c[1] < first),
              where + ": no progress within the first file");
        }
        for (int i = 1; i < calls.size(); i++) {
          assertTrue(calls.get(i)[0] >= calls.get(i - 1)[0], where);
          assertTrue(calls.get(i)[1] >= calls.get(i - 1)[1], where);
        }
        long[] last = calls.get(calls.size() - 1);
        assertEquals(r.documents() + r.rejected(), last[0], where);
        assertEquals(total, last[1], where);
        assertEquals(total, last[2], where);
      }
    }
    // A missing input fails before the scan starts, not after a bar that reached 100%.
    List<long[]> calls = new ArrayList<>();
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                DeconRun.builder()
                    .decontaminator(d)
                    .inputs(List.of(gz, dir.resolve("gone.jsonl")))
                    .report(dir.resolve("r.json"))
                    .listener((records, bytes, all) -> calls.add(new long[] {records}))
                    .build()
                    .run());
    assertTrue(e.getMessage().contains("gone.jsonl"), e.getMessage());
    assertEquals(0, calls.size());
  }

  @Test
  void aPipeIsReadWithProgressInBytesRead(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("corpus.pipe");
    boolean made;
    try {
      made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
    } catch (IOException e) {
      made = false;
    }
    assumeTrue(made, "mkfifo is not available here");
    byte[] text = (String.join("\n", corpus(200)) + "\n").getBytes(StandardCharsets.UTF_8);
    // The line path (no output), then the batch path (an Arrow output in drop mode).
    for (String out : new String[] {"", "o.arrow"}) {
      Thread writer =
          new Thread(
              () -> {
                try (OutputStream o = Files.newOutputStream(fifo)) {
                  o.write(text);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      writer.start();
      List<long[]> calls = new ArrayList<>();
      DeconRun.Builder b =
          DeconRun.builder()
              .decontaminator(
                  Decontaminator.builder(DecontaminatorTest.index())
                      .mode(out.isEmpty() ? DeconMode.REPORT : DeconMode.DROP)
                      .build())
              .inputs(List.of(fifo))
              .report(dir.resolve("r.json"))
              .threads(1)
              .chunkBytes(4096)
              .listener((records, bytes, all) -> calls.add(new long[] {records, bytes, all}));
      if (!out.isEmpty()) {
        b.output(dir.resolve(out));
      }
      DeconReport r = b.build().run();
      writer.join();
      String where = out.isEmpty() ? "line path" : "batch path";
      assertEquals(200, r.documents(), where);
      for (int i = 1; i < calls.size(); i++) {
        assertTrue(calls.get(i)[1] >= calls.get(i - 1)[1], where + ": went back at call " + i);
      }
      long[] last = calls.get(calls.size() - 1);
      assertEquals(text.length, last[1], where);
      assertEquals(0, last[2], where); // a pipe has no size to announce
    }
  }
}
