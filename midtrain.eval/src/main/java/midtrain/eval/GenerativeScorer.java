package midtrain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import midtrain.eval.internal.BosToken;
import midtrain.eval.internal.EosTokens;
import midtrain.eval.internal.Fewshot;

/**
 * Scores generative benchmarks by exact match, with the prompt building, truncation, stopping and
 * answer extraction of lm-evaluation-harness's {@code generate_until} tasks (GSM8K, say), so that
 * the numbers compare with the ones the field reports.
 *
 * <p>Each item's prompt is its few-shot examples, each {@code text + targetDelimiter + target}
 * followed by {@code fewshotDelimiter}, then the item's text. The prompt's tokens (after an
 * optional BOS) lose tokens from the left until {@code maxGenTokens} more fit in {@code maxLength};
 * the model continues it greedily until a stop string appears in the decoded continuation or the
 * EOS token is generated, and the continuation is cut before each stop string in turn. Each {@link
 * AnswerFilter} extracts an answer, which {@link ExactMatch} compares with the target. {@code
 * docs/eval.md} lists the harness sources each rule follows and where this departs.
 */
public final class GenerativeScorer {
  /** How few-shot examples are chosen from the pool. */
  public enum FewshotSampler {
    /**
     * A sample without replacement for each item, drawn from one {@link Random} seeded with {@link
     * Builder#seed}, item after item, as the harness draws from one seeded {@code random.Random}
     * (whose draws Java's cannot reproduce).
     */
    RANDOM,
    /** The pool's first examples, in order, as the harness's {@code first_n} sampler. */
    FIRST_N
  }

  private final TextEncoder encoder;
  private final TextDecoder decoder;
  private final TextDecoder textDecoder;
  private final int maxLength;
  private final int maxGenTokens;
  private final List<String> until;
  private final int[] eosTokens;
  private final OptionalInt bosToken;
  private final String targetDelimiter;
  private final String fewshotDelimiter;
  private final List<GenerativeItem> fewshot;
  private final int numFewshot;
  private final FewshotSampler sampler;
  private final long seed;
  private final List<AnswerFilter> filters;
  private final ExactMatch metric;

  private GenerativeScorer(Builder b) {
    this.encoder = b.encoder;
    this.decoder = b.decoder;
    this.textDecoder = b.textDecoder == null ? b.decoder : b.textDecoder;
    this.maxLength = b.maxLength;
    this.maxGenTokens = b.maxGenTokens;
    this.until = b.until;
    this.eosTokens = b.eosTokens;
    this.bosToken = b.bosToken;
    this.targetDelimiter = b.targetDelimiter;
    this.fewshotDelimiter = b.fewshotDelimiter;
    this.fewshot = b.fewshot;
    this.numFewshot = b.numFewshot;
    this.sampler = b.sampler;
    this.seed = b.seed;
    this.filters = b.filters;
    this.metric = b.metric;
  }

  /**
   * Starts a scorer.
   *
   * @return a builder; {@link Builder#encoder}, {@link Builder#decoder} and {@link
   *     Builder#maxLength} must be set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the filters, in the order results list their answers.
   *
   * @return the filters' names
   */
  public List<String> filterNames() {
    return filters.stream().map(AnswerFilter::name).toList();
  }

  /**
   * Chooses each item's few-shot examples, as {@link #score} does: the same items in the same order
   * get the same examples. An example equal to the item it is for (same text and target) is never
   * among them.
   *
   * @param items the items, in scoring order
   * @return for each item, its examples in prompt order
   * @throws EvalException if an item is null, or the pool holds fewer than {@code numFewshot}
   *     examples besides an item
   */
  public List<List<GenerativeItem>> examples(List<GenerativeItem> items) {
    if (items == null) {
      throw new EvalException("items is null");
    }
    Random rnd = new Random(seed);
    List<List<GenerativeItem>> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      GenerativeItem item = items.get(i);
      if (item == null) {
        throw new EvalException("item " + i + " is null");
      }
      if (numFewshot == 0) {
        out.add(List.of());
        continue;
      }
      List<GenerativeItem> pool = new ArrayList<>(fewshot.size());
      for (GenerativeItem e : fewshot) {
        if (!e.equals(item)) {
          pool.add(e);
        }
      }
      if (pool.size() < numFewshot) {
        throw new EvalException(
            "item "
                + item.id()
                + ": "
                + numFewshot
                + " few-shot examples asked for but the pool has "
                + pool.size()
                + (pool.size() < fewshot.size() ? " besides the item itself" : ""));
      }
      if (sampler == FewshotSampler.FIRST_N) {
        out.add(List.copyOf(pool.subList(0, numFewshot)));
      } else {
        Fewshot.drawToFront(pool, numFewshot, rnd);
        out.add(List.copyOf(pool.subList(0, numFewshot)));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Builds an item's prompt text: the harness's few-shot context followed by the item's text.
   *
   * @param examples the few-shot examples, possibly none
   * @param item the item
   * @return each example's {@code text + targetDelimiter + target + fewshotDelimiter} (an example
   *     with an empty target adds its text alone, as the harness), then the item's text
   * @throws EvalException if an argument is null
   */
  public String prompt(List<GenerativeItem> examples, GenerativeItem item) {
    if (examples == null || item == null) {
      throw new EvalException((examples == null ? "examples" : "item") + " is null");
    }
    StringBuilder b = new StringBuilder();
    for (GenerativeItem e : examples) {
      b.append(e.text());
      // The harness's ContextSampler adds the delimiters only after a non-empty target.
      if (!e.target().isEmpty()) {
        b.append(targetDelimiter).append(e.target()).append(fewshotDelimiter);
      }
    }
    return b.append(item.text()).toString();
  }

  /**
   * Encodes a prompt as the model receives it: the BOS if one is set, then the prompt's tokens,
   * left-truncated to {@code maxLength - maxGenTokens} tokens (the BOS is cut first, as in the
   * harness).
   *
   * @param prompt the prompt text
   * @return the context tokens, at least one
   * @throws EvalException if {@code prompt} is null or encodes to no tokens without a BOS
   */
  public int[] context(String prompt) {
    if (prompt == null) {
      throw new EvalException("prompt is null");
    }
    int[] enc = encoder.encode(prompt);
    if (enc == null) {
      throw new EvalException("the encoder returned null");
    }
    int[] all = BosToken.prepend(bosToken, enc);
    if (all.length == 0) {
      throw new EvalException("prompt encodes to no tokens");
    }
    int keep = maxLength - maxGenTokens;
    return all.length <= keep ? all : Arrays.copyOfRange(all, all.length - keep, all.length);
  }

  /**
   * Generates a continuation: greedily, until a stop string appears in the decoded text, the EOS
   * token comes, or {@code maxGenTokens} were generated; then the EOS and what follows it are
   * dropped, and the text is cut before each stop string in turn, in {@code until}'s order (the
   * harness's {@code s.split(term)[0]}).
   *
   * @param model the model
   * @param context the context tokens, as {@link #context} returns them
   * @return the continuation's text and token count
   * @throws EvalException if an argument is null, or the model generates no tokens or more than
   *     asked
   */
  public Continuation continuation(GenerativeModel model, int[] context) {
    return continuation(model, context, Sampling.greedy());
  }

  /**
   * Generates a continuation as {@link #continuation(GenerativeModel, int[])} does, each token
   * chosen by a sampling instead of greedily (the harness's {@code do_sample} with its {@code
   * temperature}, {@code top_k} and {@code top_p}); stop strings, EOS and cutting are the same.
   *
   * @param model the model
   * @param context the context tokens, as {@link #context} returns them
   * @param sampling how each token is chosen; {@link Sampling#greedy()} gives {@link
   *     #continuation(GenerativeModel, int[])}
   * @return the continuation's text and token count
   * @throws EvalException if an argument is null, or the model generates no tokens or more than
   *     asked
   */
  public Continuation continuation(GenerativeModel model, int[] context, Sampling sampling) {
    if (model == null || context == null || sampling == null) {
      throw new EvalException(
          (model == null ? "model" : context == null ? "context" : "sampling") + " is null");
    }
    int[] generated =
        model.generate(
            context,
            maxGenTokens,
            sampling,
            tokens ->
                EosTokens.contains(eosTokens, tokens[tokens.length - 1])
                    || hasStop(decoder.decode(tokens)));
    if (generated == null || generated.length == 0 || generated.length > maxGenTokens) {
      throw new EvalException(
          "the model generated "
              + (generated == null ? "null" : generated.length + " tokens")
              + "; expected 1 to "
              + maxGenTokens);
    }
    int[] kept = generated;
    for (int i = 0; i < generated.length; i++) {
      if (EosTokens.contains(eosTokens, generated[i])) {
        kept = Arrays.copyOf(generated, i);
        break;
      }
    }
    // Stop strings were looked for in the raw decoding above; the text kept is decoded as the
    // harness's tok_decode gives it (with a textDecoder that skips special tokens).
    String text = textDecoder.decode(kept);
    // The harness's post-hoc s = s.split(term)[0] for each term in turn: with overlapping stop
    // strings this is not the same as cutting at the earliest start.
    for (String s : until) {
      int at = text.indexOf(s);
      if (at >= 0) {
        text = text.substring(0, at);
      }
    }
    return new Continuation(text, generated.length);
  }

  /**
   * The text a generation produced and how many tokens it took.
   *
   * @param text the decoded continuation, cut at the stop strings
   * @param tokens the tokens generated, the one that ended it included
   */
  public record Continuation(String text, int tokens) {}

  /** Whether a stop string appears in the text, which ends generation. */
  private boolean hasStop(String text) {
    for (String s : until) {
      if (text.contains(s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Scores one item with given few-shot examples.
   *
   * @param model the model
   * @param examples the item's few-shot examples
   * @param item the item
   * @return the item's continuation, answers and matches
   * @throws EvalException as {@link #context} and {@link #continuation}
   */
  public GenerativeItemResult score(
      GenerativeModel model, List<GenerativeItem> examples, GenerativeItem item) {
    if (model == null) {
      throw new EvalException("model is null");
    }
    int[] ctx = context(prompt(examples, item));
    Continuation c = continuation(model, ctx);
    Map<String, String> answers = new LinkedHashMap<>();
    Map<String, Boolean> matches = new LinkedHashMap<>();
    for (AnswerFilter f : filters) {
      String a = f.apply(c.text());
      answers.put(f.name(), a);
      matches.put(f.name(), metric.matches(a, item.target()));
    }
    return GenerativeItemResult.of(
        item.id(), ctx.length, c.tokens(), c.text(), answers, item.target(), matches);
  }

  /**
   * Scores every item: few-shot examples as {@link #examples} chooses them, then {@link
   * #score(GenerativeModel, List, GenerativeItem)}.
   *
   * @param model the model
   * @param items the items, at least one
   * @return per-item results and the exact match per filter
   * @throws EvalException if there are no items, or as {@link #examples} and the item scoring; the
   *     message names the item
   */
  public GenerativeResult score(GenerativeModel model, List<GenerativeItem> items) {
    if (model == null) {
      throw new EvalException("model is null");
    }
    if (items == null || items.isEmpty()) {
      throw new EvalException("items: need at least one item");
    }
    List<List<GenerativeItem>> ex = examples(items);
    List<GenerativeItemResult> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      try {
        results.add(score(model, ex.get(i), items.get(i)));
      } catch (EvalException e) {
        throw new EvalException("item " + items.get(i).id() + ": " + e.getMessage());
      }
    }
    return GenerativeResult.of(filterNames(), results);
  }

  /** Builds a {@link GenerativeScorer}. */
  public static final class Builder {
    private TextEncoder encoder;
    private TextDecoder decoder;
    private TextDecoder textDecoder;
    private int maxLength = -1;
    private int maxGenTokens = 256;
    private List<String> until = List.of();
    private int[] eosTokens = new int[0];
    private OptionalInt bosToken = OptionalInt.empty();
    private String targetDelimiter = " ";
    private String fewshotDelimiter = "\n\n";
    private List<GenerativeItem> fewshot = List.of();
    private int numFewshot;
    private FewshotSampler sampler = FewshotSampler.RANDOM;
    private long seed = 1234;
    private List<AnswerFilter> filters = List.of(AnswerFilter.none());
    private ExactMatch metric = ExactMatch.strict();

    private Builder() {}

    /**
     * Sets the tokenizer's encoding side.
     *
     * @param encoder text to ids, no special tokens added
     * @return this builder
     */
    public Builder encoder(TextEncoder encoder) {
      this.encoder = encoder;
      return this;
    }

    /**
     * Sets the tokenizer's decoding side.
     *
     * @param decoder ids to text
     * @return this builder
     */
    public Builder decoder(TextDecoder decoder) {
      this.decoder = decoder;
      return this;
    }

    /**
     * Sets how the kept continuation becomes the text that is cut at the stop strings and filtered,
     * where it differs from {@link #decoder}, which stop strings are looked for in. The harness
     * looks for stop strings in the raw decoding and returns the text decoded with {@code
     * skip_special_tokens=True}: a decoder that skips special tokens here follows it.
     *
     * @param textDecoder ids to the continuation's text; default the {@link #decoder}
     * @return this builder
     * @throws EvalException if {@code textDecoder} is null
     */
    public Builder textDecoder(TextDecoder textDecoder) {
      if (textDecoder == null) {
        throw new EvalException("textDecoder is null");
      }
      this.textDecoder = textDecoder;
      return this;
    }

    /**
     * Sets the most tokens the model takes, context and generation together (the harness's {@code
     * max_length}); required.
     *
     * @param tokens the model's context length
     * @return this builder
     */
    public Builder maxLength(int tokens) {
      this.maxLength = tokens;
      return this;
    }

    /**
     * Sets the most tokens generated per item ({@code max_gen_toks}, default 256).
     *
     * @param tokens at least 1, below {@link #maxLength}
     * @return this builder
     */
    public Builder maxGenTokens(int tokens) {
      this.maxGenTokens = tokens;
      return this;
    }

    /**
     * Sets the stop strings ({@code until}, default none): generation ends once one appears in the
     * decoded continuation, which is cut before each of them in turn. Empty strings are ignored, as
     * the harness does.
     *
     * @param stops the stop strings
     * @return this builder
     */
    public Builder until(List<String> stops) {
      if (stops == null || stops.stream().anyMatch(java.util.Objects::isNull)) {
        throw new EvalException("until is null or holds a null");
      }
      Set<String> kept = new LinkedHashSet<>();
      for (String s : stops) {
        if (!s.isEmpty()) {
          kept.add(s);
        }
      }
      this.until = List.copyOf(kept);
      return this;
    }

    /**
     * Sets the end-of-sequence tokens: generating any of them ends the continuation, which does not
     * include it, as Hugging Face's {@code generate} stops at any id of a model's {@code
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
     * Sets a BOS token put before each prompt, for models whose tokenizer adds one ({@code
     * add_bos_token}).
     *
     * @param id the token id
     * @return this builder
     */
    public Builder bosToken(int id) {
      this.bosToken = OptionalInt.of(id);
      return this;
    }

    /**
     * Sets the text between an example's text and its target ({@code target_delimiter}, default
     * {@code " "}).
     *
     * @param delimiter the delimiter
     * @return this builder
     */
    public Builder targetDelimiter(String delimiter) {
      if (delimiter == null) {
        throw new EvalException("targetDelimiter is null");
      }
      this.targetDelimiter = delimiter;
      return this;
    }

    /**
     * Sets the text after each few-shot example ({@code fewshot_delimiter}, default {@code
     * "\n\n"}).
     *
     * @param delimiter the delimiter
     * @return this builder
     */
    public Builder fewshotDelimiter(String delimiter) {
      if (delimiter == null) {
        throw new EvalException("fewshotDelimiter is null");
      }
      this.fewshotDelimiter = delimiter;
      return this;
    }

    /**
     * Sets the few-shot examples and how many each prompt shows ({@code num_fewshot}, default 0).
     *
     * @param pool the examples to choose from (the harness's {@code fewshot_split})
     * @param count how many each prompt shows, 0 or more
     * @return this builder
     */
    public Builder fewshot(List<GenerativeItem> pool, int count) {
      if (pool == null || pool.stream().anyMatch(java.util.Objects::isNull)) {
        throw new EvalException("the few-shot pool is null or holds a null");
      }
      this.fewshot = List.copyOf(pool);
      this.numFewshot = count;
      return this;
    }

    /**
     * Sets how examples are chosen (default {@link FewshotSampler#RANDOM}).
     *
     * @param sampler the sampler
     * @return this builder
     */
    public Builder sampler(FewshotSampler sampler) {
      if (sampler == null) {
        throw new EvalException("sampler is null");
      }
      this.sampler = sampler;
      return this;
    }

    /**
     * Sets the seed of the {@link FewshotSampler#RANDOM} sampler (default 1234, the harness's
     * {@code fewshot_seed}).
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets the answer filters (default {@link AnswerFilter#none()}); each gets its own exact match.
     *
     * @param filters at least one, with distinct names
     * @return this builder
     */
    public Builder filters(List<AnswerFilter> filters) {
      if (filters == null
          || filters.isEmpty()
          || filters.stream().anyMatch(java.util.Objects::isNull)) {
        throw new EvalException("filters: need at least one, and no null");
      }
      Set<String> names = new LinkedHashSet<>();
      for (AnswerFilter f : filters) {
        if (!names.add(f.name())) {
          throw new EvalException("two filters are named " + f.name());
        }
      }
      this.filters = List.copyOf(filters);
      return this;
    }

    /**
     * Sets the metric's normalization (default {@link ExactMatch#strict()}).
     *
     * @param metric the exact match
     * @return this builder
     */
    public Builder metric(ExactMatch metric) {
      if (metric == null) {
        throw new EvalException("metric is null");
      }
      this.metric = metric;
      return this;
    }

    /**
     * Builds the scorer.
     *
     * @return the scorer
     * @throws EvalException if the encoder, decoder or maximum length is missing, {@code
     *     maxGenTokens} is not in {@code [1, maxLength)}, or the few-shot count is negative
     */
    public GenerativeScorer build() {
      if (encoder == null || decoder == null) {
        throw new EvalException((encoder == null ? "encoder" : "decoder") + " is not set");
      }
      if (maxLength < 2) {
        throw new EvalException("maxLength must be set, at least 2; got " + maxLength);
      }
      if (maxGenTokens < 1 || maxGenTokens >= maxLength) {
        // The harness would leave max_length - max_gen_toks <= 0 tokens for the context.
        throw new EvalException(
            "maxGenTokens must be at least 1 and below maxLength "
                + maxLength
                + " (the rest is the context); got "
                + maxGenTokens);
      }
      if (numFewshot < 0) {
        throw new EvalException("the few-shot count must be 0 or more, got " + numFewshot);
      }
      return new GenerativeScorer(this);
    }
  }
}
