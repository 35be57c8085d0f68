package midtrain.data.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import midtrain.data.DataException;
import midtrain.data.internal.token.Files2;
import midtrain.data.internal.token.LeOut;

/**
 * Exports all token ids as one flat NumPy {@code .npy} array (for {@code np.memmap} loaders such as
 * nanoGPT's), documents concatenated in shard order.
 *
 * <p>NPY version 1.0: {@code \x93NUMPY}, bytes 1 0, u16 little-endian header length, then the
 * header dict {@code {'descr': '<u2', 'fortran_order': False, 'shape': (n,), }} with numpy's spare
 * spaces for growing the shape, padded with spaces and a newline so the data starts at a multiple
 * of 64 bytes. dtype {@code <u2} when the vocabulary has at most 65535 ids, else {@code <u4}.
 */
public final class NpyExport {
  private static final int ALIGN = 64;
  // numpy leaves room for a 21-digit axis length so a header can be rewritten in place.
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;

  private NpyExport() {}

  /**
   * The numpy {@code descr} used for a vocabulary size.
   *
   * @param vocabSize the number of ids in the vocabulary
   * @return {@code <u2} for at most 65535 ids, {@code <u4} above
   */
  public static String descr(int vocabSize) {
    return vocabSize <= 65535 ? "<u2" : "<u4";
  }

  /**
   * The complete header bytes (magic to newline) for a flat array of {@code count} items.
   *
   * @param descr the numpy dtype, such as {@code <u2}, written as given
   * @param count the number of items, the array's one dimension
   * @return a new array whose length is a multiple of 64, so the data that follows it is aligned
   */
  public static byte[] header(String descr, long count) {
    String shape = Long.toString(count);
    StringBuilder h =
        new StringBuilder("{'descr': '")
            .append(descr)
            .append("', 'fortran_order': False, 'shape': (")
            .append(shape)
            .append(",), }");
    h.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - shape.length())));
    int hlen = h.length() + 1;
    int pad = ALIGN - ((6 + 2 + 2 + hlen) % ALIGN);
    h.append(" ".repeat(pad)).append('\n');
    byte[] body = h.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[10 + body.length];
    out[0] = (byte) 0x93;
    System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, out, 1, 5);
    out[6] = 1;
    out[7] = 0;
    out[8] = (byte) (body.length & 0xff);
    out[9] = (byte) (body.length >>> 8);
    System.arraycopy(body, 0, out, 10, body.length);
    return out;
  }

  /**
   * Writes {@code file} (under a temporary name, renamed when complete).
   *
   * @param shards the verified shard directory to export, read one shard at a time
   * @param file the {@code .npy} file to write; an existing file is replaced
   * @throws DataException if a shard cannot be read or the file cannot be written
   */
  public static void write(TokenShards shards, Path file) {
    TokenManifest m = shards.manifest();
    String descr = descr(m.vocabSize());
    try (LeOut out = new LeOut(file)) {
      out.bytes(header(descr, m.tokens()));
      for (int s = 0; s < shards.shardCount(); s++) {
        TokenShard shard = shards.read(s);
        for (int t = 0; t < shard.tokens(); t++) {
          if (descr.equals("<u2")) {
            out.u16(shard.token(t));
          } else {
            out.i32(shard.token(t));
          }
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot write " + file + ": " + Files2.why(file, e), e);
    }
    Files2.moveIntoPlace(file);
  }
}
