package midtrain.eval.internal;

/** Python's notion of whitespace, which the harness's {@code strip()} and {@code rstrip()} use. */
public final class PythonText {
  private PythonText() {}

  /**
   * Returns whether a character is whitespace to Python's {@code str.isspace}.
   *
   * @param ch the character
   * @return whether {@code strip()} removes it
   */
  public static boolean isSpace(char ch) {
    // Python's str.isspace is Unicode White_Space plus \x1c-\x1f. Java's isWhitespace has the
    // ASCII ones but leaves out no-break spaces, which isSpaceChar has; neither has NEL.
    return ch == '\u0085' || Character.isWhitespace(ch) || Character.isSpaceChar(ch);
  }

  /**
   * Returns Python's {@code s.strip()}: the text without whitespace at either end.
   *
   * @param s the text
   * @return the stripped text
   */
  public static String strip(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  /**
   * Returns Python's {@code s.lstrip()}: the text without whitespace at its start.
   *
   * @param s the text
   * @return the stripped text
   */
  public static String lstrip(String s) {
    int from = 0;
    while (from < s.length() && isSpace(s.charAt(from))) {
      from++;
    }
    return s.substring(from);
  }
}
