package midtrain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** Test models and a character tokenizer: each UTF-16 unit is one token, its id the unit. */
final class FakeModels {
  private FakeModels() {}

  static final TextEncoder CHARS = text -> text.chars().toArray();

  static final TextDecoder UNCHARS =
      ids -> {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
          b.append((char) id);
        }
        return b.toString();
      };

  /**
   * A model that answers each prompt with tokens a function chooses, whatever the sampling,
   * honouring {@code generate}'s contract (stop after the token that ends it, at most {@code
   * maxNewTokens}), and records every prompt it was given and every sampling.
   */
  static final class Scripted implements GenerativeModel {
    final Function<int[], int[]> answer;
    final List<int[]> prompts = new ArrayList<>();
    final List<Sampling> samplings = new ArrayList<>();

    Scripted(Function<int[], int[]> answer) {
      this.answer = answer;
    }

    /** Always the same continuation, as characters. */
    static Scripted saying(String text) {
      return new Scripted(p -> CHARS.encode(text));
    }

    @Override
    public int vocabSize() {
      return 1 << 16;
    }

    @Override
    public double[] tokenLogProbs(int[] tokens) {
      throw new UnsupportedOperationException("generation only");
    }

    @Override
    public int[] generate(
        int[] prompt, int maxNewTokens, Sampling sampling, Predicate<int[]> stop) {
      prompts.add(prompt.clone());
      samplings.add(sampling);
      int[] script = answer.apply(prompt);
      int n = 0;
      while (n < Math.min(maxNewTokens, script.length)) {
        n++;
        if (stop.test(Arrays.copyOf(script, n))) {
          break;
        }
      }
      return Arrays.copyOf(script, Math.max(n, 1));
    }
  }
}
