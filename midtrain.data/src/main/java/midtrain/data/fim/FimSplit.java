package midtrain.data.fim;

import midtrain.data.DataException;

/**
 * Two split points in code points (Python string offsets), sorted so {@code lo <= hi}.
 *
 * @param lo end of the prefix, in code points
 * @param hi end of the middle, in code points
 */
public record FimSplit(int lo, int hi) {
  /**
   * Validates {@code 0 <= lo <= hi}.
   *
   * @param lo end of the prefix, in code points, at least 0
   * @param hi end of the middle, in code points, at least {@code lo}
   * @throws DataException if {@code lo} is negative or {@code hi} is below {@code lo}
   */
  public FimSplit {
    if (lo < 0 || hi < lo) {
      throw new DataException("FIM split points must satisfy 0 <= lo <= hi, got " + lo + ", " + hi);
    }
  }

  /**
   * Two boundaries in either order, as drawn; sorted here as bigcode does.
   *
   * @param a one boundary, in code points, at least 0
   * @param b the other boundary, in code points, at least 0
   * @return the split with {@code lo = min(a, b)} and {@code hi = max(a, b)}
   * @throws DataException if a boundary is negative
   */
  public static FimSplit of(int a, int b) {
    return new FimSplit(Math.min(a, b), Math.max(a, b));
  }

  /**
   * Split points given as UTF-16 offsets into {@code text}; refuses an offset inside a surrogate
   * pair.
   *
   * @param text the text the offsets index
   * @param lo one boundary, a {@code char} offset in {@code [0, text.length()]}
   * @param hi the other boundary, a {@code char} offset in {@code [0, text.length()]}; the two are
   *     sorted
   * @return the split in code points
   * @throws DataException if an offset is outside the text or falls between the two halves of a
   *     surrogate pair
   */
  public static FimSplit ofUtf16(String text, int lo, int hi) {
    check(text, lo, "lo");
    check(text, hi, "hi");
    return of(text.codePointCount(0, lo), text.codePointCount(0, hi));
  }

  private static void check(String text, int at, String name) {
    if (at < 0 || at > text.length()) {
      throw new DataException(
          "FIM split " + name + " = " + at + " outside text of UTF-16 length " + text.length());
    }
    if (at > 0
        && at < text.length()
        && Character.isHighSurrogate(text.charAt(at - 1))
        && Character.isLowSurrogate(text.charAt(at))) {
      throw new DataException("FIM split " + name + " = " + at + " cuts a surrogate pair");
    }
  }

  /**
   * The UTF-16 offsets of these split points in {@code text}.
   *
   * @param text the text the split points index
   * @return a new two-element array: the {@code char} offsets of {@code lo} and of {@code hi}
   * @throws DataException if {@code hi} is beyond the text's length in code points
   */
  public int[] utf16(String text) {
    int n = text.codePointCount(0, text.length());
    if (hi > n) {
      throw new DataException("FIM split hi = " + hi + " beyond text of " + n + " code points");
    }
    int a = text.offsetByCodePoints(0, lo);
    return new int[] {a, text.offsetByCodePoints(a, hi - lo)};
  }

  /**
   * Cuts {@code text} into prefix, middle and suffix.
   *
   * @param text the text to cut
   * @return the code points before {@code lo}, those from {@code lo} to {@code hi}, and the rest
   * @throws DataException if {@code hi} is beyond the text's length in code points
   */
  public FimPieces apply(String text) {
    int[] u = utf16(text);
    return new FimPieces(text.substring(0, u[0]), text.substring(u[0], u[1]), text.substring(u[1]));
  }
}
