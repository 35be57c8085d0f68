package midtrain.data.internal.modify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import midtrain.data.modify.Modification;
import midtrain.data.modify.Modifiers;
import midtrain.data.modify.TextModifier;
import org.junit.jupiter.api.Test;

/**
 * The {@code symbol-lines} modifier against datatrove's own test of its SymbolLinesFormatter
 * (tests/pipeline/test_symbollines.py, transcribed) and its regular expression's behaviour.
 */
class SymbolLinesTest {
  static final TextModifier SYMBOLS = Modifiers.create("symbol-lines", Map.of());

  /** datatrove's INPUT_TEXT. */
  static final String IN =
      """
      -
      -
      -
      >> Harold Brantley is a 6-2, 283-pound Defensive Tackle from Hershey, PA. He is ranked No. \
      1385 in the country by 247Sports.


      >> Brantley is the No. 45 recruit in Pennsylvania (PA) and is the No. 89 Defensive Tackle in \
      the nation.

      >> Brantley has a 247Sports rating of 80, making him a 3-star prospect.
      |
      |
      |
      hello ehehe -
      |
      - oi mate
      |

      bye""";

  /** datatrove's FORMATTED_TEXT. */
  static final String OUT =
      """
      >> Harold Brantley is a 6-2, 283-pound Defensive Tackle from Hershey, PA. He is ranked No. \
      1385 in the country by 247Sports.


      >> Brantley is the No. 45 recruit in Pennsylvania (PA) and is the No. 89 Defensive Tackle in \
      the nation.

      >> Brantley has a 247Sports rating of 80, making him a 3-star prospect.
      hello ehehe -
      - oi mate

      bye""";

  @Test
  void datatroveCase() {
    Modification r = SYMBOLS.apply(IN);
    assertEquals(OUT, r.text());
    // The three "-", the three "|", and two single "|" lines.
    assertEquals(8, r.linesRemoved());
  }

  @Test
  void aRunIsReplacedOnceAndTheLastLineKeepsNoBreak() {
    // The pattern takes a run of symbol lines with the line feed ending the run: with "\n" as the
    // replacement, the run becomes one paragraph break.
    TextModifier para = Modifiers.create("symbol-lines", Map.of("replace_char", "\n"));
    assertEquals("a\n\nb\n", para.apply("a\n---\n***\nb\n").text());
    assertEquals("a\n\n", para.apply("a\n---").text());
    // At the end without a line feed, the line feed before the run stays.
    assertEquals("a\n", SYMBOLS.apply("a\n-- --\t\u3000").text());
  }

  @Test
  void whatIsASymbolLine() {
    // Starts with a symbol; symbols and whitespace other than line breaks after it.
    assertEquals(" ---\n", SYMBOLS.apply(" ---\n").text());
    assertEquals("   \n\t\n", SYMBOLS.apply("   \n\t\n").text());
    assertEquals("", SYMBOLS.apply("\u2014\u2013\u2026 \u300c\u300d\n").text());
    assertEquals("x\n", SYMBOLS.apply("\u0001\u007f\u009f\nx\n").text()); // control characters
    // The fullwidth one is in datatrove's set, the ASCII digit is not.
    assertEquals("1\n", SYMBOLS.apply("\uff11\n1\n").text());
    // Outside the BMP nothing is a symbol: an emoji line is kept.
    assertEquals("\uD83D\uDE00\uD83D\uDE00\n", SYMBOLS.apply("\uD83D\uDE00\uD83D\uDE00\n").text());
    assertEquals("-\uD83D\uDE00\n", SYMBOLS.apply("-\uD83D\uDE00\n").text());
  }

  @Test
  void crlfLines() {
    // A symbol line ending in \r\n goes with its break (datatrove's set holds \r).
    assertEquals("a\r\nb", SYMBOLS.apply("a\r\n---\r\nb").text());
    // Departure: a blank CRLF line is kept, as a blank LF line is. datatrove counts its \r as a
    // symbol, so it takes "\r\n---\r\n" as one run and gives "a\r\nb".
    assertEquals("a\r\n\r\nb", SYMBOLS.apply("a\r\n\r\n---\r\nb").text());
    assertEquals("a\n\nb", SYMBOLS.apply("a\n\n---\nb").text());
  }

  @Test
  void emptyAndOnlySymbols() {
    assertEquals(Modification.unchanged(""), SYMBOLS.apply(""));
    Modification r = SYMBOLS.apply("***\n---\n\u00bb");
    assertEquals("", r.text());
    assertEquals(3, r.linesRemoved());
  }

  @Test
  void hugeLines() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          String dashes = "-".repeat(3_000_000);
          Modification r = SYMBOLS.apply("keep\n" + dashes + "\nkeep");
          assertEquals("keep\nkeep", r.text());
          assertEquals(1, r.linesRemoved());
          String lines = "-\n".repeat(1_000_000);
          assertEquals("", SYMBOLS.apply(lines).text());
        });
  }
}
