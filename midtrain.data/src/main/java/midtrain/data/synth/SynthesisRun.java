package midtrain.data.synth;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.internal.Args;
import midtrain.data.internal.synth.Runner;
import midtrain.data.io.ReaderOptions;

/**
 * One synthesis run: reads input documents, asks the generator for each one's prompts with bounded
 * concurrency, and writes the outputs in input order.
 *
 * <p>Each finished input is appended to a journal beside the output ({@link #journalFile}) as soon
 * as it finishes, in whatever order the requests end. A run whose journal exists resumes: inputs
 * finished there (output, rejected, or failed permanently unless {@link Builder#retryFailed}) are
 * not requested again, while inputs whose request failed transiently are; the journal must have
 * been written with the same reader fields, synthesizer, template and generation settings. The
 * output file is written from the journal once every input is finished, so it appears only
 * complete; rejected inputs are listed in {@link #rejectsFile} with their reason.
 */
public final class SynthesisRun {
  private final List<Path> inputs;
  private final ReaderOptions readerOptions;
  private final Synthesizer synthesizer;
  private final EndpointConfig endpoint;
  private final GenerationSettings generation;
  private final Path output;
  private final LengthPolicy lengthPolicy;
  private final long limit;
  private final boolean retryFailed;
  private final SynthesisListener listener;

  private SynthesisRun(Builder b) {
    this.inputs = b.inputs;
    this.readerOptions = b.readerOptions;
    this.synthesizer = b.synthesizer;
    this.endpoint = b.endpoint;
    this.generation = b.generation;
    this.output = b.output;
    this.lengthPolicy = b.lengthPolicy;
    this.limit = b.limit;
    this.retryFailed = b.retryFailed;
    this.listener = b.listener;
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The journal of a run writing {@code output}: {@code <output>.journal}.
   *
   * @param output the output file
   * @return the journal's path
   */
  public static Path journalFile(Path output) {
    Objects.requireNonNull(output, "output");
    return output.resolveSibling(output.getFileName() + ".journal");
  }

  /**
   * The list of rejected inputs of a run writing {@code output}: {@code <output>.rejected.jsonl},
   * one JSON object per input with its id, reason and detail.
   *
   * @param output the output file
   * @return the file's path
   */
  public static Path rejectsFile(Path output) {
    Objects.requireNonNull(output, "output");
    return output.resolveSibling(output.getFileName() + ".rejected.jsonl");
  }

  /**
   * Runs (or resumes) the synthesis.
   *
   * @return the report
   * @throws DataException when an input cannot be opened or is the output or rejects file, the
   *     journal belongs to other settings, the server refuses the key, model or URL (401, 403, 404)
   *     or the token-limit field, or the output cannot be written
   */
  public SynthesisReport run() {
    return new Runner(
            inputs,
            readerOptions,
            synthesizer,
            endpoint,
            generation,
            output,
            lengthPolicy,
            limit,
            retryFailed,
            listener)
        .run();
  }

  /** Builds a {@link SynthesisRun}. */
  public static final class Builder {
    private List<Path> inputs = List.of();
    private ReaderOptions readerOptions = ReaderOptions.defaults();
    private Synthesizer synthesizer;
    private EndpointConfig endpoint;
    private GenerationSettings generation;
    private Path output;
    private LengthPolicy lengthPolicy = LengthPolicy.REJECT;
    private long limit = Long.MAX_VALUE;
    private boolean retryFailed;
    private SynthesisListener listener = (f, b, t) -> {};

    private Builder() {}

    /**
     * Sets the input files, read in order with {@link midtrain.data.io.Formats}.
     *
     * @param files the files, at least one
     * @return this builder
     */
    public Builder inputs(List<Path> files) {
      this.inputs = List.copyOf(Args.noNulls(files, "inputs", "file"));
      return this;
    }

    /**
     * Sets how input records map to documents.
     *
     * @param value the options
     * @return this builder
     */
    public Builder readerOptions(ReaderOptions value) {
      this.readerOptions = Objects.requireNonNull(value, "readerOptions");
      return this;
    }

    /**
     * Sets the synthesizer.
     *
     * @param value the synthesizer
     * @return this builder
     */
    public Builder synthesizer(Synthesizer value) {
      this.synthesizer = Objects.requireNonNull(value, "synthesizer");
      return this;
    }

    /**
     * Sets the server to call.
     *
     * @param value the endpoint
     * @return this builder
     */
    public Builder endpoint(EndpointConfig value) {
      this.endpoint = Objects.requireNonNull(value, "endpoint");
      return this;
    }

    /**
     * Sets the model and sampling settings.
     *
     * @param value the settings
     * @return this builder
     */
    public Builder generation(GenerationSettings value) {
      this.generation = Objects.requireNonNull(value, "generation");
      return this;
    }

    /**
     * Sets the output file; its format follows its name (JSONL, Arrow, Parquet).
     *
     * @param file the file
     * @return this builder
     */
    public Builder output(Path file) {
      this.output = Objects.requireNonNull(file, "output");
      return this;
    }

    /**
     * Sets what happens to completions cut at max_tokens.
     *
     * @param value the policy; {@link LengthPolicy#REJECT} by default
     * @return this builder
     */
    public Builder lengthPolicy(LengthPolicy value) {
      this.lengthPolicy = Objects.requireNonNull(value, "lengthPolicy");
      return this;
    }

    /**
     * Takes only the first {@code n} input documents.
     *
     * @param n at least 1
     * @return this builder
     * @throws DataException when below 1
     */
    public Builder limit(long n) {
      if (n < 1) {
        throw new DataException("limit must be at least 1, got " + n);
      }
      this.limit = n;
      return this;
    }

    /**
     * Sets whether a resume asks again for inputs whose request failed permanently (an HTTP 4xx
     * other than 401, 403, 404, 408, 409 and 429, or a 2xx answer without a usable completion). By
     * default it does not, since the same request would fail the same way; after a fix on the
     * server's side (a longer context, say) it may not. Transient failures are always asked for
     * again.
     *
     * @param value true to ask again
     * @return this builder
     */
    public Builder retryFailed(boolean value) {
      this.retryFailed = value;
      return this;
    }

    /**
     * Sets the progress listener.
     *
     * @param value the listener
     * @return this builder
     */
    public Builder listener(SynthesisListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Builds the run.
     *
     * @return the run
     * @throws DataException when inputs, synthesizer, endpoint, generation or output is missing
     */
    public SynthesisRun build() {
      if (inputs.isEmpty()) {
        throw new DataException("synthesis needs at least one input file");
      }
      if (synthesizer == null || endpoint == null || generation == null || output == null) {
        throw new DataException(
            "synthesis needs a synthesizer, an endpoint, generation settings and an output");
      }
      return new SynthesisRun(this);
    }
  }
}
