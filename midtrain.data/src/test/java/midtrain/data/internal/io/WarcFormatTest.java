package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import midtrain.data.Document;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarcFormatTest {
  private static final String PARA =
      "Tide tables for the estuary are published each month by the harbour office and posted"
          + " outside the lifeboat station.";

  @TempDir Path dir;

  private static byte[] record(String type, int n, String uri, String contentType, byte[] block) {
    String head =
        "WARC/1.0\r\n"
            + "WARC-Type: "
            + type
            + "\r\n"
            + "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-"
            + String.format("%012d", n)
            + ">\r\n"
            + "WARC-Date: 2024-03-0"
            + (1 + n % 9)
            + "T12:00:00Z\r\n"
            + (uri == null ? "" : "WARC-Target-URI: " + uri + "\r\n")
            + "Content-Type: "
            + contentType
            + "\r\n"
            + "Content-Length: "
            + block.length
            + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(block);
    out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static byte[] http(int status, String type, byte[] body) {
    String head =
        "HTTP/1.1 "
            + status
            + " X\r\n"
            + (type == null ? "" : "Content-Type: " + type + "\r\n")
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] response(
      int n, int status, String type, String html, java.nio.charset.Charset cs) {
    return record(
        "response",
        n,
        "http://example.com/" + n,
        "application/http; msgtype=response",
        http(status, type, html.getBytes(cs)));
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private static List<byte[]> crawl() {
    String page = "<html><body><nav><a href=/>Home</a></nav><p>" + PARA + "</p></body></html>";
    return List.of(
        record(
            "warcinfo",
            0,
            null,
            "application/warc-fields",
            "software: test\r\n".getBytes(StandardCharsets.UTF_8)),
        record(
            "request",
            1,
            "http://example.com/1",
            "application/http; msgtype=request",
            "GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.UTF_8)),
        response(2, 200, "text/html; charset=utf-8", page, StandardCharsets.UTF_8),
        response(3, 404, "text/html", page, StandardCharsets.UTF_8),
        response(4, 200, "image/png", "\u0089PNG....", StandardCharsets.ISO_8859_1),
        response(
            5,
            200,
            "text/html",
            "<html><body><nav>only a menu</nav></body></html>",
            StandardCharsets.UTF_8),
        // Latin-1 page: the charset in the header must be honoured.
        response(
            6,
            200,
            "text/html; charset=iso-8859-1",
            "<p>Café crème " + PARA + "</p>",
            StandardCharsets.ISO_8859_1),
        // No content type at all: sniffed as HTML.
        response(7, 200, null, "<!DOCTYPE html><p>" + PARA + "</p>", StandardCharsets.UTF_8));
  }

  @Test
  void warcResponsesGiveMainTextAndTheRestAreRejectedWithReasons() throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    for (byte[] r : crawl()) {
      plain.writeBytes(r);
      packed.writeBytes(gzip(r)); // one gzip member per record, as crawlers write them
    }
    for (String name : List.of("c.warc", "c.warc.gz")) {
      Path file = dir.resolve(name);
      Files.write(file, name.endsWith(".gz") ? packed.toByteArray() : plain.toByteArray());
      IoTesting.Rejects rejects = new IoTesting.Rejects();
      try (RootAllocator a = new RootAllocator();
          DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
        List<Document> docs = IoTesting.readAll(r, a, rejects);
        assertEquals(3, docs.size(), name);
        Document d = docs.get(0);
        assertEquals("urn:uuid:00000000-0000-0000-0000-000000000002", d.id());
        assertEquals(PARA, d.text());
        assertEquals(name, d.source());
        JsonNode meta = new ObjectMapper().readTree(d.meta());
        assertEquals("http://example.com/2", meta.get("url").asText());
        assertEquals("2024-03-03T12:00:00Z", meta.get("date").asText());
        assertEquals("Café crème " + PARA, docs.get(1).text());
        assertEquals(PARA, docs.get(2).text());
        assertEquals(List.of("http-status", "not-html", "empty"), rejects.reasons());
        assertEquals(List.of(4L, 5L, 6L), rejects.all.stream().map(x -> x.line()).toList());
        assertEquals(6, r.records(), "warcinfo and request records are not documents");
      }
    }
  }

  @Test
  void wetConversionsAreTakenAsTheyAre() throws IOException {
    ByteArrayOutputStream wet = new ByteArrayOutputStream();
    wet.writeBytes(
        record(
            "warcinfo",
            0,
            null,
            "application/warc-fields",
            "x: y\r\n".getBytes(StandardCharsets.UTF_8)));
    wet.writeBytes(
        record(
            "conversion",
            1,
            "http://a/",
            "text/plain",
            "Zeile eins\nZeile zwei ü".getBytes(StandardCharsets.UTF_8)));
    wet.writeBytes(
        record(
            "conversion", 2, "http://b/", "text/plain", new byte[] {'b', 'a', 'd', (byte) 0xFE}));
    wet.writeBytes(record("conversion", 3, "http://c/", "text/plain", new byte[0]));
    wet.writeBytes(
        record(
            "conversion",
            4,
            "http://d/",
            "text/plain",
            "x".repeat(300).getBytes(StandardCharsets.UTF_8)));
    Path file = dir.resolve("c.wet.gz");
    Files.write(file, gzip(wet.toByteArray()));
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r =
            Formats.openReader(
                file, ReaderOptions.builder().maxDocumentBytes(200).defaultSource("cc").build())) {
      List<Document> docs = IoTesting.readAll(r, a, rejects);
      assertEquals(1, docs.size());
      assertEquals("Zeile eins\nZeile zwei ü", docs.get(0).text());
      assertEquals("cc", docs.get(0).source());
      assertEquals(List.of("invalid-utf8", "empty", "oversized"), rejects.reasons());
    }
  }

  @Test
  void truncatedWarcGzipEndsWithOneReject() throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    for (int i = 0; i < 20; i++) {
      packed.writeBytes(
          gzip(
              response(
                  i, 200, "text/html", "<p>" + i + " " + PARA + "</p>", StandardCharsets.UTF_8)));
    }
    byte[] b = packed.toByteArray();
    Path file = dir.resolve("cut.warc.gz");
    Files.write(file, Arrays.copyOf(b, b.length * 2 / 3));
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      List<Document> docs = IoTesting.readAll(r, a, rejects);
      assertTrue(docs.size() >= 10 && docs.size() < 20, "documents before the cut: " + docs.size());
      assertEquals(List.of("truncated-stream"), rejects.reasons());
    }
  }

  @Test
  void aPlainWarcCutInsideARecordCountsThatRecordOnce() throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    for (int i = 0; i < 6; i++) {
      packed.writeBytes(
          response(i, 200, "text/html", "<p>" + i + " " + PARA + "</p>", StandardCharsets.UTF_8));
    }
    byte[] b = packed.toByteArray();
    Path file = dir.resolve("cut.warc");
    // Cut in the middle of the fourth record's body.
    Files.write(file, Arrays.copyOf(b, b.length * 4 / 6 - 40));
    IoTesting.Rejects rejects = new IoTesting.Rejects();
    try (RootAllocator a = new RootAllocator();
        DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
      List<Document> docs = IoTesting.readAll(r, a, rejects);
      assertEquals(1, rejects.reasons().size(), rejects.reasons().toString());
      assertEquals(r.records(), docs.size() + 1);
      assertEquals(4, r.records());
    }
  }
}
