package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutputTest {
  @TempDir Path dir;

  @Test
  void handsOnBigWritesInPiecesOfAtMost256Kb() throws IOException {
    List<Integer> pieces = new ArrayList<>();
    ByteArrayOutputStream sink =
        new ByteArrayOutputStream() {
          @Override
          public void write(byte[] b, int off, int len) {
            pieces.add(len);
            super.write(b, off, len);
          }
        };
    byte[] big = new byte[3 * FileOutput.MAX_WRITE_BYTES + 11];
    new Random(5).nextBytes(big);
    try (OutputStream out = new FileOutput(sink)) {
      out.write(big, 7, big.length - 7);
      out.write(big, 0, 0);
      out.write(42);
    }
    int max = FileOutput.MAX_WRITE_BYTES;
    assertEquals(List.of(max, max, max, 4), pieces.subList(0, 4));
    byte[] expected = Arrays.copyOf(Arrays.copyOfRange(big, 7, big.length), big.length - 6);
    expected[expected.length - 1] = 42;
    assertArrayEquals(expected, sink.toByteArray());
  }

  @Test
  void writesTheFileWhole() throws IOException {
    Path f = dir.resolve("out.bin");
    byte[] big = new byte[FileOutput.MAX_WRITE_BYTES * 2 + 3];
    new Random(9).nextBytes(big);
    try (OutputStream out = FileOutput.open(f)) {
      out.write(big);
    }
    assertArrayEquals(big, Files.readAllBytes(f));
    try (OutputStream out = FileOutput.open(f)) {
      assertThrows(IndexOutOfBoundsException.class, () -> out.write(big, big.length, 1));
    }
    assertTrue(Files.size(f) == 0, "opened as Files.newOutputStream opens: truncated");
  }
}
