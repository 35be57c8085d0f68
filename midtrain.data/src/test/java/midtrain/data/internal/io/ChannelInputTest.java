package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import midtrain.data.io.ReaderOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelInputTest {
  @TempDir Path dir;

  private Path file(int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Path f = dir.resolve("f" + size + "-" + seed);
    Files.write(f, bytes);
    return f;
  }

  /** Reads with requests of varying sizes, from single bytes to more than the buffer holds. */
  private static byte[] readAll(InputStream in, Random r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[ChannelInput.MAX_BUFFER_BYTES * 3];
    while (true) {
      int pick = r.nextInt(4);
      if (pick == 0) {
        int b = in.read();
        if (b < 0) {
          return out.toByteArray();
        }
        out.write(b);
        continue;
      }
      int len =
          pick == 1 ? 1 + r.nextInt(100) : pick == 2 ? r.nextInt(70_000) : r.nextInt(buf.length);
      int off = r.nextInt(buf.length - len + 1);
      int n = in.read(buf, off, len);
      if (n < 0) {
        return out.toByteArray();
      }
      // A request for no bytes gets none; any other gets at least one until the end.
      assertEquals(len == 0, n == 0, "read of " + len + " bytes gave " + n);
      out.write(buf, off, n);
    }
  }

  @Test
  void readsEveryByteOfFilesOfEverySizeAroundTheBuffer() throws IOException {
    int max = ChannelInput.MAX_BUFFER_BYTES;
    int[] sizes = {0, 1, 8191, 8192, 8193, 100_000, max - 1, max, max + 1, 2 * max, 3 * max + 17};
    Random r = new Random(7);
    for (int size : sizes) {
      Path f = file(size, size);
      try (InputStream in = new ChannelInput(FileChannel.open(f))) {
        assertArrayEquals(Files.readAllBytes(f), readAll(in, r), "size " + size);
        assertEquals(-1, in.read(), "after the end");
        assertEquals(-1, in.read(new byte[4], 0, 4), "after the end");
        assertEquals(0, in.read(new byte[4], 0, 0), "no bytes asked after the end");
      }
    }
  }

  @Test
  void checksTheRangeOfARead() throws IOException {
    Path f = file(10, 1);
    try (InputStream in = new ChannelInput(FileChannel.open(f))) {
      assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[4], 2, 3));
      assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[4], -1, 1));
    }
  }

  @Test
  void decodedInputCountsTheBytesItReads() throws IOException {
    Path f = file(ChannelInput.MAX_BUFFER_BYTES + 5, 3);
    try (DecodedInput d = DecodedInput.open(f, ReaderOptions.defaults())) {
      assertArrayEquals(Files.readAllBytes(f), d.stream().readAllBytes());
      assertEquals(Files.size(f), d.bytesRead());
    }
  }
}
