package midtrain.data.io;

import java.util.Objects;

/**
 * One input record that could not be read, kept so that nothing is lost silently.
 *
 * @param file the input file (or stream name) as the user gave it
 * @param line the 1-based line (JSONL, text) or record number (Parquet, IPC, WARC) in that file
 * @param reason a short stable code, for example {@code malformed-json}, {@code invalid-utf8},
 *     {@code empty}, {@code oversized}, {@code missing-field}, {@code truncated-stream}, {@code
 *     decompression-cap}
 * @param detail a human-readable explanation, possibly with a snippet of the record
 */
public record Reject(String file, long line, String reason, String detail) {
  /**
   * Checks that no component is null.
   *
   * @param file the input file (or stream name) as the user gave it
   * @param line the 1-based line or record number in that file
   * @param reason a short stable code, such as {@code malformed-json}
   * @param detail a human-readable explanation, possibly with a snippet of the record
   */
  public Reject {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
