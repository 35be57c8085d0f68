package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import midtrain.data.internal.simd.ByteScan;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  /** An endless line of 'a' for {@code n} bytes, produced on the fly. */
  private static InputStream letters(long n) {
    return new InputStream() {
      long left = n;

      @Override
      public int read() {
        return left-- > 0 ? 'a' : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int k = (int) Math.min(len, left);
        java.util.Arrays.fill(b, off, off + k, (byte) 'a');
        left -= k;
        return k;
      }
    };
  }

  @Test
  void aHugeLineIsSkippedInBoundedMemory() throws IOException {
    long huge = 512L << 20; // stands in for a 10 GB line: memory must not depend on it
    InputStream in =
        new SequenceInputStream(
            new ByteArrayInputStream("short\n".getBytes(StandardCharsets.UTF_8)),
            new SequenceInputStream(
                letters(huge),
                new ByteArrayInputStream("\nafter".getBytes(StandardCharsets.UTF_8))));
    LineReader r = new LineReader(in, 4096);
    assertEquals(LineReader.Kind.LINE, r.next());
    assertEquals("short", new String(r.buffer(), r.offset(), r.length(), StandardCharsets.UTF_8));
    assertEquals(LineReader.Kind.TOO_LONG, r.next());
    assertEquals(huge, r.skippedBytes());
    assertEquals(2, r.lineNumber());
    assertTrue(r.buffer().length <= 1 << 16, "buffer stays small: " + r.buffer().length);
    assertEquals(LineReader.Kind.LINE, r.next());
    assertEquals("after", new String(r.buffer(), r.offset(), r.length(), StandardCharsets.UTF_8));
    assertEquals(LineReader.Kind.END, r.next());
    assertEquals(3, r.lineNumber());
  }

  @Test
  void linesOfEveryLengthAroundTheBufferSizeComeBackWhole() throws IOException {
    Random rnd = new Random(3);
    StringBuilder sb = new StringBuilder("\uFEFF");
    String[] expect = new String[400];
    for (int i = 0; i < expect.length; i++) {
      int len = rnd.nextInt(3) == 0 ? 65_530 + rnd.nextInt(12) : rnd.nextInt(300);
      StringBuilder l = new StringBuilder();
      for (int k = 0; k < len; k++) {
        l.append((char) ('a' + rnd.nextInt(26)));
      }
      expect[i] = l.toString();
      sb.append(l).append(rnd.nextBoolean() ? "\r\n" : "\n");
    }
    LineReader r =
        new LineReader(
            new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), 1 << 20);
    for (String e : expect) {
      assertEquals(LineReader.Kind.LINE, r.next());
      assertEquals(e, new String(r.buffer(), r.offset(), r.length(), StandardCharsets.UTF_8));
    }
    assertEquals(LineReader.Kind.END, r.next());
  }

  @Test
  void utf8ValidationAgreesWithTheJdkDecoder() {
    Random rnd = new Random(11);
    byte[] pool = {
      'a',
      ' ',
      (byte) 0xC2,
      (byte) 0xA9,
      (byte) 0xE2,
      (byte) 0x82,
      (byte) 0xAC,
      (byte) 0xF0,
      (byte) 0x9F,
      (byte) 0x98,
      (byte) 0x80,
      (byte) 0xED,
      (byte) 0xA0,
      (byte) 0xC0,
      (byte) 0xF4,
      (byte) 0x90,
      (byte) 0xBF,
      (byte) 0xFF,
      (byte) 0xE0,
      (byte) 0x80
    };
    int invalid = 0;
    for (int t = 0; t < 200_000; t++) {
      byte[] b = new byte[rnd.nextInt(24)];
      for (int i = 0; i < b.length; i++) {
        b[i] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : pool[rnd.nextInt(pool.length)];
      }
      boolean jdk;
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b));
        jdk = true;
      } catch (CharacterCodingException e) {
        jdk = false;
      }
      boolean ours = Utf8.invalidAt(b, 0, b.length) < 0;
      assertEquals(jdk, ours, java.util.HexFormat.of().formatHex(b));
      if (!ours) {
        invalid++;
      }
      if (Utf8.isAscii(b, 0, b.length)) {
        assertTrue(ours, "ASCII is valid UTF-8");
      }
    }
    assertTrue(invalid > 1000 && invalid < 199_000, "both kinds were tried: " + invalid);
  }

  @Test
  void indexOfFindsTheFirstByteAtEveryAlignment() {
    Random rnd = new Random(5);
    for (int t = 0; t < 20_000; t++) {
      byte[] b = new byte[rnd.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (rnd.nextInt(4) == 0 ? '\n' + rnd.nextInt(3) - 1 : rnd.nextInt(256));
      }
      int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
      int expect = -1;
      for (int i = from; i < b.length; i++) {
        if (b[i] == '\n') {
          expect = i;
          break;
        }
      }
      assertEquals(expect, ByteScan.indexOf(b, from, b.length, (byte) '\n'));
    }
  }
}
