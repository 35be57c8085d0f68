package midtrain.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import midtrain.eval.internal.BosToken;
import midtrain.eval.internal.EosTokens;

/**
 * The passkey retrieval test of long-context papers (landmark attention, LongLoRA, YaRN): a
 * five-digit-or-shorter pass key hidden in repeated filler text, which the model must repeat when
 * asked at the end.
 *
 * <p>The prompt is the papers' code word for word: {@link #TASK_DESCRIPTION}, the first characters
 * of {@link #FILLER} repeated (joined by spaces), {@code "The pass key is K. Remember it. K is the
 * pass key."}, the first characters of the filler again, and {@link #QUESTION}, joined by newlines;
 * the key is drawn uniformly from 1 to 50000. Each prompt here is sized in tokens: the filler is as
 * long as fits the requested length, and the key sits at the requested depth of it (0: right after
 * the description, 1: right before the question). The model continues greedily for a few tokens; a
 * trial is correct when the first run of digits in the continuation is the key, as the papers'
 * {@code int(re.search(r'\d+', response).group()) == pass_key}.
 */
public final class PasskeyTest {
  /** The instruction the prompt starts with, as in the papers' code. */
  public static final String TASK_DESCRIPTION =
      "There is an important info hidden inside a lot of irrelevant text. Find it and memorize"
          + " them. I will quiz you about the important information there.";

  /** The filler sentence group, repeated and joined by single spaces. */
  public static final String FILLER =
      "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.";

  /** The question the prompt ends with; the model continues after "is". */
  public static final String QUESTION = "What is the pass key? The pass key is";

  /** The largest key, as the papers' {@code random.randint(1, 50000)}. */
  public static final int MAX_KEY = 50000;

  /** Python's {@code \d}: any Unicode decimal digit, which {@code int()} also reads. */
  private static final Pattern DIGITS = Pattern.compile("\\d+", Pattern.UNICODE_CHARACTER_CLASS);

  private final TextEncoder encoder;
  private final TextDecoder decoder;
  private final int maxLength;
  private final List<Integer> lengths;
  private final List<Double> depths;
  private final int trials;
  private final int maxNewTokens;
  private final long seed;
  private final OptionalInt bosToken;
  private final int[] eosTokens;

  private PasskeyTest(Builder b) {
    this.encoder = b.encoder;
    this.decoder = b.decoder;
    this.maxLength = b.maxLength;
    this.lengths = b.lengths;
    this.depths = b.depths;
    this.trials = b.trials;
    this.maxNewTokens = b.maxNewTokens;
    this.seed = b.seed;
    this.bosToken = b.bosToken;
    this.eosTokens = b.eosTokens;
  }

  /**
   * Starts a test.
   *
   * @return a builder; encoder, decoder, maximum length and lengths must be set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a prompt from filler lengths in characters, as the papers' {@code generate_prompt}.
   *
   * @param prefixChars the filler characters before the key's line, 0 or more
   * @param suffixChars the filler characters after it, 0 or more
   * @param key the pass key
   * @return the prompt text
   * @throws EvalException if a length is negative
   */
  public static String prompt(int prefixChars, int suffixChars, int key) {
    if (prefixChars < 0 || suffixChars < 0) {
      throw new EvalException("filler lengths must be 0 or more");
    }
    int longest = Math.max(prefixChars, suffixChars);
    StringBuilder filler = new StringBuilder(longest + FILLER.length() + 1);
    while (filler.length() < longest) {
      if (filler.length() > 0) {
        filler.append(' ');
      }
      filler.append(FILLER);
    }
    return String.join(
        "\n",
        TASK_DESCRIPTION,
        filler.substring(0, prefixChars),
        "The pass key is " + key + ". Remember it. " + key + " is the pass key.",
        filler.substring(0, suffixChars),
        QUESTION);
  }

  /**
   * Returns the number the model answered: the first run of digits in its continuation.
   *
   * @param continuation the generated text
   * @return the digits as a decimal string without leading zeros ({@code "0"} for zeros), or empty
   *     when there are none
   * @throws EvalException if {@code continuation} is null
   */
  public static String answer(String continuation) {
    if (continuation == null) {
      throw new EvalException("continuation is null");
    }
    Matcher m = DIGITS.matcher(continuation);
    if (!m.find()) {
      return "";
    }
    String digits = m.group();
    StringBuilder b = new StringBuilder(digits.length());
    for (int i = 0; i < digits.length(); ) {
      int cp = digits.codePointAt(i);
      int d = Character.digit(cp, 10);
      if (b.length() > 0 || d != 0) {
        b.append((char) ('0' + d));
      }
      i += Character.charCount(cp);
    }
    return b.length() == 0 ? "0" : b.toString();
  }

  /**
   * Sizes a prompt in tokens: the longest filler whose prompt (with the BOS, if set) takes at most
   * {@code length} tokens, the key's line at {@code depth} of it.
   *
   * @param length the most tokens
   * @param depth where the key goes, from 0 (start of the filler) to 1 (its end)
   * @param key the pass key
   * @return the prompt's token ids, at most {@code length}
   * @throws EvalException if even the prompt without filler is longer than {@code length}, or the
   *     depth is outside [0, 1]
   */
  public int[] sizedPrompt(int length, double depth, int key) {
    if (!(depth >= 0 && depth <= 1)) {
      throw new EvalException("depth must be in [0, 1], got " + depth);
    }
    int[] none = tokens(0, depth, key);
    if (none.length > length) {
      throw new EvalException(
          "length "
              + length
              + " is shorter than the prompt without filler, which takes "
              + none.length
              + " tokens");
    }
    // Token counts grow with the filler, a little unevenly where a cut splits a word, so search
    // for the longest filler that fits: double until too long, then bisect.
    int lo = 0;
    int[] best = none;
    int hi = Math.max(16, 4 * length);
    int[] t;
    while ((t = tokens(hi, depth, key)).length <= length) {
      lo = hi;
      best = t;
      hi *= 2;
    }
    while (hi - lo > 1) {
      int mid = lo + (hi - lo) / 2;
      t = tokens(mid, depth, key);
      if (t.length <= length) {
        lo = mid;
        best = t;
      } else {
        hi = mid;
      }
    }
    return best;
  }

  private int[] tokens(int fillerChars, double depth, int key) {
    int prefix = (int) Math.round(depth * fillerChars);
    return BosToken.prepend(bosToken, encoder.encode(prompt(prefix, fillerChars - prefix, key)));
  }

  /**
   * Checks every trial's prompt without a model: each length fits the prompt without filler, with
   * the key {@link #run} will draw for that trial.
   *
   * @throws EvalException naming the length that does not fit
   */
  public void check() {
    // The keys run() draws, in its order: a key's token count depends on the tokenizer (BPE merges
    // some numbers), so the largest key is not always the longest prompt.
    Random rnd = new Random(seed);
    for (int length : lengths) {
      for (double depth : depths) {
        for (int t = 0; t < trials; t++) {
          int key = 1 + rnd.nextInt(MAX_KEY);
          int none = tokens(0, depth, key).length;
          if (none > length) {
            throw new EvalException(
                "length "
                    + length
                    + " is shorter than the prompt without filler, which takes "
                    + none
                    + " tokens with the key "
                    + key);
          }
        }
      }
    }
  }

  /**
   * Runs every trial: for each length, depth and trial, a key drawn from one {@link Random} seeded
   * with the seed (lengths outermost, trials innermost), its sized prompt, and a greedy
   * continuation of {@code maxNewTokens}, ended early by the EOS token if one is set.
   *
   * @param model the model
   * @return every trial and the accuracies
   * @throws EvalException if the model is null, a length does not fit the prompt, or the model
   *     generates no tokens
   */
  public PasskeyResult run(GenerativeModel model) {
    if (model == null) {
      throw new EvalException("model is null");
    }
    Random rnd = new Random(seed);
    List<PasskeyResult.Trial> out = new ArrayList<>();
    for (int length : lengths) {
      for (double depth : depths) {
        for (int t = 0; t < trials; t++) {
          int key = 1 + rnd.nextInt(MAX_KEY);
          int[] prompt;
          try {
            prompt = sizedPrompt(length, depth, key);
          } catch (EvalException e) {
            throw new EvalException("length " + length + ": " + e.getMessage());
          }
          int[] gen =
              model.greedy(
                  prompt, maxNewTokens, g -> EosTokens.contains(eosTokens, g[g.length - 1]));
          if (gen == null || gen.length == 0) {
            throw new EvalException("the model generated no tokens");
          }
          // Hugging Face's generate, which the papers call, ends at the EOS: nothing after it.
          if (EosTokens.contains(eosTokens, gen[gen.length - 1])) {
            gen = java.util.Arrays.copyOf(gen, gen.length - 1);
          }
          String text = decoder.decode(gen);
          String answer = answer(text);
          out.add(
              new PasskeyResult.Trial(
                  length,
                  depth,
                  key,
                  prompt.length,
                  text,
                  answer,
                  answer.equals(Integer.toString(key))));
        }
      }
    }
    return PasskeyResult.of(lengths, depths, out);
  }

  /** Builds a {@link PasskeyTest}. */
  public static final class Builder {
    private TextEncoder encoder;
    private TextDecoder decoder;
    private int maxLength = -1;
    private List<Integer> lengths = List.of();
    private List<Double> depths = List.of(0.0, 0.25, 0.5, 0.75, 1.0);
    private int trials = 5;
    private int maxNewTokens = 10;
    private long seed = 1234;
    private OptionalInt bosToken = OptionalInt.empty();
    private int[] eosTokens = new int[0];

    private Builder() {}

    /**
     * Sets the tokenizer's encoding side, which sizes the prompts.
     *
     * @param encoder text to ids, no special tokens added
     * @return this builder
     */
    public Builder encoder(TextEncoder encoder) {
      this.encoder = encoder;
      return this;
    }

    /**
     * Sets the tokenizer's decoding side, which reads the answers.
     *
     * @param decoder ids to text
     * @return this builder
     */
    public Builder decoder(TextDecoder decoder) {
      this.decoder = decoder;
      return this;
    }

    /**
     * Sets the most tokens the model takes, prompt and generation together; required.
     *
     * @param tokens the model's context length
     * @return this builder
     */
    public Builder maxLength(int tokens) {
      this.maxLength = tokens;
      return this;
    }

    /**
     * Sets the prompt lengths in tokens; required.
     *
     * @param tokens at least one, each at most {@code maxLength - maxNewTokens}
     * @return this builder
     */
    public Builder lengths(List<Integer> tokens) {
      if (tokens == null || tokens.stream().anyMatch(java.util.Objects::isNull)) {
        throw new EvalException("lengths is null or holds a null");
      }
      this.lengths = List.copyOf(tokens);
      return this;
    }

    /**
     * Sets the depths the key is put at (default 0, 0.25, 0.5, 0.75, 1).
     *
     * @param fractions at least one, each in [0, 1]
     * @return this builder
     */
    public Builder depths(List<Double> fractions) {
      if (fractions == null || fractions.stream().anyMatch(java.util.Objects::isNull)) {
        throw new EvalException("depths is null or holds a null");
      }
      this.depths = List.copyOf(fractions);
      return this;
    }

    /**
     * Sets the trials per length and depth, each with its own key (default 5).
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder trials(int n) {
      this.trials = n;
      return this;
    }

    /**
     * Sets the tokens generated per trial (default 10, as the papers' {@code max_new_tokens}).
     *
     * @param tokens at least 1
     * @return this builder
     */
    public Builder maxNewTokens(int tokens) {
      this.maxNewTokens = tokens;
      return this;
    }

    /**
     * Sets the seed the keys are drawn with (default 1234).
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets a BOS token put before each prompt, counted in its length.
     *
     * @param id the token id
     * @return this builder
     */
    public Builder bosToken(int id) {
      this.bosToken = OptionalInt.of(id);
      return this;
    }

    /**
     * Sets the end-of-sequence tokens: generating any of them ends a trial's continuation, which
     * does not include it, as Hugging Face's {@code generate} stops at any id of a model's {@code
     * eos_token_id} list (Llama 3 instruct models have three).
     *
     * @param ids the token ids, none negative; none (the default) for no end token
     * @return this builder
     * @throws EvalException if an id is negative
     */
    public Builder eosTokens(int... ids) {
      this.eosTokens = EosTokens.of(ids);
      return this;
    }

    /**
     * Builds the test.
     *
     * @return the test
     * @throws EvalException if something required is missing or a value is out of range; the
     *     message names it
     */
    public PasskeyTest build() {
      if (encoder == null || decoder == null) {
        throw new EvalException((encoder == null ? "encoder" : "decoder") + " is not set");
      }
      if (maxNewTokens < 1) {
        throw new EvalException("maxNewTokens must be at least 1, got " + maxNewTokens);
      }
      if (maxLength <= maxNewTokens) {
        throw new EvalException(
            "maxLength must be set and above maxNewTokens " + maxNewTokens + "; got " + maxLength);
      }
      if (lengths.isEmpty() || depths.isEmpty()) {
        throw new EvalException(lengths.isEmpty() ? "no lengths given" : "no depths given");
      }
      for (int l : lengths) {
        if (l < 1 || l > maxLength - maxNewTokens) {
          // Longer prompts would lose their start (the key, at depth 0) to the model's window.
          throw new EvalException(
              "length "
                  + l
                  + " must be at least 1 and at most maxLength - maxNewTokens = "
                  + (maxLength - maxNewTokens));
        }
      }
      if (lengths.stream().distinct().count() != lengths.size()) {
        throw new EvalException("lengths " + lengths + " repeat a value");
      }
      for (double d : depths) {
        if (!(d >= 0 && d <= 1)) {
          throw new EvalException("depth " + d + " is outside [0, 1]");
        }
      }
      if (depths.stream().distinct().count() != depths.size()) {
        throw new EvalException("depths " + depths + " repeat a value");
      }
      if (trials < 1) {
        throw new EvalException("trials must be at least 1, got " + trials);
      }
      return new PasskeyTest(this);
    }
  }
}
