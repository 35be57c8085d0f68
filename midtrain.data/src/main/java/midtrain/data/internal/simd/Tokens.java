package midtrain.data.internal.simd;

import java.util.Arrays;

/**
 * Tokens and words of one UTF-8 text, reused from document to document.
 *
 * <p>A token is a maximal run of non-whitespace bytes of the original text (whitespace as Python's
 * {@code str.isspace}). A word is what a token normalizes to; under the janitor normalization a
 * token gives one word or none (a token of punctuation only), under the Unicode normalization it
 * may give several. Words carry the hash of their normalized UTF-8 bytes ({@link WordHash}).
 */
public final class Tokens {
  /** Number of tokens. */
  public int tokenCount;

  /** Byte offset of each token's first byte. */
  public int[] tokenStart = new int[256];

  /** Byte offset just past each token. */
  public int[] tokenEnd = new int[256];

  /** Number of words. */
  public int wordCount;

  /** Hash of each word's normalized bytes. */
  public long[] wordHash = new long[256];

  /** Index of the token each word came from. */
  public int[] wordToken = new int[256];

  /** Clears the tokens and words. */
  public void clear() {
    tokenCount = 0;
    wordCount = 0;
  }

  /** Makes room for {@code words} word hashes, so that a kernel may store without checks. */
  void ensureWords(int words) {
    if (wordHash.length < words) {
      int n = Math.max(words, wordHash.length * 2);
      wordHash = Arrays.copyOf(wordHash, n);
      wordToken = Arrays.copyOf(wordToken, n);
    }
  }

  void addToken(int start, int end) {
    if (tokenCount == tokenStart.length) {
      int n = tokenCount * 2;
      tokenStart = Arrays.copyOf(tokenStart, n);
      tokenEnd = Arrays.copyOf(tokenEnd, n);
    }
    tokenStart[tokenCount] = start;
    tokenEnd[tokenCount] = end;
    tokenCount++;
  }

  void addWord(long hash, int token) {
    if (wordCount == wordHash.length) {
      ensureWords(wordCount + 1);
    }
    wordHash[wordCount] = hash;
    wordToken[wordCount] = token;
    wordCount++;
  }

  /**
   * Returns whether two tokenizations are identical.
   *
   * @param o the other tokenization
   * @return true when tokens, words and hashes all match
   */
  public boolean sameAs(Tokens o) {
    return tokenCount == o.tokenCount
        && wordCount == o.wordCount
        && Arrays.equals(tokenStart, 0, tokenCount, o.tokenStart, 0, tokenCount)
        && Arrays.equals(tokenEnd, 0, tokenCount, o.tokenEnd, 0, tokenCount)
        && Arrays.equals(wordHash, 0, wordCount, o.wordHash, 0, wordCount)
        && Arrays.equals(wordToken, 0, wordCount, o.wordToken, 0, wordCount);
  }
}
