package midtrain.data.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.internal.token.Files2;

/**
 * The {@code manifest.json} of a directory of document shards written by {@link ShardedWriter}:
 * each shard's file name, documents, bytes and SHA-256, and the totals.
 *
 * <p>The manifest is written last, so a directory without one is an unfinished run.
 */
public final class ShardManifest {
  /** The manifest's file name inside the shard directory. */
  public static final String FILE_NAME = "manifest.json";

  /** The value of the manifest's {@code format} field. */
  public static final String FORMAT = "midtrain.document-shards/1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Shard> shards;
  private final long documents;
  private final long bytes;

  /**
   * One shard of the manifest.
   *
   * @param file the file name, relative to the directory
   * @param documents the documents in it
   * @param bytes its size in bytes
   * @param sha256 the lower-case hex SHA-256 of its bytes
   */
  public record Shard(String file, long documents, long bytes, String sha256) {
    /**
     * Checks that no component is null.
     *
     * @param file the file name, relative to the directory
     * @param documents the number of documents in it
     * @param bytes its size in bytes, on disk (after compression)
     * @param sha256 the lower-case hex SHA-256 of its bytes
     */
    public Shard {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /**
   * Makes a manifest from its shards; the totals are their sums.
   *
   * @param shards the shards in order
   */
  public ShardManifest(List<Shard> shards) {
    this.shards = List.copyOf(shards);
    long d = 0;
    long b = 0;
    for (Shard s : shards) {
      d += s.documents();
      b += s.bytes();
    }
    this.documents = d;
    this.bytes = b;
  }

  /**
   * Returns the shards in order.
   *
   * @return the shards, unmodifiable, in the order they were written
   */
  public List<Shard> shards() {
    return shards;
  }

  /**
   * Returns the documents in all shards.
   *
   * @return the sum of the shards' document counts
   */
  public long documents() {
    return documents;
  }

  /**
   * Returns the bytes of all shards.
   *
   * @return the sum of the shards' file sizes in bytes
   */
  public long bytes() {
    return bytes;
  }

  /**
   * Reads the manifest of a shard directory.
   *
   * @param dir the directory holding {@value #FILE_NAME}
   * @return the manifest
   * @throws DataException when it is missing or malformed, naming the file and the field
   */
  public static ShardManifest read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new DataException(file + ": no shard manifest (an unfinished run?)", e);
    } catch (IOException e) {
      throw new DataException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new DataException(file + ": 'format' must be '" + FORMAT + "'");
    }
    JsonNode list = root.get("shards");
    if (list == null || !list.isArray()) {
      throw new DataException(file + ": 'shards' must be an array");
    }
    List<Shard> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode s = list.get(i);
      String where = file + ": shards[" + i + "]";
      String name = text(s, "file", where);
      if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw new DataException(where + ": 'file' must be a plain file name, got '" + name + "'");
      }
      out.add(
          new Shard(
              name,
              number(s, "documents", where),
              number(s, "bytes", where),
              text(s, "sha256", where)));
    }
    ShardManifest m = new ShardManifest(out);
    if (number(root, "documents", file.toString()) != m.documents
        || number(root, "bytes", file.toString()) != m.bytes) {
      throw new DataException(file + ": totals do not match the sum of the shards");
    }
    return m;
  }

  /**
   * Checks every shard of a directory against the manifest: present, of the listed size and with
   * the listed SHA-256.
   *
   * @param dir the shard directory
   * @return the manifest, verified
   * @throws DataException naming the first shard file that is missing or differs
   */
  public static ShardManifest verify(Path dir) {
    ShardManifest m = read(dir);
    for (Shard s : m.shards) {
      Path f = dir.resolve(s.file());
      if (!Files.isRegularFile(f)) {
        throw new DataException(f + ": shard listed in " + FILE_NAME + " is missing");
      }
      long size;
      try {
        size = Files.size(f);
      } catch (IOException e) {
        throw new DataException(f + ": cannot read: " + e.getMessage(), e);
      }
      if (size != s.bytes()) {
        throw new DataException(
            f + ": " + size + " bytes, but " + FILE_NAME + " lists " + s.bytes());
      }
      String sha = Files2.sha256(f);
      if (!sha.equals(s.sha256())) {
        throw new DataException(
            f + ": SHA-256 " + sha + " differs from " + s.sha256() + " in " + FILE_NAME);
      }
    }
    return m;
  }

  /**
   * Writes the manifest into a directory, under a temporary name first.
   *
   * @param dir the shard directory
   */
  public void write(Path dir) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode list = root.putArray("shards");
    for (Shard s : shards) {
      ObjectNode n = list.addObject();
      n.put("file", s.file());
      n.put("documents", s.documents());
      n.put("bytes", s.bytes());
      n.put("sha256", s.sha256());
    }
    root.put("documents", documents);
    root.put("bytes", bytes);
    Path target = dir.resolve(FILE_NAME);
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(Files2.temporary(target).toFile(), root);
    } catch (IOException e) {
      throw new DataException(target + ": cannot write: " + Files2.why(target, e), e);
    }
    Files2.moveIntoPlace(target);
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new DataException(where + ": '" + field + "' must be a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new DataException(where + ": '" + field + "' must be a non-negative integer");
    }
    return v.asLong();
  }
}
