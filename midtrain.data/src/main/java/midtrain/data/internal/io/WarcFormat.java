package midtrain.data.internal.io;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import midtrain.data.DataException;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.Reject;
import midtrain.data.io.RejectSink;
import midtrain.data.spi.FormatProvider;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.jsoup.Jsoup;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcConversion;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcTargetRecord;

/**
 * Web crawl archives: WARC ({@code .warc}, {@code .warc.gz}) and WET ({@code .wet}, {@code
 * .wet.gz}), read with jwarc.
 *
 * <p>Records: {@code response} records give the main text of their HTML ({@link MainText}), {@code
 * conversion} records (WET) give their text as is. Only these two types are records in the
 * accounting sense; {@code warcinfo}, {@code request}, {@code metadata}, {@code revisit} and {@code
 * resource} records hold no document and are skipped. The id is the {@code WARC-Record-ID}, the
 * source the file name (or the default source), and {@code meta} holds {@code url} ({@code
 * WARC-Target-URI}) and {@code date} ({@code WARC-Date}). Reject line numbers count every WARC
 * record of the file from 1.
 *
 * <p>Rejects: a non-2xx response ({@code http-status}), a payload that is not HTML ({@code
 * not-html}; a missing content type is sniffed), an HTTP message or body that cannot be parsed or
 * decoded ({@code undecodable}), HTML over 4 × maxDocumentBytes ({@code oversized}), no main text
 * ({@code empty}), WET text that is not UTF-8 ({@code invalid-utf8}). A WARC stream that cannot be
 * parsed further ends the input with one {@code truncated-stream} reject. Gzip is decoded (and
 * capped) by midtrain, so the decompression caps of {@link ReaderOptions} hold.
 */
public final class WarcFormat implements FormatProvider {
  /** Creates the provider; cheap, as {@link java.util.ServiceLoader} requires. */
  public WarcFormat() {}

  @Override
  public String id() {
    return "warc";
  }

  @Override
  public List<String> suffixes() {
    return List.of(".warc", ".warc.gz", ".wet", ".wet.gz");
  }

  @Override
  public DocumentReader openReader(Path file, ReaderOptions options) {
    return new Reader(file, options);
  }

  private static final class Reader implements DocumentReader {
    private final Path file;
    private final String name;
    private final ReaderOptions options;
    private final DecodedInput input;
    private final byte[] source;
    private org.netpreserve.jwarc.WarcReader warc;
    private boolean done;
    private boolean lastUndecodable;
    private long records;
    private long position;
    private String problem;
    private final Json.Bytes meta = new Json.Bytes(256);

    Reader(Path file, ReaderOptions options) {
      this.file = file;
      this.name = file.toString();
      this.options = options;
      this.input = DecodedInput.open(file, options);
      String src =
          options.defaultSource().isEmpty()
              ? String.valueOf(file.getFileName())
              : options.defaultSource();
      this.source = src.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int read(VectorSchemaRoot root, int max, RejectSink rejects) {
      if (max < 1) {
        throw new DataException(name + ": read needs max >= 1, got " + max);
      }
      RowWriter rows = new RowWriter(root);
      int added = 0;
      try {
        while (added < max && !done) {
          Optional<WarcRecord> next;
          try {
            if (warc == null) {
              warc = new org.netpreserve.jwarc.WarcReader(input.stream());
            }
            next = warc.next();
          } catch (DecodedInput.CapExceeded e) {
            streamFailed(rejects, "decompression-cap", e.getMessage());
            break;
          } catch (IOException | RuntimeException e) {
            if (e instanceof DataException) {
              throw (DataException) e;
            }
            if (lastUndecodable) {
              // The record whose body could not be read was cut by this same failure: it is
              // already rejected, so the stream just ends here.
              done = true;
              break;
            }
            streamFailed(
                rejects, "truncated-stream", e.getClass().getSimpleName() + ": " + e.getMessage());
            break;
          }
          lastUndecodable = false;
          if (next.isEmpty()) {
            done = true;
            break;
          }
          position++;
          WarcRecord rec = next.get();
          String text;
          String reason;
          try {
            if (rec instanceof WarcResponse) {
              records++;
              text = response((WarcResponse) rec);
            } else if (rec instanceof WarcConversion) {
              records++;
              text = conversion((WarcConversion) rec);
            } else {
              continue;
            }
            reason = text == null ? reasonOf(problem) : null;
          } catch (DecodedInput.CapExceeded e) {
            streamFailed(rejects, "decompression-cap", e.getMessage());
            records--; // the record being read is the one the stream failure accounts for
            break;
          } catch (IOException | RuntimeException e) {
            if (e instanceof DataException) {
              throw (DataException) e;
            }
            text = null;
            reason = "undecodable";
            lastUndecodable = true;
            problem = "undecodable: " + e.getClass().getSimpleName() + ": " + e.getMessage();
          }
          if (reason == null) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (text.isBlank()) {
              reason = "empty";
              problem = "empty: no main text";
            } else if (bytes.length > options.maxDocumentBytes()) {
              reason = "oversized";
              problem =
                  "oversized: text of "
                      + bytes.length
                      + " bytes is over maxDocumentBytes "
                      + options.maxDocumentBytes();
            } else {
              byte[] m = meta((WarcTargetRecord) rec);
              rows.add(
                  rec.id().toString().getBytes(StandardCharsets.UTF_8),
                  bytes,
                  source,
                  options.defaultDomain().isEmpty()
                      ? null
                      : options.defaultDomain().getBytes(StandardCharsets.UTF_8),
                  null,
                  m,
                  m.length,
                  null);
              added++;
              continue;
            }
          }
          rejects.reject(new Reject(name, position, reason, detailOf(problem, rec)));
        }
      } finally {
        rows.finish();
      }
      return added;
    }

    /** Problems are stored as "reason: detail" so helpers can return just the text or null. */
    private static String reasonOf(String problem) {
      return problem.substring(0, problem.indexOf(':'));
    }

    private static String detailOf(String problem, WarcRecord rec) {
      String d = problem.substring(problem.indexOf(':') + 1).strip();
      String url = rec instanceof WarcTargetRecord ? ((WarcTargetRecord) rec).target() : "";
      return d + " (" + rec.id() + (url == null || url.isEmpty() ? "" : ", " + url) + ")";
    }

    private void streamFailed(RejectSink rejects, String reason, String detail) {
      records++;
      done = true;
      rejects.reject(
          new Reject(name, Math.max(1, position + 1), reason, detail + "; input ends here"));
    }

    private String response(WarcResponse rec) throws IOException {
      HttpResponse http;
      try {
        http = rec.http();
      } catch (IOException | RuntimeException e) {
        problem = "undecodable: HTTP message cannot be parsed: " + e.getMessage();
        return null;
      }
      if (http.status() < 200 || http.status() > 299) {
        problem = "http-status: HTTP " + http.status();
        return null;
      }
      int limit = (int) Math.min(Integer.MAX_VALUE - 16, 4L * options.maxDocumentBytes());
      byte[] body = readUpTo(http.bodyDecoded().stream(), limit + 1L);
      if (body.length > limit) {
        problem = "oversized: HTML over " + limit + " bytes (4 x maxDocumentBytes)";
        return null;
      }
      MediaType type = http.contentType();
      String base = type == null ? "" : type.base().toString().toLowerCase(Locale.ROOT);
      boolean html =
          base.equals("text/html")
              || base.equals("application/xhtml+xml")
              || ((base.isEmpty() || base.equals("application/octet-stream"))
                  && looksLikeHtml(body));
      if (!html) {
        problem = "not-html: content type '" + (base.isEmpty() ? "none" : base) + "'";
        return null;
      }
      String charset = type == null ? null : type.parameters().get("charset");
      if (charset != null) {
        try {
          if (!Charset.isSupported(charset)) {
            charset = null; // jsoup then looks for <meta charset> and falls back to UTF-8
          }
        } catch (IllegalArgumentException e) {
          charset = null;
        }
      }
      org.jsoup.nodes.Document doc =
          Jsoup.parse(new ByteArrayInputStream(body), charset, rec.target());
      return MainText.extract(doc);
    }

    private String conversion(WarcConversion rec) throws IOException {
      byte[] body = readUpTo(rec.body().stream(), options.maxDocumentBytes() + 1L);
      if (body.length > options.maxDocumentBytes()) {
        problem = "oversized: text over maxDocumentBytes " + options.maxDocumentBytes();
        return null;
      }
      int bad = Utf8.invalidAt(body, 0, body.length);
      if (bad >= 0) {
        problem =
            String.format(
                "invalid-utf8: byte 0x%02X at offset %d is not valid UTF-8", body[bad] & 0xFF, bad);
        return null;
      }
      return new String(body, StandardCharsets.UTF_8);
    }

    private static boolean looksLikeHtml(byte[] body) {
      String head =
          new String(body, 0, Math.min(body.length, 512), StandardCharsets.ISO_8859_1)
              .stripLeading()
              .toLowerCase(Locale.ROOT);
      if (head.startsWith("\u00ef\u00bb\u00bf")) {
        head = head.substring(3).stripLeading();
      }
      return head.startsWith("<!doctype html") || head.startsWith("<html");
    }

    private static byte[] readUpTo(InputStream in, long limit) throws IOException {
      return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 16));
    }

    private byte[] meta(WarcTargetRecord rec) {
      meta.reset();
      try (JsonGenerator g = Json.FACTORY.createGenerator(meta)) {
        g.writeStartObject();
        String url = rec.target();
        if (url != null) {
          g.writeStringField("url", url);
        }
        String date;
        try {
          date = rec.date().toString();
        } catch (RuntimeException e) {
          date = rec.headers().first("WARC-Date").orElse(null); // unparsable: kept as written
        }
        if (date != null) {
          g.writeStringField("date", date);
        }
        g.writeEndObject();
      } catch (IOException e) {
        throw new DataException(name + ": cannot write meta", e);
      }
      return meta.toByteArray();
    }

    @Override
    public long records() {
      return records;
    }

    @Override
    public long bytesRead() {
      return input.bytesRead();
    }

    @Override
    public void close() {
      input.close();
      if (warc != null) {
        try {
          warc.close();
        } catch (IOException e) {
          // read-only input
        }
      }
    }
  }
}
