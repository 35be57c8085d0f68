package midtrain.eval.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import midtrain.eval.EvalException;
import midtrain.eval.TextDecoder;
import midtrain.eval.TextEncoder;
import midtrain.eval.internal.EosTokens;

/**
 * What a task is created from: its options, its documents and few-shot documents, the tokenizer and
 * the model's limits.
 *
 * <p>Options are strings by name (the CLI passes its flags without the leading dashes, {@code
 * num-fewshot} say); the typed getters parse them and record that the task read them, so that the
 * caller can refuse an option no task understood. Apart from that record, instances are immutable.
 */
public final class TaskConfig {
  private final String task;
  private final Map<String, String> options;
  private final List<TaskDocument> documents;
  private final List<TaskDocument> fewshot;
  private final TextEncoder encoder;
  private final TextDecoder decoder;
  private final TextDecoder textDecoder;
  private final int maxLength;
  private final OptionalInt bosToken;
  private final int[] eosTokens;
  private final String optionPrefix;
  private final Set<String> read = Collections.synchronizedSet(new TreeSet<>());

  private TaskConfig(Builder b) {
    this.task = b.task;
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
    this.documents = List.copyOf(b.documents);
    this.fewshot = List.copyOf(b.fewshot);
    this.encoder = b.encoder;
    this.decoder = b.decoder;
    this.textDecoder = b.textDecoder == null ? b.decoder : b.textDecoder;
    this.maxLength = b.maxLength;
    this.bosToken = b.bosToken;
    this.eosTokens = b.eosTokens;
    this.optionPrefix = b.optionPrefix;
  }

  /**
   * Starts a configuration.
   *
   * @param task the task's name, for messages
   * @return a builder; encoder, decoder and maximum length must be set
   */
  public static Builder builder(String task) {
    return new Builder(task);
  }

  /**
   * Returns the task's name, for messages.
   *
   * @return the name
   */
  public String task() {
    return task;
  }

  /**
   * Returns the documents to evaluate on, for example a benchmark's test split.
   *
   * @return the documents, possibly none
   */
  public List<TaskDocument> documents() {
    return documents;
  }

  /**
   * Returns the documents few-shot examples are drawn from, for example the train split.
   *
   * @return the documents, possibly none
   */
  public List<TaskDocument> fewshot() {
    return fewshot;
  }

  /**
   * Returns the tokenizer's encoding side.
   *
   * @return text to ids, no special tokens added
   */
  public TextEncoder encoder() {
    return encoder;
  }

  /**
   * Returns the tokenizer's decoding side.
   *
   * @return ids to text
   */
  public TextDecoder decoder() {
    return decoder;
  }

  /**
   * Returns the decoding of generated text as it is kept and scored, which may leave out special
   * tokens (see {@link midtrain.eval.GenerativeScorer.Builder#textDecoder}).
   *
   * @return ids to text; the {@link #decoder} unless one was set
   */
  public TextDecoder textDecoder() {
    return textDecoder;
  }

  /**
   * Returns the most tokens the model takes at once, prompt and generation together.
   *
   * @return the maximum length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Returns the BOS token to put before each prompt, for models whose tokenizer adds one.
   *
   * @return the token id, or empty
   */
  public OptionalInt bosToken() {
    return bosToken;
  }

  /**
   * Returns the model's end-of-sequence tokens: generating any of them ends a generation.
   *
   * @return the token ids, sorted, possibly none; a copy
   */
  public int[] eosTokens() {
    return eosTokens.clone();
  }

  /**
   * Tells whether an option was given, recording it as read.
   *
   * @param name the option's name
   * @return whether it was given
   */
  public boolean has(String name) {
    read.add(name);
    return options.containsKey(name);
  }

  /**
   * Returns a string option.
   *
   * @param name the option's name
   * @param fallback the value when it was not given
   * @return the value
   */
  public String string(String name, String fallback) {
    read.add(name);
    return options.getOrDefault(name, fallback);
  }

  /**
   * Returns an integer option.
   *
   * @param name the option's name
   * @param fallback the value when it was not given
   * @param min the least value allowed
   * @return the value
   * @throws EvalException naming the option when it is not an integer of at least {@code min}
   */
  public int integer(String name, int fallback, int min) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw error(name, "must be an integer, got '" + v + "'");
    }
    if (n < min) {
      throw error(name, "must be at least " + min + ", got " + n);
    }
    return n;
  }

  /**
   * Returns a long integer option.
   *
   * @param name the option's name
   * @param fallback the value when it was not given
   * @return the value
   * @throws EvalException naming the option when it is not an integer
   */
  public long longInteger(String name, long fallback) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw error(name, "must be an integer, got '" + v + "'");
    }
  }

  /**
   * Returns a comma-separated list of integers.
   *
   * @param name the option's name
   * @param fallback the value when it was not given
   * @return the values, at least one
   * @throws EvalException naming the option when an element is not an integer or the list is empty
   */
  public List<Integer> integers(String name, List<Integer> fallback) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    List<Integer> out = new ArrayList<>();
    for (String s : parts(name, v)) {
      try {
        out.add(Integer.parseInt(s));
      } catch (NumberFormatException e) {
        throw error(name, "must be integers separated by commas; '" + s + "' is not one");
      }
    }
    return List.copyOf(out);
  }

  /**
   * Returns a comma-separated list of numbers.
   *
   * @param name the option's name
   * @param fallback the value when it was not given
   * @return the values, at least one
   * @throws EvalException naming the option when an element is not a number or the list is empty
   */
  public List<Double> numbers(String name, List<Double> fallback) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    List<Double> out = new ArrayList<>();
    for (String s : parts(name, v)) {
      try {
        out.add(Double.parseDouble(s));
      } catch (NumberFormatException e) {
        throw error(name, "must be numbers separated by commas; '" + s + "' is not one");
      }
    }
    return List.copyOf(out);
  }

  private List<String> parts(String name, String v) {
    List<String> out = new ArrayList<>();
    for (String s : v.split(",", -1)) {
      if (s.isBlank()) {
        throw error(name, "has an empty element: '" + v + "'");
      }
      out.add(s.strip());
    }
    return out;
  }

  /**
   * Makes an error about an option.
   *
   * @param name the option's name
   * @param problem what is wrong
   * @return the exception, whose message names the task and option ({@code gsm8k: option
   *     num-fewshot must be ...}, or with the builder's {@link Builder#optionPrefix} instead of
   *     {@code "option "})
   */
  public EvalException error(String name, String problem) {
    return new EvalException(task + ": " + optionPrefix + name + " " + problem);
  }

  /**
   * Returns the options the task asked about, given or not.
   *
   * @return the names, sorted
   */
  public Set<String> readOptions() {
    synchronized (read) {
      // Set.copyOf would lose the TreeSet's order.
      return Collections.unmodifiableSortedSet(new TreeSet<>(read));
    }
  }

  /** Builds a {@link TaskConfig}. */
  public static final class Builder {
    private final String task;
    private final Map<String, String> options = new LinkedHashMap<>();
    private List<TaskDocument> documents = List.of();
    private List<TaskDocument> fewshot = List.of();
    private TextEncoder encoder;
    private TextDecoder decoder;
    private TextDecoder textDecoder;
    private int maxLength = -1;
    private OptionalInt bosToken = OptionalInt.empty();
    private int[] eosTokens = new int[0];
    private String optionPrefix = "option ";

    private Builder(String task) {
      if (task == null) {
        throw new EvalException("task is null");
      }
      this.task = task;
    }

    /**
     * Adds an option.
     *
     * @param name the option's name
     * @param value its value as text
     * @return this builder
     * @throws EvalException if an argument is null
     */
    public Builder option(String name, String value) {
      if (name == null || value == null) {
        throw new EvalException(
            "option " + (name == null ? "name" : name + "'s value") + " is null");
      }
      options.put(name, value);
      return this;
    }

    /**
     * Sets the documents to evaluate on.
     *
     * @param docs the documents
     * @return this builder
     * @throws EvalException if {@code docs} is null or holds a null
     */
    public Builder documents(List<TaskDocument> docs) {
      if (docs == null || docs.stream().anyMatch(java.util.Objects::isNull)) {
        throw new EvalException("documents is null or holds a null");
      }
      this.documents = docs;
      return this;
    }

    /**
     * Sets the few-shot documents.
     *
     * @param docs the documents
     * @return this builder
     * @throws EvalException if {@code docs} is null or holds a null
     */
    public Builder fewshot(List<TaskDocument> docs) {
      if (docs == null || docs.stream().anyMatch(java.util.Objects::isNull)) {
        throw new EvalException("fewshot is null or holds a null");
      }
      this.fewshot = docs;
      return this;
    }

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
     * Sets the decoding of generated text as it is kept and scored, where it differs from the
     * {@link #decoder} (for example one that leaves out special tokens, as the harness does).
     *
     * @param textDecoder ids to text; default the decoder
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
     * Sets the most tokens the model takes at once.
     *
     * @param tokens the maximum length, at least 2
     * @return this builder
     */
    public Builder maxLength(int tokens) {
      this.maxLength = tokens;
      return this;
    }

    /**
     * Sets the BOS token.
     *
     * @param id the token id
     * @return this builder
     */
    public Builder bosToken(int id) {
      this.bosToken = OptionalInt.of(id);
      return this;
    }

    /**
     * Sets the end-of-sequence tokens: generating any of them ends a generation.
     *
     * @param ids the token ids, none negative (a model's whole {@code eos_token_id} list)
     * @return this builder
     * @throws EvalException if an id is negative
     */
    public Builder eosTokens(int... ids) {
      this.eosTokens = EosTokens.of(ids);
      return this;
    }

    /**
     * Sets what precedes an option's name in messages (default {@code "option "}); a command line
     * whose flags are the option names sets {@code "--"}.
     *
     * @param prefix the prefix
     * @return this builder
     * @throws EvalException if {@code prefix} is null
     */
    public Builder optionPrefix(String prefix) {
      if (prefix == null) {
        throw new EvalException("optionPrefix is null");
      }
      this.optionPrefix = prefix;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws EvalException if the encoder, decoder or maximum length is missing
     */
    public TaskConfig build() {
      if (encoder == null || decoder == null) {
        throw new EvalException((encoder == null ? "encoder" : "decoder") + " is not set");
      }
      if (maxLength < 2) {
        throw new EvalException("maxLength must be set, at least 2; got " + maxLength);
      }
      return new TaskConfig(this);
    }
  }
}
