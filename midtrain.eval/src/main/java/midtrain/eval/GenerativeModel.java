package midtrain.eval;

import java.util.function.Predicate;

/**
 * A {@link LanguageModel} that can also continue a prompt, greedily or by sampling.
 *
 * <p>Generative tasks (exact match after generation, passkey retrieval, code that must pass its
 * tests) need it; scoring by log-probabilities does not, so {@link LanguageModel} stays the smaller
 * interface.
 */
public interface GenerativeModel extends LanguageModel {

  /**
   * Continues a prompt: each new token is chosen by {@code sampling} from the model's scores for
   * it, until {@code maxNewTokens} are generated or {@code stop} says to end.
   *
   * <p>An implementation with a bounded context conditions each token on the last tokens that fit
   * it, as the harness left-truncates its contexts; the prompt and what was generated count alike.
   * One that computes scores should choose with {@link Sampling#newSampler()}, one sampler per
   * call, so that a sampling and its seed give the same tokens every time; one that forwards the
   * request elsewhere (a server) passes the sampling's settings on.
   *
   * @param prompt the token ids to continue, at least one, each in {@code [0, vocabSize())}
   * @param maxNewTokens the most tokens to generate, at least 1
   * @param sampling how each token is chosen; {@link Sampling#greedy()} for greedy decoding
   * @param stop called after each new token with all tokens generated so far; {@code true} ends the
   *     generation, keeping the token that ended it
   * @return the generated tokens, not the prompt: from 1 to {@code maxNewTokens} of them
   * @throws EvalException if the prompt is empty, an id is outside the vocabulary, or {@code
   *     maxNewTokens} is below 1
   */
  int[] generate(int[] prompt, int maxNewTokens, Sampling sampling, Predicate<int[]> stop);

  /**
   * Continues a prompt greedily: each new token is the most probable next one, the lowest id among
   * equal scores (as {@code torch.argmax}); the same as {@link #generate} with {@link
   * Sampling#greedy()}.
   *
   * @param prompt the token ids to continue, at least one, each in {@code [0, vocabSize())}
   * @param maxNewTokens the most tokens to generate, at least 1
   * @param stop called after each new token with all tokens generated so far; {@code true} ends the
   *     generation, keeping the token that ended it
   * @return the generated tokens, not the prompt: from 1 to {@code maxNewTokens} of them
   * @throws EvalException as {@link #generate} does
   */
  default int[] greedy(int[] prompt, int maxNewTokens, Predicate<int[]> stop) {
    return generate(prompt, maxNewTokens, Sampling.greedy(), stop);
  }
}
