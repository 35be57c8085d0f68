package midtrain.data.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import midtrain.data.DataException;
import midtrain.data.internal.token.Files2;
import midtrain.data.internal.token.LeOut;

/**
 * Exports shards as a Megatron-LM indexed dataset ({@code prefix.bin} + {@code prefix.idx}, the
 * {@code MMIDIDX} format), one sequence per document.
 *
 * <p>{@code .bin}: the token ids, little-endian, {@code uint16} when the vocabulary is below 65500
 * (Megatron's {@code optimal_dtype}) else {@code int32}. {@code .idx}: {@code "MMIDIDX\0\0"}, u64
 * version 1, u8 dtype code (8 = uint16, 4 = int32), u64 sequence count, u64 document count, then
 * int32 sequence lengths, int64 byte pointers and int64 document indices {@code 0..n}.
 */
public final class MegatronExport {
  /** The nine header bytes of a Megatron index file. */
  static final byte[] MAGIC = "MMIDIDX\0\0".getBytes(StandardCharsets.US_ASCII);

  /** Megatron's dtype code for {@code uint16}. */
  public static final int DTYPE_UINT16 = 8;

  /** Megatron's dtype code for {@code int32}. */
  public static final int DTYPE_INT32 = 4;

  private MegatronExport() {}

  /**
   * The dtype code Megatron picks for a vocabulary size.
   *
   * @param vocabSize the number of ids in the vocabulary
   * @return {@link #DTYPE_UINT16} below 65500 ids, {@link #DTYPE_INT32} from 65500 on
   */
  public static int dtypeCode(int vocabSize) {
    return vocabSize < 65500 ? DTYPE_UINT16 : DTYPE_INT32;
  }

  /**
   * Writes {@code prefix.bin} and {@code prefix.idx} (each under a temporary name, renamed when
   * complete; the index last).
   *
   * @param shards the verified shard directory to export, read one shard at a time
   * @param prefix the output path without extension; {@code .bin} and {@code .idx} are appended to
   *     its file name
   * @throws DataException if the shards hold more documents than one index can list, a shard cannot
   *     be read, or a file cannot be written
   */
  public static void write(TokenShards shards, Path prefix) {
    TokenManifest m = shards.manifest();
    int code = dtypeCode(m.vocabSize());
    int item = code == DTYPE_UINT16 ? 2 : 4;
    if (m.documents() > Integer.MAX_VALUE - 8) {
      throw new DataException("too many documents for one Megatron index: " + m.documents());
    }
    int n = (int) m.documents();
    int[] lengths = new int[n];
    Path bin = prefix.resolveSibling(prefix.getFileName() + ".bin");
    Path idx = prefix.resolveSibling(prefix.getFileName() + ".idx");
    int d = 0;
    try (LeOut out = new LeOut(bin)) {
      for (int s = 0; s < shards.shardCount(); s++) {
        TokenShard shard = shards.read(s);
        for (int i = 0; i < shard.documents(); i++) {
          lengths[d++] = shard.length(i);
        }
        for (int t = 0; t < shard.tokens(); t++) {
          if (item == 2) {
            out.u16(shard.token(t));
          } else {
            out.i32(shard.token(t));
          }
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot write " + bin + ": " + Files2.why(bin, e), e);
    }
    Files2.moveIntoPlace(bin);
    try (LeOut out = new LeOut(idx)) {
      out.bytes(MAGIC);
      out.i64(1);
      out.u8(code);
      out.i64(n);
      out.i64(n + 1L);
      for (int len : lengths) {
        out.i32(len);
      }
      long pointer = 0;
      for (int len : lengths) {
        out.i64(pointer);
        pointer += (long) len * item;
      }
      for (long i = 0; i <= n; i++) {
        out.i64(i);
      }
    } catch (IOException e) {
      throw new DataException("cannot write " + idx + ": " + Files2.why(idx, e), e);
    }
    Files2.moveIntoPlace(idx);
  }
}
