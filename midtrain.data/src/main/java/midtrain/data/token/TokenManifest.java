package midtrain.data.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.internal.token.Files2;

/**
 * The {@code manifest.json} of a shard directory.
 *
 * @param formatVersion the shard format version, {@value #FORMAT_VERSION}
 * @param tokenizerHash identifies the tokenizer the ids come from
 * @param seed the seed of the pipeline that wrote the shards
 * @param vocabSize every token id is in {@code [0, vocabSize)}
 * @param documents document count
 * @param tokens token count
 * @param sources counts per source label, sorted by label
 * @param shards the shard files in order
 * @param fingerprint SHA-256 of the manifest file's bytes; identifies the data set
 */
public record TokenManifest(
    int formatVersion,
    String tokenizerHash,
    long seed,
    int vocabSize,
    long documents,
    long tokens,
    Map<String, SourceCount> sources,
    List<ShardInfo> shards,
    String fingerprint) {
  /** The format version this release writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The manifest's file name inside a shard directory. */
  public static final String FILE = "manifest.json";

  static final String FORMAT = "midtrain.tokens";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Copies the collections so the value stays immutable.
   *
   * @param formatVersion the shard format version
   * @param tokenizerHash identifies the tokenizer the ids come from
   * @param seed the seed of the pipeline that wrote the shards
   * @param vocabSize every token id is in {@code [0, vocabSize)}
   * @param documents the number of documents over all shards
   * @param tokens the number of token ids over all shards
   * @param sources counts per source label, copied and sorted by label
   * @param shards the shard files in order, copied
   * @param fingerprint lower-case hex SHA-256 of the manifest file's bytes
   */
  public TokenManifest {
    Objects.requireNonNull(tokenizerHash, "tokenizerHash");
    Objects.requireNonNull(fingerprint, "fingerprint");
    sources = Collections.unmodifiableMap(new TreeMap<>(sources));
    shards = List.copyOf(shards);
  }

  static byte[] toJson(
      String tokenizerHash,
      long seed,
      int vocabSize,
      long documents,
      long tokens,
      Map<String, SourceCount> sources,
      List<ShardInfo> shards) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", FORMAT_VERSION);
    root.put("tokenizer_hash", tokenizerHash);
    root.put("seed", seed);
    root.put("vocab_size", vocabSize);
    root.put("documents", documents);
    root.put("tokens", tokens);
    ObjectNode src = root.putObject("sources");
    new TreeMap<>(sources)
        .forEach(
            (k, v) -> src.putObject(k).put("documents", v.documents()).put("tokens", v.tokens()));
    var arr = root.putArray("shards");
    for (ShardInfo s : shards) {
      arr.addObject()
          .put("file", s.file())
          .put("sha256", s.sha256())
          .put("documents", s.documents())
          .put("tokens", s.tokens());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest serialisation failed", e);
    }
  }

  /** Reads and validates {@code dir/manifest.json}. */
  static TokenManifest read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new DataException(
          "no " + FILE + " in " + dir + ": not a complete shard directory (the manifest is last)");
    }
    byte[] bytes;
    JsonNode root;
    try {
      bytes = Files.readAllBytes(file);
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (!FORMAT.equals(text(root, "format", file))) {
      throw new DataException(file + ": key format is not " + FORMAT);
    }
    int version = (int) number(root, "format_version", file);
    if (version != FORMAT_VERSION) {
      throw new DataException(
          file + ": format_version " + version + " unsupported (reads " + FORMAT_VERSION + ")");
    }
    Map<String, SourceCount> sources = new LinkedHashMap<>();
    JsonNode src = field(root, "sources", file);
    src.fieldNames()
        .forEachRemaining(
            k -> {
              JsonNode v = src.get(k);
              sources.put(
                  k, new SourceCount(number(v, "documents", file), number(v, "tokens", file)));
            });
    List<ShardInfo> shards = new ArrayList<>();
    for (JsonNode s : field(root, "shards", file)) {
      String name = text(s, "file", file);
      if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw new DataException(file + ": shard file name " + name + " must be a plain file name");
      }
      shards.add(
          new ShardInfo(
              name,
              text(s, "sha256", file),
              number(s, "documents", file),
              number(s, "tokens", file)));
    }
    return new TokenManifest(
        version,
        text(root, "tokenizer_hash", file),
        number(root, "seed", file),
        (int) number(root, "vocab_size", file),
        number(root, "documents", file),
        number(root, "tokens", file),
        sources,
        shards,
        Files2.sha256(bytes));
  }

  private static JsonNode field(JsonNode n, String key, Path file) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw new DataException(file + ": missing key " + key);
    }
    return v;
  }

  private static String text(JsonNode n, String key, Path file) {
    JsonNode v = field(n, key, file);
    if (!v.isTextual()) {
      throw new DataException(file + ": key " + key + " must be a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String key, Path file) {
    JsonNode v = field(n, key, file);
    if (!v.isIntegralNumber()) {
      throw new DataException(file + ": key " + key + " must be an integer");
    }
    return v.asLong();
  }
}
