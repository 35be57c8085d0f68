package midtrain.data.internal.modify;

import java.util.Map;
import java.util.Set;
import midtrain.data.internal.simd.Chars;
import midtrain.data.modify.Modification;
import midtrain.data.modify.TextModifier;
import midtrain.data.spi.ModifierProvider;

/**
 * {@code symbol-lines}: removes lines made only of symbols, as datatrove's {@code
 * SymbolLinesFormatter} does.
 *
 * <p>A symbol line starts with a character of datatrove's {@code PUNCTUATION} set (ASCII and CJK
 * punctuation, a few others, and the C0/C1 control characters other than tab and line feed) and
 * holds only such characters and whitespace other than line breaks. A run of consecutive symbol
 * lines, with the line feed that ends its last line, is replaced by {@code replace_char} (default
 * empty: the lines vanish; {@code "\n"} leaves a paragraph break). A line of whitespace only, or
 * one starting with whitespace, is kept.
 *
 * <p>Unlike datatrove, a carriage return that is all of a line (the blank line of a CRLF text) is
 * not a symbol line: datatrove, whose set holds {@code \r}, removes those blank lines and so joins
 * the paragraphs of CRLF texts that it keeps apart in LF texts.
 */
public final class SymbolLinesProvider implements ModifierProvider {
  static final String ID = "symbol-lines";

  /** datatrove's {@code PUNCTUATION}, without its control characters (see {@link #isSymbol}). */
  private static final String PUNCTUATION =
      "!/\u2014\u201D:\uFF05\uFF11\u3008&(\u3001\u2501\\\u3010#%\u300C\u300D\uFF0C\u3011\uFF1B+^]~"
          + "\u201C\u300A\u201E';\u2019{|\u2236\u00B4[=-`*\uFF0E\uFF08\u2013\uFF1F\uFF01\uFF1A$"
          + "\uFF5E\u00AB\u3009,><\u300B)?\uFF09\u3002\u2026@_.\"}\u25BA\u00BB";

  /** The cheap no-argument constructor ServiceLoader needs. */
  public SymbolLinesProvider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "removes lines made only of symbols (datatrove SymbolLinesFormatter)";
  }

  @Override
  public Set<String> parameters() {
    return Set.of("replace_char");
  }

  @Override
  public TextModifier create(Map<String, String> params) {
    return new SymbolLines(new Params(ID, params).string("replace_char", ""));
  }

  /**
   * Whether a code point is in datatrove's {@code PUNCTUATION}: the listed characters and the
   * control characters 0-8, 11-31 and 127-159.
   */
  static boolean isSymbol(int cp) {
    if (cp < 32) {
      return cp != '\t' && cp != '\n';
    }
    if (cp >= 127 && cp < 160) {
      return true;
    }
    return cp < 0x10000 && PUNCTUATION.indexOf(cp) >= 0;
  }

  /** The modifier. */
  static final class SymbolLines implements TextModifier {
    private final String replacement;

    SymbolLines(String replacement) {
      this.replacement = replacement;
    }

    @Override
    public String id() {
      return ID;
    }

    @Override
    public Modification apply(String text) {
      int n = text.length();
      StringBuilder out = null;
      int copied = 0;
      long removed = 0;
      int i = 0;
      while (i < n) {
        int end = lineEnd(text, i);
        if (!isSymbolLine(text, i, end)) {
          i = next(text, end);
          continue;
        }
        int runStart = i;
        do {
          removed++;
          i = next(text, end);
          end = i < n ? lineEnd(text, i) : i;
        } while (i < n && isSymbolLine(text, i, end));
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, runStart).append(replacement);
        copied = i;
      }
      if (out == null) {
        return Modification.unchanged(text);
      }
      return Modification.kept(out.append(text, copied, n).toString(), removed, 0);
    }

    /** The end of the line starting at {@code from}: its line feed, or the text's end. */
    private static int lineEnd(String t, int from) {
      int nl = t.indexOf('\n', from);
      return nl < 0 ? t.length() : nl;
    }

    /** Past the line feed at {@code end}, if there is one. */
    private static int next(String t, int end) {
      return end < t.length() ? end + 1 : end;
    }

    static boolean isSymbolLine(String t, int from, int to) {
      if (from == to || (to - from == 1 && t.charAt(from) == '\r')) {
        return false;
      }
      if (!isSymbol(t.codePointAt(from))) {
        return false;
      }
      for (int i = from; i < to; ) {
        int cp = t.codePointAt(i);
        if (!isSymbol(cp) && !(Chars.isSpace(cp) && cp != '\r')) {
          return false;
        }
        i += Character.charCount(cp);
      }
      return true;
    }
  }
}
