package midtrain.data.internal.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import midtrain.data.DataException;

/**
 * The append-only journal of a synthesis run: a header line with the run's settings, then one JSON
 * line per finished input, appended in the order inputs finish.
 *
 * <p>Only offsets are kept in memory (input index to line position), so a resume and the final
 * output, written in input order, read lines back by position. A later line for the same input (a
 * retry of a failed request) supersedes an earlier one.
 *
 * <p>Durability: the channel is forced (fdatasync) after the header, then at least every {@link
 * #SYNC_EVERY_RECORDS} records or {@link #SYNC_EVERY} since the last force, whichever comes first,
 * and when the journal is closed or {@linkplain #sync() synced} before the output is written; not
 * after each record, which would cost a disk flush per input. A crash or power loss can therefore
 * lose at most the entries appended since the last force: their inputs are simply asked for again.
 * What it can leave at the end of the file, a line cut short or never filled in (a file system may
 * keep the new length without the data, which reads as NUL bytes), is dropped on open and counted
 * ({@link #droppedLines()}); a bad line followed by good ones is not what a crash leaves, and is
 * refused naming its line.
 */
final class Journal implements AutoCloseable {
  static final String FORMAT = "midtrain-synth-journal/2";

  /** Records appended between two forces of the channel, at most. */
  static final int SYNC_EVERY_RECORDS = 64;

  /** Time between the first unforced record and the next force, at most (checked on append). */
  static final Duration SYNC_EVERY = Duration.ofSeconds(2);

  private static final byte NONE = 0;
  private static final byte DONE = 1;
  private static final byte RETRY = 2; // the request failed, maybe not for good: asked again
  private static final byte FAILED = 3; // the request itself was bad: asked again only on demand

  private final Path file;
  private final FileChannel channel;
  private final boolean retryFailed;
  private long size;
  private long[] offsets = new long[1024];
  private int[] lengths = new int[1024];
  private long[] idHashes = new long[1024];
  private byte[] state = new byte[1024];
  private int unsynced;
  private long firstUnsyncedNanos;
  private long droppedLines;

  /** What an entry says of its input's request. */
  enum Outcome {
    /** Outputs, or rejected for a reason in the document or the completion. */
    DONE,
    /** The request failed in a way a later attempt may not meet. */
    RETRY,
    /** The request itself was bad: a later attempt would fail the same way. */
    FAILED
  }

  Journal(Path file, ObjectNode header) {
    this(file, header, false);
  }

  /**
   * Opens (resuming) or creates a journal.
   *
   * @param retryFailed whether inputs whose request failed permanently count as unfinished
   */
  Journal(Path file, ObjectNode header, boolean retryFailed) {
    this.file = file;
    this.retryFailed = retryFailed;
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
        if (exists && scan(header)) {
          channel.force(false);
        } else {
          channel.truncate(0);
          size = 0;
          append(OpenAiClient.JSON.writeValueAsBytes(header));
          channel.force(false);
          syncDirectory(parent);
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

  /** Makes a new file's name durable too; file systems that cannot open a directory skip it. */
  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; the next force of the file covers it there.
    }
  }

  /** One line of the file: where it starts, its bytes, and whether a newline ended it. */
  private record Line(long at, byte[] bytes, boolean ended) {}

  /**
   * Reads an existing journal: checks the header, indexes the entries, cuts a torn tail.
   *
   * @return false when the file holds no complete header and no entry (a crash right after it was
   *     created), so that it is started over
   */
  private boolean scan(ObjectNode header) throws IOException {
    long total = channel.size();
    byte[] buf = new byte[1 << 16];
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    long lineStart = 0;
    long read = 0;
    long lineNo = 0;
    // Lines from the first bad one on, kept until a good line shows they are not a torn tail.
    List<Long> badAt = new ArrayList<>();
    long firstBadNo = 0;
    String firstBadWhy = "";
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
          String why = take(new Line(lineStart, line.toByteArray(), true), lineNo, header);
          if (why.isEmpty()) {
            if (!badAt.isEmpty()) {
              throw new DataException(
                  "journal "
                      + file
                      + ": line "
                      + firstBadNo
                      + " "
                      + firstBadWhy
                      + ", yet line "
                      + lineNo
                      + " after it is a good entry: a crash does not leave that; cut the file"
                      + " before line "
                      + firstBadNo
                      + " to keep the entries above it, or write a new output");
            }
          } else {
            if (badAt.isEmpty()) {
              firstBadNo = lineNo;
              firstBadWhy = why;
            }
            badAt.add(lineStart);
          }
          line.reset();
          lineStart = read + k + 1;
        } else {
          line.write(b);
        }
      }
      read += n;
    }
    if (line.size() > 0) {
      // No newline: the write of this line was cut short.
      badAt.add(lineStart);
    }
    if (lineNo == 0 || (badAt.size() > 0 && badAt.get(0) == 0)) {
      // Not even the header is complete: nothing was recorded, so nothing is lost by a new start.
      droppedLines = badAt.size();
      return false;
    }
    long cut = badAt.isEmpty() ? lineStart : badAt.get(0);
    droppedLines = badAt.size();
    if (cut < total) {
      channel.truncate(cut);
    }
    size = cut;
    return true;
  }

  /**
   * Checks the header or indexes an entry.
   *
   * @return empty when the line is good, else why it is not (for a torn tail)
   */
  private String take(Line l, long lineNo, ObjectNode header) {
    if (lineNo == 1) {
      if (isBlankOrNul(l.bytes())) {
        return "is empty";
      }
      checkHeader(l.bytes(), header);
      return "";
    }
    return index(l.bytes(), l.at(), lineNo);
  }

  private static boolean isBlankOrNul(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0 && b != ' ' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** How many lines at the end of the file were dropped on open, as a crash left them. */
  long droppedLines() {
    return droppedLines;
  }

  private void checkHeader(byte[] bytes, ObjectNode header) {
    JsonNode old;
    try {
      old = OpenAiClient.JSON.readTree(bytes);
    } catch (IOException e) {
      old = null;
    }
    if (old == null
        || !old.isObject()
        || !old.path("journal").asText().startsWith("midtrain-synth-journal/")) {
      throw new DataException(
          "journal "
              + file
              + ": line 1 is not a midtrain synthesis journal header; delete the file or choose"
              + " another output");
    }
    List<String> diffs = new ArrayList<>();
    diff("", (ObjectNode) old, header, diffs);
    if (!diffs.isEmpty()) {
      throw new DataException(
          "journal "
              + file
              + " was written with "
              + String.join(", ", diffs)
              + ": to resume it, run with the journal's settings; to use this run's settings,"
              + " write a new output (another output path, or delete the journal to start over)");
    }
  }

  /** Lists each setting that differs, as {@code name = old (this run: new)}, nested by dots. */
  private static void diff(String prefix, ObjectNode old, ObjectNode now, List<String> out) {
    Set<String> keys = new TreeSet<>();
    old.fieldNames().forEachRemaining(keys::add);
    now.fieldNames().forEachRemaining(keys::add);
    // The header's own order reads best; keys only the old journal has come last.
    List<String> ordered = new ArrayList<>();
    now.fieldNames().forEachRemaining(ordered::add);
    for (String k : keys) {
      if (!now.has(k)) {
        ordered.add(k);
      }
    }
    for (String k : ordered) {
      JsonNode was = old.get(k);
      JsonNode is = now.get(k);
      if (was != null && is != null && was.isObject() && is.isObject()) {
        diff(prefix + k + ".", (ObjectNode) was, (ObjectNode) is, out);
      } else if (was == null || !was.equals(is)) {
        out.add(
            prefix
                + k
                + " = "
                + (was == null ? (prefix.isEmpty() ? "(not recorded)" : "(none)") : was.toString())
                + " (this run: "
                + (is == null ? "(none)" : is.toString())
                + ")");
      }
    }
  }

  private String index(byte[] bytes, long at, long lineNo) {
    JsonNode e;
    try {
      e = OpenAiClient.JSON.readTree(bytes);
    } catch (IOException ex) {
      return "is not JSON";
    }
    JsonNode i = e == null ? null : e.get("i");
    if (i == null || !i.canConvertToInt() || i.asInt() < 0 || !e.path("id").isTextual()) {
      return "has no input index and id";
    }
    Outcome o =
        e.path("retry").asBoolean(false)
            ? Outcome.RETRY
            : e.path("permanent").asBoolean(false) ? Outcome.FAILED : Outcome.DONE;
    record(i.asInt(), e.get("id").asText(), o, at, bytes.length);
    return "";
  }

  private void record(int i, String id, Outcome outcome, long at, int length) {
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
    state[i] =
        switch (outcome) {
          case DONE -> DONE;
          case RETRY -> RETRY;
          case FAILED -> FAILED;
        };
  }

  private void append(byte[] line) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    while (bb.hasRemaining()) {
      size += channel.write(bb, size);
    }
  }

  /** Appends one input's entry, forcing the channel as the class comment says; thread-safe. */
  synchronized void append(int i, String id, Outcome outcome, ObjectNode entry) {
    try {
      byte[] bytes = OpenAiClient.JSON.writeValueAsBytes(entry);
      long at = size;
      append(bytes);
      record(i, id, outcome, at, bytes.length);
      long now = System.nanoTime();
      if (unsynced++ == 0) {
        firstUnsyncedNanos = now;
      }
      if (unsynced >= SYNC_EVERY_RECORDS || now - firstUnsyncedNanos >= SYNC_EVERY.toNanos()) {
        sync();
      }
    } catch (IOException e) {
      throw new DataException("journal " + file + ": cannot append: " + e.getMessage(), e);
    }
  }

  /** Forces what was appended to the disk. */
  synchronized void sync() {
    if (unsynced == 0) {
      return;
    }
    try {
      channel.force(false);
      unsynced = 0;
    } catch (IOException e) {
      throw new DataException("journal " + file + ": cannot sync: " + e.getMessage(), e);
    }
  }

  /** Records appended since the channel was last forced. */
  synchronized int unsynced() {
    return unsynced;
  }

  /**
   * Whether input {@code i} is finished: outputs, rejected for a reason a retry won't fix, or
   * (unless failed inputs are retried) its request failed permanently.
   */
  synchronized boolean done(int i) {
    return i < state.length && (state[i] == DONE || (state[i] == FAILED && !retryFailed));
  }

  /** Whether input {@code i} has an entry at all. */
  synchronized boolean has(int i) {
    return i < state.length && state[i] != NONE;
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
      try {
        if (unsynced > 0) {
          channel.force(false);
        }
      } finally {
        channel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
