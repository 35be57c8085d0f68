package midtrain.data.internal.rate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.junit.jupiter.api.Test;

/** Each rule on small texts whose metrics are counted by hand in the comments. */
class RuleRatersTest {
  static float[] score(Rater r, String text) {
    float[] out = new float[r.outputs().size()];
    ((RuleRater) r).score(text, out);
    return out;
  }

  static Rater rater(String id, Map<String, String> params) {
    return Raters.create(id, params);
  }

  static void assertMetrics(double[] expected, float[] actual) {
    assertEquals(expected.length + 1, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6, "output " + i);
    }
  }

  // Tokens: the | cat, | and | the | dog... | • | item | one | - | two | #x | … (12).
  // Words (punctuation stripped; "•" is not datatrove punctuation, "-" and "…" are):
  // the cat and the dog • item one two x = 10, lengths 3+3+3+3+3+1+4+3+3+1 = 27.
  static final String GQ = "the cat, and the dog...\n• item one\n- two #x …";

  @Test
  void gopherQualityCountsByHand() {
    Rater r = rater("gopher-quality", Map.of());
    float[] s = score(r, GQ);
    assertMetrics(
        new double[] {
          10, // n_words
          2.7, // avg_word_length
          1 / 12.0, // one '#'
          2 / 12.0, // "..." and "…"
          2 / 3.0, // "•" and "-" start 2 of 3 lines
          2 / 3.0, // lines 1 and 3 end in an ellipsis
          9 / 12.0, // "•", "-", "…" have no letter
          3 // the, and, the
        },
        s);
    assertEquals(0f, s[8]);
    assertEquals("gopher_short_doc", r.verdict(s));
    Rater relaxed = rater("gopher-quality", Map.of("min_doc_words", "5"));
    assertEquals("gopher_below_avg_threshold", relaxed.verdict(score(relaxed, GQ)));
    Rater relaxed2 =
        rater("gopher-quality", Map.of("min_doc_words", "5", "min_avg_word_length", "2"));
    assertEquals("gopher_too_many_ellipsis", relaxed2.verdict(score(relaxed2, GQ)));
    // 0 disables a rule, as in datatrove.
    Rater off =
        rater(
            "gopher-quality",
            Map.of(
                "min_doc_words", "0",
                "min_avg_word_length", "0",
                "max_symbol_word_ratio", "0",
                "max_bullet_lines_ratio", "0",
                "max_ellipsis_lines_ratio", "0",
                "max_non_alpha_words_ratio", "0"));
    float[] passed = score(off, GQ);
    assertEquals("", off.verdict(passed));
    assertEquals(1f, passed[8]);
    Rater stops = rater("gopher-quality", Map.of("stop_words", "cat,dog"));
    assertEquals(2f, score(stops, GQ)[7]);
  }

  @Test
  void gopherQualityPassesProseAndCountsSurrogatePairsOnce() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append("The quality of the water and the land is good.\n");
    }
    Rater r = rater("gopher-quality", Map.of());
    float[] s = score(r, sb.toString());
    assertEquals(200f, s[0]);
    assertEquals("", r.verdict(s));
    // "𝔘𝔫" is two code points (four chars); the word "ab𝔘" has length 3.
    float[] u = score(r, "ab\uD835\uDD18 \uD835\uDD18\uD835\uDD2B");
    assertEquals(2.5f, u[1], 1e-6);
    assertEquals(1f, u[6], 1e-6); // mathematical Fraktur letters are letters
  }

  // Paragraphs and lines: "a b c", "a b c", "x y"; len(text) = 17.
  // 2-grams: a b, b c, c a, a b, b c, c x, x y: "a b" (first of the two seen twice) 3 chars * 2.
  // 3-grams: "a b c" twice, 5 * 2. 4-grams all once: the first, "a b c a", 7.
  static final String REP = "a b c\n\na b c\n\nx y";

  @Test
  void gopherRepetitionCountsByHand() {
    Rater r = rater("gopher-repetition", Map.of());
    float[] s = score(r, REP);
    assertMetrics(
        new double[] {
          1 / 3.0, 5 / 17.0, 1 / 3.0, 5 / 17.0, 6 / 17.0, 10 / 17.0, 7 / 17.0, 0, 0, 0, 0, 0, 0
        },
        s);
    assertEquals("dup_para_frac", r.verdict(s));
    Rater lines =
        rater("gopher-repetition", Map.of("dup_para_frac", "0", "dup_para_char_frac", "0"));
    assertEquals("dup_line_frac", lines.verdict(score(lines, REP)));
  }

  @Test
  void duplicateNgramsSkipPastEachRepeat() {
    // 15 words a..e three times; 5-grams: positions 0-4 new, 5 repeats (+5 chars, jump to 10),
    // 10 repeats (+5): 10 chars of 29. 6-grams: 0-4 new, 5 "abcdea" repeats (+6, jump to 11) and
    // no 6-gram starts at 11 or later: 6 of 29.
    String t = "a b c d e a b c d e a b c d e";
    Rater r = rater("gopher-repetition", Map.of());
    float[] s = score(r, t);
    assertEquals(10 / 29.0, s[7], 1e-6);
    assertEquals(6 / 29.0, s[8], 1e-6);
    // The top 2-gram "a b" occurs 3 times: 3 chars * 3.
    assertEquals(9 / 29.0, s[4], 1e-6);
    assertEquals("top_2_gram", r.verdict(s));
    Rater dup =
        rater(
            "gopher-repetition",
            Map.of("top_2_gram_frac", "1", "top_3_gram_frac", "1", "top_4_gram_frac", "1"));
    assertEquals("duplicated_5_n_grams", dup.verdict(score(dup, t)));
  }

  @Test
  void repetitionLinesKeepEmptyEnds() {
    // re.split("\n+", "\nq\n") = ["", "q", ""]: one duplicate (the empty string, 0 chars).
    float[] s = score(rater("gopher-repetition", Map.of()), "\nq\n");
    assertEquals(1 / 3.0, s[2], 1e-6);
    assertEquals(0f, s[3]);
    // An empty text: one empty paragraph and line, no n-grams, no division by zero.
    float[] e = score(rater("gopher-repetition", Map.of()), "");
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, e);
  }

  static final String C4_TEXT =
      String.join(
          "\n",
          "This is fine. Really fine!", // kept, 2 sentences
          "No punctuation here", // removed: no terminal punctuation
          "Two words.", // removed: fewer than 3 words
          "Please enable JavaScript now.", // removed: javascript
          "Read the privacy policy today.", // removed: policy
          "See the source [1]", // removed: ends in a space once the citation is cut
          "It was cited here.[2]", // kept, 1 sentence
          "Lorem ipsum dolor sit.", // drops the document (first)
          "We use {braces} here.", // would drop it too, but lorem ipsum came first
          "  \"Is it?\" he asked.  "); // kept, 2 sentences: `?"` then space, `.` at the end

  @Test
  void c4CountsByHand() {
    Rater r = rater("c4", Map.of());
    float[] s = score(r, C4_TEXT);
    assertMetrics(new double[] {7 / 10.0, 5, 1, 0}, s);
    assertEquals("lorem_ipsum", r.verdict(s));
    Rater noLorem = rater("c4", Map.of("filter_lorem_ipsum", "false"));
    float[] t = score(noLorem, C4_TEXT);
    // The lorem line is now kept (1 sentence) and the bracket drops the document.
    assertMetrics(new double[] {6 / 10.0, 6, 0, 1}, t);
    assertEquals("curly_bracket", noLorem.verdict(t));
    Rater noDrops =
        rater("c4", Map.of("filter_lorem_ipsum", "false", "filter_curly_bracket", "false"));
    float[] u = score(noDrops, C4_TEXT);
    assertEquals(7f, u[1]);
    assertEquals("", noDrops.verdict(u));
    Rater strict =
        rater(
            "c4",
            Map.of(
                "min_num_sentences", "8", "filter_lorem_ipsum", "0", "filter_curly_bracket", "no"));
    assertEquals("too_few_sentences", strict.verdict(score(strict, C4_TEXT)));
  }

  @Test
  void c4LongWordsEllipsisAndKelvin() {
    String longWord = "x".repeat(1001);
    String t = "A very " + longWord + " word.\nAnd so it ends...\nOur coo\u212Aie policy is here.";
    float[] s = score(rater("c4", Map.of()), t);
    // All three removed: a token over 1000 chars, "..." at the end, a policy phrase (Kelvin K).
    assertEquals(1f, s[0]);
    assertEquals(0f, s[1]);
    float[] k = score(rater("c4", Map.of("max_word_length", "-1")), t);
    assertEquals(2 / 3.0, k[0], 1e-6);
  }

  @Test
  void citationsAreCutLikeThePythonRegex() {
    char[] in = "a[[1]]b[edit][x][][citation needed]".toCharArray();
    char[] out = new char[in.length];
    int n = C4Provider.C4.cutCitations(in, 0, in.length, out);
    assertEquals("a[]b[x]", new String(out, 0, n));
  }

  // Lines: "Hello world." (12) | "short" | "Hello world." | "" | a 51-char line ending in "!".
  static final String FW =
      "Hello world.\nshort\nHello world.\n\nA much longer line that has more than thirty chars!";

  @Test
  void fineWebCountsByHand() {
    Rater r = rater("fineweb", Map.of());
    float[] s = score(r, FW);
    // 3 of 5 lines end in punctuation; 4 of 5 are at most 30 chars; the repeated line's 12 chars
    // over the 80 chars that are not newlines; 4 newlines over 15 tokens.
    assertMetrics(new double[] {3 / 5.0, 4 / 5.0, 12 / 80.0, 4 / 15.0}, s);
    assertEquals("short_line_ratio", r.verdict(s));
    Rater longer = rater("fineweb", Map.of("short_line_length", "4"));
    float[] t = score(longer, FW);
    assertEquals(1 / 5.0, t[1], 1e-6); // only the empty line
    assertEquals("char_dup_ratio", longer.verdict(t));
    Rater zero = rater("fineweb", Map.of("line_punct_exclude_zero", "true"));
    assertTrue(
        !zero.verdict(score(zero, "no punctuation\nat all here")).equals("line_punct_ratio"));
    assertEquals("line_punct_ratio", r.verdict(score(r, "no punctuation\nat all here")));
  }

  @Test
  void providersAreFoundByIdAndRefuseUnknownParameters() {
    for (String id : List.of("gopher-quality", "gopher-repetition", "c4", "fineweb")) {
      assertTrue(Raters.providers().containsKey(id), id);
      Rater r = Raters.create(id, Map.of());
      assertEquals(id, r.id());
      assertEquals("pass", r.outputs().get(r.outputs().size() - 1));
      DataException e =
          assertThrows(DataException.class, () -> Raters.create(id, Map.of("bogus", "1")));
      assertTrue(e.getMessage().contains("bogus"), e.getMessage());
      assertEquals("renamed", Raters.create(id, Map.of(Raters.AS, "renamed")).id());
    }
    assertThrows(
        DataException.class, () -> Raters.create("gopher-quality", Map.of("min_doc_words", "x")));
    assertThrows(DataException.class, () -> Raters.create("c4", Map.of("filter_policy", "maybe")));
    assertThrows(
        DataException.class, () -> Raters.create("fineweb", Map.of("short_line_length", "2.5")));
  }
}
