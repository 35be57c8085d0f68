package midtrain.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import midtrain.data.pack.PackStats;
import midtrain.data.token.MegatronExport;
import midtrain.data.token.NpyExport;
import midtrain.data.token.TokenShards;
import org.apache.arrow.memory.BufferAllocator;

/** What {@code pack} and {@code mix} share: output formats, exports and the pack summary. */
final class TokenOutput {
  private TokenOutput() {}

  /** The output formats: midtrain's Arrow shards always, plus an export when asked. */
  static String checkFormat(String format, String key) {
    String f = format.toLowerCase(Locale.ROOT);
    if (!f.equals("arrow") && !f.equals("megatron") && !f.equals("npy")) {
      throw new UserInputException(key + " must be arrow, megatron or npy, got '" + format + "'");
    }
    return f;
  }

  /**
   * Writes the export of a finished shard directory next to its shards: {@code tokens.bin} and
   * {@code tokens.idx} (Megatron) or {@code tokens.npy}. Returns the files written.
   */
  static String export(Path dir, String format, BufferAllocator allocator) {
    if (format.equals("arrow")) {
      return "";
    }
    TokenShards shards = TokenShards.open(dir, allocator);
    if (format.equals("megatron")) {
      MegatronExport.write(shards, dir.resolve("tokens"));
      return dir.resolve("tokens.bin") + ", " + dir.resolve("tokens.idx");
    }
    NpyExport.write(shards, dir.resolve("tokens.npy"));
    return dir.resolve("tokens.npy").toString();
  }

  /** The packing statistics as JSON fields. */
  static void stats(ObjectNode o, PackStats s, int seqLen) {
    o.put("seq_len", seqLen);
    o.put("documents", s.documents());
    o.put("rows", s.rows());
    o.put("training_tokens", s.rows() * (long) seqLen);
    o.put("single_document_rows", s.singleDocumentRows());
    o.put("dropped_tokens", s.droppedTokens());
    ObjectNode h = o.putObject("length_histogram");
    s.lengthHistogram().forEach((k, v) -> h.put(String.valueOf(k), v));
  }

  /** The packing statistics and realised tokens per source as text. */
  static String table(PackStats s, int seqLen, Map<String, Long> bySource) {
    StringBuilder sb = new StringBuilder();
    long total = s.rows() * (long) seqLen;
    sb.append(
        String.format(
            Locale.ROOT,
            "%d documents -> %d rows of %d (+1) tokens = %d training tokens; %d single-document"
                + " rows; %d tokens dropped after the last full row%n",
            s.documents(),
            s.rows(),
            seqLen,
            total,
            s.singleDocumentRows(),
            s.droppedTokens()));
    sb.append(String.format(Locale.ROOT, "%-24s %15s %8s%n", "source", "tokens", "share"));
    bySource.forEach(
        (k, v) ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "%-24s %15d %7.2f%%%n",
                    k,
                    v,
                    total == 0 ? 0.0 : 100.0 * v / total)));
    sb.append("document length (framed tokens, bucket = up to)\n");
    s.lengthHistogram()
        .forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  <= %-10d %12d%n", k, v)));
    return sb.toString();
  }
}
