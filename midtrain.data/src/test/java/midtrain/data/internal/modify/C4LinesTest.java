package midtrain.data.internal.modify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import midtrain.data.DocumentBatch;
import midtrain.data.modify.Modification;
import midtrain.data.modify.Modifiers;
import midtrain.data.modify.TextModifier;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * The {@code c4-lines} modifier: hand-worked documents through datatrove's C4QualityFilter steps
 * (src/datatrove/pipeline/filters/c4_filters.py, in its order), each switch, and its verdicts
 * against the {@code c4} rater's, an implementation of the same rules written apart.
 */
class C4LinesTest {
  static TextModifier c4(Map<String, String> params) {
    return Modifiers.create("c4-lines", params);
  }

  static final TextModifier ONE_SENTENCE = c4(Map.of("min_num_sentences", "1"));

  /**
   * Worked by hand through datatrove's steps: line 1 is kept; line 2 has no terminal punctuation;
   * line 3 has two words; line 4 ends in an ellipsis; line 5 mentions JavaScript; line 6 loses its
   * citations and is kept; line 7 holds a policy phrase; line 8 (blank) has no punctuation; line 9
   * is kept, stripped. Kept: 3 lines, 4 sentences (line 9 has two).
   */
  static final String PAGE =
      "The committee met on Tuesday to review the budget.\n"
          + "Home | About | Contact\n"
          + "Read more.\n"
          + "And then there were more things to say...\n"
          + "Please enable JavaScript to view the comments.\n"
          + "The budget grew by ten percent.[12][citation needed]\n"
          + "By using this site you agree to our Terms of Use.\n"
          + "\n"
          + "   Members agreed. The chair thanked the volunteers!   \n";

  @Test
  void aWorkedPage() {
    Modification r = c4(Map.of("min_num_sentences", "4")).apply(PAGE);
    assertEquals(
        "The committee met on Tuesday to review the budget.\n"
            + "The budget grew by ten percent.\n"
            + "Members agreed. The chair thanked the volunteers!",
        r.text());
    assertEquals(6, r.linesRemoved());
    assertEquals(2, r.replacements()); // the two citations of a kept line
    // Five sentences are asked by default (datatrove's); four is too few.
    assertEquals(Modification.removed("too_few_sentences"), c4(Map.of()).apply(PAGE));
  }

  @Test
  void eachSwitch() {
    String text = "Home | About | Contact\nNice words here today.\n";
    assertEquals(
        "Home | About | Contact\nNice words here today.",
        c4(Map.of("min_num_sentences", "1", "filter_no_terminal_punct", "false"))
            .apply(text)
            .text());
    assertEquals(
        "Short.\nNice words here today.",
        c4(Map.of("min_num_sentences", "2", "min_words_per_line", "1"))
            .apply("Short.\nNice words here today.")
            .text());
    String js = "Turn on JavaScript in your browser now.\nNice words here today.";
    assertEquals("Nice words here today.", ONE_SENTENCE.apply(js).text());
    assertEquals(
        js, c4(Map.of("min_num_sentences", "1", "filter_javascript", "false")).apply(js).text());
    String policy = "We use cookies on this site, sorry.\nNice words here today.";
    assertEquals("Nice words here today.", ONE_SENTENCE.apply(policy).text());
    assertEquals(
        policy,
        c4(Map.of("min_num_sentences", "1", "filter_policy", "false")).apply(policy).text());
    String cite = "Nice words here today.[3]";
    assertEquals("Nice words here today.", ONE_SENTENCE.apply(cite).text());
    // Without the cut the line ends in "]": not terminal punctuation.
    assertEquals(
        Modification.removed("too_few_sentences"),
        c4(Map.of("min_num_sentences", "1", "remove_citations", "false")).apply(cite));
    String longWord = "A " + "x".repeat(12) + " word here.\nNice words here today.";
    assertEquals(
        "Nice words here today.",
        c4(Map.of("min_num_sentences", "1", "max_word_length", "11")).apply(longWord).text());
    assertEquals(Modification.unchanged(longWord.strip()), ONE_SENTENCE.apply(longWord.strip()));
  }

  @Test
  void documentLevelRemovals() {
    assertEquals(
        Modification.removed("lorem_ipsum"),
        ONE_SENTENCE.apply("Nice words here today.\nLOREM Ipsum dolor sit amet."));
    // Only lines that the earlier steps keep are looked at (datatrove's order): here "lorem
    // ipsum" is in a line without terminal punctuation, which goes first.
    assertEquals(
        "Nice words here today.",
        ONE_SENTENCE.apply("Nice words here today.\nlorem ipsum dolor sit amet").text());
    assertEquals(
        Modification.removed("curly_bracket"),
        ONE_SENTENCE.apply("Nice words here today.\nfunction f() { return 1; }."));
    assertEquals(
        "Nice words here today.\nfunction f() { return 1; }.",
        c4(Map.of("min_num_sentences", "1", "filter_curly_bracket", "false"))
            .apply("Nice words here today.\nfunction f() { return 1; }.")
            .text());
    // The Kelvin sign lower-cases to k in Python: "coo\u212Aie policy" is a policy phrase.
    assertEquals(
        "Nice words here today.",
        ONE_SENTENCE.apply("Read our coo\u212Aie policy please.\nNice words here today.").text());
    assertEquals(
        Modification.removed("too_few_sentences"),
        c4(Map.of("min_num_sentences", "3")).apply("Nice words here today."));
  }

  @Test
  void adversarial() {
    assertEquals(Modification.removed("too_few_sentences"), ONE_SENTENCE.apply(""));
    // With no sentences asked, an empty result is kept by the modifier (the stage removes it).
    assertEquals(Modification.unchanged(""), c4(Map.of("min_num_sentences", "0")).apply(""));
    assertEquals("", c4(Map.of("min_num_sentences", "-1")).apply("!!!\n???").text());
    // CRLF and the other breaks of str.splitlines: the kept lines are joined by \n.
    assertEquals(
        "Nice words here today.\nMore words are here.",
        ONE_SENTENCE.apply("Nice words here today.\r\nMore words are here.\r\n").text());
    assertEquals(
        "Nice words here today.\nMore words are here.",
        ONE_SENTENCE.apply("Nice words here today.\u2028More words are here.\u000b").text());
    // Word length counts code points: four emoji are four characters, not eight.
    String emoji = "Look at \uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00 here.";
    assertEquals(
        emoji, c4(Map.of("min_num_sentences", "1", "max_word_length", "5")).apply(emoji).text());
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          String huge = "word ".repeat(400_000) + "end.";
          assertEquals(huge, ONE_SENTENCE.apply(huge).text());
          String longWord = "x".repeat(2_000_000) + " is long.\nNice words here today.";
          assertEquals("Nice words here today.", ONE_SENTENCE.apply(longWord).text());
        });
  }

  @Test
  void removesExactlyWhatTheC4RaterFails() throws IOException {
    // The c4 rater scores the same rules (written apart, on the batch's shared scan); on every
    // document both must reach the same verdict, with the same reason. Documents: the rules
    // corpus, this package's modify corpus and seeded random pages of likely and unlikely lines.
    List<String> texts = new ArrayList<>();
    for (var d : ModifyDifferentialTest.lines("/rules/corpus.jsonl")) {
      texts.add(d.get("text").asText());
    }
    for (var d : ModifyDifferentialTest.lines("/modify/corpus.jsonl")) {
      texts.add(d.get("text").asText());
    }
    Random rnd = new Random(20261208);
    String[] lines = {
      "The committee met on Tuesday to review the budget.",
      "Members agreed. The chair thanked the volunteers!",
      "Home | About",
      "Enable JavaScript now, please.",
      "Read our privacy policy here.",
      "Lorem ipsum dolor sit amet.",
      "f() { x }.",
      "Cite this.[4]",
      "Wait for it...",
      "Ok.",
      "",
      "   ",
      "He said \"yes.\"",
      "x".repeat(1001) + " too long.",
    };
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + rnd.nextInt(12);
      for (int k = 0; k < n; k++) {
        sb.append(lines[rnd.nextInt(lines.length)]).append(rnd.nextInt(4) == 0 ? "\r\n" : "\n");
      }
      texts.add(sb.toString());
    }
    Map<String, String> params = Map.of("min_num_sentences", "3");
    Rater rater = Raters.create("c4", params);
    TextModifier modifier = c4(params);
    int removed = 0;
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = DocumentBatch.create(allocator)) {
      for (int i = 0; i < texts.size(); i++) {
        DocumentBatch.append(batch, "d" + i, texts.get(i));
      }
      float[][] scores = new float[rater.outputs().size()][texts.size()];
      rater.rate(batch, scores);
      int pass = rater.outputs().indexOf("pass");
      for (int i = 0; i < texts.size(); i++) {
        float[] row = new float[scores.length];
        for (int k = 0; k < row.length; k++) {
          row[k] = scores[k][i];
        }
        Modification r = modifier.apply(texts.get(i));
        String want = row[pass] == 1 ? "" : rater.verdict(row);
        assertEquals(want, r.isRemoved() ? r.reason() : "", "document " + i + ": " + texts.get(i));
        removed += r.isRemoved() ? 1 : 0;
      }
    }
    assertTrue(removed > 50 && removed < texts.size() - 50, "removed " + removed);
  }
}
