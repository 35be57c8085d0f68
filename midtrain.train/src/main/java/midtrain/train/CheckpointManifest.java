package midtrain.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code manifest.json} of a checkpoint directory: the SHA-256 and size of every other file.
 *
 * <p>A checkpoint is complete only when its manifest exists and every file matches it; the manifest
 * is written last, and {@link #commit} writes the whole directory under a temporary name and
 * renames it, so a crash never leaves a directory that looks complete.
 */
public final class CheckpointManifest {
  /** The manifest's file name inside a checkpoint directory. */
  public static final String FILE = "manifest.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Entry> files;

  /**
   * One file's size and digest.
   *
   * @param size bytes
   * @param sha256 lower-case hex SHA-256
   */
  public record Entry(long size, String sha256) {}

  private CheckpointManifest(Map<String, Entry> files) {
    this.files = Collections.unmodifiableMap(new TreeMap<>(files));
  }

  /**
   * Returns the files listed, by path relative to the checkpoint directory.
   *
   * @return the entries, sorted by path
   */
  public Map<String, Entry> files() {
    return files;
  }

  /**
   * Hashes every regular file under a directory (except a manifest) into a manifest.
   *
   * @param dir the checkpoint directory
   * @return the manifest
   * @throws TrainException naming the directory if it cannot be walked or a file in it cannot be
   *     read
   */
  public static CheckpointManifest of(Path dir) {
    Map<String, Entry> m = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (!rel.equals(FILE)) {
          m.put(rel, new Entry(Files.size(p), sha256(p)));
        }
      }
    } catch (IOException e) {
      throw new TrainException("cannot hash checkpoint " + dir + ": " + e.getMessage(), e);
    }
    return new CheckpointManifest(m);
  }

  /**
   * Finishes a checkpoint written into {@code staging}: writes its manifest last, then renames the
   * directory to {@code target} in one step.
   *
   * @param staging the directory holding every file but the manifest, on the same file system
   * @param target the final name, which must not exist yet
   * @return the manifest written
   * @throws TrainException if {@code target} exists already, {@code staging} cannot be hashed or
   *     the manifest written, or the directory cannot be renamed atomically (the two on different
   *     file systems)
   */
  public static CheckpointManifest commit(Path staging, Path target) {
    if (Files.exists(target)) {
      throw new TrainException("checkpoint " + target + " already exists; refusing to overwrite");
    }
    CheckpointManifest m = of(staging);
    try {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode list = root.putObject("files");
      for (Map.Entry<String, Entry> e : m.files.entrySet()) {
        list.putObject(e.getKey())
            .put("size", e.getValue().size())
            .put("sha256", e.getValue().sha256());
      }
      Path tmp = staging.resolve(FILE + ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
      Files.move(tmp, staging.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new TrainException(
            "cannot rename "
                + staging
                + " to "
                + target
                + " atomically: keep both on one file system",
            e);
      }
    } catch (IOException e) {
      throw new TrainException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
    return m;
  }

  /**
   * Checks a checkpoint directory against its manifest.
   *
   * @param dir the checkpoint directory
   * @return the manifest, when every file is present with the listed size and digest
   * @throws TrainException naming the first missing, extra-sized or corrupt file, or the missing
   *     manifest
   */
  public static CheckpointManifest verify(Path dir) {
    Path mf = dir.resolve(FILE);
    if (!Files.isRegularFile(mf)) {
      throw new TrainException("checkpoint " + dir + " has no " + FILE + ": it is incomplete");
    }
    Map<String, Entry> listed = new TreeMap<>();
    try {
      JsonNode files = JSON.readTree(mf.toFile()).path("files");
      if (!files.isObject()) {
        throw new TrainException(mf + ": 'files' must be an object");
      }
      for (Map.Entry<String, JsonNode> e : files.properties()) {
        JsonNode size = e.getValue().get("size");
        JsonNode sha = e.getValue().get("sha256");
        if (size == null || !size.canConvertToLong() || sha == null || !sha.isTextual()) {
          throw new TrainException(mf + ": entry '" + e.getKey() + "' needs 'size' and 'sha256'");
        }
        listed.put(e.getKey(), new Entry(size.asLong(), sha.asText()));
      }
    } catch (IOException e) {
      throw new TrainException(mf + ": unreadable manifest: " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Entry> e : listed.entrySet()) {
      Path p = dir.resolve(e.getKey()).normalize();
      if (!p.startsWith(dir.normalize())) {
        throw new TrainException(mf + ": entry '" + e.getKey() + "' points outside the checkpoint");
      }
      try {
        if (!Files.isRegularFile(p)) {
          problems.add(e.getKey() + " is missing");
        } else if (Files.size(p) != e.getValue().size()) {
          problems.add(
              e.getKey()
                  + " has "
                  + Files.size(p)
                  + " bytes, manifest says "
                  + e.getValue().size());
        } else if (!sha256(p).equals(e.getValue().sha256())) {
          problems.add(e.getKey() + " does not match its SHA-256");
        }
      } catch (IOException ex) {
        problems.add(e.getKey() + " is unreadable: " + ex.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new TrainException("checkpoint " + dir + " is corrupt: " + String.join("; ", problems));
    }
    return new CheckpointManifest(listed);
  }

  static String sha256(Path p) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
