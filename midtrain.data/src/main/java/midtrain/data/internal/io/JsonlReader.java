package midtrain.data.internal.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.Reject;
import midtrain.data.io.RejectSink;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads JSON Lines, one object per line, in bounded memory.
 *
 * <p>Mapping: the id, text, source, domain and language come from the field paths of {@link
 * ReaderOptions} (dot paths reach into nested objects; a nested object loses only the extracted
 * leaves and keeps the rest in {@code meta}). An absent or empty id becomes {@code <file
 * name>:<line>}; an absent source becomes the default source or the file name. A top-level {@code
 * lineage} array fills the batch's lineage column, a top-level number whose name is a score column
 * of the batch fills that column; every other field goes to {@code meta} unchanged (or is dropped
 * when {@link ReaderOptions#keepMeta()} is off).
 *
 * <p>Records: every non-blank line is one record. Blank lines (empty or only spaces, tabs) carry
 * nothing and are not records. A stream failure (truncation, decompression cap) counts as one more
 * record, rejected, and ends the input.
 *
 * <p>Lines are bounded at {@code 4 × maxDocumentBytes + 1 MiB} (JSON escapes of non-ASCII text,
 * such as Python's default {@code ensure_ascii}, take up to four bytes per UTF-8 byte); a longer
 * line is skipped without being held and rejected as {@code oversized}.
 */
final class JsonlReader implements DocumentReader {
  private static final int ID = 0;
  private static final int TEXT = 1;
  private static final int SOURCE = 2;
  private static final int DOMAIN = 3;
  private static final int LANG = 4;
  private static final String LINEAGE = "lineage";

  private final String name;
  private final String fileName;

  /** What default ids begin with: the file name, or the run's name for this input. */
  private final String idName;

  private final ReaderOptions options;
  private final DecodedInput input;
  private final int maxLine;
  private final byte[] defaultSource;
  private final byte[] defaultDomain;

  /** Top-level field name to a bit mask of the slots it fills. */
  private final Map<String, Integer> direct = new HashMap<>();

  /** First segment of a dotted path to the paths below it. */
  private final Map<String, List<Nested>> nested = new HashMap<>();

  private final String[] values = new String[5];
  private final Json.Bytes metaBytes = new Json.Bytes(256);
  private JsonGenerator metaGen;
  private byte[] lineage;
  private String problem;

  private LineReader lines;
  private boolean done;
  private long records;

  private record Nested(int slot, String[] rest) {}

  JsonlReader(Path file, ReaderOptions options) {
    this.name = file.toString();
    this.fileName = String.valueOf(file.getFileName());
    this.idName = options.inputName().isEmpty() ? fileName : options.inputName();
    this.options = options;
    this.maxLine =
        (int) Math.min(Integer.MAX_VALUE - 64, 4L * options.maxDocumentBytes() + (1 << 20));
    String src = options.defaultSource().isEmpty() ? fileName : options.defaultSource();
    this.defaultSource = src.getBytes(StandardCharsets.UTF_8);
    this.defaultDomain =
        options.defaultDomain().isEmpty()
            ? null
            : options.defaultDomain().getBytes(StandardCharsets.UTF_8);
    String[] paths = {
      options.idField(),
      options.textField(),
      options.sourceField(),
      options.domainField(),
      options.langField()
    };
    for (int slot = 0; slot < paths.length; slot++) {
      String p = paths[slot];
      int dot = p.indexOf('.');
      if (dot < 0) {
        direct.merge(p, 1 << slot, (a, b) -> a | b);
      } else {
        String[] parts = p.split("\\.");
        String[] rest = new String[parts.length - 1];
        System.arraycopy(parts, 1, rest, 0, rest.length);
        nested.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(new Nested(slot, rest));
      }
    }
    this.input = DecodedInput.open(file, options);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Returns the {@code score.*} fields of the first record that carry numbers (as written by {@code
   * midtrain rate}), so that a pipeline can keep them as score columns. Looks at the first
   * non-blank line only, which is then read again as usual.
   */
  @Override
  public List<String> scoreColumns() {
    if (peeked != null) {
      return peeked;
    }
    peeked = List.of();
    if (done) {
      return peeked;
    }
    try {
      if (lines == null) {
        lines = new LineReader(input.stream(), maxLine);
      }
      LineReader.Kind kind;
      do {
        kind = lines.next();
        if (kind != LineReader.Kind.LINE
            || !isBlank(lines.buffer(), lines.offset(), lines.length())) {
          break;
        }
        // Blank lines carry nothing: skipping them here changes no count.
      } while (true);
      if (kind == LineReader.Kind.LINE) {
        List<String> found = new ArrayList<>();
        try (JsonParser p =
            Json.FACTORY.createParser(lines.buffer(), lines.offset(), lines.length())) {
          if (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken v = p.nextToken();
              if (f.startsWith(DocumentBatch.SCORE_PREFIX)
                  && (v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_NUMBER_INT)) {
                found.add(f);
              }
              p.skipChildren();
            }
          }
        } catch (IOException e) {
          // A malformed first line is rejected by read(); it names no score columns.
        }
        peeked = List.copyOf(found);
      }
      lines.pushBack(kind);
    } catch (IOException e) {
      // read() reports it as it would have: the record it cut is rejected, the input ends.
      pendingIo = e;
    }
    return peeked;
  }

  private List<String> peeked;
  private IOException pendingIo;

  @Override
  public int read(VectorSchemaRoot root, int max, RejectSink rejects) {
    if (max < 1) {
      throw new DataException(name + ": read needs max >= 1, got " + max);
    }
    RowWriter rows = new RowWriter(root);
    int added = 0;
    try {
      while (added < max && !done) {
        LineReader.Kind kind;
        try {
          if (lines == null) {
            lines = new LineReader(input.stream(), maxLine);
          }
          if (pendingIo != null) {
            IOException e = pendingIo;
            pendingIo = null;
            throw e;
          }
          kind = lines.next();
        } catch (DecodedInput.CapExceeded e) {
          streamFailed(rejects, "decompression-cap", e.getMessage());
          break;
        } catch (IOException e) {
          streamFailed(rejects, "truncated-stream", DecodedInput.describe(e));
          break;
        }
        if (kind == LineReader.Kind.END) {
          done = true;
          break;
        }
        long line = lines.lineNumber();
        if (kind == LineReader.Kind.TOO_LONG) {
          records++;
          rejects.reject(
              new Reject(
                  name,
                  line,
                  "oversized",
                  "line of "
                      + lines.skippedBytes()
                      + "+ bytes is over the line limit of "
                      + maxLine
                      + " bytes (4 x maxDocumentBytes + 1 MiB)"));
          continue;
        }
        byte[] buf = lines.buffer();
        int off = lines.offset();
        int len = lines.length();
        if (isBlank(buf, off, len)) {
          continue;
        }
        records++;
        // invalidAt skips ASCII eight bytes at a time: no separate ASCII check first.
        int bad = Utf8.invalidAt(buf, off, len);
        if (bad >= 0) {
          rejects.reject(
              new Reject(
                  name,
                  line,
                  "invalid-utf8",
                  String.format(
                      "byte 0x%02X at byte %d of the line is not valid UTF-8",
                      buf[bad] & 0xFF, bad - off + 1)));
          continue;
        }
        String reason = parse(buf, off, len, rows);
        if (reason != null) {
          rows.clearScores();
          rejects.reject(new Reject(name, line, reason, problem));
          continue;
        }
        String text = values[TEXT];
        int lone = Utf8.unpairedSurrogate(text);
        if (lone >= 0) {
          rows.clearScores();
          rejects.reject(
              new Reject(
                  name,
                  line,
                  "invalid-utf8",
                  "field '"
                      + options.textField()
                      + "' has an unpaired surrogate (a \\u escape) at character "
                      + (lone + 1)
                      + ": it has no UTF-8 encoding"));
          continue;
        }
        if (text.isBlank()) {
          rows.clearScores();
          rejects.reject(
              new Reject(
                  name, line, "empty", "field '" + options.textField() + "' is empty or blank"));
          continue;
        }
        byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
        if (textBytes.length > options.maxDocumentBytes()) {
          rows.clearScores();
          rejects.reject(
              new Reject(
                  name,
                  line,
                  "oversized",
                  "text of "
                      + textBytes.length
                      + " bytes is over maxDocumentBytes "
                      + options.maxDocumentBytes()));
          continue;
        }
        String id = values[ID];
        byte[] idBytes =
            (id == null || id.isEmpty() ? idName + ":" + line : id)
                .getBytes(StandardCharsets.UTF_8);
        byte[] src = values[SOURCE] == null ? defaultSource : bytes(values[SOURCE]);
        byte[] dom = values[DOMAIN] == null ? defaultDomain : bytes(values[DOMAIN]);
        byte[] lng = values[LANG] == null ? null : bytes(values[LANG]);
        boolean hasMeta = metaBytes.size() > 0;
        rows.add(
            idBytes,
            textBytes,
            src,
            dom,
            lng,
            hasMeta ? metaBytes.array() : null,
            metaBytes.size(),
            lineage);
        added++;
      }
    } finally {
      rows.finish();
    }
    return added;
  }

  private void streamFailed(RejectSink rejects, String reason, String detail) {
    records++;
    done = true;
    long line = lines == null ? 1 : lines.lineNumber();
    rejects.reject(new Reject(name, Math.max(1, line), reason, detail + "; input ends here"));
  }

  private static byte[] bytes(String s) {
    return s.isEmpty() ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isBlank(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Parses one line into {@link #values}, meta and lineage; returns a reject reason or null. */
  private String parse(byte[] buf, int off, int len, RowWriter rows) {
    java.util.Arrays.fill(values, null);
    textProblem = null;
    metaBytes.reset();
    metaGen = null;
    lineage = null;
    problem = null;
    try (JsonParser p = Json.FACTORY.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        problem = "not a JSON object: " + Json.snippet(buf, off, len);
        return "malformed-json";
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        t = p.nextToken();
        Integer mask = direct.get(field);
        if (mask != null) {
          String v = scalar(p, t, field);
          if (problem != null) {
            return "missing-field";
          }
          for (int slot = 0; slot < 5; slot++) {
            if ((mask & (1 << slot)) != 0) {
              values[slot] = v;
            }
          }
          continue;
        }
        List<Nested> below = nested.get(field);
        if (below != null) {
          JsonNode tree = p.readValueAsTree();
          if (extract(field, tree, below) != null) {
            return "missing-field";
          }
          continue;
        }
        if (t == JsonToken.START_ARRAY && field.equals(LINEAGE) && rows.hasLineage()) {
          JsonNode tree = p.readValueAsTree();
          lineage = Json.MAPPER.writeValueAsBytes(tree);
          continue;
        }
        if (t.isNumeric() && field.startsWith("score.")) {
          int si = rows.scoreIndex(field);
          if (si >= 0) {
            rows.score(si, p.getFloatValue());
            continue;
          }
        }
        if (options.keepMeta()) {
          meta().writeFieldName(field);
          metaGen.copyCurrentStructure(p);
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        problem = "unexpected " + t + ": " + Json.snippet(buf, off, len);
        return "malformed-json";
      }
      if (p.nextToken() != null) {
        problem = "content after the JSON object: " + Json.snippet(buf, off, len);
        return "malformed-json";
      }
      if (metaGen != null) {
        metaGen.writeEndObject();
        metaGen.close();
      }
    } catch (JsonProcessingException e) {
      problem = e.getOriginalMessage() + ": " + Json.snippet(buf, off, len);
      return "malformed-json";
    } catch (IOException e) {
      // Parsing a byte array does no I/O; anything else Jackson throws is about the content.
      problem = e.getMessage() + ": " + Json.snippet(buf, off, len);
      return "malformed-json";
    }
    if (values[TEXT] == null) {
      problem = textProblem != null ? textProblem : "no field '" + options.textField() + "'";
      textProblem = null;
      return "missing-field";
    }
    textProblem = null;
    return null;
  }

  private String textProblem;

  private JsonGenerator meta() throws IOException {
    if (metaGen == null) {
      metaGen = Json.FACTORY.createGenerator(metaBytes);
      metaGen.writeStartObject();
    }
    return metaGen;
  }

  /** Reads a mapped scalar; sets {@link #problem} when the value cannot be one. */
  private String scalar(JsonParser p, JsonToken t, String field) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_NULL:
        if (field.equals(options.textField())) {
          textProblem = "field '" + field + "' is null";
        }
        return null;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_TRUE:
      case VALUE_FALSE:
        if (field.equals(options.textField())) {
          textProblem =
              "field '"
                  + field
                  + "' is "
                  + (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE
                      ? "a boolean"
                      : "a number")
                  + " ("
                  + p.getText()
                  + "), not a string";
          return null;
        }
        return p.getText();
      default:
        problem =
            "field '"
                + field
                + "' is "
                + (t == JsonToken.START_OBJECT ? "an object" : "an array")
                + ", not a string";
        p.skipChildren();
        return null;
    }
  }

  /** Takes the nested paths out of one top-level value; returns a problem or null. */
  private String extract(String head, JsonNode tree, List<Nested> below) throws IOException {
    boolean removed = false;
    for (Nested n : below) {
      JsonNode parent = tree;
      for (int i = 0; i < n.rest().length - 1 && parent != null; i++) {
        parent = parent.get(n.rest()[i]);
      }
      String leafName = n.rest()[n.rest().length - 1];
      JsonNode leaf = parent == null || !parent.isObject() ? null : parent.get(leafName);
      if (leaf == null || leaf.isNull()) {
        continue;
      }
      String path = head + "." + String.join(".", n.rest());
      if (leaf.isContainerNode() || (n.slot() == TEXT && !leaf.isTextual())) {
        problem = "field '" + path + "' is " + leaf.getNodeType() + ", not a string";
        return problem;
      }
      values[n.slot()] = leaf.asText();
      ((ObjectNode) parent).remove(leafName);
      removed = true;
    }
    if (options.keepMeta() && !(removed && isEmptyTree(tree))) {
      meta().writeFieldName(head);
      metaGen.writeTree(tree);
    }
    return null;
  }

  /** An object whose only content was the extracted leaves (possibly in emptied sub-objects). */
  private static boolean isEmptyTree(JsonNode n) {
    if (!n.isObject()) {
      return false;
    }
    for (JsonNode c : n) {
      if (!isEmptyTree(c)) {
        return false;
      }
    }
    return true;
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
  }
}
