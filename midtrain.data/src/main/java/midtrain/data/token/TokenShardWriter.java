package midtrain.data.token;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.internal.token.Files2;
import midtrain.data.internal.token.ShardSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Writes tokenized documents into a shard directory: shards under temporary names renamed when
 * complete, then {@code manifest.json} last, so a directory with a manifest is always complete.
 *
 * <p>Call {@link #add} per document, then {@link #finish}; {@link #close} without {@code finish}
 * removes the shard being written and writes no manifest.
 */
public final class TokenShardWriter implements AutoCloseable {
  private final Path dir;
  private final BufferAllocator allocator;
  private final String tokenizerHash;
  private final long seed;
  private final int vocabSize;
  private final long shardTokens;
  private final int batchTokens;

  private final List<ShardInfo> shards = new ArrayList<>();
  private final Map<String, long[]> sources = new TreeMap<>();
  private final List<int[]> pendingTokens = new ArrayList<>();
  private final List<String> pendingSources = new ArrayList<>();
  private long pendingCount;
  private long documents;
  private long tokens;

  private VectorSchemaRoot root;
  private FileChannel channel;
  private ArrowFileWriter writer;
  private Path current;
  private long currentDocs;
  private long currentTokens;
  private boolean finished;

  private TokenShardWriter(Builder b) {
    this.dir = b.dir;
    this.allocator = b.allocator;
    this.tokenizerHash = b.tokenizerHash;
    this.seed = b.seed;
    this.vocabSize = b.vocabSize;
    this.shardTokens = b.shardTokens;
    this.batchTokens = b.batchTokens;
    try {
      Files.createDirectories(dir);
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new DataException("shard directory " + dir + " is not empty");
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot create shard directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A builder writing into {@code dir} (created if missing, must be empty).
   *
   * @param dir the shard directory
   * @param allocator the allocator for the Arrow buffers; the writer closes what it allocates
   * @param vocabSize token ids must lie in {@code [0, vocabSize)}; at least 1
   * @return a builder with tokenizer hash {@code unknown}, seed 0, shards of 2^24 tokens and record
   *     batches of 2^20 tokens
   * @throws DataException if {@code vocabSize} is below 1
   */
  public static Builder builder(Path dir, BufferAllocator allocator, int vocabSize) {
    return new Builder(dir, allocator, vocabSize);
  }

  /**
   * Appends one document of token ids labelled with its source.
   *
   * @param source the source label, counted per label in the manifest
   * @param ids the document's token ids, each in {@code [0, vocabSize)}; copied
   * @throws DataException if an id is out of range or a shard cannot be written
   * @throws IllegalStateException if the writer was finished or closed
   */
  public void add(String source, int[] ids) {
    Objects.requireNonNull(source, "source");
    if (finished) {
      throw new IllegalStateException("writer for " + dir + " already finished");
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocabSize) {
        throw new DataException(
            "token id "
                + ids[i]
                + " at position "
                + i
                + " of document "
                + documents
                + " (source "
                + source
                + ") outside [0, "
                + vocabSize
                + ")");
      }
    }
    pendingTokens.add(ids.clone());
    pendingSources.add(source);
    pendingCount += ids.length;
    long[] c = sources.computeIfAbsent(source, k -> new long[2]);
    c[0]++;
    c[1] += ids.length;
    documents++;
    tokens += ids.length;
    currentDocs++;
    currentTokens += ids.length;
    if (pendingCount >= batchTokens) {
      flushBatch();
    }
    if (currentTokens >= shardTokens) {
      closeShard();
    }
  }

  /**
   * Writes the last shard and the manifest; returns the manifest.
   *
   * @return the manifest as read back from the written {@code manifest.json}, with its fingerprint
   * @throws DataException if the last shard or the manifest cannot be written
   * @throws IllegalStateException if the writer was finished or closed
   */
  public TokenManifest finish() {
    if (finished) {
      throw new IllegalStateException("writer for " + dir + " already finished");
    }
    closeShard();
    finished = true;
    Map<String, SourceCount> counts = new TreeMap<>();
    sources.forEach((k, v) -> counts.put(k, new SourceCount(v[0], v[1])));
    byte[] json =
        TokenManifest.toJson(tokenizerHash, seed, vocabSize, documents, tokens, counts, shards);
    Path target = dir.resolve(TokenManifest.FILE);
    try {
      Files.write(Files2.temporary(target), json);
    } catch (IOException e) {
      throw new DataException("cannot write " + target + ": " + e.getMessage(), e);
    }
    Files2.moveIntoPlace(target);
    return TokenManifest.read(dir);
  }

  private void flushBatch() {
    if (pendingTokens.isEmpty()) {
      return;
    }
    try {
      if (writer == null) {
        current = dir.resolve(String.format("shard-%05d.arrow", shards.size()));
        root = VectorSchemaRoot.create(ShardSchema.schema(), allocator);
        channel =
            FileChannel.open(
                Files2.temporary(current), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        writer = new ArrowFileWriter(root, null, channel);
        writer.start();
      }
      root.clear();
      ListVector list = (ListVector) root.getVector(ShardSchema.TOKENS);
      VarCharVector src = (VarCharVector) root.getVector(ShardSchema.SOURCE);
      list.allocateNew();
      src.allocateNew();
      IntVector data = (IntVector) list.getDataVector();
      data.allocateNew((int) Math.max(1, pendingCount));
      int n = pendingTokens.size();
      for (int i = 0; i < n; i++) {
        int[] doc = pendingTokens.get(i);
        int off = list.startNewValue(i);
        for (int j = 0; j < doc.length; j++) {
          data.setSafe(off + j, doc[j]);
        }
        list.endValue(i, doc.length);
        src.setSafe(i, pendingSources.get(i).getBytes(StandardCharsets.UTF_8));
      }
      data.setValueCount((int) pendingCount);
      list.setValueCount(n);
      src.setValueCount(n);
      root.setRowCount(n);
      writer.writeBatch();
    } catch (IOException e) {
      throw new DataException("cannot write " + Files2.temporary(current) + ": " + e, e);
    }
    pendingTokens.clear();
    pendingSources.clear();
    pendingCount = 0;
  }

  private void closeShard() {
    flushBatch();
    if (writer == null) {
      return;
    }
    try {
      writer.end();
      channel.force(true);
    } catch (IOException e) {
      throw new DataException("cannot write " + Files2.temporary(current) + ": " + e, e);
    } finally {
      closeArrow();
    }
    String sha = Files2.sha256(Files2.temporary(current));
    Files2.moveIntoPlace(current);
    shards.add(new ShardInfo(current.getFileName().toString(), sha, currentDocs, currentTokens));
    currentDocs = 0;
    currentTokens = 0;
    current = null;
  }

  private void closeArrow() {
    try {
      if (writer != null) {
        writer.close();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      throw new DataException("cannot close " + current + ": " + e.getMessage(), e);
    } finally {
      if (root != null) {
        root.close();
      }
      writer = null;
      channel = null;
      root = null;
    }
  }

  /** Releases Arrow buffers; without {@link #finish} also deletes the unfinished shard. */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    finished = true;
    Path partial = current;
    closeArrow();
    if (partial != null) {
      Files2.deleteIfExists(Files2.temporary(partial));
    }
  }

  /** Builder for {@link TokenShardWriter}. */
  public static final class Builder {
    private final Path dir;
    private final BufferAllocator allocator;
    private final int vocabSize;
    private String tokenizerHash = "unknown";
    private long seed;
    private long shardTokens = 1L << 24;
    private int batchTokens = 1 << 20;

    private Builder(Path dir, BufferAllocator allocator, int vocabSize) {
      this.dir = Objects.requireNonNull(dir, "dir");
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      if (vocabSize < 1) {
        throw new DataException("vocabSize must be positive, got " + vocabSize);
      }
      this.vocabSize = vocabSize;
    }

    /**
     * Identifies the tokenizer (e.g. SHA-256 of its {@code tokenizer.json}).
     *
     * @param hash the identifier recorded in the manifest ({@code unknown} by default), as {@link
     *     TextTokenizer#hash()} gives it
     * @return this builder
     */
    public Builder tokenizerHash(String hash) {
      this.tokenizerHash = Objects.requireNonNull(hash, "hash");
      return this;
    }

    /**
     * The seed recorded in the manifest.
     *
     * @param seed the seed of the pipeline that produced the documents (0 by default); only
     *     recorded
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Tokens after which a shard is closed and the next begins (default 2^24).
     *
     * @param n the token count, at least 1; a shard closes after the document that reaches it, so
     *     documents are never split across shards
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder shardTokens(long n) {
      if (n < 1) {
        throw new DataException("shardTokens must be positive, got " + n);
      }
      this.shardTokens = n;
      return this;
    }

    /**
     * Tokens buffered per Arrow record batch (default 2^20).
     *
     * @param n the token count, at least 1; a batch is written after the document that reaches it
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder batchTokens(int n) {
      if (n < 1) {
        throw new DataException("batchTokens must be positive, got " + n);
      }
      this.batchTokens = n;
      return this;
    }

    /**
     * Opens the writer.
     *
     * @return the writer; the caller closes it
     * @throws DataException if the directory cannot be created or is not empty
     */
    public TokenShardWriter build() {
      return new TokenShardWriter(this);
    }
  }
}
