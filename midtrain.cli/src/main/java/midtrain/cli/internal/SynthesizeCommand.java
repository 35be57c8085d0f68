package midtrain.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import midtrain.data.Document;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import midtrain.data.spi.SynthesizerProvider;
import midtrain.data.synth.Api;
import midtrain.data.synth.EndpointConfig;
import midtrain.data.synth.GenerationSettings;
import midtrain.data.synth.LengthPolicy;
import midtrain.data.synth.SynthesisReport;
import midtrain.data.synth.SynthesisRun;
import midtrain.data.synth.Synthesizer;
import midtrain.data.synth.Synthesizers;
import midtrain.data.synth.TokenLimitField;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code midtrain synthesize}: synthetic documents from a generator behind an OpenAI API. */
@Command(
    name = "synthesize",
    mixinStandardHelpOptions = true,
    description = {
      "Rewrites or derives documents with a generator model served behind an OpenAI-compatible"
          + " API (vLLM, TGI, llama.cpp server, OpenAI): rewrite, qa, extract, instruct, evolve"
          + " or a plugged-in SynthesizerProvider; --list shows them. A run resumes from its"
          + " journal (<output>.journal) after a crash; --dry-run prints the first prompts."
    })
public final class SynthesizeCommand implements Callable<Integer> {
  /** Where the API key variable is read; tests put their own here. */
  static UnaryOperator<String> environment = System::getenv;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--synthesizer", paramLabel = "ID", description = "The synthesizer id.")
  String synthesizer;

  @Option(
      names = "--param",
      paramLabel = "KEY=VALUE",
      description =
          "A synthesizer parameter, for example style=qa, pairs=5, split=true (repeatable).")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--template",
      paramLabel = "FILE",
      description = "A prompt template file replacing the built-in one; {text} marks the document.")
  Path template;

  @Option(
      names = "--max-input-chars",
      paramLabel = "N",
      description = "Most document characters per prompt; longer documents are chunked.")
  Integer maxInputChars;

  @Option(
      names = "--input",
      split = ",",
      paramLabel = "FILES",
      description = "Document files, folders or globs, as rate and pack take them.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--output",
      converter = Inputs.OutputFileName.class,
      paramLabel = "FILE",
      description = "The output file (jsonl, jsonl.gz, jsonl.zst, arrow, parquet).")
  Path output;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description = "The server's base URL with /v1, e.g. http://localhost:8000/v1.")
  String endpoint;

  @Option(names = "--model", paramLabel = "NAME", description = "The model name the server serves.")
  String model;

  @Option(
      names = "--api-key-env",
      paramLabel = "VAR",
      description = "The environment variable holding the API key (the key is never printed).")
  String apiKeyEnv;

  @Option(
      names = "--api",
      paramLabel = "API",
      defaultValue = "chat",
      description =
          "chat (/chat/completions) or completions (/completions); default ${DEFAULT-VALUE}.")
  String api;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt.")
  String system = "";

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "8",
      description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "0.7",
      description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "1.0",
      description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "1024",
      description = "Most tokens per completion (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--max-tokens-field",
      paramLabel = "F",
      defaultValue = "max_tokens",
      description =
          "The request field carrying --max-tokens: max_tokens (vLLM, llama.cpp, TGI, most"
              + " servers) or max_completion_tokens (OpenAI's reasoning models); default"
              + " ${DEFAULT-VALUE}.")
  String maxTokensField;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Run seed; each request gets one derived from it.")
  Long seed;

  @Option(names = "--stop", paramLabel = "S", description = "A stop string (repeatable).")
  List<String> stop = new ArrayList<>();

  @Option(
      names = "--on-length",
      paramLabel = "keep|reject",
      defaultValue = "reject",
      description = "Completions cut at --max-tokens: keep or reject (default: ${DEFAULT-VALUE}).")
  String onLength;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "Seconds per request before it is retried (default: ${DEFAULT-VALUE}).")
  double timeout;

  @Option(
      names = "--retries",
      paramLabel = "N",
      defaultValue = "6",
      description =
          "Retries after timeouts, dropped connections, 408, 409, 429, 5xx (default:"
              + " ${DEFAULT-VALUE}).")
  int retries;

  @Option(
      names = "--retry-failed",
      description =
          "On a resume, ask again for inputs whose request failed permanently (another 4xx, a"
              + " response without a completion); transient failures are always asked again.")
  boolean retryFailed;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Take only the first N input documents.")
  Long limit;

  @Option(
      names = "--dry-run",
      description =
          "Print the prompts of the first documents (--limit, default 3) and exit; no server is called.")
  boolean dryRun;

  @Option(
      names = "--text-field",
      paramLabel = "F",
      defaultValue = "text",
      description = "Field holding the text (default: ${DEFAULT-VALUE}).")
  String textField;

  @Option(
      names = "--id-field",
      paramLabel = "F",
      defaultValue = "id",
      description = "Field holding the id (default: ${DEFAULT-VALUE}).")
  String idField;

  @Option(names = "--list", description = "List the synthesizers found and exit.")
  boolean list;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      for (Map.Entry<String, SynthesizerProvider> e : Synthesizers.providers().entrySet()) {
        out.printf("%-12s %s%n", e.getKey(), e.getValue().description());
      }
      out.flush();
      return 0;
    }
    if (synthesizer == null || inputs.isEmpty()) {
      throw new UserInputException("synthesize needs --synthesizer and --input (or --list)");
    }
    if (limit != null && limit < 1) {
      throw new UserInputException("--limit must be at least 1, got " + limit);
    }
    Synthesizer synth = Synthesizers.create(synthesizer, synthParams());
    List<Path> files = Inputs.files(inputs);
    ReaderOptions ro = ReaderOptions.builder().textField(textField).idField(idField).build();
    GenerationSettings gen = dryRun && model == null ? null : generation();
    if (dryRun) {
      return dryRun(out, synth, files, ro, gen);
    }
    if (output == null || endpoint == null || model == null) {
      throw new UserInputException("synthesize needs --output, --endpoint and --model");
    }
    Inputs.outputFile("--output", output);
    Formats.forPath(output);
    EndpointConfig.Builder eb =
        EndpointConfig.builder(endpoint)
            .environment(environment)
            .concurrency(concurrency)
            .maxRetries(retries)
            .requestTimeout(seconds("--timeout", timeout));
    if (apiKeyEnv != null) {
      eb.apiKeyEnv(apiKeyEnv);
    }
    LengthPolicy policy =
        switch (onLength) {
          case "keep" -> LengthPolicy.KEEP;
          case "reject" -> LengthPolicy.REJECT;
          default ->
              throw new UserInputException(
                  "--on-length must be keep or reject, got '" + onLength + "'");
        };
    SynthesisRun.Builder rb =
        SynthesisRun.builder()
            .inputs(files)
            .readerOptions(ro)
            .synthesizer(synth)
            .endpoint(eb.build())
            .generation(gen)
            .output(output)
            .lengthPolicy(policy)
            .retryFailed(retryFailed);
    if (limit != null) {
      rb.limit(limit);
    }
    SynthesisReport r;
    try (InputProgress bar = new InputProgress("synthesize", "docs")) {
      r = rb.listener(bar::update).build().run();
    }
    print(out, r);
    // An input whose request failed transiently is not done: the output is incomplete until a
    // rerun asks for it again, which a script must be able to tell from the exit code. One that
    // failed permanently is rejected like any other input a rerun would not change.
    return r.balanced() && r.pending() == 0 ? 0 : 1;
  }

  private Map<String, String> synthParams() {
    Map<String, String> p = new LinkedHashMap<>();
    for (String kv : params) {
      int eq = kv.indexOf('=');
      if (eq < 1) {
        throw new UserInputException("--param must look like KEY=VALUE, got '" + kv + "'");
      }
      p.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    if (template != null) {
      p.put("template", template.toString());
    }
    if (maxInputChars != null) {
      p.put("max-input-chars", maxInputChars.toString());
    }
    return p;
  }

  private GenerationSettings generation() {
    if (model == null) {
      throw new UserInputException("synthesize needs --model");
    }
    Api a =
        switch (api) {
          case "chat" -> Api.CHAT;
          case "completions" -> Api.COMPLETIONS;
          default ->
              throw new UserInputException("--api must be chat or completions, got '" + api + "'");
        };
    GenerationSettings.Builder g =
        GenerationSettings.builder(model)
            .api(a)
            .system(system)
            .temperature(temperature)
            .topP(topP)
            .maxTokens(maxTokens)
            .maxTokensField(
                switch (maxTokensField) {
                  case "max_tokens" -> TokenLimitField.MAX_TOKENS;
                  case "max_completion_tokens" -> TokenLimitField.MAX_COMPLETION_TOKENS;
                  default ->
                      throw new UserInputException(
                          "--max-tokens-field must be max_tokens or max_completion_tokens, got '"
                              + maxTokensField
                              + "'");
                })
            .stop(stop);
    if (seed != null) {
      g.seed(seed);
    }
    return g.build();
  }

  private static Duration seconds(String option, double s) {
    if (!(s > 0) || s > 86_400) {
      throw new UserInputException(option + " must be in (0, 86400] seconds, got " + s);
    }
    return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
  }

  private int dryRun(
      PrintWriter out,
      Synthesizer synth,
      List<Path> files,
      ReaderOptions ro,
      GenerationSettings g) {
    long n = limit == null ? 3 : limit;
    out.printf(
        Locale.ROOT,
        "dry run: %s %s, template sha256 %s; no request is sent%n",
        synth.id(),
        synth.settings(),
        synth.templateHash().substring(0, 12));
    if (g != null && !g.system().isEmpty()) {
      out.printf("system prompt:%n%s%n", g.system());
    }
    try (BufferAllocator alloc = new RootAllocator();
        DocumentCursor docs = new DocumentCursor(files, ro, alloc, spec.commandLine().getErr())) {
      Document d;
      for (long k = 0; k < n && (d = docs.next()) != null; k++) {
        String refused = synth.check(d);
        List<String> prompts = refused.isEmpty() ? synth.prompts(d) : List.of();
        if (prompts.isEmpty()) {
          out.printf(
              "=== %s: rejected (%s)%n", d.id(), refused.isEmpty() ? "empty-input" : refused);
          continue;
        }
        for (int c = 0; c < prompts.size(); c++) {
          out.printf(
              "=== %s: prompt %d of %d%n%s%n", d.id(), c + 1, prompts.size(), prompts.get(c));
        }
      }
    }
    out.flush();
    return 0;
  }

  /** Prints the summary. */
  static void print(PrintWriter out, SynthesisReport r) {
    out.printf(
        Locale.ROOT,
        "inputs     %,d%s%n",
        r.inputs(),
        r.resumed() > 0
            ? String.format(Locale.ROOT, " (%,d finished earlier, from the journal)", r.resumed())
            : "");
    out.printf(
        Locale.ROOT, "outputs    %,d documents from %,d inputs%n", r.outputs(), r.synthesized());
    out.printf(
        Locale.ROOT,
        "rejected   %,d%s%n",
        r.rejectedTotal(),
        r.rejected().isEmpty() ? "" : "  " + r.rejected());
    if (!r.chunksRejected().isEmpty()) {
      out.printf(Locale.ROOT, "chunks dropped from kept inputs: %s%n", r.chunksRejected());
    }
    if (r.unreadable() > 0) {
      out.printf(Locale.ROOT, "unreadable %,d records (not among the inputs)%n", r.unreadable());
    }
    out.printf(
        Locale.ROOT,
        "requests   %,d (%,d retries); tokens: prompt %,d, completion %,d%n",
        r.requests(),
        r.retries(),
        r.promptTokens(),
        r.completionTokens());
    if (r.journalLinesDropped() > 0) {
      out.printf(
          Locale.ROOT,
          "journal: %,d lines cut by a crash dropped from its end; their inputs were asked again%n",
          r.journalLinesDropped());
    }
    if (r.pending() > 0) {
      out.printf(
          Locale.ROOT,
          "%,d inputs failed on the server or network: run the same command again to ask for"
              + " them only%n",
          r.pending());
    }
    if (r.failedPermanently() > 0) {
      out.printf(
          Locale.ROOT,
          "%,d inputs failed for good (the server refused the request itself; reasons in the"
              + " rejects file): a rerun skips them unless given --retry-failed%n",
          r.failedPermanently());
    }
    out.flush();
  }
}
