package midtrain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import midtrain.eval.internal.BosToken;
import midtrain.eval.internal.PythonText;

/**
 * Scores multiple-choice benchmarks by log-likelihood, with the tokenization, truncation and
 * metrics of lm-evaluation-harness, so that the numbers compare with the ones the field reports.
 *
 * <p>For each choice the continuation {@code targetDelimiter + choice} is scored after the context
 * (for an item with a context per choice, {@link MultipleChoiceItem#withContexts}, the shared
 * continuation after the choice's context); its log-likelihood is the sum of the log-probabilities
 * of its tokens. {@code acc} predicts the choice with the highest log-likelihood, {@code acc_norm}
 * the one with the highest log-likelihood per character of the choice. {@code docs/eval.md} lists
 * the harness sources each rule follows.
 */
public final class MultipleChoiceScorer {
  private final TextEncoder encoder;
  private final int maxLength;
  private final String targetDelimiter;
  private final OptionalInt bosToken;
  private final OptionalInt prefixToken;

  private MultipleChoiceScorer(Builder b) {
    this.encoder = b.encoder;
    this.maxLength = b.maxLength;
    this.targetDelimiter = b.targetDelimiter;
    this.bosToken = b.bosToken;
    this.prefixToken = b.prefixToken;
  }

  /**
   * Starts a scorer.
   *
   * @return a builder; {@link Builder#encoder} and {@link Builder#maxLength} must be set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Scores every item.
   *
   * @param model the model
   * @param items the items, at least one
   * @return per-item results and the aggregate accuracies
   * @throws EvalException if there are no items, an item's context or a continuation encodes to no
   *     tokens, a continuation is longer than the maximum length, or the model returns the wrong
   *     number of log-probabilities or one that is not a finite value {@code <= 0}; the message
   *     names the item and choice
   */
  public MultipleChoiceResult score(LanguageModel model, List<MultipleChoiceItem> items) {
    if (model == null) {
      throw new EvalException("model is null");
    }
    if (items == null || items.isEmpty()) {
      throw new EvalException("items: need at least one item");
    }
    List<MultipleChoiceItemResult> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      MultipleChoiceItem item = items.get(i);
      if (item == null) {
        throw new EvalException("item " + i + " is null");
      }
      results.add(scoreItem(model, item, "item " + i));
    }
    return MultipleChoiceResult.of(results);
  }

  /**
   * Scores one item.
   *
   * @param model the model
   * @param item the item
   * @return the item's log-likelihoods and predictions
   * @throws EvalException as {@link #score}
   */
  public MultipleChoiceItemResult score(LanguageModel model, MultipleChoiceItem item) {
    if (model == null || item == null) {
      throw new EvalException(model == null ? "model is null" : "item is null");
    }
    return scoreItem(model, item, "item");
  }

  /**
   * Returns the log-likelihood of a continuation after a context, as the harness's {@code
   * loglikelihood} request computes it; no delimiter is added here.
   *
   * @param model the model
   * @param context the context, possibly empty
   * @param continuation the continuation, including any leading delimiter
   * @return the sum of the natural-log probabilities of the continuation's tokens
   * @throws EvalException as {@link #score}
   */
  public double loglikelihood(LanguageModel model, String context, String continuation) {
    if (model == null || context == null || continuation == null) {
      throw new EvalException(
          (model == null ? "model" : context == null ? "context" : "continuation") + " is null");
    }
    return loglikelihood(model, encodePair(context, continuation, "request", null), "request");
  }

  private MultipleChoiceItemResult scoreItem(
      LanguageModel model, MultipleChoiceItem item, String where) {
    double[] lls = new double[item.choices().size()];
    // When every choice shares the item's context, its tokens are encoded once, by the first
    // choice; an item with a context per choice encodes each.
    boolean shared = item.sharesContext();
    int[] ctxTokens = null;
    for (int c = 0; c < lls.length; c++) {
      String at = where + " choice " + c;
      int[][] pair =
          encodePair(item.context(c), targetDelimiter + item.continuation(c), at, ctxTokens);
      ctxTokens = shared ? pair[0] : null;
      lls[c] = loglikelihood(model, pair, at);
    }
    return MultipleChoiceItemResult.of(item, lls);
  }

  /**
   * Tells whether greedy decoding after a context gives exactly the continuation's tokens, the
   * harness's {@code is_greedy} of a {@code loglikelihood} request (LAMBADA's {@code acc}): the
   * most probable token at each place of the continuation, given the tokens before it, is the
   * continuation's. The tokens and the window are those {@link #loglikelihood(LanguageModel,
   * String, String)} scores, and generation stops at the first token that differs.
   *
   * @param model the model, asked for greedy continuations of at most the continuation's length
   * @param context the context, possibly empty
   * @param continuation the continuation, including any leading delimiter
   * @return whether greedy decoding reproduces the continuation
   * @throws EvalException as {@link #score}, or if the model returns no tokens or more than asked
   */
  public boolean isGreedy(GenerativeModel model, String context, String continuation) {
    if (model == null || context == null || continuation == null) {
      throw new EvalException(
          (model == null ? "model" : context == null ? "context" : "continuation") + " is null");
    }
    int[][] pair = encodePair(context, continuation, "request", null);
    int[] cont = pair[1];
    int[] window = window(pair, "request");
    // Teacher forcing and free greedy decoding agree up to the first miss: while the generated
    // tokens equal the continuation's, each next one is predicted from the same prefix. The
    // prompt is the window without the continuation, so the last prediction conditions on
    // window.length - 1 <= maxLength tokens, as the harness's does.
    int[] prompt = Arrays.copyOf(window, window.length - cont.length);
    int[] out =
        model.generate(
            prompt,
            cont.length,
            Sampling.greedy(),
            soFar -> soFar[soFar.length - 1] != cont[soFar.length - 1]);
    if (out == null || out.length == 0 || out.length > cont.length) {
      throw new EvalException(
          "request: model generated "
              + (out == null ? "null" : out.length + " tokens")
              + "; asked for 1 to "
              + cont.length);
    }
    return Arrays.equals(out, cont);
  }

  /**
   * Checks a request's tokens and returns the window the model is given: the last {@code maxLength
   * + 1} tokens of context and continuation.
   */
  private int[] window(int[][] pair, String where) {
    int[] ctx = pair[0];
    int[] cont = pair[1];
    if (ctx.length == 0) {
      throw new EvalException(where + ": context encodes to no tokens");
    }
    if (cont.length == 0) {
      throw new EvalException(where + ": continuation encodes to no tokens");
    }
    // The harness keeps the whole continuation and cuts the context from the left; a continuation
    // that alone overflows the window cannot be scored (it asserts), so refuse it.
    if (cont.length > maxLength) {
      throw new EvalException(
          where
              + ": continuation has "
              + cont.length
              + " tokens, more than the maximum length "
              + maxLength);
    }
    // Keep the last maxLength + 1 tokens: the model conditions on the first maxLength of them and
    // predicts the next, the harness's (context + continuation)[-(max_length + 1):][:-1].
    int total = ctx.length + cont.length;
    int start = Math.max(0, total - (maxLength + 1));
    int[] window = new int[total - start];
    for (int j = start; j < total; j++) {
      window[j - start] = j < ctx.length ? ctx[j] : cont[j - ctx.length];
    }
    return window;
  }

  private double loglikelihood(LanguageModel model, int[][] pair, String where) {
    int[] cont = pair[1];
    int[] window = window(pair, where);
    double[] lp = model.tokenLogProbs(window);
    if (lp == null || lp.length != window.length - 1) {
      throw new EvalException(
          where
              + ": model returned "
              + (lp == null ? "null" : lp.length + " log-probs")
              + " for "
              + window.length
              + " tokens; expected "
              + (window.length - 1));
    }
    double sum = 0;
    for (int j = lp.length - cont.length; j < lp.length; j++) {
      double v = lp[j];
      if (!(v <= 0) || Double.isInfinite(v)) {
        throw new EvalException(where + ": model returned log-prob " + v);
      }
      sum += v;
    }
    return sum;
  }

  /**
   * Tokenizes a request the way the harness does; returns {context tokens, continuation tokens}.
   * {@code ctxTokens}, when not null, are the context's tokens from an earlier request of the same
   * context, used instead of encoding it again.
   */
  private int[][] encodePair(String context, String continuation, String where, int[] ctxTokens) {
    if (context.isEmpty()) {
      // The harness conditions an empty context on its prefix token (BOS, else EOS), unless the
      // continuation already starts with it.
      if (prefixToken.isEmpty()) {
        throw new EvalException(
            where + ": context is empty and the scorer has no prefixToken or bosToken");
      }
      int prefix = prefixToken.getAsInt();
      int[] cont = encode(continuation, false, where);
      if (cont.length > 0 && cont[0] == prefix) {
        return new int[][] {{prefix}, Arrays.copyOfRange(cont, 1, cont.length)};
      }
      return new int[][] {{prefix}, cont};
    }
    // Trailing whitespace of the context moves to the front of the continuation: BPE tokenizers
    // attach a space to the word after it, so "Answer: " + "Paris" would otherwise score a
    // continuation token the model never sees in training text.
    int end = context.length();
    while (end > 0 && isPythonSpace(context.charAt(end - 1))) {
      end--;
    }
    String ctx = context.substring(0, end);
    String cont = context.substring(end) + continuation;
    // Encode the whole and the context separately and take the continuation as the whole's tail,
    // so tokens that merge across the boundary are scored as the model would see them.
    int[] whole = encode(ctx + cont, true, where);
    int[] ctxEnc = ctxTokens != null ? ctxTokens : encode(ctx, true, where);
    int from = Math.min(ctxEnc.length, whole.length);
    return new int[][] {ctxEnc, Arrays.copyOfRange(whole, from, whole.length)};
  }

  private int[] encode(String text, boolean addBos, String where) {
    int[] ids = encoder.encode(text);
    if (ids == null) {
      throw new EvalException(where + ": encoder returned null");
    }
    return addBos && bosToken.isPresent() ? BosToken.prepend(bosToken, ids) : ids.clone();
  }

  /** Python's {@code str.rstrip()} whitespace, which is what the harness strips. */
  static boolean isPythonSpace(char ch) {
    return PythonText.isSpace(ch);
  }

  /** Builds a {@link MultipleChoiceScorer}. */
  public static final class Builder {
    private TextEncoder encoder;
    private int maxLength = -1;
    private String targetDelimiter = " ";
    private OptionalInt bosToken = OptionalInt.empty();
    private OptionalInt prefixToken = OptionalInt.empty();

    private Builder() {}

    /**
     * Sets the tokenizer.
     *
     * @param encoder encodes text without special tokens
     * @return this builder
     * @throws EvalException if {@code encoder} is null
     */
    public Builder encoder(TextEncoder encoder) {
      if (encoder == null) {
        throw new EvalException("encoder: encoder is null");
      }
      this.encoder = encoder;
      return this;
    }

    /**
     * Sets the model's maximum sequence length; longer requests lose context tokens from the left.
     *
     * @param maxLength the most tokens the model conditions on, at least 1
     * @return this builder
     * @throws EvalException if {@code maxLength < 1}
     */
    public Builder maxLength(int maxLength) {
      if (maxLength < 1) {
        throw new EvalException("maxLength must be >= 1, got " + maxLength);
      }
      this.maxLength = maxLength;
      return this;
    }

    /**
     * Sets the text put between the context and each choice; the harness's default is one space.
     *
     * @param targetDelimiter the delimiter, possibly empty
     * @return this builder
     * @throws EvalException if {@code targetDelimiter} is null
     */
    public Builder targetDelimiter(String targetDelimiter) {
      if (targetDelimiter == null) {
        throw new EvalException("targetDelimiter: delimiter is null");
      }
      this.targetDelimiter = targetDelimiter;
      return this;
    }

    /**
     * Prepends a BOS token to every encoding of the context and of context plus continuation, as
     * the harness does for models whose tokenizer adds one ({@code add_bos_token=True}); also the
     * prefix for empty contexts unless {@link #prefixToken} is set.
     *
     * @param id the BOS token id, at least 0
     * @return this builder
     * @throws EvalException if {@code id < 0}
     */
    public Builder bosToken(int id) {
      if (id < 0) {
        throw new EvalException("bosToken must be >= 0, got " + id);
      }
      this.bosToken = OptionalInt.of(id);
      return this;
    }

    /**
     * Sets the token an empty context is replaced by, the harness's {@code prefix_token_id} (the
     * tokenizer's BOS, else its EOS).
     *
     * @param id the token id, at least 0
     * @return this builder
     * @throws EvalException if {@code id < 0}
     */
    public Builder prefixToken(int id) {
      if (id < 0) {
        throw new EvalException("prefixToken must be >= 0, got " + id);
      }
      this.prefixToken = OptionalInt.of(id);
      return this;
    }

    /**
     * Builds the scorer.
     *
     * @return the scorer
     * @throws EvalException if the encoder or the maximum length is not set
     */
    public MultipleChoiceScorer build() {
      if (encoder == null) {
        throw new EvalException("encoder is not set");
      }
      if (maxLength < 1) {
        // No default: the window changes the scores, and a number from a different window does
        // not compare with the published one.
        throw new EvalException("maxLength is not set");
      }
      Builder copy = new Builder();
      copy.encoder = encoder;
      copy.maxLength = maxLength;
      copy.targetDelimiter = targetDelimiter;
      copy.bosToken = bosToken;
      copy.prefixToken = prefixToken.isPresent() ? prefixToken : bosToken;
      return new MultipleChoiceScorer(copy);
    }
  }
}
