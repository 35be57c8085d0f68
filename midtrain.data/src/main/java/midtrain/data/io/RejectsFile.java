package midtrain.data.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.internal.io.Compression;
import midtrain.data.internal.io.FileOutput;
import midtrain.data.internal.token.Files2;

/**
 * A {@link RejectSink} that writes each reject as one JSON line {@code {"file", "line", "reason",
 * "detail"}} and counts them per reason.
 *
 * <p>The file is written under a temporary name and renamed on {@link #close()}; a {@code .gz} or
 * {@code .zst} suffix compresses it. Rejects may arrive from several reader threads at once.
 */
public final class RejectsFile implements RejectSink, AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;
  private final JsonGenerator gen;
  private final Map<String, Long> counts = new TreeMap<>();
  private long total;
  private boolean closed;

  private RejectsFile(Path file) {
    this.file = file;
    try {
      Path tmp = Files2.temporary(file);
      gen = JSON.createGenerator(FileOutput.openEncoded(tmp, Compression.of(file)));
      gen.setRootValueSeparator(null);
    } catch (IOException e) {
      throw new DataException(file + ": cannot create the rejects file: " + Files2.why(file, e), e);
    }
  }

  /**
   * Creates a rejects file; it appears under its name on {@link #close()}.
   *
   * @param file the target, for example {@code rejects.jsonl}
   * @return the sink; the caller closes it
   * @throws DataException when the file cannot be created
   */
  public static RejectsFile create(Path file) {
    return new RejectsFile(file);
  }

  /**
   * Returns the target file.
   *
   * @return the path given to {@link #create}
   */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void reject(Reject reject) {
    if (closed) {
      throw new DataException(file + ": rejects file already closed, cannot record " + reject);
    }
    try {
      gen.writeStartObject();
      gen.writeStringField("file", reject.file());
      gen.writeNumberField("line", reject.line());
      gen.writeStringField("reason", reject.reason());
      gen.writeStringField("detail", reject.detail());
      gen.writeEndObject();
      gen.writeRaw('\n');
    } catch (IOException e) {
      throw new DataException(file + ": cannot write a reject: " + e.getMessage(), e);
    }
    counts.merge(reject.reason(), 1L, Long::sum);
    total++;
  }

  /**
   * Returns the rejects so far per reason.
   *
   * @return an unmodifiable copy, sorted by reason
   */
  public synchronized Map<String, Long> counts() {
    return Collections.unmodifiableMap(new TreeMap<>(counts));
  }

  /**
   * Returns the rejects so far.
   *
   * @return the count
   */
  public synchronized long total() {
    return total;
  }

  /**
   * Abandons the file: the temporary one is removed and a file already under the name is left as it
   * was (the rejects of an earlier, finished run). For a run that fails; closing after it does
   * nothing.
   */
  public synchronized void discard() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      gen.close();
      Files.deleteIfExists(Files2.temporary(file));
    } catch (IOException e) {
      throw new DataException(file + ": cannot remove the unfinished rejects file: " + e, e);
    }
  }

  /** Finishes the file and renames it into place; closing twice does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      gen.close();
    } catch (IOException e) {
      throw new DataException(file + ": cannot finish the rejects file: " + e.getMessage(), e);
    }
    Files2.moveIntoPlace(file);
  }
}
