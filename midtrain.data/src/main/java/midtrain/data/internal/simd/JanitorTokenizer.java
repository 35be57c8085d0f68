package midtrain.data.internal.simd;

import java.util.Arrays;

/**
 * The janitor normalization: tokens split on Unicode whitespace, ASCII letters lower-cased, ASCII
 * punctuation deleted; a token of punctuation only gives no word.
 */
abstract class JanitorTokenizer extends TextNormalizer {
  /** Whether the last text tokenized had a byte above 0x7F. */
  boolean lastNonAscii;

  /**
   * Hashes the words of one text under the Unicode normalization, where the kernel can: with the
   * characters above 0x7F folded in place (see {@link SimpleFold}). As {@link #hashWords} when
   * {@code k} is 0, else as {@link #hashSampledWords}, after which {@link #fillWords} works as
   * usual.
   *
   * @param a the bytes
   * @param off first byte of the text
   * @param len length of the text in bytes
   * @param out receives the word count and hashes
   * @param k 0 for every word, else the sampled words of each stride
   * @param stride the sampling stride, when {@code k} is above 0
   * @return false, with {@code out} not valid, where the text has a character that is not simple
   *     (or this kernel does not fold)
   */
  boolean hashFoldedWords(byte[] a, int off, int len, Tokens out, int k, int stride) {
    return false;
  }

  @Override
  public byte[] word(byte[] a, int off, Tokens t, int word) {
    int tok = t.wordToken[word];
    int s = off + t.tokenStart[tok];
    int e = off + t.tokenEnd[tok];
    byte[] dst = new byte[e - s];
    return Arrays.copyOf(dst, janitorWord(a, s, e, dst));
  }
}
