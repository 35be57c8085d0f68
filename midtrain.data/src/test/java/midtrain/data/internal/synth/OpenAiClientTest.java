package midtrain.data.internal.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import midtrain.data.DataException;
import midtrain.data.synth.Api;
import midtrain.data.synth.EndpointConfig;
import midtrain.data.synth.FakeOpenAi;
import midtrain.data.synth.FakeOpenAi.Reply;
import midtrain.data.synth.GenerationSettings;
import midtrain.data.synth.TokenLimitField;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible client against a local fake server. */
class OpenAiClientTest {
  static final String KEY = "sk-test-" + "9f2c41d07a";
  static final Map<String, String> ENV = Map.of("FAKE_KEY", KEY);

  private static EndpointConfig.Builder endpoint(FakeOpenAi s) {
    return EndpointConfig.builder(s.baseUrl())
        .apiKeyEnv("FAKE_KEY")
        .environment(ENV::get)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(80));
  }

  private static GenerationSettings gen() {
    return GenerationSettings.builder("tiny-model")
        .system("Be brief.")
        .temperature(0.3)
        .topP(0.9)
        .maxTokens(77)
        .seed(5)
        .stop(List.of("\n\nEND"))
        .build();
  }

  /** A client whose waits are recorded instead of slept. */
  private static OpenAiClient recording(EndpointConfig e, List<Duration> waits) {
    return new OpenAiClient(e, gen(), waits::add);
  }

  @Test
  void sendsTheDocumentedFieldsAndTheKeyAsBearer() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.ok("fine"))) {
      OpenAiClient client = new OpenAiClient(endpoint(s).build(), gen());
      Completion c = client.complete("Say hi.", OptionalLong.of(42));
      assertEquals("fine", c.text());
      assertEquals("stop", c.finishReason());
      FakeOpenAi.Call call = s.calls().get(0);
      assertEquals("/v1/chat/completions", call.path());
      assertEquals("Bearer " + KEY, call.authorization());
      var b = call.body();
      assertEquals("tiny-model", b.get("model").asText());
      assertEquals("system", b.get("messages").get(0).get("role").asText());
      assertEquals("Be brief.", b.get("messages").get(0).get("content").asText());
      assertEquals("user", b.get("messages").get(1).get("role").asText());
      assertEquals("Say hi.", b.get("messages").get(1).get("content").asText());
      assertEquals(0.3, b.get("temperature").asDouble());
      assertEquals(0.9, b.get("top_p").asDouble());
      assertEquals(77, b.get("max_tokens").asInt());
      assertEquals(42, b.get("seed").asLong());
      assertEquals("\n\nEND", b.get("stop").get(0).asText());
      // usage: the fake counts words; 2 prompt words, 1 completion word
      assertEquals(2, client.promptTokens());
      assertEquals(1, client.completionTokens());
      assertEquals(1, client.requests());
      assertEquals(0, client.retries());
    }
  }

  @Test
  void completionsApiSendsAPromptAndReadsText() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.ok("done", "length"))) {
      GenerationSettings g = GenerationSettings.builder("base").api(Api.COMPLETIONS).build();
      OpenAiClient client = new OpenAiClient(endpoint(s).build(), g);
      Completion c = client.complete("Once upon", OptionalLong.empty());
      assertEquals("done", c.text());
      assertEquals("length", c.finishReason());
      FakeOpenAi.Call call = s.calls().get(0);
      assertEquals("/v1/completions", call.path());
      assertEquals("Once upon", call.body().get("prompt").asText());
      assertFalse(call.body().has("seed"));
    }
  }

  @Test
  void retriesOn429And5xxWithGrowingJitteredWaits() throws Exception {
    int[] statuses = {429, 500, 503, 502};
    try (FakeOpenAi s =
        new FakeOpenAi(
            c -> c.n() < statuses.length ? Reply.status(statuses[c.n()], "") : Reply.ok("ok"))) {
      List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
      OpenAiClient client = recording(endpoint(s).maxRetries(6).build(), waits);
      Completion c = client.complete("p", OptionalLong.empty());
      assertEquals("ok", c.text());
      assertEquals(5, client.requests());
      assertEquals(4, client.retries());
      assertEquals(4, waits.size());
      long[] steps = {10, 20, 40, 80};
      for (int k = 0; k < 4; k++) {
        long ms = waits.get(k).toMillis();
        assertTrue(ms >= steps[k] / 2 && ms <= steps[k], "wait " + k + " = " + ms);
      }
    }
  }

  @Test
  void retryAfterSetsTheWait() throws Exception {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
    try (FakeOpenAi s =
        new FakeOpenAi(
            c ->
                switch (c.n()) {
                  case 0 -> Reply.status(429, "3");
                  case 1 -> Reply.status(503, date);
                  default -> Reply.ok("ok");
                })) {
      List<Duration> waits = new ArrayList<>();
      OpenAiClient client = recording(endpoint(s).build(), waits);
      assertEquals("ok", client.complete("p", OptionalLong.empty()).text());
      assertEquals(Duration.ofSeconds(3), waits.get(0));
      long secs = waits.get(1).toSeconds();
      assertTrue(secs >= 27 && secs <= 30, "HTTP-date wait " + waits.get(1));
    }
    assertEquals(Duration.ofMillis(1500), OpenAiClient.retryAfter("1.5"));
    assertEquals(OpenAiClient.MAX_RETRY_AFTER, OpenAiClient.retryAfter("86400"));
    assertNull(OpenAiClient.retryAfter("soon"));
    assertNull(OpenAiClient.retryAfter(""));
  }

  @Test
  void retryAfterIsReallyWaitedFor() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> c.n() == 0 ? Reply.status(429, "1") : Reply.ok("ok"))) {
      OpenAiClient client = new OpenAiClient(endpoint(s).build(), gen());
      long t0 = System.nanoTime();
      assertEquals("ok", client.complete("p", OptionalLong.empty()).text());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 1000, "waited only " + ms + " ms");
    }
  }

  @Test
  void givesUpAfterTheRetriesNamingUrlAndStatusNotTheKey() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.status(500, ""))) {
      OpenAiClient client = recording(endpoint(s).maxRetries(2).build(), new ArrayList<>());
      Completion c = client.complete("p", OptionalLong.empty());
      assertTrue(c.failed());
      assertEquals("http-500", c.failure());
      assertTrue(c.detail().contains(s.baseUrl() + "/chat/completions"), c.detail());
      assertTrue(c.detail().contains("500"), c.detail());
      assertTrue(c.detail().contains("3 attempts"), c.detail());
      assertFalse(c.detail().contains(KEY));
      assertEquals(3, client.requests());
    }
  }

  @Test
  void aTimeoutIsRetried() throws Exception {
    try (FakeOpenAi s =
        new FakeOpenAi(c -> c.n() == 0 ? Reply.ok("late").after(1500) : Reply.ok("on time"))) {
      OpenAiClient client =
          recording(endpoint(s).requestTimeout(Duration.ofMillis(300)).build(), new ArrayList<>());
      Completion c = client.complete("p", OptionalLong.empty());
      assertEquals("on time", c.text());
      assertEquals(1, client.retries());
    }
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.ok("late").after(1000))) {
      OpenAiClient client =
          recording(
              endpoint(s).requestTimeout(Duration.ofMillis(200)).maxRetries(1).build(),
              new ArrayList<>());
      Completion c = client.complete("p", OptionalLong.empty());
      assertEquals("timeout", c.failure());
      assertTrue(c.detail().contains(s.baseUrl()), c.detail());
    }
  }

  @Test
  void authAndNotFoundAreFatalOthersFailOnePromptWithoutRetry() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.status(401, ""))) {
      OpenAiClient client = new OpenAiClient(endpoint(s).build(), gen());
      DataException e =
          assertThrows(DataException.class, () -> client.complete("p", OptionalLong.empty()));
      assertTrue(e.getMessage().contains("401"), e.getMessage());
      assertTrue(e.getMessage().contains("FAKE_KEY"), e.getMessage());
      assertTrue(e.getMessage().contains(s.baseUrl()), e.getMessage());
      assertFalse(e.getMessage().contains(KEY), e.getMessage());
      assertEquals(1, s.calls().size());
    }
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.status(404, ""))) {
      OpenAiClient client = new OpenAiClient(endpoint(s).build(), gen());
      DataException e =
          assertThrows(DataException.class, () -> client.complete("p", OptionalLong.empty()));
      assertTrue(e.getMessage().contains("404") && e.getMessage().contains("tiny-model"));
    }
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.status(400, ""))) {
      OpenAiClient client = new OpenAiClient(endpoint(s).build(), gen());
      Completion c = client.complete("p", OptionalLong.empty());
      assertEquals("http-400", c.failure());
      assertTrue(c.detail().contains("fake error 400"), c.detail());
      assertEquals(1, s.calls().size());
    }
  }

  @Test
  void transientStatusesAreRetriedOtherClientErrorsFailPermanentlyAtOnce() throws Exception {
    // 408 and 409 say "not now", like 429 and 5xx: retried, and then they pass.
    for (int status : new int[] {408, 409, 429, 500, 503}) {
      try (FakeOpenAi s =
          new FakeOpenAi(c -> c.n() == 0 ? Reply.status(status, "") : Reply.ok("ok"))) {
        OpenAiClient client = recording(endpoint(s).build(), new ArrayList<>());
        assertEquals("ok", client.complete("p", OptionalLong.empty()).text(), "" + status);
        assertEquals(2, s.calls().size(), "" + status);
      }
    }
    // The request itself is bad: one call, a permanent failure a resume will not resend.
    for (int status : new int[] {400, 405, 413, 415, 422}) {
      try (FakeOpenAi s = new FakeOpenAi(c -> Reply.status(status, ""))) {
        OpenAiClient client = recording(endpoint(s).build(), new ArrayList<>());
        Completion c = client.complete("p", OptionalLong.empty());
        assertEquals("http-" + status, c.failure());
        assertTrue(c.permanent(), "" + status);
        assertEquals(1, s.calls().size(), "" + status);
      }
    }
    // Out of retries on a transient status: a failure, but not a permanent one.
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.status(408, ""))) {
      Completion c =
          recording(endpoint(s).maxRetries(1).build(), new ArrayList<>())
              .complete("p", OptionalLong.empty());
      assertEquals("http-408", c.failure());
      assertFalse(c.permanent());
    }
    // A 2xx without a usable completion is the server's answer to this request: permanent.
    for (String body : new String[] {"<html>busy</html>", "{\"choices\":[]}", "{}"}) {
      try (FakeOpenAi s = new FakeOpenAi(c -> new Reply(200, "", body, 0))) {
        Completion c =
            recording(endpoint(s).build(), new ArrayList<>()).complete("p", OptionalLong.empty());
        assertEquals("bad-response", c.failure(), body);
        assertTrue(c.permanent(), body);
        assertEquals(1, s.calls().size(), body);
      }
    }
    for (int status = 400; status < 600; status++) {
      boolean expected = status == 408 || status == 409 || status == 429 || status >= 500;
      assertEquals(expected, OpenAiClient.transientStatus(status), "" + status);
    }
  }

  /** OpenAI's answer to max_tokens sent to a reasoning model, as its API writes it. */
  static final String UNSUPPORTED_MAX_TOKENS =
      "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens' is not supported with this"
          + " model. Use 'max_completion_tokens' instead.\",\"type\":\"invalid_request_error\","
          + "\"param\":\"max_tokens\",\"code\":\"unsupported_parameter\"}}";

  @Test
  void aServerRefusingTheTokenFieldStopsTheRunNamingTheSettingToChange() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> new Reply(400, "", UNSUPPORTED_MAX_TOKENS, 0))) {
      OpenAiClient client = new OpenAiClient(endpoint(s).build(), gen());
      DataException e =
          assertThrows(DataException.class, () -> client.complete("p", OptionalLong.empty()));
      assertTrue(e.getMessage().contains("'max_tokens'"), e.getMessage());
      assertTrue(
          e.getMessage().contains("--max-tokens-field max_completion_tokens"), e.getMessage());
      assertTrue(e.getMessage().contains("MAX_COMPLETION_TOKENS"), e.getMessage());
      assertTrue(e.getMessage().contains(s.baseUrl()), e.getMessage());
      assertEquals(1, s.calls().size());
    }
    // The other way round, as a pydantic-validated server refuses a field it does not know.
    String extra =
        "{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"max_completion_tokens\"],"
            + "\"msg\":\"Extra inputs are not permitted\"}]}";
    try (FakeOpenAi s = new FakeOpenAi(c -> new Reply(422, "", extra, 0))) {
      GenerationSettings g =
          GenerationSettings.builder("m")
              .maxTokensField(TokenLimitField.MAX_COMPLETION_TOKENS)
              .build();
      DataException e =
          assertThrows(
              DataException.class,
              () -> new OpenAiClient(endpoint(s).build(), g).complete("p", OptionalLong.empty()));
      assertTrue(e.getMessage().contains("--max-tokens-field max_tokens"), e.getMessage());
    }
    // vLLM names max_tokens when one prompt leaves it too little room: that prompt fails alone.
    String tooLong =
        "{\"object\":\"error\",\"message\":\"'max_tokens' is too large: 1024. This model's maximum"
            + " context length is 4096 tokens and your request has 3500 input tokens\"}";
    try (FakeOpenAi s = new FakeOpenAi(c -> new Reply(400, "", tooLong, 0))) {
      Completion c =
          new OpenAiClient(endpoint(s).build(), gen()).complete("p", OptionalLong.empty());
      assertEquals("http-400", c.failure());
      assertTrue(c.permanent());
    }
  }

  @Test
  void aPromptEchoedInAnErrorIsNotTakenForARefusedField() throws Exception {
    // A pydantic-validated server refusing one prompt echoes it as "input"; a prompt about the
    // OpenAI client can name max_tokens and say "unknown". That prompt fails alone, permanently.
    String echo =
        "{\"detail\":[{\"type\":\"string_too_long\",\"loc\":[\"body\",\"messages\",0,"
            + "\"content\"],\"msg\":\"String should have at most 8 characters\","
            + "\"input\":\"client.create(max_tokens=5)  # unknown models are not supported\"}]}";
    try (FakeOpenAi s = new FakeOpenAi(c -> new Reply(422, "", echo, 0))) {
      Completion c =
          new OpenAiClient(endpoint(s).build(), gen()).complete("p", OptionalLong.empty());
      assertEquals("http-422", c.failure());
      assertTrue(c.permanent());
    }
    assertFalse(OpenAiClient.refusesField(echo, "max_tokens"));
    // OpenAI's shape where another parameter is refused and the message quotes the prompt.
    String other =
        "{\"error\":{\"message\":\"Unsupported value: 'temperature' does not support 0.7 with"
            + " this model.\",\"type\":\"invalid_request_error\",\"param\":\"temperature\","
            + "\"code\":\"unsupported_value\"}}";
    assertFalse(OpenAiClient.refusesField(other, "max_tokens"));
    // The shapes that do refuse the field, and plain text that does.
    assertTrue(OpenAiClient.refusesField(UNSUPPORTED_MAX_TOKENS, "max_tokens"));
    assertFalse(OpenAiClient.refusesField(UNSUPPORTED_MAX_TOKENS, "max_completion_tokens"));
    assertTrue(
        OpenAiClient.refusesField(
            "{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\","
                + "\"max_completion_tokens\"],\"msg\":\"Extra inputs are not permitted\","
                + "\"input\":300}]}",
            "max_completion_tokens"));
    assertTrue(
        OpenAiClient.refusesField(
            "Unrecognized request argument supplied: max_completion_tokens",
            "max_completion_tokens"));
    assertTrue(
        OpenAiClient.refusesField(
            "{\"error\":\"Unrecognized request argument supplied: max_completion_tokens\"}",
            "max_completion_tokens"));
  }

  @Test
  void theTokenLimitGoesInTheChosenField() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.ok("fine"))) {
      GenerationSettings g =
          GenerationSettings.builder("o-model")
              .maxTokens(300)
              .maxTokensField(TokenLimitField.MAX_COMPLETION_TOKENS)
              .build();
      new OpenAiClient(endpoint(s).build(), g).complete("p", OptionalLong.empty());
      var b = s.calls().get(0).body();
      assertEquals(300, b.get("max_completion_tokens").asInt());
      assertFalse(b.has("max_tokens"));
    }
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                GenerationSettings.builder("base")
                    .api(Api.COMPLETIONS)
                    .maxTokensField(TokenLimitField.MAX_COMPLETION_TOKENS)
                    .build());
    assertTrue(e.getMessage().contains("completions API takes max_tokens"), e.getMessage());
  }

  @Test
  void aMissingKeyVariableFailsNamingIt() {
    EndpointConfig e =
        EndpointConfig.builder("http://127.0.0.1:9/v1")
            .apiKeyEnv("NOT_SET_ANYWHERE")
            .environment(n -> null)
            .build();
    DataException ex = assertThrows(DataException.class, () -> new OpenAiClient(e, gen()));
    assertTrue(ex.getMessage().contains("NOT_SET_ANYWHERE"), ex.getMessage());
    assertThrows(DataException.class, () -> EndpointConfig.builder("localhost:8000"));
    assertThrows(DataException.class, () -> EndpointConfig.builder("http://u:pw@host/v1"));
  }

  @Test
  void aKeyAHeaderCannotCarryFailsNamingTheVariableNotTheKey() {
    // The JDK refuses such a header value quoting it whole, key included.
    String secret = "sk-secret-" + "5be01c";
    EndpointConfig e =
        EndpointConfig.builder("http://127.0.0.1:9/v1")
            .apiKeyEnv("FAKE_KEY")
            .environment(n -> secret + "\nsecond-line")
            .build();
    DataException ex =
        assertThrows(
            DataException.class,
            () -> new OpenAiClient(e, gen()).complete("p", OptionalLong.empty()));
    assertTrue(ex.getMessage().contains("FAKE_KEY"), ex.getMessage());
    for (Throwable t = ex; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(secret), t.toString());
    }
  }

  @Test
  void noMoreThanTheConfiguredRequestsAreInFlight() throws Exception {
    try (FakeOpenAi s = new FakeOpenAi(c -> Reply.ok("x").after(60))) {
      OpenAiClient client = new OpenAiClient(endpoint(s).concurrency(3).build(), gen());
      ExecutorService callers = Executors.newFixedThreadPool(12);
      List<Future<Completion>> fs = new ArrayList<>();
      for (int k = 0; k < 24; k++) {
        fs.add(callers.submit(() -> client.complete("p", OptionalLong.empty())));
      }
      for (Future<Completion> f : fs) {
        assertEquals("x", f.get().text());
      }
      callers.shutdown();
      assertEquals(3, s.maxInFlight());
      assertEquals(24, s.calls().size());
    }
  }

  @Test
  void backoffDoublesUpToTheCapWithBoundedJitter() {
    EndpointConfig e =
        EndpointConfig.builder("http://127.0.0.1:9/v1")
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
            .jitterSeed(7)
            .build();
    OpenAiClient client = new OpenAiClient(e, gen());
    for (int a = 0; a < 40; a++) {
      long step = Math.min(2000, 100L << Math.min(a, 20));
      long ms = client.backoff(a).toMillis();
      assertTrue(ms >= step / 2 && ms <= step, "attempt " + a + ": " + ms);
    }
  }
}
