package midtrain.cli.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.Tokenizers;
import midtrain.train.HfCheckpoint;
import midtrain.train.LlamaConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code midtrain init-model}: writes a randomly initialised Llama-style model. */
@Command(
    name = "init-model",
    mixinStandardHelpOptions = true,
    description = {
      "Write a randomly initialised Llama-style model that transformers loads.",
      "config.json + model.safetensors, for tests and demos where no weights can be downloaded;",
      "--tokenizer copies a tokenizer in, so the folder and the checkpoints trained from it are",
      "standalone models."
    })
public final class InitModelCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "A Hugging Face Llama config.json.")
  Path config;

  @Option(names = "--out", required = true, description = "The model directory to write.")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: 0).")
  long seed;

  @Option(
      names = "--std",
      defaultValue = "0.02",
      description = "Standard deviation of the weights (default: 0.02, Llama's initializer_range).")
  double std;

  @Option(
      names = "--tokenizer",
      description =
          "A tokenizer.json, or a model folder, whose tokenizer files (tokenizer.json,"
              + " tokenizer_config.json, special_tokens_map.json, tokenizer.model, ...) are copied"
              + " into the model folder.")
  Path tokenizer;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!(std > 0) || !Double.isFinite(std)) {
      throw new UserInputException("--std must be a positive number, got " + std);
    }
    // The index too: writing removes a sharded model's weight files, so one must not be there.
    Inputs.newModelFolder(out, "model.safetensors", "model.safetensors.index.json");
    Map<String, Object> raw = Inputs.objectFile("--config", config);
    LlamaConfig cfg;
    try {
      cfg = LlamaConfig.fromMap(raw);
      // The rotary tables too (an odd rotary dimension, bad rope_scaling): train and rope would
      // refuse the model later.
      midtrain.rope.PositionEncodings.fromModelConfig(cfg.raw()).frequencies();
    } catch (midtrain.train.TrainException | midtrain.rope.RopeException e) {
      // Name the file given, which is not yet a config.json.
      throw new UserInputException(
          config + ": " + e.getMessage().replaceFirst("^config\\.json: ", ""));
    }
    for (String key : new String[] {"torch_dtype", "dtype"}) {
      Object dtype = raw.get(key);
      if (dtype != null && !"float32".equals(dtype)) {
        // HfCheckpoint writes float32 only: training keeps float32 weights, as DJL's CPU build
        // aborts the JVM on BF16 tensors. The config must say what the file holds.
        spec.commandLine()
            .getErr()
            .println(
                "midtrain init-model: warning: "
                    + config
                    + " asks for "
                    + key
                    + " "
                    + dtype
                    + "; the weights are written as float32 and config.json says so (midtrain"
                    + " trains in float32); cast when loading where you need another dtype");
      }
    }
    Path tokenizerJson = tokenizer == null ? null : tokenizerJson(cfg);
    HfCheckpoint.save(out, cfg, HfCheckpoint.randomWeights(cfg, seed, std));
    if (tokenizerJson != null) {
      copyTokenizer(tokenizerJson);
    }
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %s: %,d parameters, %d layers, hidden %d, vocab %d%n",
            out, cfg.parameterCount(), cfg.numLayers(), cfg.hiddenSize(), cfg.vocabSize());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The tokenizer.json that --tokenizer names, checked to fit the config's vocabulary. */
  private Path tokenizerJson(LlamaConfig cfg) {
    Path json = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
    if (!Files.isRegularFile(json)) {
      throw new UserInputException("--tokenizer: no such file: " + json);
    }
    int vocab;
    try (TextTokenizer tok = Tokenizers.open(json)) {
      vocab = tok.vocabSize();
    } catch (RuntimeException e) {
      throw new UserInputException("--tokenizer: " + json + ": " + e.getMessage());
    }
    if (vocab > cfg.vocabSize()) {
      throw new UserInputException(
          "--tokenizer: "
              + json
              + " has "
              + vocab
              + " tokens but --config's vocab_size is "
              + cfg.vocabSize()
              + "; raise vocab_size or choose the model's tokenizer");
    }
    return json;
  }

  /**
   * Copies the tokenizer: from a folder, its tokenizer files (not its generation_config.json, which
   * belongs to a model); a file is copied as tokenizer.json.
   */
  private void copyTokenizer(Path json) {
    if (Files.isDirectory(tokenizer)) {
      for (String name : HfCheckpoint.TOKENIZER_FILES) {
        copy(tokenizer.resolve(name), out.resolve(name));
      }
    } else {
      copy(json, out.resolve("tokenizer.json"));
    }
  }

  private static void copy(Path from, Path to) {
    if (!Files.isRegularFile(from)) {
      return;
    }
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UserInputException("--tokenizer: cannot copy " + from + " to " + to + ": " + e);
    }
  }
}
