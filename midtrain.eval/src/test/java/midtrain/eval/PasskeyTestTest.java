package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import midtrain.eval.FakeModels.Scripted;
import org.junit.jupiter.api.Test;

/**
 * The prompt layout is the papers' generate_prompt (epfml/landmark-attention llama/run_test.py,
 * copied by jquesnelle/yarn eval/passkey.py and dvlab-research/LongLoRA passkey_retrivial.py):
 * description, filler prefix, key line, filler suffix, question, joined by "\n".
 */
class PasskeyTestTest {

  static PasskeyTest.Builder chars(int maxLength, Integer... lengths) {
    return PasskeyTest.builder()
        .encoder(FakeModels.CHARS)
        .decoder(FakeModels.UNCHARS)
        .maxLength(maxLength)
        .lengths(List.of(lengths));
  }

  @Test
  void thePromptIsThePapersWordForWord() {
    String want =
        "There is an important info hidden inside a lot of irrelevant text. Find it and memorize"
            + " them. I will quiz you about the important information there.\n"
            + "The grass \n"
            + "The pass key is 42. Remember it. 42 is the pass key.\n"
            + "The g\n"
            + "What is the pass key? The pass key is";
    assertEquals(want, PasskeyTest.prompt(10, 5, 42));
    // Past one filler group the next starts after a single space, as " ".join([garbage] * n).
    String f = PasskeyTest.FILLER;
    assertTrue(PasskeyTest.prompt(f.length() + 5, 0, 1).contains("\n" + f + " The \n"));
  }

  @Test
  void theAnswerIsTheFirstRunOfDigits() {
    assertEquals("12345", PasskeyTest.answer(" 12345. Remember it 6"));
    assertEquals("7", PasskeyTest.answer("key is 007"));
    assertEquals("0", PasskeyTest.answer("000"));
    assertEquals("", PasskeyTest.answer(" the pass key"));
    // Python's \d and int() read any decimal digit: Arabic-Indic 123.
    assertEquals("123", PasskeyTest.answer("\u0661\u0662\u0663"));
  }

  @Test
  void promptsAreSizedToTheLengthWithTheKeyAtItsDepth() {
    // One token per character, so the longest filler that fits makes the prompt exactly as long.
    PasskeyTest t = chars(2000, 500).build();
    int fixed = PasskeyTest.prompt(0, 0, 123).length();
    for (double depth : new double[] {0, 0.3, 1}) {
      int[] p = t.sizedPrompt(500, depth, 123);
      assertEquals(500, p.length);
      int filler = 500 - fixed;
      int prefix = (int) Math.round(depth * filler);
      assertEquals(
          PasskeyTest.prompt(prefix, filler - prefix, 123),
          FakeModels.UNCHARS.decode(p),
          "depth " + depth);
    }
    // With a BOS, it counts in the length.
    int[] b = chars(2000, 500).bosToken(1).build().sizedPrompt(500, 0.5, 9);
    assertEquals(500, b.length);
    assertEquals(1, b[0]);
    EvalException e = assertThrows(EvalException.class, () -> t.sizedPrompt(fixed - 1, 0, 123));
    assertTrue(e.getMessage().contains("which takes " + fixed + " tokens"), e.getMessage());
  }

  /** Reads the key from the last {@code window} tokens of its prompt, if they hold it. */
  static Scripted reader(int window) {
    Pattern key = Pattern.compile("The pass key is (\\d+)");
    return new Scripted(
        p -> {
          int[] seen = Arrays.copyOfRange(p, Math.max(0, p.length - window), p.length);
          Matcher m = key.matcher(FakeModels.UNCHARS.decode(seen));
          return FakeModels.CHARS.encode(m.find() ? " " + m.group(1) + ". Rem" : " 17.");
        });
  }

  @Test
  void accuracyPerCellLengthAndOverall() {
    // A model that sees 400 tokens: at length 800 a key at depth 0 is out of its sight.
    PasskeyTest t = chars(900, 300, 800).depths(List.of(0.0, 1.0)).trials(3).seed(5).build();
    Scripted m = reader(400);
    PasskeyResult r = t.run(m);
    assertEquals(12, r.trials().size());
    List<Double> acc = r.cells().stream().map(PasskeyResult.Cell::accuracy).toList();
    assertEquals(List.of(1.0, 1.0, 0.0, 1.0), acc);
    assertEquals(1.0, r.accuracy(300));
    assertEquals(0.5, r.accuracy(800));
    assertEquals(0.75, r.accuracy());
    // The keys are drawn from Random(seed) in cell order, 1 to 50000; 10 tokens generated.
    Random rnd = new Random(5);
    for (PasskeyResult.Trial trial : r.trials()) {
      assertEquals(1 + rnd.nextInt(50000), trial.key());
      assertEquals(trial.length(), trial.promptTokens());
    }
    // The reader says " KEY. Rem", cut at 10 tokens.
    String says = " " + r.trials().get(0).key() + ". Rem";
    assertEquals(says.substring(0, Math.min(10, says.length())), r.trials().get(0).continuation());
    assertEquals(" 17.", r.trials().get(6).continuation());
    assertEquals("17", r.trials().get(6).answer());
    assertThrows(EvalException.class, () -> r.accuracy(301));
  }

  @Test
  void theEosEndsATrialAndNothingAfterItCounts() {
    // The model says "#" (the EOS here) then the key: with the EOS set, generation stops there
    // and the continuation is empty; without it, the key after it would count.
    Scripted m =
        new Scripted(
            p -> {
              Matcher k =
                  Pattern.compile("The pass key is (\\d+)").matcher(FakeModels.UNCHARS.decode(p));
              assertTrue(k.find());
              return FakeModels.CHARS.encode("#" + k.group(1));
            });
    PasskeyResult with =
        chars(900, 300).depths(List.of(0.5)).trials(2).eosTokens('#').build().run(m);
    assertEquals(0.0, with.accuracy());
    assertEquals("", with.trials().get(0).continuation());
    // The second of two EOS ids ends it just the same.
    assertEquals(
        0.0,
        chars(900, 300).depths(List.of(0.5)).trials(2).eosTokens(0, '#').build().run(m).accuracy());
    PasskeyResult without = chars(900, 300).depths(List.of(0.5)).trials(2).build().run(m);
    assertEquals(1.0, without.accuracy());
  }

  @Test
  void badSettingsAreRefused() {
    // A length must leave room for the generated tokens.
    EvalException e = assertThrows(EvalException.class, () -> chars(500, 495).build());
    assertTrue(e.getMessage().contains("maxLength - maxNewTokens = 490"), e.getMessage());
    assertThrows(EvalException.class, () -> chars(500).build());
    assertThrows(EvalException.class, () -> chars(500, 300, 300).build());
    assertThrows(EvalException.class, () -> chars(500, 300).depths(List.of(1.5)).build());
    assertThrows(EvalException.class, () -> chars(500, 300).trials(0).build());
    EvalException tooShort =
        assertThrows(EvalException.class, () -> chars(500, 50).build().check());
    assertTrue(
        tooShort.getMessage().startsWith("length 50 is shorter than the prompt without filler"),
        tooShort.getMessage());
  }

  @Test
  void checkRefusesALengthThatAKeyTheRunDrawsDoesNotFit() {
    // A tokenizer that merges "50000" into one token, as BPE vocabularies merge common numbers: the
    // largest key is then not the longest one, and the check must size the keys run() draws.
    TextEncoder merging = text -> FakeModels.CHARS.encode(text.replace("50000", "\uE000"));
    int length = merging.encode(PasskeyTest.prompt(0, 0, PasskeyTest.MAX_KEY)).length;
    int key = 1 + new Random(1234).nextInt(PasskeyTest.MAX_KEY);
    int needed = merging.encode(PasskeyTest.prompt(0, 0, key)).length;
    assertTrue(needed > length, "key " + key + " needs " + needed + " tokens");
    PasskeyTest t =
        PasskeyTest.builder()
            .encoder(merging)
            .decoder(FakeModels.UNCHARS)
            .maxLength(1000)
            .lengths(List.of(length))
            .depths(List.of(0.0))
            .trials(1)
            .build();
    // Refused before a model runs, not by the first trial.
    EvalException e = assertThrows(EvalException.class, t::check);
    assertTrue(e.getMessage().startsWith("length " + length + " is shorter"), e.getMessage());
  }
}
