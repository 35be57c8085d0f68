package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactMatchTest {

  @Test
  void strictComparesTheStringsAsTheyAre() {
    assertTrue(ExactMatch.strict().matches("42", "42"));
    assertFalse(ExactMatch.strict().matches("42.", "42"));
    assertFalse(ExactMatch.strict().matches("Paris", "paris"));
  }

  @Test
  void normalizationsApplyInTheHarnessOrder() {
    ExactMatch em = ExactMatch.strict().ignoringCase().ignoringPunctuation().ignoringNumbers();
    assertEquals("the answer is ", em.normalize("The answer is: 42!"));
    // Regexes run first, on the original case: "ANSWER:" is not removed by "answer:" because
    // lower-casing comes after.
    ExactMatch re = ExactMatch.strict().ignoringRegex("answer:\\s*").ignoringCase();
    assertEquals("answer: paris", re.normalize("ANSWER: Paris"));
    assertEquals("paris", re.normalize("answer: Paris"));
    // Only ASCII punctuation goes, as Python's string.punctuation: the ellipsis stays.
    assertEquals("a…b", ExactMatch.strict().ignoringPunctuation().normalize("a.…-b"));
  }

  @Test
  void scoreIsTheMeanOfTheMatches() {
    ExactMatch em = ExactMatch.strict().ignoringCase();
    // matches: yes, no, yes -> 2 / 3
    assertEquals(
        2.0 / 3.0,
        em.score(List.of("Paris", "Rome", "OSLO"), List.of("paris", "Lyon", "oslo")),
        1e-12);
    EvalException e =
        assertThrows(EvalException.class, () -> em.score(List.of("a", "b"), List.of("a")));
    assertTrue(e.getMessage().contains("2 predictions and 1 references"), e.getMessage());
    assertThrows(EvalException.class, () -> ExactMatch.strict().ignoringRegex("("));
  }
}
