package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import midtrain.eval.FakeModels.Scripted;
import org.junit.jupiter.api.Test;

/**
 * Expected prompts, truncations and cuts are worked by hand from lm-evaluation-harness:
 * ContextSampler.get_context (lm_eval/api/samplers.py) for the few-shot context,
 * HFLM.generate_until (lm_eval/models/huggingface.py) for left truncation to max_length -
 * max_gen_toks and the post-hoc split on each stop string, and the gsm8k task's filters and
 * exact_match options (lm_eval/tasks/gsm8k/gsm8k.yaml, version 3).
 */
class GenerativeScorerTest {

  static GenerativeScorer.Builder chars(int maxLength) {
    return GenerativeScorer.builder()
        .encoder(FakeModels.CHARS)
        .decoder(FakeModels.UNCHARS)
        .maxLength(maxLength)
        .maxGenTokens(1); // tests that generate set their own
  }

  static GenerativeItem gsm(String id, String q, String a) {
    return GenerativeItem.of(id, "Question: " + q + "\nAnswer:", a);
  }

  @Test
  void promptIsTheExamplesEachWithTargetAndDelimitersThenTheItem() {
    GenerativeScorer s = chars(1000).build();
    List<GenerativeItem> ex = List.of(gsm("a", "1+1?", "#### 2"), gsm("b", "2+2?", "#### 4"));
    // get_context: text + " " + target + "\n\n" per example; then the item's doc_to_text.
    assertEquals(
        "Question: 1+1?\nAnswer: #### 2\n\nQuestion: 2+2?\nAnswer: #### 4\n\nQuestion: 3+3?\nAnswer:",
        s.prompt(ex, gsm("c", "3+3?", "#### 6")));
    // Other delimiters, and no examples: the item's text alone.
    GenerativeScorer t = chars(1000).targetDelimiter("=").fewshotDelimiter("|").build();
    assertEquals("x=1|y", t.prompt(List.of(GenerativeItem.of("a", "x", "1")), item("y")));
    assertEquals("y", t.prompt(List.of(), item("y")));
    // An example with an empty target adds its text only: the harness skips both delimiters then.
    assertEquals("xy", t.prompt(List.of(GenerativeItem.of("a", "x", "")), item("y")));
  }

  static GenerativeItem item(String text) {
    return GenerativeItem.of(text, text, "t");
  }

  @Test
  void firstNTakesThePoolInOrderLeavingOutTheItemItself() {
    List<GenerativeItem> pool = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      pool.add(GenerativeItem.of("p" + i, "q" + i, "a" + i));
    }
    GenerativeScorer s =
        chars(100).fewshot(pool, 2).sampler(GenerativeScorer.FewshotSampler.FIRST_N).build();
    // The second test item equals pool[0] (same text and target, another id): it is skipped.
    List<List<GenerativeItem>> ex =
        s.examples(List.of(GenerativeItem.of("t", "q9", "a9"), GenerativeItem.of("u", "q0", "a0")));
    assertEquals(List.of("p0", "p1"), ex.get(0).stream().map(GenerativeItem::id).toList());
    assertEquals(List.of("p1", "p2"), ex.get(1).stream().map(GenerativeItem::id).toList());
  }

  @Test
  void randomSamplesAreSeededDistinctAndDifferPerItem() {
    List<GenerativeItem> pool = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pool.add(GenerativeItem.of("p" + i, "q" + i, "a" + i));
    }
    List<GenerativeItem> items = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      items.add(GenerativeItem.of("t" + i, "q" + (i * 3), "a" + (i * 3))); // each equals pool[3i]
    }
    GenerativeScorer s = chars(100).fewshot(pool, 5).seed(7).build();
    List<List<GenerativeItem>> a = s.examples(items);
    assertEquals(a, chars(100).fewshot(pool, 5).seed(7).build().examples(items));
    assertNotEquals(a, chars(100).fewshot(pool, 5).seed(8).build().examples(items));
    Set<List<GenerativeItem>> distinct = new HashSet<>(a);
    assertTrue(distinct.size() > 1, "every item got the same examples: " + a);
    for (int i = 0; i < items.size(); i++) {
      assertEquals(5, new HashSet<>(a.get(i)).size());
      assertFalse(a.get(i).contains(items.get(i)), "item " + i + " is its own example");
    }
    // A prefix of the items gets the same examples: draws go item after item.
    assertEquals(a.subList(0, 3), s.examples(items.subList(0, 3)));
  }

  @Test
  void aPoolTooSmallIsRefusedNamingTheItem() {
    List<GenerativeItem> pool = List.of(GenerativeItem.of("p", "q", "a"), item("z"));
    GenerativeScorer s = chars(100).fewshot(pool, 2).build();
    EvalException e = assertThrows(EvalException.class, () -> s.examples(List.of(item("z"))));
    assertTrue(
        e.getMessage().contains("item z") && e.getMessage().contains("besides the item itself"),
        e.getMessage());
  }

  @Test
  void contextKeepsTheLastMaxLengthMinusMaxGenTokens() {
    // max_length 10, max_gen_toks 4: the context keeps its last 6 tokens.
    GenerativeScorer s = chars(10).maxGenTokens(4).build();
    assertArrayEquals(FakeModels.CHARS.encode("efghij"), s.context("abcdefghij"));
    assertArrayEquals(FakeModels.CHARS.encode("abc"), s.context("abc"));
    // The BOS goes first and is the first token cut (tok_batch_encode, then [:, -len:]).
    GenerativeScorer b = chars(10).maxGenTokens(4).bosToken(1).build();
    assertArrayEquals(new int[] {1, 'a', 'b', 'c', 'd', 'e'}, b.context("abcde"));
    assertArrayEquals(FakeModels.CHARS.encode("bcdefg"), b.context("abcdefg"));
    assertThrows(EvalException.class, () -> s.context(""));
    assertArrayEquals(new int[] {1}, b.context(""));
  }

  @Test
  void generationStopsAtTheFirstStopStringAndIsCutThere() {
    GenerativeScorer s = chars(100).maxGenTokens(50).until(List.of("Question:", "\n\n")).build();
    Scripted m = Scripted.saying(" 42.\nQuestion: next one\n\nmore");
    GenerativeScorer.Continuation c = s.continuation(m, new int[] {'x'});
    // "Question:" is complete after 5 + 9 = 14 tokens (" 42.\n", then "Question:"): generation
    // stops there, and the text is cut before it.
    assertEquals(" 42.\n", c.text());
    assertEquals(14, c.tokens());
    // The harness splits on each stop string in turn: the earliest one wins whatever the order.
    GenerativeScorer r = chars(100).maxGenTokens(50).until(List.of("\n\n", "Question:")).build();
    assertEquals(" 42.\n", r.continuation(m, new int[] {'x'}).text());
    // Stop strings that overlap: the harness's s.split(term)[0] for each term in list order keeps
    // "abX" here ("Y" cuts first, and "XY" is then gone), not the text before the earliest start.
    GenerativeScorer o = chars(100).maxGenTokens(50).until(List.of("Y", "XY")).build();
    assertEquals("abX", o.continuation(Scripted.saying("abXYc"), new int[] {'x'}).text());
    GenerativeScorer p = chars(100).maxGenTokens(50).until(List.of("XY", "Y")).build();
    assertEquals("ab", p.continuation(Scripted.saying("abXYc"), new int[] {'x'}).text());
    // Without a stop string: max_gen_toks tokens, uncut.
    GenerativeScorer n = chars(100).maxGenTokens(3).build();
    assertEquals(" 42", n.continuation(m, new int[] {'x'}).text());
    // The EOS ends the continuation and is not part of it.
    GenerativeScorer e = chars(100).maxGenTokens(50).eosTokens('.').build();
    GenerativeScorer.Continuation ce = e.continuation(m, new int[] {'x'});
    assertEquals(" 42", ce.text());
    assertEquals(4, ce.tokens());
    // Any of several EOS ids ends it (a Llama 3 eos_token_id list), whichever comes first.
    GenerativeScorer any = chars(100).maxGenTokens(50).eosTokens('Q', '.', 'Q').build();
    assertEquals(" 42", any.continuation(m, new int[] {'x'}).text());
    GenerativeScorer later = chars(100).maxGenTokens(50).eosTokens('Q', '\n').build();
    assertEquals(" 42.", later.continuation(m, new int[] {'x'}).text());
    assertThrows(EvalException.class, () -> chars(100).eosTokens(3, -1));
    // A text decoder that skips a special token ('~' here): stop strings are still looked for in
    // the raw decoding, so a special stop string ends generation, and the kept text leaves the
    // special token out, as the harness's stopping criteria and tok_decode(skip_special_tokens).
    TextDecoder skipTilde = ids -> FakeModels.UNCHARS.decode(ids).replace("~", "");
    GenerativeScorer sp =
        chars(100).maxGenTokens(50).until(List.of("~")).textDecoder(skipTilde).build();
    GenerativeScorer.Continuation cs = sp.continuation(Scripted.saying("ab~cd"), new int[] {'x'});
    assertEquals("ab", cs.text());
    assertEquals(3, cs.tokens());
    GenerativeScorer keep = chars(100).maxGenTokens(5).textDecoder(skipTilde).build();
    assertEquals("abcd", keep.continuation(Scripted.saying("ab~cd"), new int[] {'x'}).text());
    assertThrows(EvalException.class, () -> chars(100).textDecoder(null));
    // Empty stop strings are ignored, as the harness skips '' separators.
    assertEquals(
        " 42.\nQues",
        chars(100)
            .maxGenTokens(9)
            .until(List.of(""))
            .build()
            .continuation(m, new int[] {1})
            .text());
  }

  @Test
  void gsm8kItemsAreScoredWithBothFiltersAndTheHarnessExactMatch() {
    ExactMatch em =
        ExactMatch.strict()
            .ignoringRegex(",")
            .ignoringRegex("\\$")
            .ignoringRegex("(?s).*#### ")
            .ignoringRegex("\\.$")
            .ignoringCase();
    GenerativeScorer s =
        chars(400)
            .maxGenTokens(60)
            .until(List.of("Question:", "</s>", "<|im_end|>"))
            .filters(
                List.of(
                    AnswerFilter.regex("strict-match", "#### (\\-?[0-9\\.\\,]+)"),
                    AnswerFilter.regex("flexible-extract", "(-?[$0-9.,]{2,})|(-?[0-9]+)")
                        .withGroupSelect(-1)))
            .metric(em)
            .build();
    List<GenerativeItem> items =
        List.of(
            gsm("1", "A?", "She has 3 + 4 = <<3+4=7>>7.\n#### 7"),
            gsm("2", "B?", "It costs 1,000 + 234 = 1,234.\n#### 1234"),
            gsm("3", "C?", "So 5.\n#### 5"));
    // Continuations: item 1 answers "#### 7" (both filters: "7"); item 2 ends with "$1,234."
    // and no "####": strict falls back to "[invalid]", flexible takes "$1,234.", which exact
    // match reduces to "1234" (commas, "$" and the final "." removed) as the target's "#### 1234"
    // is; item 3 says 6.
    List<String> says =
        List.of(" 3 + 4 = 7.\n#### 7\n\nQuestion: again", " The total is $1,234.", " 6\n#### 6");
    Scripted m =
        new Scripted(
            p -> {
              String prompt = FakeModels.UNCHARS.decode(p);
              int i = prompt.contains("A?") ? 0 : prompt.contains("B?") ? 1 : 2;
              return FakeModels.CHARS.encode(says.get(i));
            });
    GenerativeResult r = s.score(m, items);
    assertEquals(List.of("strict-match", "flexible-extract"), r.filters());
    GenerativeItemResult first = r.items().get(0);
    assertEquals(" 3 + 4 = 7.\n#### 7\n\n", first.continuation());
    assertEquals("7", first.answers().get("strict-match"));
    assertEquals("7", first.answers().get("flexible-extract"));
    assertEquals("Question: A?\nAnswer:".length(), first.promptTokens());
    GenerativeItemResult second = r.items().get(1);
    assertEquals("[invalid]", second.answers().get("strict-match"));
    assertEquals("$1,234.", second.answers().get("flexible-extract"));
    assertEquals(List.of(true, false, false), matches(r, "strict-match"));
    assertEquals(List.of(true, true, false), matches(r, "flexible-extract"));
    // mean_stderr of 0/1 scores: sqrt(p (1 - p) / (n - 1)).
    assertEquals(1.0 / 3, r.exactMatch("strict-match"), 1e-12);
    assertEquals(
        Math.sqrt((1.0 / 3) * (2.0 / 3) / 2),
        r.exactMatchStderr("strict-match").getAsDouble(),
        1e-12);
    assertEquals(2.0 / 3, r.exactMatch("flexible-extract"), 1e-12);
    assertThrows(EvalException.class, () -> r.exactMatch("none"));
  }

  static List<Boolean> matches(GenerativeResult r, String filter) {
    return r.items().stream().map(i -> i.matches().get(filter)).toList();
  }

  @Test
  void theModelSeesTheTruncatedContextOfTheFewShotPrompt() {
    List<GenerativeItem> pool = List.of(GenerativeItem.of("p", "Q", "A"));
    GenerativeScorer s = chars(12).maxGenTokens(4).fewshot(pool, 1).build();
    Scripted m = Scripted.saying("z");
    GenerativeItemResult r = s.score(m, List.of(item("xyz"))).items().get(0);
    // Prompt "Q A\n\nxyz" (8 chars) keeps its last 12 - 4 = 8: all of it.
    assertEquals("Q A\n\nxyz", FakeModels.UNCHARS.decode(m.prompts.get(0)));
    assertEquals(8, r.promptTokens());
    GenerativeScorer t = chars(10).maxGenTokens(4).fewshot(pool, 1).build();
    t.score(m, List.of(item("xyz")));
    // max_length 10: the last 6 of the 8 tokens.
    assertEquals("A\n\nxyz", FakeModels.UNCHARS.decode(m.prompts.get(1)));
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(EvalException.class, () -> chars(10).maxGenTokens(10).build());
    assertThrows(EvalException.class, () -> chars(10).maxGenTokens(0).build());
    assertThrows(EvalException.class, () -> GenerativeScorer.builder().maxLength(10).build());
    assertThrows(EvalException.class, () -> chars(10).fewshot(List.of(), -1).build());
    assertThrows(
        EvalException.class,
        () -> chars(10).filters(List.of(AnswerFilter.none(), AnswerFilter.none())));
    GenerativeScorer s = chars(10).maxGenTokens(2).build();
    GenerativeModel silent =
        new GenerativeModel() {
          @Override
          public int vocabSize() {
            return 1 << 16;
          }

          @Override
          public double[] tokenLogProbs(int[] tokens) {
            throw new UnsupportedOperationException();
          }

          @Override
          public int[] generate(
              int[] prompt,
              int maxNewTokens,
              Sampling sampling,
              java.util.function.Predicate<int[]> stop) {
            return new int[0];
          }
        };
    EvalException e = assertThrows(EvalException.class, () -> s.score(silent, List.of(item("a"))));
    assertTrue(e.getMessage().startsWith("item a: the model generated 0 tokens"), e.getMessage());
  }
}
