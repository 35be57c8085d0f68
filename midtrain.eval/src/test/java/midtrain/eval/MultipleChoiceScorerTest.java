package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MultipleChoiceScorerTest {

  /**
   * A word tokenizer shaped like GPT-2's: leading whitespace belongs to the word after it, and
   * whitespace at the end of the text is a token of its own. Ids are positions in {@code vocab}.
   */
  static final class WordEncoder implements TextEncoder {
    private static final Pattern PIECE = Pattern.compile("\\s*\\S+|\\s+");
    private final Map<String, Integer> ids = new HashMap<>();

    WordEncoder(List<String> vocab) {
      for (int i = 0; i < vocab.size(); i++) {
        ids.put(vocab.get(i), i);
      }
    }

    @Override
    public int[] encode(String text) {
      List<Integer> out = new ArrayList<>();
      Matcher m = PIECE.matcher(text);
      while (m.find()) {
        Integer id = ids.get(m.group());
        if (id == null) {
          throw new IllegalArgumentException("not in the test vocabulary: '" + m.group() + "'");
        }
        out.add(id);
      }
      return out.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** A unigram model: log p(next token) is a fixed value per token, whatever came before. */
  static final class Unigram implements LanguageModel {
    private final double[] logProb;
    final List<int[]> calls = new ArrayList<>();

    Unigram(double[] logProb) {
      this.logProb = logProb;
    }

    @Override
    public int vocabSize() {
      return logProb.length;
    }

    @Override
    public double[] tokenLogProbs(int[] tokens) {
      calls.add(tokens.clone());
      double[] out = new double[tokens.length - 1];
      for (int i = 0; i < out.length; i++) {
        out[i] = logProb[tokens[i + 1]];
      }
      return out;
    }
  }

  // Vocabulary and unigram log-probs used by most tests; the comment is each token's log p.
  static final List<String> VOCAB =
      List.of(
          "<bos>", // 0: -9
          "Q:", // 1: -1
          " yes", // 2: -2.0
          " very", // 3: -0.5
          " much", // 4: -0.5
          " so", // 5: -1.5
          "Answer:", // 6: -1
          " Paris", // 7: -1.0
          "Paris", // 8: -5.0
          " ", // 9: -3.0
          "The", // 10: -1
          " cat", // 11: -4.0
          " cats", // 12: -0.25
          " sat", // 13: -0.75
          " no", // 14: -2.0
          " ab", // 15: -2.0
          " abcd", // 16: -4.0
          " Q:"); // 17: -1

  static final double[] LOGP = {
    -9, -1, -2.0, -0.5, -0.5, -1.5, -1, -1.0, -5.0, -3.0, -1, -4.0, -0.25, -0.75, -2.0, -2.0, -4.0,
    -1
  };

  static MultipleChoiceScorer scorer(int maxLength) {
    return MultipleChoiceScorer.builder()
        .encoder(new WordEncoder(VOCAB))
        .maxLength(maxLength)
        .build();
  }

  @Test
  void accAndAccNormDisagreeWhenTheShortChoiceHasTheHigherTotal() {
    // " yes": ll = -2.0, 3 chars -> -0.667 per char.
    // " very much so": ll = -0.5 - 0.5 - 1.5 = -2.5, 12 chars ("very much so") -> -0.208 per char.
    // acc takes the higher total (yes); acc_norm the higher per char (very much so). (A longer
    // choice with the higher total would also win per char, so only this way round can they
    // disagree.)
    MultipleChoiceItem item = MultipleChoiceItem.of("Q:", List.of("yes", "very much so"), 1);
    Unigram model = new Unigram(LOGP);
    MultipleChoiceItemResult r = scorer(100).score(model, item);
    assertArrayEquals(new double[] {-2.0, -2.5}, r.loglikelihoods(), 1e-12);
    assertEquals(0, r.predicted());
    assertEquals(1, r.predictedNorm());
    assertFalse(r.correct());
    assertTrue(r.correctNorm());
    // Each choice was scored after the context with the default " " delimiter.
    assertArrayEquals(new int[] {1, 2}, model.calls.get(0));
    assertArrayEquals(new int[] {1, 3, 4, 5}, model.calls.get(1));
  }

  @Test
  void tiesGoToTheFirstChoiceAsNumpyArgmax() {
    // " yes" and " no" both -2.0: acc takes choice 0. Per char: " ab" -2.0/2 = -1.0, " abcd"
    // -4.0/4 = -1.0: acc_norm takes choice 0 too, though gold is 1.
    MultipleChoiceItemResult yesNo =
        scorer(100).score(new Unigram(LOGP), MultipleChoiceItem.of("Q:", List.of("yes", "no"), 1));
    assertEquals(0, yesNo.predicted());
    assertFalse(yesNo.correct());
    MultipleChoiceItemResult ab =
        scorer(100).score(new Unigram(LOGP), MultipleChoiceItem.of("Q:", List.of("ab", "abcd"), 1));
    assertArrayEquals(new double[] {-2.0, -4.0}, ab.loglikelihoods(), 1e-12);
    assertEquals(0, ab.predictedNorm());
    assertFalse(ab.correctNorm());
  }

  @Test
  void accNormCountsCodePointsAsPythonLen() {
    // "😀😀" is 2 characters to Python (4 UTF-16 units). lls -3.0 and -3.0:
    // per code point -1.5 vs "abc" -1.0 -> choice 1; per UTF-16 unit it would be -0.75 -> choice 0.
    MultipleChoiceItem item = MultipleChoiceItem.of("Q:", List.of("😀😀", "abc"), 1);
    MultipleChoiceItemResult r = MultipleChoiceItemResult.of(item, new double[] {-3.0, -3.0});
    assertEquals(1, r.predictedNorm());
    assertEquals(0, r.predicted());
  }

  @Test
  void multipleGoldIndicesAcceptAnyOfThem() {
    MultipleChoiceItem item = MultipleChoiceItem.of("Q:", List.of("a", "b", "c"), List.of(2, 1));
    MultipleChoiceItemResult r = MultipleChoiceItemResult.of(item, new double[] {-3, -1, -2});
    assertEquals(1, r.predicted());
    assertTrue(r.correct());
  }

  @Test
  void trailingContextWhitespaceMovesToTheContinuation() {
    // Context "Answer: ", choice "Paris", no delimiter. The harness scores " Paris" after
    // "Answer:" (ll -1.0); naive splitting would score "Paris" after "Answer:", " " (ll -5.0).
    Unigram model = new Unigram(LOGP);
    MultipleChoiceScorer s =
        MultipleChoiceScorer.builder()
            .encoder(new WordEncoder(VOCAB))
            .maxLength(100)
            .targetDelimiter("")
            .build();
    assertEquals(-1.0, s.loglikelihood(model, "Answer: ", "Paris"), 1e-12);
    assertArrayEquals(new int[] {6, 7}, model.calls.get(0));
  }

  @Test
  void continuationTokensAreTheTailOfTheWholeEncoding() {
    // "The cat" + "s sat" encodes whole as [The, " cats", " sat"]; the context alone is
    // [The, " cat"], 2 tokens, so the continuation is whole[2:] = [" sat"]: ll -0.75. The model
    // sees the context's own tokens and then " sat", so the "s" is scored nowhere: that is what
    // the harness's _encode_pair does when a tokenizer merges across the boundary.
    Unigram model = new Unigram(LOGP);
    assertEquals(-0.75, scorer(100).loglikelihood(model, "The cat", "s sat"), 1e-12);
    assertArrayEquals(new int[] {10, 11, 13}, model.calls.get(0));
  }

  @Test
  void bosIsPrependedAndEmptyContextUsesThePrefixToken() {
    Unigram model = new Unigram(LOGP);
    MultipleChoiceScorer s =
        MultipleChoiceScorer.builder()
            .encoder(new WordEncoder(VOCAB))
            .maxLength(100)
            .bosToken(0)
            .build();
    // [<bos>, Q:, " yes"]: the continuation is still only " yes", -2.0.
    assertEquals(-2.0, s.loglikelihood(model, "Q:", " yes"), 1e-12);
    assertArrayEquals(new int[] {0, 1, 2}, model.calls.get(0));
    // Empty context: [prefix] + encode(" yes") with no BOS added; prefix defaults to the BOS.
    assertEquals(-2.0, s.loglikelihood(model, "", " yes"), 1e-12);
    assertArrayEquals(new int[] {0, 2}, model.calls.get(1));
    // An explicit prefix token (the harness's EOS fallback) wins over the BOS.
    MultipleChoiceScorer p =
        MultipleChoiceScorer.builder()
            .encoder(new WordEncoder(VOCAB))
            .maxLength(100)
            .prefixToken(9)
            .build();
    assertEquals(-2.0 - 0.5, p.loglikelihood(model, "", " yes very"), 1e-12);
    assertArrayEquals(new int[] {9, 2, 3}, model.calls.get(2));
  }

  @Test
  void emptyContextContinuationGetsNoBosAndMayStartWithThePrefix() {
    Unigram model = new Unigram(LOGP);
    MultipleChoiceScorer s =
        MultipleChoiceScorer.builder()
            .encoder(new WordEncoder(VOCAB))
            .maxLength(100)
            .bosToken(0)
            .prefixToken(9)
            .build();
    // [prefix 9] + encode(" yes") without the BOS: [9, 2], ll -2.0 (with a BOS it would be
    // [9, 0, 2] and -9 - 2).
    assertEquals(-2.0, s.loglikelihood(model, "", " yes"), 1e-12);
    assertArrayEquals(new int[] {9, 2}, model.calls.get(0));
    // A continuation that starts with the prefix token uses it as the context: "Q: yes" is
    // [1, 2] with prefix 1, so context [1], continuation [2], ll -2.0 (not [1, 1, 2], -3.0).
    MultipleChoiceScorer q =
        MultipleChoiceScorer.builder()
            .encoder(new WordEncoder(VOCAB))
            .maxLength(100)
            .prefixToken(1)
            .build();
    assertEquals(-2.0, q.loglikelihood(model, "", "Q: yes"), 1e-12);
    assertArrayEquals(new int[] {1, 2}, model.calls.get(1));
  }

  @Test
  void emptyContextWithoutAPrefixTokenIsRefused() {
    EvalException e =
        assertThrows(
            EvalException.class,
            () ->
                scorer(100)
                    .score(
                        new Unigram(LOGP), List.of(MultipleChoiceItem.of("", List.of("yes"), 0))));
    assertTrue(e.getMessage().contains("item 0 choice 0"), e.getMessage());
    assertTrue(e.getMessage().contains("prefixToken"), e.getMessage());
  }

  /** log p of the token at position i + 1 is -0.1 (i + 1): scores depend on where tokens sit. */
  static final class Positional implements LanguageModel {
    final List<int[]> calls = new ArrayList<>();

    @Override
    public int vocabSize() {
      return VOCAB.size();
    }

    @Override
    public double[] tokenLogProbs(int[] tokens) {
      calls.add(tokens.clone());
      double[] out = new double[tokens.length - 1];
      for (int i = 0; i < out.length; i++) {
        out[i] = -0.1 * (i + 1);
      }
      return out;
    }
  }

  @Test
  void longRequestsLoseContextFromTheLeft() {
    // Context "Q: very much so Q:" is 5 tokens [1, 3, 4, 5, 17]; continuation " yes very" 2 tokens.
    String context = "Q: very much so Q:";
    Positional model = new Positional();
    // Fits (7 <= maxLength + 1 = 8): continuation tokens sit at 5 and 6, lp indices 4 and 5:
    // -0.5 - 0.6 = -1.1.
    assertEquals(-1.1, scorer(7).loglikelihood(model, context, " yes very"), 1e-12);
    assertArrayEquals(new int[] {1, 3, 4, 5, 17, 2, 3}, model.calls.get(0));
    // maxLength 4: the last 5 tokens are kept [4, 5, 17, 2, 3]; continuation at lp indices 2, 3:
    // -0.3 - 0.4 = -0.7.
    assertEquals(-0.7, scorer(4).loglikelihood(model, context, " yes very"), 1e-12);
    assertArrayEquals(new int[] {4, 5, 17, 2, 3}, model.calls.get(1));
    // maxLength 2: 3 tokens kept [17, 2, 3], the window holds one context token.
    assertEquals(-0.3, scorer(2).loglikelihood(model, context, " yes very"), 1e-12);
    assertArrayEquals(new int[] {17, 2, 3}, model.calls.get(2));
    // maxLength 1: the continuation alone is longer than the window.
    EvalException e =
        assertThrows(
            EvalException.class, () -> scorer(1).loglikelihood(model, context, " yes very"));
    assertTrue(e.getMessage().contains("maximum length 1"), e.getMessage());
  }

  @Test
  void aContextPerChoiceIsEncodedAndCutFromTheLeftForEachChoice() {
    // Each choice is its own request, (examples + choice, " " + continuation), cut as any other:
    // the last maxLength + 1 = 6 characters. "abcdefX zz" keeps "efX zz", "abcdefYYY zz" keeps
    // "YYY zz"; the continuation sits at lp indices 2-4 in both: -0.3 - 0.4 - 0.5.
    MultipleChoiceItem item =
        MultipleChoiceItem.withContexts("abcdef", List.of("X", "YYY"), "zz", 1);
    assertEquals(List.of("X", "YYY"), item.choices());
    Positional model = new Positional();
    MultipleChoiceItemResult r =
        MultipleChoiceScorer.builder()
            .encoder(FakeModels.CHARS)
            .maxLength(5)
            .build()
            .score(model, item);
    assertArrayEquals(new double[] {-1.2, -1.2}, r.loglikelihoods(), 1e-12);
    assertEquals("efX zz", FakeModels.UNCHARS.decode(model.calls.get(0)));
    assertEquals("YYY zz", FakeModels.UNCHARS.decode(model.calls.get(1)));
    // acc: a tie, the first wins; acc_norm: -1.2 / 1 against -1.2 / 3, the second.
    assertEquals(0, r.predicted());
    assertEquals(1, r.predictedNorm());
  }

  @Test
  void aggregateAccuracyAndStandardError() {
    // Four items: acc right on 3 ("yes" gold 0 three times, then gold 1); acc_norm takes
    // "very much so" every time, so it is right only on the last.
    MultipleChoiceItem right = MultipleChoiceItem.of("Q:", List.of("yes", "very much so"), 0);
    MultipleChoiceItem wrong = MultipleChoiceItem.of("Q:", List.of("yes", "very much so"), 1);
    MultipleChoiceResult r =
        scorer(100).score(new Unigram(LOGP), List.of(right, right, right, wrong));
    assertEquals(4, r.count());
    assertEquals(0.75, r.acc(), 1e-12);
    // sqrt(p (1 - p) / (n - 1)) = sqrt(0.75 * 0.25 / 3) = sqrt(0.0625) = 0.25
    assertEquals(0.25, r.accStderr().getAsDouble(), 1e-12);
    assertEquals(0.25, r.accNorm(), 1e-12);
    // the same with p = 0.25
    assertEquals(0.25, r.accNormStderr().getAsDouble(), 1e-12);
    MultipleChoiceResult one = scorer(100).score(new Unigram(LOGP), List.of(right));
    assertTrue(one.accStderr().isEmpty());
  }

  @Test
  void badInputIsNamed() {
    EvalException gold =
        assertThrows(EvalException.class, () -> MultipleChoiceItem.of("Q:", List.of("a"), 1));
    assertTrue(gold.getMessage().contains("gold index 1"), gold.getMessage());
    EvalException empty =
        assertThrows(EvalException.class, () -> MultipleChoiceItem.of("Q:", List.of("a", ""), 0));
    assertTrue(empty.getMessage().contains("choices[1]"), empty.getMessage());
    EvalException noMax =
        assertThrows(
            EvalException.class,
            () -> MultipleChoiceScorer.builder().encoder(new WordEncoder(VOCAB)).build());
    assertTrue(noMax.getMessage().contains("maxLength"), noMax.getMessage());
    LanguageModel broken =
        new LanguageModel() {
          @Override
          public int vocabSize() {
            return 1;
          }

          @Override
          public double[] tokenLogProbs(int[] tokens) {
            return new double[] {0.5};
          }
        };
    MultipleChoiceItem item = MultipleChoiceItem.of("Q:", List.of("yes"), 0);
    EvalException bad =
        assertThrows(EvalException.class, () -> scorer(100).score(broken, List.of(item, item)));
    assertTrue(bad.getMessage().contains("item 0 choice 0"), bad.getMessage());
    // Whitespace-only context: it moves to the continuation and leaves no context tokens.
    EvalException blank =
        assertThrows(
            EvalException.class, () -> scorer(100).loglikelihood(new Unigram(LOGP), " ", "Paris"));
    assertTrue(blank.getMessage().contains("context encodes to no tokens"), blank.getMessage());
  }

  @Test
  void aContextPerChoiceScoresTheSharedContinuationAfterEach() {
    // The harness's multiple_inputs (WinoGrande): requests (ctx_i, " " + continuation). A model
    // where " sat" after " cat" is likely (-0.1) and otherwise has its unigram log p (-0.75) tells
    // the two contexts apart, which a scorer reusing the first context's tokens would not.
    LanguageModel bigram =
        new LanguageModel() {
          @Override
          public int vocabSize() {
            return LOGP.length;
          }

          @Override
          public double[] tokenLogProbs(int[] tokens) {
            double[] out = new double[tokens.length - 1];
            for (int i = 0; i < out.length; i++) {
              out[i] = tokens[i] == 11 && tokens[i + 1] == 13 ? -0.1 : LOGP[tokens[i + 1]];
            }
            return out;
          }
        };
    MultipleChoiceItem item =
        MultipleChoiceItem.withContexts(List.of("The cats", "The cat"), "sat", 0);
    assertFalse(item.sharesContext());
    assertEquals("The cat", item.context(1));
    assertEquals("sat", item.continuation(0));
    assertThrows(EvalException.class, item::context);
    MultipleChoiceItemResult r = scorer(100).score(bigram, item);
    // " sat" after " cats": -0.75; after " cat": -0.1.
    assertArrayEquals(new double[] {-0.75, -0.1}, r.loglikelihoods(), 1e-12);
    assertEquals(1, r.predicted());
    assertFalse(r.correct());
    // acc_norm divides by the contexts' lengths (the harness's len(choices)): -0.75 / 8 against
    // -0.1 / 7.
    assertEquals(1, r.predictedNorm());
    MultipleChoiceItem shared = MultipleChoiceItem.of("Q:", List.of("yes"), 0);
    assertTrue(shared.sharesContext());
    assertEquals("Q:", shared.context(0));
    assertEquals("yes", shared.continuation(0));
    EvalException empty =
        assertThrows(
            EvalException.class, () -> MultipleChoiceItem.withContexts(List.of("The cat"), "", 0));
    assertTrue(empty.getMessage().contains("continuation is empty"), empty.getMessage());
    assertThrows(EvalException.class, () -> shared.context(1));
  }

  @Test
  void isGreedyDecodesFromTheScoredWindowAndStopsAtTheFirstMiss() {
    MultipleChoiceScorer chars =
        MultipleChoiceScorer.builder().encoder(FakeModels.CHARS).maxLength(100).build();
    FakeModels.Scripted paris = FakeModels.Scripted.saying(" Paris");
    // The context's trailing space moves to the continuation, so the prompt ends at the colon.
    assertTrue(chars.isGreedy(paris, "Capital: ", "Paris"));
    assertEquals("Capital:", FakeModels.UNCHARS.decode(paris.prompts.get(0)));
    assertEquals(Sampling.greedy(), paris.samplings.get(0));
    // " Parma" leaves " Paris" at its fifth token; generation stops there, a miss.
    assertFalse(chars.isGreedy(FakeModels.Scripted.saying(" Parma"), "Capital:", " Paris"));
    // A model that would go on past the continuation is asked for its length only.
    assertTrue(chars.isGreedy(FakeModels.Scripted.saying(" Paris, France"), "Capital:", " Paris"));
    // The window is the one loglikelihood scores: the last maxLength + 1 tokens of "abcdef xy"
    // are "def xy", so the prompt is "def".
    MultipleChoiceScorer five =
        MultipleChoiceScorer.builder().encoder(FakeModels.CHARS).maxLength(5).build();
    FakeModels.Scripted xy = FakeModels.Scripted.saying(" xy");
    assertTrue(five.isGreedy(xy, "abcdef", " xy"));
    assertEquals("def", FakeModels.UNCHARS.decode(xy.prompts.get(0)));
    EvalException tooLong =
        assertThrows(EvalException.class, () -> five.isGreedy(xy, "a", " uvwxyz"));
    assertTrue(
        tooLong.getMessage().contains("more than the maximum length 5"), tooLong.getMessage());
  }

  @Test
  void pythonWhitespaceIsStripped() {
    assertTrue(MultipleChoiceScorer.isPythonSpace('\u00a0'));
    assertTrue(MultipleChoiceScorer.isPythonSpace('\u0085'));
    assertTrue(MultipleChoiceScorer.isPythonSpace('\u001f'));
    assertTrue(MultipleChoiceScorer.isPythonSpace('\u3000'));
    assertFalse(MultipleChoiceScorer.isPythonSpace('\u200b'));
    assertFalse(MultipleChoiceScorer.isPythonSpace('x'));
  }
}
