package midtrain.cli.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import midtrain.train.LlamaConfig;
import midtrain.train.ModelSoup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code midtrain average}: checkpoint averaging (model souping). */
@Command(
    name = "average",
    mixinStandardHelpOptions = true,
    description =
        "Average several checkpoints of one model into a new Hugging Face model directory.")
public final class AverageCommand implements Callable<Integer> {
  @Parameters(arity = "2..*", paramLabel = "CHECKPOINT", description = "Model directories.")
  List<Path> inputs;

  @Option(names = "--out", required = true, description = "The directory to write.")
  Path out;

  @Option(
      names = "--weights",
      split = ",",
      paramLabel = "W,W,...",
      description = "One weight per checkpoint (default: equal).")
  double[] weights = new double[0];

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Inputs.newModelFolder(out, "model.safetensors", "model.safetensors.index.json");
    LlamaConfig cfg = ModelSoup.average(inputs, weights, out);
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %s: mean of %d checkpoints, %,d parameters%n",
            out, inputs.size(), cfg.parameterCount());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
