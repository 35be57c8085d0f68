package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The JSON string kernel and the newline count at every width against Jackson and plain loops. */
class JsonStringTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = MAPPER.getFactory();
  private static final int[] ALL_WIDTHS = {0, 64, 128, 256, 512};

  /** A string with escapes of every kind, raw multi-byte text and lone surrogates. */
  static String randomString(SplittableRandom r, int chars) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < chars; i++) {
      int k = r.nextInt(100);
      if (k < 50) {
        sb.append((char) ('a' + r.nextInt(26)));
      } else if (k < 60) {
        sb.append(" \n\t\"\\/\r\b\f".charAt(r.nextInt(9)));
      } else if (k < 65) {
        sb.append((char) r.nextInt(0x20)); // control characters, escaped as \\u00XX
      } else if (k < 80) {
        sb.appendCodePoint(0xA0 + r.nextInt(0x3000));
      } else if (k < 88) {
        sb.appendCodePoint(0x1F300 + r.nextInt(0x300));
      } else if (k < 90) {
        sb.append((char) (0xD800 + r.nextInt(0x800))); // a lone surrogate
      } else {
        sb.append(' ');
      }
    }
    return sb.toString();
  }

  /** What the scan used to get: Jackson's string encoded to UTF-8. */
  static byte[] jackson(byte[] line) throws IOException {
    try (JsonParser p = JSON.createParser(line)) {
      assertEquals(JsonToken.VALUE_STRING, p.nextToken());
      return p.getText().getBytes(StandardCharsets.UTF_8);
    }
  }

  static void checkAllWidths(byte[] line, byte[] want, String where) {
    for (int bits : ALL_WIDTHS) {
      JsonString js = JsonString.create(bits);
      int end = js.decode(line, 1, line.length);
      assertEquals(line.length, end, where + " width " + bits);
      assertArrayEquals(want, Arrays.copyOf(js.bytes, js.length), where + " width " + bits);
    }
  }

  @Test
  void decodesWhatJacksonDecodes() throws IOException {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 400; i++) {
      String s = randomString(r, r.nextInt(0, 600));
      // Jackson writes control characters and quotes escaped; \\u escapes for the rest are mixed
      // in by hand below.
      byte[] line = MAPPER.writeValueAsBytes(s);
      checkAllWidths(line, jackson(line), "random #" + i);
    }
    String[] hand = {
      "\"\"",
      "\"\\u00e9t\\u00C9\\u4e2d\\ud83d\\ude00x\"",
      "\"lone \\ud83d then \\u0041 and \\ude00 alone\"",
      "\"pair at end \\ud83d\\ude00\"",
      "\"" + "y".repeat(200) + "\\\\" + "z".repeat(63) + "\\\"" + "\"",
      "\"\\/\\b\\f\\n\\r\\t\"",
    };
    for (String h : hand) {
      byte[] line = h.getBytes(StandardCharsets.UTF_8);
      checkAllWidths(line, jackson(line), h);
    }
  }

  /** Escapes of unpaired surrogates are flagged (their text has no UTF-8), pairs are not. */
  @Test
  void flagsUnpairedSurrogates() {
    String[][] cases = {
      {"\"x \\ud800 y\"", "true"},
      {"\"x \\udc00\"", "true"},
      {"\"\\ud83d\\ude00 pair\"", "false"},
      {"\"plain\"", "false"},
    };
    for (int bits : ALL_WIDTHS) {
      JsonString js = JsonString.create(bits);
      for (String[] c : cases) {
        byte[] line = c[0].getBytes(StandardCharsets.UTF_8);
        assertEquals(line.length, js.decode(line, 1, line.length), c[0]);
        assertEquals(Boolean.parseBoolean(c[1]), js.loneSurrogate, c[0] + " width " + bits);
      }
    }
  }

  /**
   * Multi-byte sequences at every position around the vectors' edges, dense and sparse, between
   * escapes and before the closing quote: the same bytes as the scalar kernel at every width.
   */
  @Test
  void sequencesAtEveryPositionOfAVector() throws IOException {
    String[] seqs = {"\u00e9", "\u00a0", "\u4e2d", "\u2028", "\ud83d\ude00"};
    for (String seq : seqs) {
      for (int at = 0; at < 140; at++) {
        for (String filler : new String[] {"a", "a\u00e9", "ab\\n"}) {
          StringBuilder sb = new StringBuilder("\"");
          while (sb.length() < at) {
            sb.append(filler);
          }
          sb.append(seq).append("xyz").append(seq).append(seq);
          for (int i = 0; i < 70; i++) {
            sb.append(i % 7 == 0 ? seq : "q");
          }
          sb.append('"');
          byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
          checkAllWidths(line, jackson(line), seq + " at " + at + " after " + filler);
        }
      }
    }
  }

  /** A sequence that is not strictly valid is refused wherever it falls in a vector. */
  @Test
  void invalidSequencesAtEveryPositionOfAVector() {
    int[][] invalid = {
      {0xC0, 0x80}, {0xED, 0xA0, 0x80}, {0x80}, {0xC3, 0x41}, {0xF4, 0x90, 0x80, 0x80}
    };
    for (int[] seq : invalid) {
      for (int at = 1; at < 140; at++) {
        byte[] line = new byte[at + seq.length + 80];
        Arrays.fill(line, (byte) 'a');
        line[0] = '"';
        for (int k = 1; k < at; k += 5) {
          line[k] = (byte) 0xC3; // valid sequences before it: \u00e9
          if (k + 1 < at) {
            line[k + 1] = (byte) 0xA9;
          } else {
            line[k] = 'b';
          }
        }
        for (int k = 0; k < seq.length; k++) {
          line[at + k] = (byte) seq[k];
        }
        line[line.length - 1] = '"';
        for (int bits : ALL_WIDTHS) {
          assertEquals(
              -1, JsonString.create(bits).decode(line, 1, line.length), bits + " at " + at);
        }
      }
    }
  }

  @Test
  void stopsAtWhatItDoesNotHandle() {
    String[] bad = {
      "\"no end", "\"bad \\x escape\"", "\"short \\u12\"", "\"ctl \u0001 char\"", "\"end \\",
    };
    for (String b : bad) {
      byte[] line = b.getBytes(StandardCharsets.UTF_8);
      for (int bits : ALL_WIDTHS) {
        assertEquals(-1, JsonString.create(bits).decode(line, 1, line.length), b + " " + bits);
      }
    }
    // Not strictly valid UTF-8 (overlong, surrogates, above U+10FFFF, stray or cut sequences):
    // left to Jackson, which decodes or rejects these unlike a byte copy would.
    int[][] invalid = {
      {0xC0, 0x80},
      {0xC1, 0xA1},
      {0xE0, 0x80, 0x80},
      {0xED, 0xA0, 0x80},
      {0xF0, 0x80, 0x80, 0x80},
      {0xF4, 0x90, 0x80, 0x80},
      {0xF5, 0x80, 0x80, 0x80},
      {0x80},
      {0xC3},
      {0xE4, 0xB8},
      {0xFF}
    };
    for (int[] seq : invalid) {
      byte[] line = new byte[seq.length + 70];
      Arrays.fill(line, (byte) 'a');
      line[0] = '"';
      for (int k = 0; k < seq.length; k++) {
        line[66 + k] = (byte) seq[k]; // past the first vectors, so they see it too
      }
      line[line.length - 1] = '"';
      for (int bits : ALL_WIDTHS) {
        assertEquals(-1, JsonString.create(bits).decode(line, 1, line.length), bits + " " + seq[0]);
      }
    }
    // The end bound is respected: a closing quote past it is not seen.
    byte[] line = "\"abc\"".getBytes(StandardCharsets.UTF_8);
    for (int bits : ALL_WIDTHS) {
      assertEquals(-1, JsonString.create(bits).decode(line, 1, 4), "bounded " + bits);
    }
  }

  @Test
  void byteScanAgreesWithTheScalarLoops() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 300; i++) {
      byte[] a = new byte[r.nextInt(0, 700)];
      int spacing = i % 3 == 0 ? 1000 : 40; // lines longer than any vector, or a few a vector
      for (int k = 0; k < a.length; k++) {
        a[k] = r.nextInt(spacing) == 0 ? (byte) '\n' : (byte) r.nextInt(256);
      }
      int from = a.length == 0 ? 0 : r.nextInt(a.length);
      int end = from + (a.length == from ? 0 : r.nextInt(a.length - from + 1));
      int found = ByteScan.indexOf(a, from, end, (byte) '\n');
      int want = found < 0 ? end : found;
      long wantCount = ByteScan.count(0, a, from, end, (byte) '\n');
      int first = end;
      long newlines = 0;
      for (int k = end - 1; k >= from; k--) {
        if (a[k] == '\n') {
          first = k;
          newlines++;
        }
      }
      assertEquals(first, want, "scalar indexOf #" + i);
      assertEquals(newlines, wantCount, "scalar count #" + i);
      assertEquals(found, ByteScan.indexOf(0, a, from, end, (byte) '\n'), "scalar find #" + i);
      // A range that ends before it starts holds nothing, for count as for indexOf (the vector
      // count rounded the negative length down and counted, or read, before the range).
      for (int bits : ALL_WIDTHS) {
        assertEquals(-1, ByteScan.indexOf(bits, a, end, from - 1, (byte) '\n'), "empty #" + i);
        assertEquals(0, ByteScan.count(bits, a, end, from - 1, (byte) '\n'), "none #" + i);
      }
      for (int bits : ALL_WIDTHS) {
        assertEquals(wantCount, ByteScan.count(bits, a, from, end, (byte) '\n'), "#" + i);
        assertEquals(found, ByteScan.indexOf(bits, a, from, end, (byte) '\n'), "find #" + i);
      }
    }
  }
}
