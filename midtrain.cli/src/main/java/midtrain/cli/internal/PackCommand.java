package midtrain.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.fim.Fim;
import midtrain.data.fim.FimSentinels;
import midtrain.data.io.ReaderOptions;
import midtrain.data.pack.DocumentPacker;
import midtrain.data.pack.PackMode;
import midtrain.data.pack.PackSink;
import midtrain.data.pack.PackStats;
import midtrain.data.pack.StreamPacker;
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.TokenManifest;
import midtrain.data.token.TokenShardWriter;
import midtrain.data.token.Tokenization;
import midtrain.data.token.Tokenizers;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code midtrain pack}: documents to packed token shards (and Megatron or numpy exports). */
@Command(
    name = "pack",
    mixinStandardHelpOptions = true,
    description = {
      "Tokenizes documents with a Hugging Face tokenizer.json (optionally after fill-in-the-middle),"
          + " packs them into rows of --seq-len tokens and writes midtrain token shards (Arrow"
          + " IPC, manifest written last) plus a Megatron .bin/.idx or .npy export; prints the"
          + " realised tokens per source and the length distribution."
    })
public final class PackCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--tokenizer",
      required = true,
      paramLabel = "FILE",
      description = "tokenizer.json (or a directory holding one).")
  Path tokenizer;

  @Option(names = "--seq-len", required = true, description = "Tokens per training sequence.")
  int seqLen;

  @Option(
      names = "--input",
      required = true,
      split = ",",
      paramLabel = "FILES",
      description =
          "Document files (any format midtrain reads, e.g. JSONL), folders (their files in name"
              + " order, e.g. a curate output) or globs. Rejected records are listed with file,"
              + " line and reason in OUTPUT.rejects.jsonl.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--text-field",
      paramLabel = "F",
      defaultValue = "text",
      description =
          "Field holding the text, a dotted path such as content (default: ${DEFAULT-VALUE}).")
  String textField;

  @Option(
      names = "--id-field",
      paramLabel = "F",
      defaultValue = "id",
      description =
          "Field holding the id, a dotted path (default: ${DEFAULT-VALUE}); FIM draws are keyed on"
              + " the id. A record without one gets <file name>:<line>.")
  String idField;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Shard directory (created; must be empty).")
  Path output;

  @Option(
      names = "--format",
      defaultValue = "arrow",
      description = "arrow (shards only), megatron (+ tokens.bin/.idx) or npy (+ tokens.npy).")
  String format;

  @Option(
      names = "--mode",
      defaultValue = "concat",
      description = "concat, or long-context (long documents fill rows alone).")
  String mode;

  @Option(names = "--bos", defaultValue = "", description = "BOS token added to each document.")
  String bos;

  @Option(names = "--eos", defaultValue = "", description = "EOS token added to each document.")
  String eos;

  @Option(
      names = "--add-special-tokens",
      description = "Let the tokenizer's post-processor add its special tokens.")
  boolean specials;

  @Option(
      names = "--fim-rate",
      defaultValue = "0",
      description = "Share of documents given fill-in-the-middle (default: ${DEFAULT-VALUE}).")
  double fimRate;

  @Option(
      names = "--fim-spm-rate",
      defaultValue = "0.5",
      description = "Share of FIM documents in SPM rather than PSM order.")
  double fimSpmRate;

  @Option(
      names = "--fim-sentinels",
      defaultValue = "starcoder",
      description = "starcoder, bigcode or paper.")
  String fimSentinels;

  @Option(names = "--seed", defaultValue = "1234", description = "Seed (FIM, manifest).")
  long seed;

  @Option(names = "--threads", defaultValue = "1", description = "Java tokenizing threads.")
  int threads;

  @Option(
      names = "--shard-tokens",
      defaultValue = "16777216",
      description = "Tokens per shard file.")
  long shardTokens;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    if (seqLen < 2) {
      throw new UserInputException("--seq-len must be at least 2, got " + seqLen);
    }
    String fmt = TokenOutput.checkFormat(format, "--format");
    PackMode packMode = packMode(mode, "--mode");
    ReaderOptions readerOptions = readerOptions(textField, idField);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (TextTokenizer tok = Tokenizers.open(tokenizer);
        Tokenization tz =
            Tokenization.builder(tok)
                .specials(specials)
                .bos(bos)
                .eos(eos)
                .threads(threads)
                .build();
        BufferAllocator allocator = new RootAllocator()) {
      TokenManifest manifest;
      DocumentPacker dp;
      PackStats stats;
      try (TokenShardWriter w =
          TokenShardWriter.builder(output, allocator, tok.vocabSize())
              .tokenizerHash(tok.hash())
              .seed(seed)
              .shardTokens(shardTokens)
              .build()) {
        StreamPacker sp = StreamPacker.builder(seqLen).mode(packMode).sink(PackSink.of(w)).build();
        DocumentPacker.Builder b = DocumentPacker.builder(tz, sp);
        if (fimRate > 0) {
          b.fim(
              Fim.builder()
                  .rate(fimRate)
                  .spmRate(fimSpmRate)
                  .sentinels(sentinels(fimSentinels))
                  .seed(seed)
                  .build());
        }
        dp = b.build();
        Path rejectsFile = output.resolveSibling(output.getFileName() + ".rejects.jsonl");
        try (midtrain.data.io.RejectsFile rejects =
                midtrain.data.io.RejectsFile.create(rejectsFile);
            DocumentCursor docs =
                new DocumentCursor(Inputs.files(inputs), readerOptions, allocator, err, rejects)) {
          for (Document d = docs.next(); d != null; d = docs.next()) {
            dp.add(d.source(), d);
          }
        }
        stats = dp.finish();
        manifest = w.finish();
      }
      String exported = TokenOutput.export(output, fmt, allocator);
      if (json) {
        ObjectNode o = Inputs.JSON.createObjectNode();
        o.put("output", output.toString());
        o.put("format", fmt);
        o.put("tokenizer", tok.name());
        o.put("vocab_size", tok.vocabSize());
        o.put("fingerprint", manifest.fingerprint());
        o.put("tokens", dp.tokens());
        o.put("fim_documents", dp.fimDocuments());
        TokenOutput.stats(o, stats, seqLen);
        ObjectNode src = o.putObject("realised");
        dp.packer().tokensBySource().forEach(src::put);
        out.println(o.toPrettyString());
      } else {
        out.print(TokenOutput.table(stats, seqLen, dp.packer().tokensBySource()));
        out.printf(
            Locale.ROOT,
            "%d tokens in %d shards in %s (FIM on %d documents)%s%n",
            manifest.tokens(),
            manifest.shards().size(),
            output,
            dp.fimDocuments(),
            exported.isEmpty() ? "" : "; export: " + exported);
      }
      out.flush();
    }
    return 0;
  }

  /** The reader fields of --text-field and --id-field, a bad path named by its option. */
  static ReaderOptions readerOptions(String textField, String idField) {
    return readerOptions(
        textField,
        idField,
        (field, path) ->
            new UserInputException(
                "--" + field + "-field must be a dot-separated field path, got '" + path + "'"));
  }

  /**
   * Reader fields from a text and an id field path.
   *
   * @param bad makes the error for a path that is not a dotted field path, given which field it is
   *     ({@code text} or {@code id}) and the path
   */
  static ReaderOptions readerOptions(
      String textField, String idField, BiFunction<String, String, UserInputException> bad) {
    ReaderOptions.Builder b = ReaderOptions.builder();
    try {
      b.textField(textField);
    } catch (DataException e) {
      throw bad.apply("text", textField);
    }
    try {
      b.idField(idField);
    } catch (DataException e) {
      throw bad.apply("id", idField);
    }
    return b.build();
  }

  static PackMode packMode(String mode, String key) {
    return switch (mode.toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "concat" -> PackMode.CONCAT;
      case "long-context", "long" -> PackMode.LONG_CONTEXT;
      default ->
          throw new UserInputException(key + " must be concat or long-context, got '" + mode + "'");
    };
  }

  static FimSentinels sentinels(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "starcoder" -> FimSentinels.starcoder();
      case "bigcode" -> FimSentinels.bigcodeMegatron();
      case "paper" -> FimSentinels.paper();
      default ->
          throw new UserInputException(
              "FIM sentinels must be starcoder, bigcode or paper, got '" + name + "'");
    };
  }
}
