package midtrain.data.token;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import midtrain.data.DataException;
import midtrain.data.pack.Framing;

/**
 * A tokenizer with a BOS/EOS policy and batched, optionally parallel encoding: what packing feeds
 * on.
 *
 * <p>The policy: the tokenizer's own post-processor specials when {@code specials} is set (as
 * {@code add_special_tokens=True} in Hugging Face), then a BOS and/or EOS token named by string,
 * each added only when the document does not already start/end with it ({@link Framing}). The
 * result of {@link #encodeAll} does not depend on the thread count.
 */
public final class Tokenization implements AutoCloseable {
  private final TextTokenizer tokenizer;
  private final boolean specials;
  private final Framing framing;
  private final int batchSize;
  private final ExecutorService pool;

  private Tokenization(Builder b) {
    this.tokenizer = b.tokenizer;
    this.specials = b.specials;
    OptionalInt bos =
        b.bos.isEmpty()
            ? OptionalInt.empty()
            : OptionalInt.of(tokenizer.requireToken(b.bos, "BOS"));
    OptionalInt eos =
        b.eos.isEmpty()
            ? OptionalInt.empty()
            : OptionalInt.of(tokenizer.requireToken(b.eos, "EOS"));
    this.framing = new Framing(bos, eos);
    this.batchSize = b.batchSize;
    this.pool =
        b.threads > 1
            ? Executors.newFixedThreadPool(
                b.threads,
                r -> {
                  Thread t = new Thread(r, "midtrain-tokenize");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /**
   * A builder over {@code tokenizer} (which the caller keeps and closes).
   *
   * @param tokenizer the tokenizer to encode with; it must stay open while the built value is used
   * @return a builder with no specials, no BOS or EOS, one thread and batches of 256
   */
  public static Builder builder(TextTokenizer tokenizer) {
    return new Builder(tokenizer);
  }

  /**
   * The tokenizer.
   *
   * @return the tokenizer passed to {@link #builder}, still owned by the caller
   */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * The BOS/EOS framing the policy adds, as token ids.
   *
   * @return the framing; its BOS and EOS are empty where the builder named none
   */
  public Framing framing() {
    return framing;
  }

  /**
   * Encodes one document under the policy.
   *
   * @param text the document's text
   * @return its ids, with the post-processor's specials when configured and the BOS and EOS it
   *     lacks
   */
  public int[] encode(String text) {
    return framing.frame(tokenizer.encode(text, specials));
  }

  /**
   * Encodes documents under the policy, in batches of {@code batchSize} spread over the threads.
   *
   * @param texts the documents
   * @return their ids, in input order
   */
  public List<int[]> encodeAll(List<String> texts) {
    int n = texts.size();
    List<int[]> out = new ArrayList<>(n);
    if (pool == null || n <= batchSize) {
      for (int from = 0; from < n; from += batchSize) {
        out.addAll(batch(texts.subList(from, Math.min(n, from + batchSize))));
      }
      return out;
    }
    List<Future<List<int[]>>> parts = new ArrayList<>();
    for (int from = 0; from < n; from += batchSize) {
      List<String> part = texts.subList(from, Math.min(n, from + batchSize));
      parts.add(pool.submit(() -> batch(part)));
    }
    try {
      for (Future<List<int[]>> f : parts) {
        out.addAll(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("tokenization interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new DataException("tokenization failed: " + e.getCause(), e.getCause());
    }
    return out;
  }

  private List<int[]> batch(List<String> texts) {
    List<int[]> ids = tokenizer.encodeBatch(texts, specials);
    if (ids.size() != texts.size()) {
      throw new DataException(
          "tokenizer "
              + tokenizer.name()
              + " returned "
              + ids.size()
              + " encodings for "
              + texts.size()
              + " texts");
    }
    List<int[]> out = new ArrayList<>(ids.size());
    for (int[] d : ids) {
      out.add(framing.frame(d));
    }
    return out;
  }

  /** Stops the worker threads (the tokenizer stays open). */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** Builder for {@link Tokenization}. */
  public static final class Builder {
    private final TextTokenizer tokenizer;
    private boolean specials;
    private String bos = "";
    private String eos = "";
    private int threads = 1;
    private int batchSize = 256;

    private Builder(TextTokenizer tokenizer) {
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /**
     * Whether the tokenizer's post-processor adds its special tokens (default false).
     *
     * @param on true to encode as Hugging Face's {@code add_special_tokens=True}
     * @return this builder
     */
    public Builder specials(boolean on) {
      this.specials = on;
      return this;
    }

    /**
     * The BOS token's string, prepended to each document lacking it; empty for none.
     *
     * @param token the token's exact string, such as {@code <s>}; {@link #build()} fails when the
     *     tokenizer has no such token
     * @return this builder
     */
    public Builder bos(String token) {
      this.bos = Objects.requireNonNull(token, "bos");
      return this;
    }

    /**
     * The EOS token's string, appended to each document lacking it; empty for none.
     *
     * @param token the token's exact string, such as {@code </s>}; {@link #build()} fails when the
     *     tokenizer has no such token
     * @return this builder
     */
    public Builder eos(String token) {
      this.eos = Objects.requireNonNull(token, "eos");
      return this;
    }

    /**
     * Java threads calling the tokenizer's batch encoding at once (default 1).
     *
     * @param n the number of threads, at least 1; with 1 the calling thread encodes
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder threads(int n) {
      if (n < 1) {
        throw new DataException("tokenizer threads must be at least 1, got " + n);
      }
      this.threads = n;
      return this;
    }

    /**
     * Texts per call of the tokenizer's batch encoding (default 256).
     *
     * @param n the number of texts, at least 1
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder batchSize(int n) {
      if (n < 1) {
        throw new DataException("tokenizer batch size must be at least 1, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /**
     * Resolves the BOS/EOS tokens (failing when the tokenizer lacks one) and builds.
     *
     * @return the tokenization; close it to stop its worker threads
     * @throws DataException if the tokenizer has no token for the configured BOS or EOS string
     */
    public Tokenization build() {
      return new Tokenization(this);
    }
  }
}
