package midtrain.data.internal.simd;

/**
 * Splits UTF-8 text into tokens and normalized words, hashing each word; one instance per thread
 * (it keeps scratch buffers).
 */
public abstract class TextNormalizer {
  TextNormalizer() {}

  /**
   * Tokenizes one text, replacing the contents of {@code out}; token offsets are relative to {@code
   * off}.
   *
   * @param a the bytes
   * @param off first byte of the text
   * @param len length of the text in bytes
   * @param out the tokens and words found
   */
  public abstract void tokenize(byte[] a, int off, int len, Tokens out);

  /**
   * Hashes the words of one text without recording its tokens: {@code out}'s word count and word
   * hashes are set as {@link #tokenize} sets them, its token count and word tokens may be left
   * empty.
   *
   * <p>Why: a decontamination scan needs only the word hashes of nearly every document; the rare
   * document with a candidate hit is tokenized in full afterwards. The janitor vector kernel
   * overrides this with a loop that has no data-dependent branch for words of up to 16 bytes.
   *
   * @param a the bytes
   * @param off first byte of the text
   * @param len length of the text in bytes
   * @param out receives the word hashes
   */
  public void hashWords(byte[] a, int off, int len, Tokens out) {
    tokenize(a, off, len, out);
  }

  /**
   * Hashes the words of the runs a sampled scan probes first (see {@link RunKeys}): of every {@code
   * stride} words from the first, the first {@code k}. {@code out}'s word count is that of {@link
   * #hashWords}; the other words' hashes are left as they were (stale) until {@link #fillWords}
   * hashes them.
   *
   * <p>This default hashes every word; the janitor vector kernel hashes only the sampled ones.
   *
   * @param a the bytes
   * @param off first byte of the text
   * @param len length of the text in bytes
   * @param out receives the word count and hashes
   * @param k words hashed at each multiple of {@code stride}, at least 1 (more than {@code stride}
   *     hashes every word from the first)
   * @param stride the sampling stride, at least 1
   * @throws IllegalArgumentException when {@code k} or {@code stride} is below 1 (janitor vector
   *     kernel; the others hash every word)
   */
  public void hashSampledWords(byte[] a, int off, int len, Tokens out, int k, int stride) {
    hashWords(a, off, len, out);
  }

  /** Refuses a sampling {@link #hashSampledWords} cannot take. */
  static void checkSampling(int k, int stride) {
    if (k < 1 || stride < 1) {
      // A stride of 0 would never leave the sampling loop.
      throw new IllegalArgumentException(
          "sampled words need k >= 1 and stride >= 1: k = " + k + ", stride = " + stride);
    }
  }

  /**
   * Hashes the words of {@code [from, to)} that {@link #hashSampledWords} left unhashed. It reads
   * the scratch that call left, so no other call on this normalizer may come in between.
   *
   * @param out the words of the last text given to {@link #hashSampledWords}
   * @param from first word
   * @param to end word, at most the word count
   */
  public void fillWords(Tokens out, int from, int to) {}

  /**
   * Returns the normalized UTF-8 bytes of one word, for verifying hash hits.
   *
   * @param a the bytes the tokens were made from
   * @param off first byte of the text
   * @param t the tokens of the text
   * @param word the word index
   * @return the word's normalized bytes
   */
  public abstract byte[] word(byte[] a, int off, Tokens t, int word);

  /**
   * Returns the vector width this normalizer's kernel uses.
   *
   * @return bits per vector, 0 for the scalar kernel
   */
  public abstract int vectorBits();

  /**
   * Creates a normalizer with the default kernel ({@link Kernels#defaultBits()}).
   *
   * @param unicode true for NFKC, case folding and Unicode punctuation; false for the janitor
   *     normalization
   * @return a new normalizer
   */
  public static TextNormalizer create(boolean unicode) {
    return create(unicode, Kernels.defaultBits());
  }

  /**
   * Creates a normalizer with a given kernel width.
   *
   * @param unicode true for the Unicode normalization, false for the janitor one
   * @param bits 0 for the scalar kernel, else 64, 128, 256 or 512
   * @return a new normalizer
   */
  public static TextNormalizer create(boolean unicode, int bits) {
    JanitorTokenizer j = bits == 0 ? new ScalarTokenizer() : new VectorTokenizer(bits);
    return unicode ? new UnicodeTokenizer(j) : j;
  }

  /** Normalizes token bytes the janitor way (ASCII lower-case, ASCII punctuation deleted). */
  static int janitorWord(byte[] a, int start, int end, byte[] dst) {
    int n = 0;
    for (int i = start; i < end; i++) {
      int b = a[i] & 0xFF;
      if (b < 0x80) {
        if (Chars.isAsciiPunct(b)) {
          continue;
        }
        if (b >= 'A' && b <= 'Z') {
          b += 32;
        }
      }
      dst[n++] = (byte) b;
    }
    return n;
  }
}
