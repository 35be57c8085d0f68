package midtrain.data.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import midtrain.data.DataException;

/**
 * A file's bytes read through its channel into a direct buffer of at most 256 KB of its own, then
 * copied to the caller's array.
 *
 * <p>Why not {@code Files.newInputStream}: it reads into a heap array through a temporary direct
 * buffer as large as the request (kept per thread and reused for later, smaller requests). On the
 * development machine, a KVM guest, the kernel fills a direct buffer of 2 MB or more at a quarter
 * of the speed it fills one of 1 MB or less, whatever part of it a read uses: 0.38 to 0.44 against
 * 0.08 to 0.10 ns a byte of a file in the page cache (same JVM, alternating). Decontamination reads
 * 4 MB chunks, so its reads took about 0.4 ns of the 2 to 2.5 ns a byte of its whole scan. A buffer
 * of our own also keeps the size of a request from deciding the speed of every later read on the
 * thread. The copy out of the buffer costs about 0.02 ns a byte.
 */
final class ChannelInput extends InputStream {
  /** The largest buffer: well under the 2 MB from which reads slowed down, and few system calls. */
  static final int MAX_BUFFER_BYTES = 256 << 10;

  private final FileChannel channel;
  private final ByteBuffer buffer;

  /** The channel's position, kept here so that available() costs one system call, not two. */
  private long position;

  private boolean eof;

  /**
   * Opens a file, closing its channel when the stream cannot be made.
   *
   * @param file the file
   * @return the stream
   * @throws IOException when the file cannot be opened
   * @throws DataException when there is no direct memory for the buffer, naming the file
   */
  static InputStream open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new ChannelInput(ch);
    } catch (OutOfMemoryError e) {
      ch.close();
      // Direct memory for the read buffer: a JDK error would escape the readers' API.
      throw new DataException(
          file + ": no memory for a read buffer (-XX:MaxDirectMemorySize): " + e.getMessage(), e);
    } catch (IOException | RuntimeException | Error e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Reads a channel from its position; the buffer fits a small file (plus one byte, to see its end
   * in one read), so that many small files do not each take 256 KB.
   *
   * @param channel the open channel, closed with this stream
   * @throws IOException when the channel's size cannot be read
   */
  ChannelInput(FileChannel channel) throws IOException {
    this.channel = channel;
    long size = channel.size(); // 0 for a pipe or a device, whose size is unknown
    // A pipe has no position (asking is an "Illegal seek"); available() counts only its buffer.
    this.position = size == 0 ? 0 : channel.position();
    int bytes = size == 0 ? MAX_BUFFER_BYTES : (int) Math.min(MAX_BUFFER_BYTES, size + 1);
    this.buffer = ByteBuffer.allocateDirect(Math.max(bytes, 8192));
    buffer.flip(); // empty
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return buffer.get() & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, buffer.remaining());
    buffer.get(b, off, n);
    return n;
  }

  /**
   * Returns the bytes left: those in the buffer and those of the file after it.
   *
   * <p>Why the file's too: {@code GZIPInputStream} reads another member only when {@code
   * available()} is above 0 or its buffer holds more than the trailer, so a buffer that had just
   * run out ended a multi-member file (WARC, bgzip) there, without an error.
   */
  @Override
  public int available() throws IOException {
    long rest = eof ? 0 : Math.max(0, channel.size() - position);
    return (int) Math.min(Integer.MAX_VALUE, buffer.remaining() + rest);
  }

  /** Refills an empty buffer; returns false at the end of the file. */
  private boolean fill() throws IOException {
    while (!buffer.hasRemaining()) {
      if (eof) {
        return false;
      }
      buffer.clear();
      int n = channel.read(buffer);
      buffer.flip();
      eof = n < 0;
      position += Math.max(n, 0);
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
