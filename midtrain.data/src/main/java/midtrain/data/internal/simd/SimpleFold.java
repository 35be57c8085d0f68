package midtrain.data.internal.simd;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Unicode normalization of a token whose characters each normalize on their own, character by
 * character from a table, with no strings.
 *
 * <p>Why: {@link UnicodeTokenizer#normalize} costs about a microsecond a token (two NFKC passes and
 * two case mappings on strings), and the tokens of a language do not all repeat often enough for a
 * memo (in a scan of accented text, 6% of the lookups missed and took most of the time). Most
 * letters of the alphabets written with spaces (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic
 * without vowel marks) and the CJK ideographs are <em>simple</em>: NFKC leaves them as they are,
 * they fold to one character that NFKC also leaves, and they neither combine with the character
 * before them nor start with one that does. For a token of simple characters and ASCII, NFKC
 * changes nothing, so that its normalization is the concatenation of each character's: folded, or
 * deleted when the folded character is punctuation.
 *
 * <p>The table is made from the running JDK's own normalizer and case mappings (so it follows its
 * Unicode version, as the definition does): for the Basic Multilingual Plane at once, for planes 1
 * and 2 (emoji, historic scripts, rarer ideographs) a character at a time when a text first has it.
 * What is not simple (combining marks, Hangul jamo, compatibility characters such as the
 * mathematical letters, characters that fold to several, planes 3 and up, invalid UTF-8) takes the
 * definition instead. Tests compare both on every character of the Basic Multilingual Plane and of
 * planes 1 and 2.
 */
final class SimpleFold {
  /** A character that is not simple: the token takes the definition. */
  static final char NOT_SIMPLE = 0;

  /** A simple character that the normalization deletes (its folded form is punctuation). */
  static final char DELETED = 1;

  /**
   * In the table of the Basic Multilingual Plane, entries from here to {@code 0xDFFF} (where no
   * character folds to, as they are surrogates) stand for a piece of several characters: {@code
   * EXPANSIONS[entry - EXPANDS]}.
   */
  private static final char EXPANDS = 0xD800;

  /** In {@link #ASCII}: the byte is kept. */
  private static final int KEEP = 1 << 8;

  /** In {@link #ASCII}: the byte is whitespace. */
  private static final int SPACE = 1 << 9;

  /**
   * Per ASCII byte: its lower-case form, {@link #KEEP} unless it is punctuation, {@link #SPACE}.
   */
  private static final int[] ASCII = new int[128];

  static {
    for (int b = 0; b < 128; b++) {
      ASCII[b] =
          (b >= 'A' && b <= 'Z' ? b + 32 : b)
              | (Chars.isAsciiPunct(b) ? 0 : KEEP)
              | (Chars.isAsciiSpace(b) ? SPACE : 0);
    }
  }

  private SimpleFold() {}

  /**
   * Planes 0 to 2: the Basic Multilingual Plane, the Supplementary Multilingual and Ideographic.
   */
  private static final int PLANES_END = 0x30000;

  /** Made at the first non-ASCII token (about 0.2 s): ASCII texts never need it. */
  private static final class Table {
    static final boolean[] SECOND = secondOfPairs();
    private static final Built BUILT = build(SECOND);
    static final char[] FOLD = BUILT.table();

    /** The word pieces of the characters that normalize to several (see {@link #EXPANDS}). */
    static final byte[][] EXPANSIONS = BUILT.pieces();

    /**
     * The entries of planes 1 and 2, each made when a text first has the character: 0 for not yet,
     * -1 for not simple. Threads may make the same entry at once; they make the same value.
     */
    static final int[] SUPPLEMENTARY = new int[PLANES_END - 0x10000];
  }

  /**
   * Writes the normalized word of the token {@code a[s, e)} to {@code out}, if all of its
   * characters are ASCII or simple.
   *
   * @param a the bytes
   * @param s the token's first byte
   * @param e one past its last byte
   * @param out receives the word's bytes; at least {@code 2 * (e - s)} long (a two-byte letter may
   *     fold to a three-byte one)
   * @return the word's length (0 when every character is deleted), or -1 when a character is not
   *     simple or the bytes are not valid UTF-8
   */
  static int fold(byte[] a, int s, int e, byte[] out) {
    int n = 0;
    int space = 0; // the SPACE bit of every ASCII byte
    int i = s;
    while (i < e) {
      int b = a[i];
      if (b >= 0) {
        // No branch on the byte's class: letters and digits are written (lower-cased) and kept,
        // punctuation written over by the next byte.
        int v = ASCII[b];
        out[n] = (byte) v;
        n += v >>> 8 & 1;
        space |= v;
        i++;
        continue;
      }
      int length = Chars.utf8SequenceLength(a, i, e);
      if (length < 0) {
        return -1; // not UTF-8
      }
      int f = entry(Chars.decode(a, i, length));
      i += length;
      if (f == NOT_SIMPLE) {
        return -1;
      }
      if (f < 0) {
        byte[] piece = piece(f);
        System.arraycopy(piece, 0, out, n, piece.length);
        n += piece.length;
      } else if (f != DELETED) {
        n = Chars.encode(out, n, f);
      }
    }
    // Whitespace is not a token's byte: the definition splits there.
    return (space & SPACE) != 0 ? -1 : n;
  }

  /**
   * Returns the table's entry for a character above 0x7F: its folded form (one character), {@link
   * #DELETED}, {@link #NOT_SIMPLE}, or below 0 where it normalizes to several ({@link #piece}).
   *
   * @param cp the character (not a surrogate)
   * @return the entry
   */
  static int entry(int cp) {
    if (cp >= 0x10000) {
      return supplementary(cp);
    }
    int v = Table.FOLD[cp];
    return v >= EXPANDS && v <= 0xDFFF ? -1 - (v - EXPANDS) : v;
  }

  /**
   * Returns the UTF-8 bytes of the word piece of an entry below 0 ({@link #entry}).
   *
   * @param entry the entry
   * @return the bytes, not empty and at most twice the character's
   */
  static byte[] piece(int entry) {
    return Table.EXPANSIONS[-1 - entry];
  }

  /** The entry of a character of plane 1 or above, made the first time it is asked for. */
  private static int supplementary(int cp) {
    if (cp >= PLANES_END) {
      return NOT_SIMPLE; // planes 3 to 16: rare, and left to the definition
    }
    int[] made = Table.SUPPLEMENTARY;
    int v = made[cp - 0x10000];
    if (v == 0) {
      v = simpleEntry(cp, Table.SECOND);
      made[cp - 0x10000] = v == NOT_SIMPLE ? -1 : v;
    }
    return v < 0 ? NOT_SIMPLE : v;
  }

  /**
   * Returns whether a character is simple, for tests.
   *
   * @param c the character
   * @return whether tokens with it take the table
   */
  static boolean isSimple(int c) {
    return c < 0x80 || entry(c) != NOT_SIMPLE;
  }

  /**
   * Builds the table of the Basic Multilingual Plane: for each simple character its word piece: one
   * character (where it is in the plane too), {@link #DELETED}, or an index into its pieces from
   * {@link #EXPANDS}; {@link #NOT_SIMPLE} for the others.
   */
  private static Built build(boolean[] second) {
    char[] table = new char[0x10000];
    List<byte[]> made = new ArrayList<>();
    for (int c = 0x80; c < 0x10000; c++) {
      String w = wordPiece(c, second);
      if (w == null) {
        continue;
      }
      int count = w.codePointCount(0, w.length());
      if (count == 0) {
        table[c] = DELETED;
      } else if (count == 1 && w.codePointAt(0) < 0x10000 && w.codePointAt(0) > DELETED) {
        table[c] = w.charAt(0);
      } else if (count > 1 && made.size() <= 0xDFFF - EXPANDS) {
        byte[] piece = w.getBytes(StandardCharsets.UTF_8);
        // At most twice the character's bytes, so that a token's word fits twice its length.
        if (piece.length <= 2 * Character.toString(c).getBytes(StandardCharsets.UTF_8).length) {
          table[c] = (char) (EXPANDS + made.size());
          made.add(piece);
        }
      }
    }
    return new Built(table, made.toArray(new byte[0][]));
  }

  /** The table of the Basic Multilingual Plane and its pieces of several characters. */
  private record Built(char[] table, byte[][] pieces) {}

  /**
   * The entry of a character of planes 1 and 2: one character, {@link #DELETED} or {@link
   * #NOT_SIMPLE} (their few pieces of several characters are left to the definition).
   */
  private static int simpleEntry(int c, boolean[] second) {
    String w = wordPiece(c, second);
    if (w == null) {
      return NOT_SIMPLE;
    }
    if (w.isEmpty()) {
      return DELETED;
    }
    return w.codePointCount(0, w.length()) == 1 && w.codePointAt(0) > DELETED
        ? w.codePointAt(0)
        : NOT_SIMPLE;
  }

  /**
   * The word piece of one character above 0x7F, or null where it is not simple: its normalization
   * alone with the punctuation deleted, where that is its part of the normalization of any token of
   * simple characters and ASCII.
   *
   * <p>Why that holds: the NFKC of a text is the NFKC of each of its characters, one after the
   * other, where the decomposition of each starts with a character that neither is a mark (which
   * canonical reordering could move) nor is the second of a composed pair (which composition could
   * join to what comes before): each character's decomposition is then composed on its own. So the
   * character's own decomposition, and that of its case-folded NFKC (case mappings go character by
   * character but for the final sigma, which the folding makes sigma anyway), are checked. The
   * piece must hold no whitespace, where the definition would split the token.
   */
  private static String wordPiece(int c, boolean[] second) {
    if (c >= PLANES_END
        || !Character.isDefined(c)
        || c >= 0xD800 && c <= 0xDFFF
        || Chars.isSpace(c)) {
      return null;
    }
    String s = Character.toString(c);
    String folded = UnicodeTokenizer.foldCase(Normalizer.normalize(s, Normalizer.Form.NFKC));
    if (!startsWithStarter(s, second) || !startsWithStarter(folded, second)) {
      return null;
    }
    String r = Normalizer.normalize(folded, Normalizer.Form.NFKC);
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < r.length(); ) {
      int cp = r.codePointAt(i);
      i += Character.charCount(cp);
      if (Chars.isSpace(cp)) {
        return null;
      }
      if (!UnicodeTokenizer.isPunct(cp)) {
        w.appendCodePoint(cp);
      }
    }
    return w.toString();
  }

  /**
   * Whether the compatibility decomposition of a text starts with a character that is neither a
   * mark nor the second of a composed pair (see {@link #wordPiece}).
   */
  private static boolean startsWithStarter(String s, boolean[] second) {
    if (s.isEmpty()) {
      return false;
    }
    int first = Normalizer.normalize(s, Normalizer.Form.NFKD).codePointAt(0);
    return !isMark(first) && first < PLANES_END && !second[first];
  }

  private static boolean isMark(int c) {
    int type = Character.getType(c);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /**
   * The characters of planes 0 to 2 that follow the first character in the canonical decomposition
   * of some character (of any plane): the only ones canonical composition can join to what comes
   * before them.
   */
  private static boolean[] secondOfPairs() {
    boolean[] second = new boolean[PLANES_END];
    for (int c = 0x80; c <= Character.MAX_CODE_POINT; c++) {
      if (!Character.isDefined(c) || c >= 0xD800 && c <= 0xDFFF) {
        continue;
      }
      String s = Character.toString(c);
      if (Normalizer.isNormalized(s, Normalizer.Form.NFD)) {
        continue;
      }
      String d = Normalizer.normalize(s, Normalizer.Form.NFD);
      for (int i = Character.charCount(d.codePointAt(0)); i < d.length(); ) {
        int t = d.codePointAt(i);
        if (t < second.length) {
          second[t] = true;
        }
        i += Character.charCount(t);
      }
    }
    return second;
  }
}
