package midtrain.data.token;

import java.util.Objects;

/**
 * One shard as listed in the manifest.
 *
 * @param file the file name, relative to the shard directory
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 * @param documents documents in the shard
 * @param tokens token ids in the shard
 */
public record ShardInfo(String file, String sha256, long documents, long tokens) {
  /**
   * Rejects nulls.
   *
   * @param file the file name, relative to the shard directory
   * @param sha256 lower-case hex SHA-256 of the file's bytes
   * @param documents the number of documents in the shard
   * @param tokens the number of token ids in the shard, over all its documents
   */
  public ShardInfo {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
  }
}
