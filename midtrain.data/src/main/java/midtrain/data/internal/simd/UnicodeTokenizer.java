package midtrain.data.internal.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import midtrain.data.internal.io.Utf8;

/**
 * The Unicode normalization: each whitespace-separated token is put in NFKC, case-folded (upper
 * then lower case under the root locale, which folds ß to ss and final sigma to sigma), put in NFKC
 * again, stripped of Unicode punctuation (general categories P*) and of the ASCII symbols of
 * Python's {@code string.punctuation}, and split again on whitespace (compatibility forms may
 * contain spaces). On ASCII text it equals the janitor normalization, so ASCII texts take the
 * janitor kernel and only texts with other bytes take the scalar path.
 *
 * <p>In a text with other bytes, the ASCII tokens keep the janitor kernel's words, and the others
 * are looked up in a memo of the tokens normalized lately, by their bytes. Why: normalizing a token
 * means strings, two NFKC passes and two case mappings, about a microsecond, and the tokens of a
 * language repeat (Zipf), so that most are found in the memo and normalized once per thread.
 */
final class UnicodeTokenizer extends TextNormalizer {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The memo's sets: 8,192 of 4 tokens, 2 MB per normalizer (one a scanning thread). */
  private static final int SET_BITS = 13;

  /** Tokens a set holds: a direct-mapped memo lost a tenth of its lookups to collisions. */
  private static final int WAYS = 4;

  /** Longs a set takes: the 4 keys, then per token its length and words, bytes and hashes. */
  private static final int SET_LONGS = WAYS + WAYS * 7;

  /**
   * Tokens up to this many bytes take the table ({@link SimpleFold}), whose output buffer is twice
   * a token's length; longer ones (which no text of the readers' limits has) the definition.
   */
  private static final int MAX_FOLD_BYTES = 1 << 28;

  /** Tokens up to this many bytes are kept; longer ones rarely repeat and are normalized anew. */
  private static final int MEMO_BYTES = 32;

  private final JanitorTokenizer janitor;

  /**
   * A memo of 4-way sets. A set holds the keys of its 4 tokens together (the {@link WordHash} of
   * their bytes; 0 for an empty place), so that one cache line tells whether a token is there; then
   * for each token 7 longs: its length and number of words ({@code length | words << 32}), its
   * bytes as 4 little-endian longs padded with zeros, and the hashes of its 0 to 2 words. A token
   * counts as found only if its bytes are equal, so a collision costs a normalization, never a
   * wrong word. A new token takes an empty place, else the places of a set in turn.
   */
  private long[] memo; // made at the first non-ASCII token: ASCII texts never need it

  private byte[] turn;

  private long[] janitorHash = new long[256];
  private int[] janitorToken = new int[256];

  /** A token's word from the table ({@link SimpleFold}), zero-padded for hashing. */
  private byte[] folded = new byte[256];

  /** Whether the last text's words came from the janitor kernel (see hashFoldedWords). */
  private boolean kernelWords;

  UnicodeTokenizer(JanitorTokenizer janitor) {
    this.janitor = janitor;
  }

  /**
   * Hashes the words of one text: in the janitor kernel, with its characters above 0x7F folded in
   * place, when all of them are simple ({@link SimpleFold}); else token by token ({@link
   * #tokenize}).
   */
  @Override
  public void hashWords(byte[] a, int off, int len, Tokens out) {
    hashText(a, off, len, out, 0, 1);
  }

  /**
   * Hashes the sampled words of one text in the janitor kernel, as {@link #hashWords}; where that
   * kernel cannot take the text, every word.
   */
  @Override
  public void hashSampledWords(byte[] a, int off, int len, Tokens out, int k, int stride) {
    checkSampling(k, stride); // before the kernel, where k = 0 means every word
    hashText(a, off, len, out, k, stride);
  }

  /**
   * The janitor kernel's words ({@code k} as for {@link JanitorTokenizer#hashFoldedWords}), or the
   * tokens'.
   */
  private void hashText(byte[] a, int off, int len, Tokens out, int k, int stride) {
    kernelWords = janitor.hashFoldedWords(a, off, len, out, k, stride);
    if (!kernelWords) {
      tokenize(a, off, len, out);
    }
  }

  @Override
  public void fillWords(Tokens out, int from, int to) {
    if (kernelWords) {
      janitor.fillWords(out, from, to);
    }
  }

  @Override
  public int vectorBits() {
    return janitor.vectorBits();
  }

  @Override
  public void tokenize(byte[] a, int off, int len, Tokens out) {
    janitor.tokenize(a, off, len, out);
    if (!janitor.lastNonAscii) {
      return;
    }
    // The janitor's words, in token order, at most one a token: an ASCII token keeps its word.
    int found = out.wordCount;
    if (janitorHash.length < found) {
      janitorHash = new long[Math.max(found, janitorHash.length * 2)];
      janitorToken = new int[janitorHash.length];
    }
    System.arraycopy(out.wordHash, 0, janitorHash, 0, found);
    System.arraycopy(out.wordToken, 0, janitorToken, 0, found);
    out.wordCount = 0;
    int j = 0;
    for (int t = 0; t < out.tokenCount; t++) {
      boolean janitorWord = j < found && janitorToken[j] == t;
      int s = off + out.tokenStart[t];
      int e = off + out.tokenEnd[t];
      int n = e - s;
      if (isAscii(a, s, n)) {
        if (janitorWord) {
          out.addWord(janitorHash[j], t);
        }
      } else {
        // Most tokens are letters that normalize one by one: those take the table; the memo
        // keeps the others (marks), short ones at least; the definition the rest.
        int m = n > MAX_FOLD_BYTES ? -1 : fold(a, s, e);
        if (m > 0) {
          out.addWord(WordHash.ofPadded(folded, m), t);
        } else if (m < 0 && n <= MEMO_BYTES) {
          memoWords(
              a,
              s,
              e,
              chunk(a, s, e, 0),
              chunk(a, s, e, 8),
              chunk(a, s, e, 16),
              chunk(a, s, e, 24),
              out,
              t);
        } else if (m < 0) {
          for (byte[] w : definitionWords(a, s, e)) {
            out.addWord(WordHash.of(w, 0, w.length), t);
          }
        }
      }
      j += janitorWord ? 1 : 0;
    }
  }

  /**
   * The table's word of the token {@code a[s, e)} ({@link SimpleFold#fold}) in {@code folded},
   * zero-padded to the end of its last 16-byte block for {@link WordHash#ofPadded}; its length, or
   * -1.
   */
  private int fold(byte[] a, int s, int e) {
    int n = e - s;
    if (folded.length < 2 * n + 16) { // a word of up to 2 n bytes, 16 of padding
      folded = new byte[Math.max(2 * n + 16, folded.length * 2)];
    }
    int m = SimpleFold.fold(a, s, e, folded);
    if (m > 0) {
      LONG_LE.set(folded, m, 0L);
      LONG_LE.set(folded, m + 8, 0L);
    }
    return m;
  }

  /**
   * Whether the token {@code a[s, s + n)} is ASCII: a short one from two 8-byte loads masked to it,
   * where the array has the room (the scan's text buffer does), with no loop.
   */
  static boolean isAscii(byte[] a, int s, int n) {
    if (n > 16 || a.length - s < 16) { // not s + 16 > a.length, which overflows near 2 GiB
      return Utf8.isAscii(a, s, n);
    }
    // Each half masked to the token's bytes, as the janitor kernel's short words are.
    long lo = (long) LONG_LE.get(a, s) & WordHash.LOW_HALF[n];
    long hi = (long) LONG_LE.get(a, s + 8) & WordHash.HIGH_HALF[n];
    return ((lo | hi) & 0x8080808080808080L) == 0;
  }

  /** The bytes {@code [s + k, s + k + 8)} of the token {@code a[s, e)}, zero past its end. */
  private static long chunk(byte[] a, int s, int e, int k) {
    int p = s + k;
    if (k + 8 <= e - s) { // not p + 8 <= e, which overflows near the end of a 2 GiB array
      return (long) LONG_LE.get(a, p);
    }
    long c = 0;
    for (int i = p; i < e; i++) {
      c |= (a[i] & 0xFFL) << (8 * (i - p));
    }
    return c;
  }

  /**
   * Adds the words of the token {@code a[s, e)} of at most {@link #MEMO_BYTES} bytes, given as
   * chunks, from the memo, normalizing and keeping it there if it is not.
   */
  private void memoWords(
      byte[] a, int s, int e, long c0, long c1, long c2, long c3, Tokens out, int t) {
    int n = e - s;
    // WordHash.of the bytes, a block per 16 bytes, from the chunks already loaded.
    long h = WordHash.block(c0, c1);
    h = n > 16 ? WordHash.chain(h, WordHash.block(c2, c3)) : h;
    long key = WordHash.finish(h, n);
    int set = (int) (key >>> (64 - SET_BITS));
    int base = set * SET_LONGS;
    if (memo == null) {
      memo = new long[SET_LONGS << SET_BITS];
      turn = new byte[1 << SET_BITS];
    }
    long[] m = memo;
    for (int w = 0; w < WAYS; w++) {
      int at = base + WAYS + w * 7;
      if (m[base + w] == key
          && (int) m[at] == n
          && m[at + 1] == c0
          && m[at + 2] == c1
          && m[at + 3] == c2
          && m[at + 4] == c3) {
        int words = (int) (m[at] >>> 32);
        for (int k = 0; k < words; k++) {
          out.addWord(m[at + 5 + k], t);
        }
        return;
      }
    }
    List<byte[]> words = definitionWords(a, s, e);
    for (byte[] word : words) {
      out.addWord(WordHash.of(word, 0, word.length), t);
    }
    if (words.size() <= 2) {
      int w = 0;
      while (w < WAYS && m[base + w] != 0) {
        w++;
      }
      if (w == WAYS) {
        w = turn[set];
        turn[set] = (byte) ((w + 1) % WAYS);
      }
      int at = base + WAYS + w * 7;
      m[base + w] = key;
      m[at] = n | (long) words.size() << 32;
      m[at + 1] = c0;
      m[at + 2] = c1;
      m[at + 3] = c2;
      m[at + 4] = c3;
      // The hashes just added are the last words of out.
      for (int k = 0; k < words.size(); k++) {
        m[at + 5 + k] = out.wordHash[out.wordCount - words.size() + k];
      }
    }
  }

  @Override
  public byte[] word(byte[] a, int off, Tokens t, int word) {
    int tok = t.wordToken[word];
    int first = word;
    while (first > 0 && t.wordToken[first - 1] == tok) {
      first--;
    }
    return tokenWords(a, off + t.tokenStart[tok], off + t.tokenEnd[tok]).get(word - first);
  }

  /** The normalized words of one token: from the table where it can, else by the definition. */
  static List<byte[]> tokenWords(byte[] a, int s, int e) {
    if (e - s > MAX_FOLD_BYTES) {
      return definitionWords(a, s, e);
    }
    byte[] out = new byte[2 * (e - s)];
    int n = SimpleFold.fold(a, s, e, out);
    if (n < 0) {
      return definitionWords(a, s, e);
    }
    return n == 0 ? List.of() : List.of(Arrays.copyOf(out, n));
  }

  /**
   * The normalized words of one token by the definition (strings, NFKC, case mappings): the
   * fallback of the table and memo, and the tests' oracle.
   */
  static List<byte[]> definitionWords(byte[] a, int s, int e) {
    boolean ascii = true;
    for (int i = s; i < e && ascii; i++) {
      ascii = a[i] >= 0;
    }
    List<byte[]> words = new ArrayList<>(1);
    if (ascii) {
      byte[] dst = new byte[e - s];
      int n = janitorWord(a, s, e, dst);
      if (n > 0) {
        words.add(Arrays.copyOf(dst, n));
      }
      return words;
    }
    String t = normalize(new String(a, s, e - s, StandardCharsets.UTF_8));
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < t.length(); ) {
      int cp = t.codePointAt(i);
      i += Character.charCount(cp);
      if (Chars.isSpace(cp)) {
        flush(cur, words);
      } else if (!isPunct(cp)) {
        cur.appendCodePoint(cp);
      }
    }
    flush(cur, words);
    return words;
  }

  /**
   * Applies NFKC, case folding and NFKC again.
   *
   * @param s a token
   * @return its normalized form, punctuation still in
   */
  static String normalize(String s) {
    return Normalizer.normalize(
        foldCase(Normalizer.normalize(s, Normalizer.Form.NFKC)), Normalizer.Form.NFKC);
  }

  /** The case folding between the two NFKC passes of {@link #normalize}. */
  static String foldCase(String s) {
    // Upper then lower case folds ß to ss; the lower-casing context rule makes a word-final sigma
    // ς again, which case folding (CaseFolding.txt) maps to σ.
    return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).replace('\u03C2', '\u03C3');
  }

  /**
   * Returns whether a code point is deleted by the Unicode normalization.
   *
   * @param cp the code point
   * @return true for general categories P* and ASCII punctuation
   */
  static boolean isPunct(int cp) {
    if (cp < 0x80) {
      return Chars.isAsciiPunct(cp);
    }
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  private static void flush(StringBuilder cur, List<byte[]> words) {
    if (cur.length() > 0) {
      words.add(cur.toString().getBytes(StandardCharsets.UTF_8));
      cur.setLength(0);
    }
  }
}
