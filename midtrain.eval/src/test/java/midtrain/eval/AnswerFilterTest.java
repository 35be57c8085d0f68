package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Expected values are worked by hand from lm-evaluation-harness's RegexFilter.apply
 * (lm_eval/filters/extraction.py): re.findall, match[group_select], the first non-empty element of
 * a tuple, strip(), else the fallback "[invalid]".
 */
class AnswerFilterTest {
  static final AnswerFilter STRICT = AnswerFilter.regex("strict-match", "#### (\\-?[0-9\\.\\,]+)");
  static final AnswerFilter FLEXIBLE =
      AnswerFilter.regex("flexible-extract", "(-?[$0-9.,]{2,})|(-?[0-9]+)").withGroupSelect(-1);

  @Test
  void strictMatchTakesTheNumberAfterTheHashes() {
    // findall gives ["72"] (one group): match[0] = "72".
    assertEquals("72", STRICT.apply("She sold 48 + 24 = 72 clips.\n#### 72"));
    // Two answers: group_select 0 keeps the first.
    assertEquals("-1,000.5", STRICT.apply("#### -1,000.5 and later #### 3"));
    // No "#### ": the fallback.
    assertEquals("[invalid]", STRICT.apply("The answer is 72."));
  }

  @Test
  void flexibleExtractTakesTheLastNumberFromTheTupleOfGroups() {
    // findall: [("$1,234.56", ""), ("", "7")] (the lone "7" is too short for the first group);
    // match[-1] = ("", "7"); its first non-empty element is "7".
    assertEquals("7", FLEXIBLE.apply("It costs $1,234.56 for 7"));
    // [("$18", "")] -> "$18": the dollar stays; exact match's regexes remove it later.
    assertEquals("$18", FLEXIBLE.apply("So she makes $18 every day."));
    // A sentence's final period is part of the match: [("18.", "")] -> "18.".
    assertEquals("18.", FLEXIBLE.apply("The answer is 18."));
    assertEquals("[invalid]", FLEXIBLE.apply("no digits here"));
  }

  @Test
  void noGroupsGiveTheWholeMatchAndOneGroupItsTextStripped() {
    assertEquals("ab", AnswerFilter.regex("f", "a.").apply("xab ac"));
    assertEquals("ac", AnswerFilter.regex("f", "a.").withGroupSelect(1).apply("xab ac"));
    // One group with surrounding spaces: strip() removes them, no-break space included.
    assertEquals("42", AnswerFilter.regex("f", "=(\\s*\\d+\\s*)").apply("x =\u00a042 \n"));
  }

  @Test
  void outOfRangeSelectionAndAllEmptyGroupsFallBackWhereTheHarnessWouldRaise() {
    assertEquals("[invalid]", AnswerFilter.regex("f", "(\\d)").withGroupSelect(2).apply("1 2"));
    assertEquals("[invalid]", AnswerFilter.regex("f", "(\\d)").withGroupSelect(-3).apply("1 2"));
    assertEquals("2", AnswerFilter.regex("f", "(\\d)").withGroupSelect(-1).apply("1 2"));
    // (x?)|(y?) on "z": empty matches whose groups are both "": the harness's [...][0] fails.
    assertEquals("none", AnswerFilter.regex("f", "(x?)(y?)").withFallback("none").apply("z"));
    // One group matching "" is the empty string in Python, not an error.
    assertEquals("", AnswerFilter.regex("f", "(x?)").apply("z"));
  }

  @Test
  void theNoneFilterKeepsTheContinuation() {
    assertEquals(" 72\n", AnswerFilter.none().apply(" 72\n"));
    assertEquals("none", AnswerFilter.none().name());
    assertThrows(EvalException.class, () -> AnswerFilter.none().withGroupSelect(1));
  }

  @Test
  void badPatternsAndNullsAreRefused() {
    EvalException e = assertThrows(EvalException.class, () -> AnswerFilter.regex("f", "(a"));
    assertEquals(true, e.getMessage().contains("filter f"), e.getMessage());
    assertThrows(EvalException.class, () -> AnswerFilter.regex(null, "a"));
    assertThrows(EvalException.class, () -> STRICT.apply(null));
    assertThrows(EvalException.class, () -> AnswerFilter.regex(" ", "a"));
  }
}
