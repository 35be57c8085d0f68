package midtrain.data.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.token.Files2;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes a stream of document batches into numbered shards, {@code <dir>/<prefix>-00000<suffix>},
 * then a {@link ShardManifest} listing each shard's documents, bytes and SHA-256.
 *
 * <p>A shard is closed (and renamed into place by its format's writer) once it holds {@code
 * maxDocuments} documents, or before a document that would take its text past {@code maxBytes}
 * UTF-8 bytes; batches are split across shards at row boundaries. The byte limit counts text bytes
 * rather than file bytes, so shard boundaries do not depend on the format or the compression. The
 * manifest is written last, on {@link #close()}: a directory with a manifest is complete.
 *
 * <pre>{@code
 * try (ShardedWriter w = ShardedWriter.builder(dir).suffix(".jsonl.zst").maxDocuments(100_000).build()) {
 *   w.write(batch);
 * }
 * ShardManifest m = ShardedWriter.verify(dir);
 * }</pre>
 */
public final class ShardedWriter implements AutoCloseable {
  private final Path dir;
  private final String prefix;
  private final String suffix;
  private final long maxDocuments;
  private final long maxBytes;
  private final List<ShardManifest.Shard> shards = new ArrayList<>();
  private DocumentWriter current;
  private Path currentFile;
  private long currentDocs;
  private long currentBytes;
  private boolean closed;

  private ShardedWriter(Builder b) {
    this.dir = b.dir;
    this.prefix = b.prefix;
    this.suffix = b.suffix;
    this.maxDocuments = b.maxDocuments;
    this.maxBytes = b.maxBytes;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DataException(dir + ": cannot create the shard directory: " + e.getMessage(), e);
    }
    if (Files.exists(dir.resolve(ShardManifest.FILE_NAME))) {
      throw new DataException(
          dir + ": already holds a " + ShardManifest.FILE_NAME + "; choose an empty directory");
    }
    // Fail now, not at the first batch, when no format writes this suffix.
    FormatCheck.writable(dir.resolve(prefix + "-00000" + suffix));
  }

  /**
   * Starts a builder.
   *
   * @param dir the output directory, created if needed
   * @return a builder with prefix {@code part}, suffix {@code .jsonl.zst}, no limits
   */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /**
   * Checks the shards of a directory against its manifest.
   *
   * @param dir the directory
   * @return the manifest
   * @throws DataException naming the first missing or changed shard
   */
  public static ShardManifest verify(Path dir) {
    return ShardManifest.verify(dir);
  }

  /**
   * Writes every row of a batch, rolling to new shards as the limits require.
   *
   * @param root the batch; the caller keeps ownership
   */
  public void write(VectorSchemaRoot root) {
    if (closed) {
      throw new DataException(dir + ": sharded writer already closed");
    }
    VarCharVector text = DocumentBatch.utf8(root, DocumentBatch.TEXT);
    int rows = root.getRowCount();
    int from = 0;
    while (from < rows) {
      if (current == null) {
        open();
      }
      int to = from;
      long bytes = currentBytes;
      long docs = currentDocs;
      while (to < rows && docs < maxDocuments) {
        long len = text.isNull(to) ? 0 : text.getEndOffset(to) - text.getStartOffset(to);
        if (docs > 0 && bytes + len > maxBytes) {
          break;
        }
        bytes += len;
        docs++;
        to++;
      }
      if (to > from) {
        if (from == 0 && to == rows) {
          current.write(root);
        } else {
          try (VectorSchemaRoot part = root.slice(from, to - from)) {
            current.write(part);
          }
        }
        currentDocs = docs;
        currentBytes = bytes;
        from = to;
      }
      if (from < rows) {
        finishShard();
      }
    }
  }

  /**
   * Returns the documents written so far, in all shards.
   *
   * @return the count
   */
  public long documents() {
    long n = currentDocs;
    for (ShardManifest.Shard s : shards) {
      n += s.documents();
    }
    return n;
  }

  /**
   * Returns the shards finished so far.
   *
   * @return an unmodifiable copy
   */
  public List<ShardManifest.Shard> shards() {
    return List.copyOf(shards);
  }

  /** Discards the shard being written; finished shards stay, and no manifest is written. */
  public void abort() {
    if (closed) {
      return;
    }
    closed = true;
    if (current != null) {
      current.abort();
      current = null;
    }
  }

  /** Finishes the last shard and writes the manifest. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (current != null) {
      finishShard();
    }
    new ShardManifest(shards).write(dir);
  }

  private void open() {
    currentFile = dir.resolve(String.format("%s-%05d%s", prefix, shards.size(), suffix));
    current = Formats.openWriter(currentFile);
    currentDocs = 0;
    currentBytes = 0;
  }

  private void finishShard() {
    long docs = current.documents();
    current.close();
    current = null;
    long size;
    try {
      size = Files.size(currentFile);
    } catch (IOException e) {
      throw new DataException(currentFile + ": cannot read its size: " + e.getMessage(), e);
    }
    shards.add(
        new ShardManifest.Shard(
            currentFile.getFileName().toString(), docs, size, Files2.sha256(currentFile)));
    currentDocs = 0;
    currentBytes = 0;
  }

  /** Builds a {@link ShardedWriter}. */
  public static final class Builder {
    private final Path dir;
    private String prefix = "part";
    private String suffix = ".jsonl.zst";
    private long maxDocuments = Long.MAX_VALUE;
    private long maxBytes = Long.MAX_VALUE;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * Sets the shard file name prefix (default {@code part}).
     *
     * @param p the prefix, a non-empty plain name without {@code /} or {@code \}
     * @return this builder
     * @throws DataException if {@code p} is empty or contains a path separator
     */
    public Builder prefix(String p) {
      if (p.isEmpty() || p.contains("/") || p.contains("\\")) {
        throw new DataException("shard prefix must be a non-empty plain name, got '" + p + "'");
      }
      this.prefix = p;
      return this;
    }

    /**
     * Sets the shard file suffix, which picks the format (default {@code .jsonl.zst}).
     *
     * @param s the suffix, starting with a dot, such as {@code .parquet}
     * @return this builder
     * @throws DataException if {@code s} does not start with a dot
     */
    public Builder suffix(String s) {
      if (!s.startsWith(".")) {
        throw new DataException("shard suffix must start with '.', got '" + s + "'");
      }
      this.suffix = s;
      return this;
    }

    /**
     * Sets the most documents per shard.
     *
     * @param n the limit, at least 1; no limit by default
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder maxDocuments(long n) {
      if (n < 1) {
        throw new DataException("maxDocuments must be at least 1, got " + n);
      }
      this.maxDocuments = n;
      return this;
    }

    /**
     * Sets the most text bytes (UTF-8) per shard; a single larger document gets its own shard.
     *
     * @param n the limit in bytes of document text, at least 1; no limit by default
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder maxBytes(long n) {
      if (n < 1) {
        throw new DataException("maxBytes must be at least 1, got " + n);
      }
      this.maxBytes = n;
      return this;
    }

    /**
     * Builds the writer; the directory is created now.
     *
     * @return the writer; the caller closes it, which writes the manifest
     * @throws DataException if the directory cannot be created, already holds a manifest, or no
     *     format writes the suffix
     */
    public ShardedWriter build() {
      return new ShardedWriter(this);
    }
  }

  private static final class FormatCheck {
    static void writable(Path sample) {
      if (!Formats.forPath(sample).canWrite()) {
        throw new DataException(
            sample + ": format '" + Formats.forPath(sample).id() + "' cannot be written");
      }
    }
  }
}
