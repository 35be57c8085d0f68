package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code midtrain synthesize} end to end against a local fake OpenAI-compatible server. */
class SynthesizeCommandTest {
  static final String KEY = "sk-cli-" + "5be1f0c2";

  @TempDir Path tmp;

  private HttpServer server;
  private final List<String> auth = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger requests = new AtomicInteger();
  private final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
  private volatile int status429First = 1;
  private volatile int forceStatus = 0;

  @BeforeEach
  void start() throws IOException {
    SynthesizeCommand.environment = Map.of("MY_KEY", KEY)::get;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v1/chat/completions", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    SynthesizeCommand.environment = System::getenv;
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Answers with the document in upper case, after one 429 (Retry-After 0) when asked to. */
  private void answer(HttpExchange ex) throws IOException {
    int n = requests.getAndIncrement();
    auth.add(ex.getRequestHeaders().getFirst("Authorization"));
    JsonNode body = Inputs.JSON.readTree(ex.getRequestBody().readAllBytes());
    bodies.add(body);
    int status = forceStatus != 0 ? forceStatus : n < status429First ? 429 : 200;
    String reply;
    if (status == 200) {
      String prompt = body.at("/messages/0/content").asText();
      String doc = prompt.substring(prompt.lastIndexOf("Text:\n") + 6);
      ObjectNode o = Inputs.JSON.createObjectNode();
      ObjectNode choice = o.putArray("choices").addObject();
      choice.putObject("message").put("role", "assistant").put("content", doc.toUpperCase());
      choice.put("finish_reason", "stop");
      o.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 3);
      reply = Inputs.JSON.writeValueAsString(o);
    } else {
      reply = "{\"error\":{\"message\":\"no\"}}";
      ex.getResponseHeaders().add("Retry-After", "0");
    }
    byte[] b = reply.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  private Path input(int n) throws IOException {
    Path p = tmp.resolve("docs.jsonl.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(p))) {
      for (int i = 0; i < n; i++) {
        os.write(
            ("{\"id\":\"d" + i + "\",\"text\":\"fact number " + i + "\",\"source\":\"wiki\"}\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    return p;
  }

  private Object[] synthesize(Path in, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "synthesize",
                "--synthesizer",
                "rewrite",
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--endpoint",
                url(),
                "--model",
                "fake-7b",
                "--api-key-env",
                "MY_KEY",
                "--concurrency",
                "2",
                "--seed",
                "3"));
    args.addAll(List.of(more));
    return ScheduleCommandTest.run(args.toArray(new String[0]));
  }

  @Test
  void synthesizesResumesAndNeverPrintsTheKey() throws Exception {
    Path in = input(5);
    Path out = tmp.resolve("out/syn.jsonl");
    Object[] r = synthesize(in, out, "--param", "style=easy");
    assertEquals(0, r[0], (String) r[2]);
    String stdout = (String) r[1];
    assertTrue(stdout.contains("inputs     5"), stdout);
    assertTrue(stdout.contains("outputs    5 documents from 5 inputs"), stdout);
    assertTrue(
        stdout.contains("requests   6 (1 retries); tokens: prompt 50, completion 15"), stdout);
    List<String> lines = Files.readAllLines(out);
    assertEquals(5, lines.size());
    for (int i = 0; i < 5; i++) {
      JsonNode o = Inputs.JSON.readTree(lines.get(i));
      assertEquals("d" + i + "#rewrite-0", o.get("id").asText());
      assertEquals("FACT NUMBER " + i, o.get("text").asText());
      assertEquals("wiki", o.get("source").asText());
      assertEquals("easy", o.at("/synth/settings/style").asText());
      assertEquals("fake-7b", o.at("/synth/model").asText());
    }
    assertEquals(6, auth.size());
    for (String a : auth) {
      assertEquals("Bearer " + KEY, a);
    }
    assertFalse(stdout.contains(KEY) || ((String) r[2]).contains(KEY));

    Object[] again = synthesize(in, out, "--param", "style=easy");
    assertEquals(0, again[0], (String) again[2]);
    assertTrue(((String) again[1]).contains("(5 finished earlier, from the journal)"));
    assertEquals(6, requests.get(), "nothing asked for again");
    assertEquals(lines, Files.readAllLines(out));

    Object[] changed = synthesize(in, out, "--param", "style=qa");
    assertEquals(2, changed[0]);
    assertTrue(((String) changed[2]).contains("delete the journal"), (String) changed[2]);
  }

  @Test
  void dryRunPrintsPromptsWithoutAServer() throws Exception {
    Path in = input(5);
    Object[] r =
        ScheduleCommandTest.run(
            "synthesize",
            "--synthesizer",
            "qa",
            "--param",
            "pairs=2",
            "--input",
            in.toString(),
            "--dry-run",
            "--limit",
            "2");
    assertEquals(0, r[0], (String) r[2]);
    String s = (String) r[1];
    assertTrue(s.contains("=== d0: prompt 1 of 1"), s);
    assertTrue(s.contains("=== d1: prompt 1 of 1") && !s.contains("=== d2"), s);
    assertTrue(s.contains("write 2 diverse questions") && s.contains("fact number 1"), s);
    assertEquals(0, requests.get());
  }

  @Test
  void badInputExitsWithTwoAndOneLineNamingIt() throws Exception {
    Path in = input(2);
    Path out = tmp.resolve("o.jsonl");
    Object[] r =
        ScheduleCommandTest.run(
            "synthesize", "--synthesizer", "poem", "--input", in.toString(), "--dry-run");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("unknown synthesizer 'poem'"), (String) r[2]);

    SynthesizeCommand.environment = n -> null;
    r = synthesize(in, out);
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("MY_KEY"), (String) r[2]);
    SynthesizeCommand.environment = Map.of("MY_KEY", KEY)::get;

    forceStatus = 401;
    r = synthesize(in, out);
    assertEquals(2, r[0]);
    String err = (String) r[2];
    assertTrue(err.contains(url() + "/chat/completions") && err.contains("401"), err);
    assertFalse(err.contains(KEY), err);
    forceStatus = 0;

    r = synthesize(in, out, "--param", "pairs=3");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("unknown parameter pairs"), (String) r[2]);
  }

  @Test
  void requestsThatFailAfterTheirRetriesExitOneUntilARerunFinishesThem() throws Exception {
    Path in = input(3);
    Path out = tmp.resolve("partial.jsonl");
    status429First = 0;
    forceStatus = 500;
    Object[] r = synthesize(in, out, "--retries", "0");
    // The output is incomplete: a script must see it in the exit code, not only in the summary.
    assertEquals(1, r[0], (String) r[1]);
    assertTrue(((String) r[1]).contains("3 inputs failed on the server or network"), (String) r[1]);
    forceStatus = 0;
    r = synthesize(in, out, "--retries", "0");
    assertEquals(0, r[0], (String) r[1]);
    assertEquals(3, Files.readAllLines(out).size());
  }

  @Test
  void permanentFailuresExitZeroAndAreAskedForAgainOnlyWithRetryFailed() throws Exception {
    Path in = input(3);
    Path out = tmp.resolve("bad.jsonl");
    status429First = 0;
    forceStatus = 422;
    Object[] r = synthesize(in, out);
    // Rejected for good, like any input a rerun would not change: the output is complete.
    assertEquals(0, r[0], (String) r[1]);
    assertTrue(((String) r[1]).contains("3 inputs failed for good"), (String) r[1]);
    assertTrue(((String) r[1]).contains("--retry-failed"), (String) r[1]);
    assertEquals(3, requests.get(), "no retry of a 422");
    forceStatus = 0;
    r = synthesize(in, out);
    assertEquals(0, r[0], (String) r[1]);
    assertEquals(3, requests.get(), "a plain rerun does not send them again");
    assertEquals(0, Files.readAllLines(out).size());
    assertEquals(3, Files.readAllLines(midtrain.data.synth.SynthesisRun.rejectsFile(out)).size());
    r = synthesize(in, out, "--retry-failed");
    assertEquals(0, r[0], (String) r[1]);
    assertEquals(6, requests.get());
    assertEquals(3, Files.readAllLines(out).size());
    assertEquals(0, Files.readAllLines(midtrain.data.synth.SynthesisRun.rejectsFile(out)).size());
  }

  @Test
  void maxTokensFieldNamesTheRequestField() throws Exception {
    Path in = input(2);
    status429First = 0;
    Object[] r =
        synthesize(
            in,
            tmp.resolve("o.jsonl"),
            "--max-tokens",
            "99",
            "--max-tokens-field",
            "max_completion_tokens");
    assertEquals(0, r[0], (String) r[2]);
    for (JsonNode b : bodies) {
      assertEquals(99, b.get("max_completion_tokens").asInt());
      assertFalse(b.has("max_tokens"));
    }
    r = synthesize(in, tmp.resolve("p.jsonl"), "--max-tokens-field", "max_new_tokens");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("--max-tokens-field"), (String) r[2]);
  }

  @Test
  void listShowsTheBuiltIns() {
    Object[] r = ScheduleCommandTest.run("synthesize", "--list");
    assertEquals(0, r[0]);
    for (String id : List.of("rewrite", "qa", "extract", "instruct", "evolve")) {
      assertTrue(((String) r[1]).contains(id), (String) r[1]);
    }
  }
}
