package midtrain.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local OpenAI-compatible server for tests: answers {@code /v1/chat/completions} and {@code
 * /v1/completions} by a scripted behaviour, and records every request, its Authorization header and
 * the most requests it ever had in flight at once.
 */
public final class FakeOpenAi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One request as the server saw it. */
  @SuppressWarnings("exports") // a test helper: Jackson's types need not be exported with it
  public record Call(int n, String path, JsonNode body, String prompt, String authorization) {}

  /** What the server does with one request. */
  public record Reply(int status, String retryAfter, String body, long delayMillis) {
    /** A 200 with a completion and finish reason {@code stop}. */
    public static Reply ok(String text) {
      return ok(text, "stop");
    }

    /** A 200 with a completion and a finish reason. */
    public static Reply ok(String text, String finish) {
      return new Reply(200, "", null, 0).text(text, finish);
    }

    /** An error status with an OpenAI-style error body. */
    public static Reply status(int status, String retryAfter) {
      return new Reply(
          status,
          retryAfter,
          "{\"error\":{\"message\":\"fake error " + status + "\",\"type\":\"server\"}}",
          0);
    }

    private Reply text(String text, String finish) {
      return new Reply(status, retryAfter, "\u0000" + finish + "\u0000" + text, delayMillis);
    }

    /** The same reply after a delay (longer than the client's timeout: a hang). */
    public Reply after(long millis) {
      return new Reply(status, retryAfter, body, millis);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Function<Call, Reply> behaviour;

  /**
   * Starts the server on a free local port.
   *
   * @param behaviour the reply to each request
   */
  public FakeOpenAi(Function<Call, Reply> behaviour) throws IOException {
    this.behaviour = behaviour;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A behaviour echoing the prompt's document back, marked, so outputs can be checked. */
  public static Reply echo(Call c) {
    String p = c.prompt();
    int at = p.lastIndexOf("Text:\n");
    return Reply.ok("REWRITTEN " + (at >= 0 ? p.substring(at + 6) : p));
  }

  /** Replaces the behaviour. */
  public void behaviour(Function<Call, Reply> b) {
    this.behaviour = b;
  }

  /** The base URL, ending in {@code /v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Every request so far. */
  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The most requests in flight at once so far. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    boolean counted = true;
    try {
      byte[] in = ex.getRequestBody().readAllBytes();
      JsonNode body = JSON.readTree(in);
      String path = ex.getRequestURI().getPath();
      String prompt =
          path.endsWith("/chat/completions") ? lastUser(body) : body.path("prompt").asText();
      Call call =
          new Call(
              count.getAndIncrement(),
              path,
              body,
              prompt,
              ex.getRequestHeaders().getFirst("Authorization"));
      calls.add(call);
      Reply r = behaviour.apply(call);
      if (r.delayMillis() > 0) {
        try {
          Thread.sleep(r.delayMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      String out = r.body();
      if (out != null && out.startsWith("\u0000")) {
        int second = out.indexOf('\u0000', 1);
        String finish = out.substring(1, second);
        String text = out.substring(second + 1);
        out = completion(path.endsWith("/chat/completions"), text, finish, prompt);
      }
      if (!r.retryAfter().isEmpty()) {
        ex.getResponseHeaders().add("Retry-After", r.retryAfter());
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      byte[] bytes = out == null ? new byte[0] : out.getBytes(StandardCharsets.UTF_8);
      // No longer in flight once the answer starts: the client may send its next request as soon
      // as it has read this one, before this handler returns, which must not count as two.
      inFlight.decrementAndGet();
      counted = false;
      ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
    } catch (IOException | RuntimeException e) {
      // the client gave up (a timeout): nothing to answer
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
      ex.close();
    }
  }

  private static String lastUser(JsonNode body) {
    String p = "";
    for (JsonNode m : body.path("messages")) {
      if (m.path("role").asText().equals("user")) {
        p = m.path("content").asText();
      }
    }
    return p;
  }

  private static String completion(boolean chat, String text, String finish, String prompt)
      throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", "cmpl-fake");
    o.put("object", chat ? "chat.completion" : "text_completion");
    o.put("model", "fake");
    ObjectNode choice = o.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      choice.putObject("message").put("role", "assistant").put("content", text);
    } else {
      choice.put("text", text);
    }
    choice.put("finish_reason", finish);
    ObjectNode usage = o.putObject("usage");
    int pt = prompt.split("\\s+").length;
    int ct = text.isEmpty() ? 0 : text.split("\\s+").length;
    usage.put("prompt_tokens", pt);
    usage.put("completion_tokens", ct);
    usage.put("total_tokens", pt + ct);
    return JSON.writeValueAsString(o);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
