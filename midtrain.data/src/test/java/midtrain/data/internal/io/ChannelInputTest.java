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
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
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

  /** One gzip member of incompressible bytes, stored (level 0) so its size follows its length. */
  private static byte[] member(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out) {
          {
            def.setLevel(Deflater.NO_COMPRESSION);
          }
        }) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /**
   * A gzip file of several members whose first one ends {@code d} bytes before the read buffer runs
   * out: GZIPInputStream reads the next member only when available() says more is there.
   */
  @Test
  void everyGzipMemberIsReadWhereOneEndsAtTheBuffersEnd() throws IOException {
    Random r = new Random(11);
    for (int d : new int[] {0, 5, 8, 18, 19, 40}) {
      int target = ChannelInput.MAX_BUFFER_BYTES - d;
      byte[] first = new byte[target];
      // Stored blocks make the member's size its data's plus a fixed overhead: fit it in two tries.
      for (int tries = 0; tries < 3; tries++) {
        int size = member(first).length;
        first = new byte[first.length + target - size];
      }
      r.nextBytes(first);
      byte[] one = member(first);
      assertEquals(target, one.length, "first member's end");
      byte[] second = new byte[300_000];
      r.nextBytes(second);
      byte[] third = "the last member".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Path f = dir.resolve("m" + d + ".jsonl.gz");
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      file.write(one);
      file.write(member(second));
      file.write(member(third));
      Files.write(f, file.toByteArray());
      ByteArrayOutputStream want = new ByteArrayOutputStream();
      want.write(first);
      want.write(second);
      want.write(third);
      try (DecodedInput in = DecodedInput.open(f, ReaderOptions.defaults())) {
        assertArrayEquals(want.toByteArray(), in.stream().readAllBytes(), "member ends " + d);
      }
    }
  }

  @Test
  void availableCountsTheRestOfTheFile() throws IOException {
    Path f = file(ChannelInput.MAX_BUFFER_BYTES + 100, 4);
    try (InputStream in = new ChannelInput(FileChannel.open(f))) {
      assertEquals(ChannelInput.MAX_BUFFER_BYTES + 100, in.available());
      in.readNBytes(ChannelInput.MAX_BUFFER_BYTES);
      assertEquals(100, in.available(), "the buffer ran out: the file's rest still counts");
      in.readAllBytes();
      assertEquals(0, in.available());
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
