package midtrain.data.token;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.internal.token.Files2;
import midtrain.data.internal.token.ShardSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * A verified shard directory: the manifest is read and every shard's SHA-256 checked against it
 * when opened; a mismatch fails naming the file.
 */
public final class TokenShards {
  private final Path dir;
  private final BufferAllocator allocator;
  private final TokenManifest manifest;

  private TokenShards(Path dir, BufferAllocator allocator, TokenManifest manifest) {
    this.dir = dir;
    this.allocator = allocator;
    this.manifest = manifest;
  }

  /**
   * Opens and verifies a shard directory.
   *
   * @param dir the directory holding {@code manifest.json}
   * @param allocator used while reading shards; every buffer is released before a read returns
   * @return the opened directory, with every shard's SHA-256 checked
   * @throws DataException if the manifest is missing or malformed, a listed shard is missing, or a
   *     shard's SHA-256 differs from its manifest entry
   */
  public static TokenShards open(Path dir, BufferAllocator allocator) {
    Objects.requireNonNull(allocator, "allocator");
    TokenManifest m = TokenManifest.read(dir);
    for (ShardInfo s : m.shards()) {
      Path f = dir.resolve(s.file());
      if (!Files.isRegularFile(f)) {
        throw new DataException("shard " + f + " listed in " + TokenManifest.FILE + " is missing");
      }
      String got = Files2.sha256(f);
      if (!got.equals(s.sha256())) {
        throw new DataException(
            "shard "
                + f
                + " does not match "
                + TokenManifest.FILE
                + ": SHA-256 "
                + got
                + ", manifest says "
                + s.sha256());
      }
    }
    return new TokenShards(dir, allocator, m);
  }

  /**
   * The manifest.
   *
   * @return the manifest read by {@link #open}
   */
  public TokenManifest manifest() {
    return manifest;
  }

  /**
   * The manifest's SHA-256: changes whenever any shard or count changes.
   *
   * @return the lower-case hex SHA-256 of {@code manifest.json}'s bytes
   */
  public String fingerprint() {
    return manifest.fingerprint();
  }

  /**
   * Number of shards.
   *
   * @return the number of shards the manifest lists, 0 or more
   */
  public int shardCount() {
    return manifest.shards().size();
  }

  /**
   * The directory.
   *
   * @return the shard directory as passed to {@link #open}
   */
  public Path directory() {
    return dir;
  }

  /**
   * Reads shard {@code i} into memory, checking its counts against the manifest.
   *
   * @param i the shard's index in the manifest, in {@code [0, shardCount())}
   * @return the shard's tokens, document offsets and source labels
   * @throws DataException if {@code i} is out of range, the shard is too large for one array, its
   *     schema or counts differ from the manifest, or it cannot be read
   */
  public TokenShard read(int i) {
    if (i < 0 || i >= shardCount()) {
      throw new DataException(
          dir
              + ": no shard "
              + i
              + (shardCount() == 0
                  ? "; the manifest lists none"
                  : "; the manifest lists shards 0 to " + (shardCount() - 1)));
    }
    ShardInfo info = manifest.shards().get(i);
    Path f = dir.resolve(info.file());
    if (info.tokens() > Integer.MAX_VALUE - 8 || info.documents() > Integer.MAX_VALUE - 8) {
      throw new DataException("shard " + f + " too large to load: " + info.tokens() + " tokens");
    }
    int[] tokens = new int[(int) info.tokens()];
    int[] offsets = new int[(int) info.documents() + 1];
    List<String> sources = new ArrayList<>((int) info.documents());
    int t = 0;
    int d = 0;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      if (!root.getSchema().equals(ShardSchema.schema())) {
        throw new DataException("shard " + f + " has schema " + root.getSchema());
      }
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        ListVector list = (ListVector) root.getVector(ShardSchema.TOKENS);
        VarCharVector src = (VarCharVector) root.getVector(ShardSchema.SOURCE);
        IntVector data = (IntVector) list.getDataVector();
        int rows = root.getRowCount();
        if (d + rows > offsets.length - 1) {
          throw new DataException("shard " + f + " holds more documents than its manifest entry");
        }
        for (int r = 0; r < rows; r++) {
          int start = list.getElementStartIndex(r);
          int end = list.getElementEndIndex(r);
          if (t + end - start > tokens.length) {
            throw new DataException("shard " + f + " holds more tokens than its manifest entry");
          }
          for (int k = start; k < end; k++) {
            tokens[t++] = data.get(k);
          }
          offsets[++d] = t;
          sources.add(new String(src.get(r), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot read shard " + f + ": " + e.getMessage(), e);
    }
    if (t != tokens.length || d != offsets.length - 1) {
      throw new DataException(
          "shard " + f + " holds " + d + " documents / " + t + " tokens, manifest says " + info);
    }
    return new TokenShard(tokens, offsets, sources);
  }
}
