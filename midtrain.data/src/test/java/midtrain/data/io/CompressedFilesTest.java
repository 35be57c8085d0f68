package midtrain.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import midtrain.data.internal.io.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressedFilesTest {
  @TempDir Path tmp;

  static final String TEXT = "{\"q\": \"é\"}\nsecond line\n";

  static List<String> lines(Path f) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = CompressedFiles.reader(f)) {
      String l;
      while ((l = r.readLine()) != null) {
        out.add(l);
      }
    }
    return out;
  }

  @Test
  void readsPlainGzipAndZstandardAlike() throws IOException {
    byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
    Path plain = tmp.resolve("a.jsonl");
    Files.write(plain, bytes);
    // gzip of two members, as pigz and bgzip write: both are read.
    Path gz = tmp.resolve("a.jsonl.gz");
    try (OutputStream o = Files.newOutputStream(gz)) {
      for (byte[] half :
          new byte[][] {
            TEXT.substring(0, 5).getBytes(StandardCharsets.UTF_8),
            TEXT.substring(5).getBytes(StandardCharsets.UTF_8)
          }) {
        GZIPOutputStream z = new GZIPOutputStream(o);
        z.write(half);
        z.finish();
      }
    }
    Path zst = tmp.resolve("a.jsonl.ZST");
    try (OutputStream o = Compression.ZSTD.encode(Files.newOutputStream(zst))) {
      o.write(bytes);
    }
    List<String> want = List.of("{\"q\": \"é\"}", "second line");
    assertEquals(want, lines(plain));
    assertEquals(want, lines(gz));
    assertEquals(want, lines(zst));
  }

  @Test
  void aFileThatIsNotWhatItsNameSaysFailsOnOpen() throws IOException {
    Path fake = tmp.resolve("b.jsonl.gz");
    Files.writeString(fake, "plain text");
    assertThrows(IOException.class, () -> CompressedFiles.open(fake));
    assertThrows(IOException.class, () -> CompressedFiles.open(tmp.resolve("missing.jsonl")));
  }

  @Test
  void stripsTheCompressionSuffix() {
    assertEquals("test.jsonl", CompressedFiles.stripCompression("test.jsonl.zst"));
    assertEquals("test.jsonl", CompressedFiles.stripCompression("test.jsonl.GZ"));
    assertEquals("test.jsonl", CompressedFiles.stripCompression("test.jsonl.zstd"));
    assertEquals("test.jsonl", CompressedFiles.stripCompression("test.jsonl"));
    assertEquals(".gz", CompressedFiles.stripCompression(".gz"));
  }
}
