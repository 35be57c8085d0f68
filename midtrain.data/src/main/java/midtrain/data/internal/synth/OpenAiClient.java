package midtrain.data.internal.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import midtrain.data.DataException;
import midtrain.data.synth.Api;
import midtrain.data.synth.EndpointConfig;
import midtrain.data.synth.GenerationSettings;
import midtrain.data.synth.TokenLimitField;

/**
 * A client of an OpenAI-compatible server's {@code /chat/completions} or {@code /completions}:
 * bounded requests in flight, retries with exponential backoff and jitter on transient failures
 * (timeouts, dropped connections, 408, 409, 429, 5xx; a {@code Retry-After} header sets the wait
 * instead), and usage counted.
 *
 * <p>401, 403 and 404, and a 400 or 422 refusing the token-limit field, are configuration errors
 * that no retry or other record would fix, so they throw. Other 4xx answers, and a 2xx answer
 * without a usable completion, fail just the one prompt, permanently: sending it again would fail
 * again. No message names the API key.
 */
public final class OpenAiClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A Retry-After beyond this is taken as this: a server asking for an hour is not waited for. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private final EndpointConfig endpoint;
  private final GenerationSettings generation;
  private final URI url;
  private final Optional<String> key;
  private final HttpClient http;
  private final Semaphore inFlight;
  private final Random jitter;
  private final Sleeper sleeper;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();

  /** Waits between retries; tests may record the waits instead. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * Makes a client; reads the API key from the environment now, so a missing key fails before any
   * request.
   *
   * @param endpoint the server
   * @param generation the model and sampling settings
   * @throws DataException when the key's variable is unset, or its value cannot be sent in a header
   */
  public OpenAiClient(EndpointConfig endpoint, GenerationSettings generation) {
    this(endpoint, generation, d -> Thread.sleep(Math.max(0, d.toMillis())));
  }

  OpenAiClient(EndpointConfig endpoint, GenerationSettings generation, Sleeper sleeper) {
    this.endpoint = endpoint;
    this.generation = generation;
    this.url = url(endpoint.baseUrl(), generation.api());
    this.key = endpoint.apiKey();
    if (key.isPresent()) {
      try {
        HttpRequest.newBuilder(url).header("Authorization", "Bearer " + key.get());
      } catch (IllegalArgumentException e) {
        // The JDK's message quotes the refused header value, key and all: it is not passed on.
        throw new DataException(
            "the API key in $"
                + endpoint.apiKeyEnv().get()
                + " holds a character an HTTP header cannot carry (a line break or another"
                + " control character): check the variable's value");
      }
    }
    this.inFlight = new Semaphore(endpoint.concurrency(), true);
    this.jitter = new Random(endpoint.jitterSeed());
    this.sleeper = sleeper;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(endpoint.connectTimeout())
            // Inference servers speak HTTP/1.1; an h2c upgrade attempt only costs a round trip.
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * The URL a base URL and an API give: {@code <base>/chat/completions} or {@code
   * <base>/completions}, unless the base already ends with that path.
   */
  static URI url(URI base, Api api) {
    String suffix = api == Api.CHAT ? "/chat/completions" : "/completions";
    String b = base.toString();
    return URI.create(b.endsWith(suffix) ? b : b + suffix);
  }

  /**
   * The URL requests go to.
   *
   * @return the URL
   */
  public URI url() {
    return url;
  }

  /** The request body for one prompt, as the API's reference names the fields. */
  String body(String prompt, OptionalLong seed) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", generation.model());
    if (generation.api() == Api.CHAT) {
      ArrayNode messages = o.putArray("messages");
      if (!generation.system().isEmpty()) {
        messages.addObject().put("role", "system").put("content", generation.system());
      }
      messages.addObject().put("role", "user").put("content", prompt);
    } else {
      String p = generation.system().isEmpty() ? prompt : generation.system() + "\n\n" + prompt;
      o.put("prompt", p);
    }
    o.put("temperature", generation.temperature());
    o.put("top_p", generation.topP());
    o.put(generation.maxTokensField().field(), generation.maxTokens());
    o.put("n", 1);
    o.put("stream", false);
    if (seed.isPresent()) {
      o.put("seed", seed.getAsLong());
    }
    if (!generation.stop().isEmpty()) {
      ArrayNode stop = o.putArray("stop");
      generation.stop().forEach(stop::add);
    }
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asks for one completion, retrying as configured.
   *
   * @param prompt the prompt (a user message for the chat API)
   * @param seed the request's seed, or empty to send none
   * @return the completion, or the failure that ended the retries
   * @throws DataException when the server refuses the key, model or URL (401, 403, 404) or the
   *     token-limit field, or the thread is interrupted
   */
  public Completion complete(String prompt, OptionalLong seed) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(url)
            .timeout(endpoint.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(prompt, seed), StandardCharsets.UTF_8));
    key.ifPresent(k -> rb.header("Authorization", "Bearer " + k));
    HttpRequest request = rb.build();
    String failure = "";
    String detail = "";
    for (int attempt = 0; ; attempt++) {
      Duration retryAfter = null;
      HttpResponse<String> response = null;
      try {
        response = send(request);
      } catch (HttpTimeoutException e) {
        failure = "timeout";
        detail =
            url + ": no complete answer within " + endpoint.requestTimeout().toSeconds() + " s";
      } catch (ConnectException e) {
        failure = "connection";
        detail = url + ": cannot connect: " + redact(String.valueOf(e.getMessage()));
      } catch (IOException e) {
        failure = "connection";
        detail = url + ": " + redact(e.toString());
      }
      if (response != null) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          Completion c = parse(response.body());
          if (!c.failed()) {
            promptTokens.addAndGet(c.promptTokens());
            completionTokens.addAndGet(c.completionTokens());
          }
          return c;
        }
        String said = snippet(response.body());
        if (status == 401 || status == 403) {
          throw new DataException(
              url
                  + " answered HTTP "
                  + status
                  + (key.isPresent()
                      ? ": the server refused the API key in $" + endpoint.apiKeyEnv().get()
                      : ": the server needs an API key; name its environment variable")
                  + (said.isEmpty() ? "" : " (server said: " + said + ")"));
        }
        if (status == 404) {
          throw new DataException(
              url
                  + " answered HTTP 404: check the endpoint (it usually ends in /v1) and the model"
                  + " name '"
                  + generation.model()
                  + "'"
                  + (said.isEmpty() ? "" : " (server said: " + said + ")"));
        }
        String field = generation.maxTokensField().field();
        if ((status == 400 || status == 422) && refusesField(response.body(), field)) {
          // Every request carries the field: failing each document one by one would only
          // fill the journal with the same refusal.
          TokenLimitField other =
              generation.maxTokensField() == TokenLimitField.MAX_TOKENS
                  ? TokenLimitField.MAX_COMPLETION_TOKENS
                  : TokenLimitField.MAX_TOKENS;
          throw new DataException(
              url
                  + " answered HTTP "
                  + status
                  + ": the server does not take the token-limit field '"
                  + field
                  + "'; send the limit as '"
                  + other.field()
                  + "' instead (--max-tokens-field "
                  + other.field()
                  + ", or GenerationSettings.Builder.maxTokensField(TokenLimitField."
                  + other.name()
                  + ")) and run again: what finished is kept"
                  + (said.isEmpty() ? "" : " (server said: " + said + ")"));
        }
        failure = "http-" + status;
        detail = url + " answered HTTP " + status + (said.isEmpty() ? "" : ": " + said);
        if (!transientStatus(status)) {
          // A 400 is about this prompt (too long for the context, say): no retry can fix it,
          // in this run or a later one.
          return Completion.failedPermanently(failure, detail);
        }
        retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(""));
      }
      if (attempt >= endpoint.maxRetries()) {
        return Completion.failed(
            failure, detail + " (gave up after " + (attempt + 1) + " attempts)");
      }
      retries.incrementAndGet();
      Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DataException("interrupted while waiting to retry " + url, e);
      }
    }
  }

  /**
   * Whether an HTTP error status may pass if the same request is sent again later: 408 (request
   * timeout), 409 (conflict, which some gateways answer to a busy upstream), 429 (rate limit) and
   * every 5xx. Other 4xx answers are about the request itself.
   */
  static boolean transientStatus(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /**
   * Whether a 400/422 body says the server does not take the request field {@code field}. Only what
   * the server says of the request is read, never the request it may echo back (a prompt about
   * OpenAI's client can hold both "max_tokens" and "unknown"): OpenAI's {@code error} object
   * ({@code param} names the field; "Unsupported parameter: 'max_tokens' is not supported with this
   * model"), pydantic's {@code detail} list (an entry whose {@code loc} ends at the field, of type
   * {@code extra_forbidden} or saying so in {@code msg}, while its {@code input} is ignored), or a
   * top-level {@code message}; a body that is not JSON is read whole. The field must be named with
   * words of refusal: vLLM names {@code max_tokens} when the prompt leaves too little room for it,
   * which is about one prompt.
   */
  static boolean refusesField(String body, String field) {
    if (body == null) {
      return false;
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isContainerNode()) {
      return refuses(body, field);
    }
    JsonNode error = root.path("error");
    if (error.isTextual() && refuses(error.asText(), field)) {
      return true;
    }
    if (error.isObject()) {
      String said = error.path("message").asText("") + " " + error.path("code").asText("");
      String param = error.path("param").asText("");
      if (!param.isEmpty()) {
        // The parameter refused is named: "Use 'max_completion_tokens' instead" does not refuse
        // max_completion_tokens.
        return param.equals(field) && refuses(said + " " + field, field);
      }
      if (refuses(said, field)) {
        return true;
      }
    }
    if (root.path("message").isTextual() && refuses(root.path("message").asText(), field)) {
      return true;
    }
    JsonNode detail = root.path("detail");
    if (detail.isTextual()) {
      return refuses(detail.asText(), field);
    }
    for (JsonNode d : detail) {
      JsonNode loc = d.path("loc");
      boolean atField = loc.isArray() && field.equals(loc.path(loc.size() - 1).asText(""));
      String said = d.path("type").asText("") + " " + d.path("msg").asText("");
      if (atField ? refuses(said + " " + field, field) : refuses(said, field)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a server's words name {@code field} together with words of refusal. */
  private static boolean refuses(String said, String field) {
    String b = said.toLowerCase(java.util.Locale.ROOT);
    if (!b.contains(field)) {
      return false;
    }
    for (String refusal :
        List.of(
            "unsupported",
            "not supported",
            "unrecognized",
            "unrecognised",
            "unknown",
            "not permitted",
            "extra_forbidden")) {
      if (b.contains(refusal)) {
        return true;
      }
    }
    return false;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("interrupted while waiting to send to " + url, e);
    }
    try {
      requests.incrementAndGet();
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("interrupted while waiting for " + url, e);
    } finally {
      inFlight.release();
    }
  }

  /** Exponential backoff with "equal jitter": half the step fixed, half random. */
  Duration backoff(int attempt) {
    long base = endpoint.initialBackoff().toMillis();
    long cap = endpoint.maxBackoff().toMillis();
    long step = attempt >= 30 ? cap : Math.min(cap, base << attempt);
    long half = step / 2;
    long r;
    synchronized (jitter) {
      r = half == 0 ? 0 : (long) (jitter.nextDouble() * (step - half + 1));
    }
    return Duration.ofMillis(half + r);
  }

  /** The wait a Retry-After header asks for: seconds or an HTTP date; null when absent or bad. */
  static Duration retryAfter(String value) {
    String v = value.strip();
    if (v.isEmpty()) {
      return null;
    }
    Duration d;
    try {
      d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.between(ZonedDateTime.now(at.getZone()), at);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  private Completion parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return Completion.failedPermanently(
          "bad-response", url + " answered 2xx but not JSON: " + snippet(body));
    }
    JsonNode choice = root == null ? null : root.path("choices").path(0);
    if (choice == null || choice.isMissingNode() || !choice.isObject()) {
      return Completion.failedPermanently(
          "bad-response", url + " answered without choices[0]: " + snippet(body));
    }
    JsonNode content =
        generation.api() == Api.CHAT ? choice.path("message").path("content") : choice.path("text");
    String text = content.isTextual() ? content.asText() : "";
    String finish =
        choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : "";
    JsonNode usage = root.path("usage");
    return Completion.ok(
        text,
        finish,
        usage.path("prompt_tokens").asLong(0),
        usage.path("completion_tokens").asLong(0));
  }

  private String snippet(String body) {
    String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    s = redact(s);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** Removes the key from text a server or the JDK wrote, should either ever echo it. */
  private String redact(String s) {
    return key.isPresent() && !key.get().isEmpty() ? s.replace(key.get(), "<redacted>") : s;
  }

  /**
   * HTTP requests sent, retries included.
   *
   * @return the count
   */
  public long requests() {
    return requests.get();
  }

  /**
   * Retries made.
   *
   * @return the count
   */
  public long retries() {
    return retries.get();
  }

  /**
   * Prompt tokens the server reported.
   *
   * @return the sum
   */
  public long promptTokens() {
    return promptTokens.get();
  }

  /**
   * Completion tokens the server reported.
   *
   * @return the sum
   */
  public long completionTokens() {
    return completionTokens.get();
  }
}
