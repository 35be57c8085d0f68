package midtrain.data.token;

import java.util.Arrays;
import java.util.List;

/** The contents of one shard: token ids, document offsets and source labels. */
public final class TokenShard {
  private final int[] tokens;
  private final int[] offsets;
  private final List<String> sources;

  TokenShard(int[] tokens, int[] offsets, List<String> sources) {
    this.tokens = tokens;
    this.offsets = offsets;
    this.sources = List.copyOf(sources);
  }

  /**
   * Number of documents.
   *
   * @return the documents in the shard, 0 or more
   */
  public int documents() {
    return sources.size();
  }

  /**
   * Number of token ids.
   *
   * @return the token ids of all documents together, 0 or more
   */
  public int tokens() {
    return tokens.length;
  }

  /**
   * Token id at a position in the shard's concatenated tokens.
   *
   * @param position a position in {@code [0, tokens())}
   * @return the token id
   * @throws IndexOutOfBoundsException if {@code position} is out of range
   */
  public int token(int position) {
    return tokens[position];
  }

  /**
   * The token ids of document {@code i}.
   *
   * @param i a document index in {@code [0, documents())}
   * @return a new array of the document's {@link #length(int)} ids
   * @throws IndexOutOfBoundsException if {@code i} is out of range
   */
  public int[] document(int i) {
    return Arrays.copyOfRange(tokens, offsets[i], offsets[i + 1]);
  }

  /**
   * Length of document {@code i} in tokens.
   *
   * @param i a document index in {@code [0, documents())}
   * @return the number of token ids in the document, 0 or more
   * @throws IndexOutOfBoundsException if {@code i} is out of range
   */
  public int length(int i) {
    return offsets[i + 1] - offsets[i];
  }

  /**
   * Source label of document {@code i}.
   *
   * @param i a document index in {@code [0, documents())}
   * @return the label of the source the document came from
   * @throws IndexOutOfBoundsException if {@code i} is out of range
   */
  public String source(int i) {
    return sources.get(i);
  }

  /**
   * Document boundaries: document {@code i} spans {@code [offsets[i], offsets[i+1])}.
   *
   * @return a new array of {@code documents() + 1} positions, from 0 to {@link #tokens()}
   */
  public int[] offsets() {
    return offsets.clone();
  }

  /**
   * Copies tokens {@code [from, from + n)} into {@code dst} at {@code at}.
   *
   * @param from the first position to copy, in the shard's concatenated tokens
   * @param dst the array to copy into
   * @param at the index in {@code dst} that receives the first token
   * @param n the number of tokens to copy, 0 or more
   * @throws IndexOutOfBoundsException if either range runs past its array
   */
  public void copyTokens(int from, int[] dst, int at, int n) {
    System.arraycopy(tokens, from, dst, at, n);
  }
}
