package midtrain.data.pack;

import java.util.Arrays;
import midtrain.data.token.TokenShardWriter;

/**
 * Receives the packed token stream as pieces: whole framed documents, or parts of one where
 * long-context packing moved a part to fill a row. Concatenated in order, the pieces are the stream
 * whose windows are the packed rows, so a {@link TokenLoader} over shards written from them
 * (framing {@link Framing#none()}) yields exactly those rows.
 */
@FunctionalInterface
public interface PackSink {
  /**
   * Takes one piece; the array is the caller's and may be reused after the call.
   *
   * @param source the piece's source label
   * @param tokens an array holding the piece
   * @param from the first index of the piece in {@code tokens}
   * @param length the piece's length, at least 1
   */
  void piece(String source, int[] tokens, int from, int length);

  /**
   * A sink writing each piece as one document of a token shard directory.
   *
   * @param writer the shard writer; the caller finishes and closes it
   * @return a sink that adds every piece to {@code writer} under its source label, copying it
   *     unless it is the whole array
   */
  static PackSink of(TokenShardWriter writer) {
    return (source, tokens, from, length) ->
        writer.add(
            source,
            from == 0 && length == tokens.length
                ? tokens
                : Arrays.copyOfRange(tokens, from, from + length));
  }

  /**
   * A sink that drops the pieces (when only the rows or the statistics are wanted).
   *
   * @return a sink that does nothing
   */
  static PackSink discard() {
    return (source, tokens, from, length) -> {};
  }
}
