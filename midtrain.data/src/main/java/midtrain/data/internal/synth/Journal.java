package midtrain.data.internal.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import midtrain.data.DataException;

/**
 * The append-only journal of a synthesis run: a header line with the run's settings, then one JSON
 * line per finished input, appended in the order inputs finish.
 *
 * <p>Only offsets are kept in memory (input index to line position), so a resume and the final
 * output, written in input order, read lines back by position. A line cut by a crash is cut off on
 * open; a later line for the same input (a retry of an HTTP failure) supersedes an earlier one.
 */
final class Journal implements AutoCloseable {
  static final String FORMAT = "midtrain-synth-journal/1";

  private final Path file;
  private final FileChannel channel;
  private long size;
  private long[] offsets = new long[1024];
  private int[] lengths = new int[1024];
  private long[] idHashes = new long[1024];
  private byte[] state = new byte[1024]; // 0 none, 1 done, 2 retry (HTTP failure)

  Journal(Path file, ObjectNode header) {
    this.file = file;
    try {
      // Read back as it will be from the file, so that numbers compare by the same node types.
      header = (ObjectNode) OpenAiClient.JSON.readTree(OpenAiClient.JSON.writeValueAsBytes(header));
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      boolean exists = Files.exists(file) && Files.size(file) > 0;
      this.channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        // Two runs appending to one journal would interleave their lines and each write the
        // output; the lock (released when the channel closes) keeps the second one out.
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held by this JVM
        }
        if (lock == null) {
          throw new DataException(
              "journal "
                  + file
                  + " is in use by another synthesize run writing the same output: wait for it"
                  + " to end, or choose another output");
        }
        if (exists) {
          scan(header);
        } else {
          channel.truncate(0);
          size = 0;
          append(OpenAiClient.JSON.writeValueAsBytes(header));
        }
      } catch (IOException | RuntimeException e) {
        // A refused resume must not keep the file open, nor its lock held for a later run.
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new DataException("journal " + file + ": cannot open it: " + e.getMessage(), e);
    }
  }

  private void scan(ObjectNode header) throws IOException {
    long total = channel.size();
    long pos = 0;
    long lineNo = 0;
    byte[] buf = new byte[1 << 16];
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    long lineStart = 0;
    long read = 0;
    while (read < total) {
      ByteBuffer bb = ByteBuffer.wrap(buf);
      int n = channel.read(bb, read);
      if (n <= 0) {
        break;
      }
      for (int k = 0; k < n; k++) {
        byte b = buf[k];
        if (b == '\n') {
          lineNo++;
          byte[] bytes = line.toByteArray();
          if (lineNo == 1) {
            checkHeader(bytes, header);
          } else {
            index(bytes, lineStart, lineNo);
          }
          line.reset();
          pos = read + k + 1;
          lineStart = pos;
        } else {
          line.write(b);
        }
      }
      read += n;
    }
    if (lineNo == 0) {
      throw new DataException(
          "journal " + file + " has no complete header line: delete it to start over");
    }
    // A crash can leave half a line: it is cut off and its input asked for again.
    channel.truncate(pos);
    size = pos;
  }

  private void checkHeader(byte[] bytes, ObjectNode header) {
    JsonNode old;
    try {
      old = OpenAiClient.JSON.readTree(bytes);
    } catch (IOException e) {
      old = null;
    }
    if (old == null || !FORMAT.equals(old.path("journal").asText())) {
      throw new DataException(
          "journal "
              + file
              + ": line 1 is not a midtrain synthesis journal header; delete the file or choose"
              + " another output");
    }
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      JsonNode was = old.get(e.getKey());
      if (!e.getValue().equals(was)) {
        throw new DataException(
            "journal "
                + file
                + " was written with "
                + e.getKey()
                + " = "
                + (was == null ? "(none)" : was.toString())
                + " but this run has "
                + e.getValue()
                + ": resume with the same settings, or delete the journal to start over");
      }
    }
  }

  private void index(byte[] bytes, long at, long lineNo) {
    JsonNode e;
    try {
      e = OpenAiClient.JSON.readTree(bytes);
    } catch (IOException ex) {
      throw new DataException(
          "journal "
              + file
              + ": line "
              + lineNo
              + " is not JSON; delete the journal to start over");
    }
    JsonNode i = e == null ? null : e.get("i");
    if (i == null || !i.canConvertToInt() || i.asInt() < 0 || !e.path("id").isTextual()) {
      throw new DataException(
          "journal " + file + ": line " + lineNo + " has no input index and id; delete it");
    }
    record(i.asInt(), e.get("id").asText(), e.path("retry").asBoolean(false), at, bytes.length);
  }

  private void record(int i, String id, boolean retry, long at, int length) {
    if (i >= offsets.length) {
      int cap = Math.max(i + 1, offsets.length * 2);
      offsets = Arrays.copyOf(offsets, cap);
      lengths = Arrays.copyOf(lengths, cap);
      idHashes = Arrays.copyOf(idHashes, cap);
      state = Arrays.copyOf(state, cap);
    }
    offsets[i] = at;
    lengths[i] = length;
    idHashes[i] = Runner.hash64(id);
    state[i] = (byte) (retry ? 2 : 1);
  }

  private void append(byte[] line) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    while (bb.hasRemaining()) {
      size += channel.write(bb, size);
    }
  }

  /** Appends one input's entry; safe from many threads. */
  synchronized void append(int i, String id, boolean retry, ObjectNode entry) {
    try {
      byte[] bytes = OpenAiClient.JSON.writeValueAsBytes(entry);
      long at = size;
      append(bytes);
      record(i, id, retry, at, bytes.length);
    } catch (IOException e) {
      throw new DataException("journal " + file + ": cannot append: " + e.getMessage(), e);
    }
  }

  /** Whether input {@code i} is finished (output, or rejected for a reason a retry won't fix). */
  synchronized boolean done(int i) {
    return i < state.length && state[i] == 1;
  }

  /** Whether input {@code i} has an entry at all. */
  synchronized boolean has(int i) {
    return i < state.length && state[i] != 0;
  }

  /** The hash of the parent id recorded for input {@code i}. */
  synchronized long idHash(int i) {
    return idHashes[i];
  }

  /** Reads input {@code i}'s latest entry back. */
  JsonNode read(int i) {
    long at;
    int len;
    synchronized (this) {
      at = offsets[i];
      len = lengths[i];
    }
    ByteBuffer bb = ByteBuffer.allocate(len);
    try {
      while (bb.hasRemaining()) {
        int n = channel.read(bb, at + bb.position());
        if (n < 0) {
          throw new IOException("unexpected end of file");
        }
      }
      return OpenAiClient.JSON.readTree(new String(bb.array(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("journal " + file + ": cannot read entry " + i, e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
