package midtrain.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import midtrain.eval.EvalException;
import midtrain.eval.GenerativeModel;
import midtrain.eval.LanguageModel;
import midtrain.eval.Sampling;

/**
 * A {@link LanguageModel} over a {@link LlamaModel} that scores sequences of any length with
 * overlapping sliding windows of the model's context, and generates greedily ({@link
 * GenerativeModel}).
 *
 * <p>Window {@code k} covers tokens {@code [k * stride, k * stride + window)}; the last one is
 * moved back to end where the sequence ends, so it is full. Each token is scored once, in the first
 * window that holds it, so it sees at least {@code window - stride} tokens of context (all earlier
 * tokens while the sequence fits one window), as in Hugging Face's perplexity guide; a smaller
 * stride gives more context for more compute. The windows of a sequence run through the model
 * {@code batchSize} at a time. Weights are float32 and the model runs on the CPU (BF16 weights are
 * widened when read, as DJL's CPU build aborts on BF16), so scores repeat exactly from run to run.
 * Not thread-safe.
 */
public final class CheckpointLanguageModel implements GenerativeModel, AutoCloseable {
  private final LlamaModel model;
  private final int window;
  private final int stride;
  private final int batchSize;
  private final boolean kvCache;
  private int cachedSteps;
  // What close() releases: the base manager and model when this instance loaded them, else none.
  private final List<AutoCloseable> owned;

  private CheckpointLanguageModel(
      LlamaModel model,
      int window,
      int stride,
      int batchSize,
      boolean kvCache,
      List<AutoCloseable> owned) {
    this.model = model;
    this.kvCache = kvCache;
    this.window = window;
    this.stride = stride;
    this.batchSize = batchSize;
    this.owned = List.copyOf(owned);
  }

  /**
   * Starts a builder with the defaults: the model's {@code max_position_embeddings} as the window,
   * half of it as the stride, 4 windows per batch.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the window length.
   *
   * @return the most tokens the model sees at once
   */
  public int window() {
    return window;
  }

  /**
   * Returns the stride.
   *
   * @return how far each window starts after the previous one
   */
  public int stride() {
    return stride;
  }

  /**
   * Returns the architecture of the model scored.
   *
   * @return the model's config
   */
  public LlamaConfig config() {
    return model.config();
  }

  @Override
  public int vocabSize() {
    return model.config().vocabSize();
  }

  /**
   * Scores a token sequence window by window.
   *
   * @param tokens the token ids, at least two, each in {@code [0, vocabSize())}
   * @return natural-log probabilities, {@code tokens.length - 1} of them
   * @throws EvalException if there are fewer than two tokens or an id is outside the vocabulary
   */
  @Override
  public double[] tokenLogProbs(int[] tokens) {
    Objects.requireNonNull(tokens, "tokens");
    if (tokens.length < 2) {
      throw new EvalException("a sequence of " + tokens.length + " tokens; need at least 2");
    }
    checkIds(tokens);
    List<int[]> spans = windows(tokens.length, window, stride);
    double[] out = new double[tokens.length - 1];
    for (int from = 0; from < spans.size(); from += batchSize) {
      score(tokens, spans.subList(from, Math.min(from + batchSize, spans.size())), out);
    }
    return out;
  }

  /**
   * Continues a prompt, each token chosen by the sampling and conditioned on the last {@link
   * #window()} tokens of the prompt and what was generated so far (their rotary positions counted
   * from the first of them).
   *
   * <p>While the prompt and the tokens generated so far fit the window, each step runs one token
   * through the model against a KV cache of the earlier positions (see {@link Builder#kvCache}).
   * Once they outgrow it, every later step recomputes the last {@code window} tokens from position
   * 0, as the full forward would see them, since shifting the window changes every cached key's
   * position. The same holds past the original length of dynamic NTK and LongRoPE scaling, whose
   * frequencies change with the sequence length: the result is always that of the full forward over
   * the conditioning tokens (transformers, decoding with a cache, keeps keys rotated with the
   * shorter sequence's frequencies there and so differs from its own uncached forward).
   *
   * @throws EvalException as {@link GenerativeModel#generate} says
   */
  @Override
  public int[] generate(int[] prompt, int maxNewTokens, Sampling sampling, Predicate<int[]> stop) {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(stop, "stop");
    if (prompt.length == 0) {
      throw new EvalException("an empty prompt; need at least 1 token to continue");
    }
    if (maxNewTokens < 1) {
      throw new EvalException("maxNewTokens must be at least 1, got " + maxNewTokens);
    }
    checkIds(prompt);
    // A bound such as Integer.MAX_VALUE ("until stop says") must neither overflow nor be
    // allocated up front: the buffer grows as tokens come.
    long end = (long) prompt.length + maxNewTokens;
    int[] seq = Arrays.copyOf(prompt, (int) Math.min(end, 2L * prompt.length + 64));
    int n = prompt.length;
    int vocab = vocabSize();
    // The cache serves a step whose n conditioning tokens all fit, at positions 0 .. n - 1 with the
    // full forward's rotary tables; the last step conditions on end - 1 tokens.
    int limit = kvCache ? Math.min(window, model.cacheablePositions()) : 0;
    int capacity = (int) Math.min(limit, end - 1);
    Sampling.Sampler sampler = sampling.newSampler();
    KvCache cache = n <= capacity ? model.newCache(capacity) : null;
    cachedSteps = 0;
    try {
      while (n < end) {
        float[] last;
        if (cache != null && n <= capacity) {
          last = cache.length() == 0 ? model.prefill(cache, prompt) : model.step(cache, seq[n - 1]);
          cachedSteps++;
        } else {
          if (cache != null) {
            cache.close(); // outgrown: free it now rather than after the remaining steps
            cache = null;
          }
          last = uncachedLogits(seq, n);
        }
        if (n == seq.length) {
          seq = Arrays.copyOf(seq, (int) Math.min(end, Math.min(2L * n, Integer.MAX_VALUE - 8)));
        }
        seq[n++] = sampler.next(last, vocab);
        if (stop.test(Arrays.copyOfRange(seq, prompt.length, n))) {
          break;
        }
      }
    } finally {
      if (cache != null) {
        cache.close();
      }
    }
    return Arrays.copyOfRange(seq, prompt.length, n);
  }

  /** Steps of the last {@link #generate} call that the KV cache served (for tests). */
  int cachedSteps() {
    return cachedSteps;
  }

  /** Next-token logits after {@code seq[0 .. n)}: the full forward of its last window. */
  private float[] uncachedLogits(int[] seq, int n) {
    int start = Math.max(0, n - window);
    try (NDManager step = model.manager().newSubManager()) {
      NDArray in = step.create(Arrays.copyOfRange(seq, start, n), new Shape(1, n - start));
      return model.logits(in).get(new NDIndex("0, -1, :")).toFloatArray();
    }
  }

  /** Refuses ids outside the vocabulary, which would index past the embedding table in libtorch. */
  private void checkIds(int[] tokens) {
    int vocab = vocabSize();
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocab) {
        throw new EvalException(
            "token id "
                + tokens[i]
                + " at position "
                + i
                + " is outside the model's vocabulary [0, "
                + vocab
                + ")");
      }
    }
  }

  /**
   * The windows over a sequence, as {@code {start, end, firstScored}}: tokens {@code [start, end)}
   * go in, and tokens {@code [firstScored, end)} are scored from them.
   */
  static List<int[]> windows(int n, int window, int stride) {
    List<int[]> spans = new ArrayList<>();
    int scoredTo = 1; // token 0 has no context, so nothing predicts it
    for (long begin = 0; ; begin += stride) {
      int end = (int) Math.min(begin + window, n);
      int start = Math.max(0, end - window);
      spans.add(new int[] {start, end, scoredTo});
      scoredTo = end;
      if (end == n) {
        return spans;
      }
    }
  }

  /** Runs equal-length windows as one batch and writes their scored tokens' log-probs. */
  private void score(int[] tokens, List<int[]> spans, double[] out) {
    int b = spans.size();
    int len = spans.get(0)[1] - spans.get(0)[0];
    int[] input = new int[b * len];
    long[] targets = new long[b * (len - 1)];
    for (int r = 0; r < b; r++) {
      int start = spans.get(r)[0];
      System.arraycopy(tokens, start, input, r * len, len);
      for (int j = 0; j < len - 1; j++) {
        targets[r * (len - 1) + j] = tokens[start + j + 1];
      }
    }
    try (NDManager step = model.manager().newSubManager()) {
      NDArray logits = model.logits(step.create(input, new Shape(b, len)));
      // The last position predicts a token past the window; none of its scores are used.
      NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1);
      NDArray idx = step.create(targets, new Shape(b, len - 1, 1)).toType(DataType.INT64, false);
      float[] picked = logp.gather(idx, 2).toFloatArray();
      for (int r = 0; r < b; r++) {
        int[] s = spans.get(r);
        for (int t = s[2]; t < s[1]; t++) {
          // Token t is predicted at window position t - start - 1.
          out[t - 1] = picked[r * (len - 1) + (t - s[0] - 1)];
        }
      }
    }
  }

  /** Releases the model and its native memory when this instance loaded it; else does nothing. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = new TrainException("closing the scored model failed: " + e.getMessage(), e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Settings of a {@link CheckpointLanguageModel}. */
  public static final class Builder {
    private int window;
    private int stride;
    private int batchSize = 4;
    private boolean kvCache = true;

    private Builder() {}

    /**
     * Sets whether {@link CheckpointLanguageModel#generate} decodes against a KV cache while the
     * sequence fits the window; without it every step recomputes the full forward of its context
     * (slower, same tokens: it is the reference the cached path is tested against, and a fallback
     * while investigating).
     *
     * @param enabled whether to cache; default true
     * @return this builder
     */
    public Builder kvCache(boolean enabled) {
      this.kvCache = enabled;
      return this;
    }

    /**
     * Sets the window: the most tokens the model sees at once.
     *
     * @param tokens at least 2; default the config's {@code max_position_embeddings}
     * @return this builder
     * @throws TrainException if {@code tokens} is below 2
     */
    public Builder window(int tokens) {
      if (tokens < 2) {
        throw new TrainException("window must be at least 2 tokens, got " + tokens);
      }
      this.window = tokens;
      return this;
    }

    /**
     * Sets the stride: how far each window starts after the previous one.
     *
     * @param tokens at least 1 and below the window; default half the window
     * @return this builder
     * @throws TrainException if {@code tokens} is below 1
     */
    public Builder stride(int tokens) {
      if (tokens < 1) {
        throw new TrainException("stride must be at least 1 token, got " + tokens);
      }
      this.stride = tokens;
      return this;
    }

    /**
     * Sets how many windows of a sequence go through the model at once.
     *
     * @param windows at least 1; default 4 (memory grows with windows x window x vocabulary)
     * @return this builder
     * @throws TrainException if {@code windows} is below 1
     */
    public Builder batchSize(int windows) {
      if (windows < 1) {
        throw new TrainException("batch size must be at least 1 window, got " + windows);
      }
      this.batchSize = windows;
      return this;
    }

    /**
     * Wraps a model already loaded; closing the result leaves the model open.
     *
     * @param model the model to score with
     * @return the language model
     * @throws TrainException if the stride is not below the window, or no window was set and the
     *     config has no positive {@code max_position_embeddings}
     */
    public CheckpointLanguageModel build(LlamaModel model) {
      Objects.requireNonNull(model, "model");
      return make(model, List.of());
    }

    /**
     * Loads a Hugging Face model directory into float32 weights on the CPU.
     *
     * @param dir the directory: {@code config.json} and safetensors weights
     * @return the language model; close it to free the weights
     * @throws TrainException if the directory is missing or {@link HfCheckpoint#open} refuses it,
     *     or as {@link #build} does
     */
    public CheckpointLanguageModel open(Path dir) {
      if (!Files.isDirectory(dir)) {
        throw new TrainException(dir + ": no such model directory");
      }
      try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
        settings(hf.config()); // refuse bad settings before the weights are read
        NDManager base = NDManager.newBaseManager(Device.cpu());
        try {
          LlamaModel model = LlamaModel.load(hf, base);
          return make(model, List.of(model, base));
        } catch (RuntimeException e) {
          base.close();
          throw e;
        }
      }
    }

    private CheckpointLanguageModel make(LlamaModel model, List<AutoCloseable> owned) {
      int[] ws = settings(model.config());
      return new CheckpointLanguageModel(model, ws[0], ws[1], batchSize, kvCache, owned);
    }

    /** The window and stride for a config: as set, or their defaults. */
    private int[] settings(LlamaConfig config) {
      int w = window;
      if (w == 0) {
        Object max = config.raw().get("max_position_embeddings");
        if (!(max instanceof Number n) || n.longValue() < 2 || n.longValue() > Integer.MAX_VALUE) {
          throw new TrainException(
              "config.json: max_position_embeddings is "
                  + max
                  + ", no context length to score in; set the window explicitly");
        }
        w = n.intValue();
      }
      int s = stride == 0 ? Math.max(1, w / 2) : stride;
      if (s >= w) {
        // With stride == window the first token of each window would have no context left to be
        // scored from (Hugging Face's loop silently drops it); every token is scored here.
        throw new TrainException(
            "stride " + s + " must be below the window " + w + " so that windows overlap");
      }
      return new int[] {w, s};
    }
  }
}
