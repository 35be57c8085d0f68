package midtrain.data.synth;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import midtrain.data.DataException;

/**
 * Where and how a run talks to an OpenAI-compatible server: base URL, the environment variable
 * holding the API key, timeouts, requests in flight and retries.
 *
 * <p>The key itself is never stored here nor printed: it is read from the environment when the run
 * starts and sent only as an {@code Authorization: Bearer} header.
 */
public final class EndpointConfig {
  private final URI baseUrl;
  private final Optional<String> apiKeyEnv;
  private final UnaryOperator<String> environment;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int concurrency;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final long jitterSeed;

  private EndpointConfig(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKeyEnv = b.apiKeyEnv;
    this.environment = b.environment;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.concurrency = b.concurrency;
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.jitterSeed = b.jitterSeed;
  }

  /**
   * Starts a builder: no API key, 10 s to connect, 300 s per request, 8 requests in flight, 6
   * retries with backoff from 1 s up to 60 s.
   *
   * @param baseUrl the server's base URL including {@code /v1} (for example {@code
   *     http://localhost:8000/v1}); {@code /chat/completions} or {@code /completions} is appended
   * @return a builder
   * @throws DataException when the URL is not an absolute http or https URL
   */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /**
   * The base URL, without a trailing slash.
   *
   * @return the URL
   */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * The name of the environment variable holding the API key.
   *
   * @return the name; empty when the server needs no key
   */
  public Optional<String> apiKeyEnv() {
    return apiKeyEnv;
  }

  /**
   * Reads the API key from the environment.
   *
   * @return the key; empty when no variable is named
   * @throws DataException when the named variable is unset or empty (the message names the
   *     variable, never a value)
   */
  public Optional<String> apiKey() {
    if (apiKeyEnv.isEmpty()) {
      return Optional.empty();
    }
    String v = environment.apply(apiKeyEnv.get());
    if (v == null || v.isBlank()) {
      throw new DataException(
          "the API key variable "
              + apiKeyEnv.get()
              + " is not set in the environment: export it, or drop the API key option for a"
              + " server without one");
    }
    return Optional.of(v.strip());
  }

  /**
   * How long a connection may take to open.
   *
   * @return the timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long one request may take, from sending to the whole response; a timeout is retried.
   *
   * @return the timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * The most requests in flight at once.
   *
   * @return at least 1
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * How many times a request is retried after a 429, a 5xx, a timeout or a dropped connection.
   *
   * @return at least 0
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The wait before the first retry; it doubles with each further retry, with jitter.
   *
   * @return the wait
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * The longest wait between retries, unless the server's {@code Retry-After} asks for longer.
   *
   * @return the wait
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * The seed of the retry jitter.
   *
   * @return the seed
   */
  public long jitterSeed() {
    return jitterSeed;
  }

  @Override
  public String toString() {
    return "EndpointConfig["
        + baseUrl
        + ", key "
        + apiKeyEnv.map(n -> "from $" + n).orElse("none")
        + ", concurrency "
        + concurrency
        + ", retries "
        + maxRetries
        + "]";
  }

  /** Builds an {@link EndpointConfig}. */
  public static final class Builder {
    private final URI baseUrl;
    private Optional<String> apiKeyEnv = Optional.empty();
    private UnaryOperator<String> environment = System::getenv;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(300);
    private int concurrency = 8;
    private int maxRetries = 6;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(60);
    private long jitterSeed = 0x5eed;

    private Builder(String url) {
      Objects.requireNonNull(url, "baseUrl");
      String u = url.strip();
      while (u.endsWith("/")) {
        u = u.substring(0, u.length() - 1);
      }
      URI parsed;
      try {
        parsed = new URI(u);
      } catch (URISyntaxException e) {
        throw new DataException("endpoint '" + url + "' is not a URL: " + e.getReason());
      }
      String scheme = parsed.getScheme();
      if (parsed.getHost() == null
          || scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        throw new DataException(
            "endpoint '"
                + url
                + "' must be an http or https URL with a host, such as http://localhost:8000/v1");
      }
      if (parsed.getUserInfo() != null) {
        // A key in the URL would be printed in every error message naming it.
        throw new DataException(
            "endpoint must not carry credentials in the URL; put the key in an environment"
                + " variable and name it as the API key variable");
      }
      this.baseUrl = parsed;
    }

    /**
     * Names the environment variable holding the API key.
     *
     * @param name the variable's name, such as {@code OPENAI_API_KEY}
     * @return this builder
     */
    public Builder apiKeyEnv(String name) {
      Objects.requireNonNull(name, "apiKeyEnv");
      if (name.isBlank()) {
        throw new DataException("API key variable name is blank");
      }
      this.apiKeyEnv = Optional.of(name);
      return this;
    }

    /**
     * Sets where environment variables are looked up: {@link System#getenv(String)} unless a
     * program embedding midtrain (or a test) passes its own.
     *
     * @param lookup returns a variable's value, or null when unset
     * @return this builder
     */
    public Builder environment(UnaryOperator<String> lookup) {
      this.environment = Objects.requireNonNull(lookup, "environment");
      return this;
    }

    /**
     * Sets how long a connection may take to open.
     *
     * @param value positive
     * @return this builder
     */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive(value, "connectTimeout");
      return this;
    }

    /**
     * Sets how long one request may take.
     *
     * @param value positive
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = positive(value, "requestTimeout");
      return this;
    }

    /**
     * Sets the most requests in flight at once.
     *
     * @param value in [1, 4096]
     * @return this builder
     * @throws DataException when out of range
     */
    public Builder concurrency(int value) {
      if (value < 1 || value > 4096) {
        throw new DataException("concurrency must be in [1, 4096], got " + value);
      }
      this.concurrency = value;
      return this;
    }

    /**
     * Sets how many times a failed request is retried.
     *
     * @param value at least 0
     * @return this builder
     * @throws DataException when negative
     */
    public Builder maxRetries(int value) {
      if (value < 0) {
        throw new DataException("retries must be at least 0, got " + value);
      }
      this.maxRetries = value;
      return this;
    }

    /**
     * Sets the first and the longest wait between retries.
     *
     * @param initial the wait before the first retry, positive
     * @param max the longest wait, at least {@code initial}
     * @return this builder
     * @throws DataException when {@code max} is below {@code initial}
     */
    public Builder backoff(Duration initial, Duration max) {
      positive(initial, "initial backoff");
      positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new DataException("max backoff " + max + " is below the initial " + initial);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets the seed of the retry jitter.
     *
     * @param value the seed
     * @return this builder
     */
    public Builder jitterSeed(long value) {
      this.jitterSeed = value;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     */
    public EndpointConfig build() {
      return new EndpointConfig(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new DataException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
