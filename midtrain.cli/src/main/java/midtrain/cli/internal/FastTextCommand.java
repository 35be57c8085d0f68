package midtrain.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import midtrain.data.fasttext.FastTextArgs;
import midtrain.data.fasttext.FastTextModel;
import midtrain.data.fasttext.FastTextTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code midtrain fasttext}: a drop-in for the fastText command line's {@code supervised}, {@code
 * predict}, {@code predict-prob} and {@code test}, with fastText's single-dash options.
 *
 * <p>Predictions are written as raw bytes to {@link System#out}, looked up at each run, so labels
 * pass through unchanged whatever the platform charset.
 */
@Command(
    name = "fasttext",
    mixinStandardHelpOptions = true,
    description =
        "fastText-compatible classifier: train (supervised), predict, predict-prob and test, with"
            + " fastText's arguments and output; reads fastText .bin and .ftz models.",
    subcommands = {
      FastTextCommand.Supervised.class,
      FastTextCommand.Predict.class,
      FastTextCommand.PredictProb.class,
      FastTextCommand.Test.class
    })
public final class FastTextCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: supervised, predict, predict-prob or test");
  }

  static InputStream open(String input) {
    if ("-".equals(input)) {
      // Standard input stays open for whoever runs after us (tests run several commands).
      return new java.io.FilterInputStream(System.in) {
        @Override
        public void close() {}
      };
    }
    try {
      return Files.newInputStream(Path.of(input));
    } catch (NoSuchFileException e) {
      throw new UserInputException("no such file: " + input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code fasttext supervised}. */
  @Command(
      name = "supervised",
      mixinStandardHelpOptions = true,
      description =
          "Trains a classifier on INPUT (\"__label__x words...\" per line) and writes"
              + " OUTPUT.bin and OUTPUT.vec (and OUTPUT.output with -saveOutput), as fastText"
              + " supervised.")
  static final class Supervised implements Callable<Integer> {
    @Option(names = "-input", required = true, description = "Training file path.")
    Path input;

    @Option(names = "-output", required = true, description = "Output file path prefix.")
    String output;

    @Option(names = "-lr", defaultValue = "0.1", description = "Learning rate [${DEFAULT-VALUE}].")
    double lr;

    @Option(
        names = "-lrUpdateRate",
        defaultValue = "100",
        description = "Change the rate of updates for the learning rate [${DEFAULT-VALUE}].")
    int lrUpdateRate;

    @Option(
        names = "-dim",
        defaultValue = "100",
        description = "Size of vectors [${DEFAULT-VALUE}].")
    int dim;

    @Option(
        names = "-ws",
        defaultValue = "5",
        description = "Size of the context window [${DEFAULT-VALUE}].")
    int ws;

    @Option(
        names = "-epoch",
        defaultValue = "5",
        description = "Number of epochs [${DEFAULT-VALUE}].")
    int epoch;

    @Option(
        names = "-minCount",
        defaultValue = "1",
        description = "Minimal number of word occurrences [${DEFAULT-VALUE}].")
    int minCount;

    @Option(
        names = "-minCountLabel",
        defaultValue = "0",
        description = "Minimal number of label occurrences [${DEFAULT-VALUE}].")
    int minCountLabel;

    @Option(
        names = "-neg",
        defaultValue = "5",
        description = "Number of negatives sampled [${DEFAULT-VALUE}].")
    int neg;

    @Option(
        names = "-wordNgrams",
        defaultValue = "1",
        description = "Max length of word ngram [${DEFAULT-VALUE}].")
    int wordNgrams;

    @Option(
        names = "-loss",
        defaultValue = "softmax",
        description = "Loss function {ns, hs, softmax, one-vs-all} [${DEFAULT-VALUE}].")
    String loss;

    @Option(
        names = "-bucket",
        defaultValue = "2000000",
        description = "Number of buckets [${DEFAULT-VALUE}].")
    int bucket;

    @Option(
        names = "-minn",
        defaultValue = "0",
        description = "Min length of char ngram [${DEFAULT-VALUE}].")
    int minn;

    @Option(
        names = "-maxn",
        defaultValue = "0",
        description = "Max length of char ngram [${DEFAULT-VALUE}].")
    int maxn;

    @Option(
        names = "-thread",
        defaultValue = "12",
        description =
            "Number of threads (set to 1 to ensure reproducible results) [${DEFAULT-VALUE}].")
    int thread;

    @Option(
        names = "-t",
        defaultValue = "0.0001",
        description = "Sampling threshold [${DEFAULT-VALUE}].")
    double t;

    @Option(
        names = "-label",
        defaultValue = "__label__",
        description = "Labels prefix [${DEFAULT-VALUE}].")
    String label;

    @Option(
        names = "-verbose",
        defaultValue = "2",
        description = "Verbosity level [${DEFAULT-VALUE}].")
    int verbose;

    @Option(
        names = "-seed",
        defaultValue = "0",
        description = "Random generator seed [${DEFAULT-VALUE}].")
    int seed;

    @Option(
        names = "-pretrainedVectors",
        paramLabel = "FILE",
        description = "Pretrained word vectors (.vec text) for supervised learning [].")
    Path pretrainedVectors;

    @Option(
        names = "-saveOutput",
        description = "Also write the output matrix to OUTPUT.output [false].")
    boolean saveOutput;

    @Option(
        names = "-autotune-validation",
        paramLabel = "FILE",
        description =
            "Validation file for hyperparameter autotuning: not supported here (refused); pass"
                + " the hyperparameters explicitly.")
    String autotuneValidation;

    @Option(
        names = "-autotune-metric",
        defaultValue = "f1",
        description = "Autotune metric; accepted, used only with -autotune-validation [f1].")
    String autotuneMetric;

    @Option(
        names = "-autotune-predictions",
        defaultValue = "1",
        description =
            "Autotune predictions; accepted, used only with -autotune-validation [${DEFAULT-VALUE}].")
    int autotunePredictions;

    @Option(
        names = "-autotune-duration",
        defaultValue = "300",
        description =
            "Autotune duration in seconds; accepted, used only with -autotune-validation"
                + " [${DEFAULT-VALUE}].")
    int autotuneDuration;

    @Option(
        names = "-autotune-modelsize",
        defaultValue = "",
        description = "Autotune model size; accepted, used only with -autotune-validation [].")
    String autotuneModelsize;

    @Override
    public Integer call() {
      if (autotuneValidation != null) {
        // fastText searches the hyperparameters against this file; we do not, and training with
        // the defaults instead would silently give a different model than the user asked for.
        throw new UserInputException(
            "hyperparameter autotuning (-autotune-validation) is not supported by midtrain's"
                + " fastText; pass the hyperparameters explicitly (-lr, -epoch, -dim,"
                + " -wordNgrams, -minn, -maxn, -bucket, -loss)");
      }
      FastTextArgs.Builder b =
          FastTextArgs.builder()
              .lr(lr)
              .lrUpdateRate(lrUpdateRate)
              .dim(dim)
              .ws(ws)
              .epoch(epoch)
              .minCount(minCount)
              .minCountLabel(minCountLabel)
              .neg(neg)
              .wordNgrams(wordNgrams)
              .loss(FastTextArgs.Loss.parse(loss))
              .bucket(bucket)
              .minn(minn)
              .maxn(maxn)
              .thread(thread)
              .t(t)
              .label(label)
              .verbose(verbose)
              .seed(seed);
      if (pretrainedVectors != null) {
        if (!Files.isRegularFile(pretrainedVectors)) {
          throw new UserInputException("no such file: " + pretrainedVectors);
        }
        b.pretrainedVectors(pretrainedVectors);
      }
      FastTextArgs args = b.build();
      if (!Files.isRegularFile(input)) {
        throw new UserInputException("no such file: " + input);
      }
      FastTextModel m = FastTextTrainer.train(args, input, System.err);
      m.save(Path.of(output + ".bin"));
      m.saveVectors(Path.of(output + ".vec"));
      if (saveOutput) {
        m.saveOutput(Path.of(output + ".output"));
      }
      return 0;
    }
  }

  /** Shared positionals of {@code predict} and {@code predict-prob}. */
  abstract static class PredictBase implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A fastText .bin or .ftz model.")
    Path model;

    @Parameters(
        index = "1",
        paramLabel = "INPUT",
        description = "Text to classify, one example per line; - reads standard input.")
    String input;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "K",
        defaultValue = "1",
        description = "Labels per line; -1 for all [${DEFAULT-VALUE}].")
    int k;

    @Parameters(
        index = "3",
        arity = "0..1",
        paramLabel = "THRESHOLD",
        defaultValue = "0.0",
        description = "Lowest probability printed [${DEFAULT-VALUE}].")
    double threshold;

    abstract boolean probabilities();

    @Override
    public Integer call() {
      if (k == 0 || k < -1) {
        throw new UserInputException("k needs to be 1 or higher (or -1 for all labels), got " + k);
      }
      FastTextModel m = FastTextModel.load(model);
      PrintStream out = System.out;
      try (InputStream in = open(input)) {
        m.predict(in, out, k, threshold, probabilities());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code fasttext predict}. */
  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      description = "Prints the k most likely labels of each line of INPUT, as fastText predict.")
  static final class Predict extends PredictBase {
    @Override
    boolean probabilities() {
      return false;
    }
  }

  /** {@code fasttext predict-prob}. */
  @Command(
      name = "predict-prob",
      mixinStandardHelpOptions = true,
      description =
          "Prints the k most likely labels of each line of INPUT with their probabilities, as"
              + " fastText predict-prob.")
  static final class PredictProb extends PredictBase {
    @Override
    boolean probabilities() {
      return true;
    }
  }

  /** {@code fasttext test}. */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description =
          "Prints N, precision at k and recall at k over a labelled file, as fastText test.")
  static final class Test implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A fastText .bin or .ftz model.")
    Path model;

    @Parameters(
        index = "1",
        paramLabel = "INPUT",
        description = "Labelled lines; - reads standard input.")
    String input;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "K",
        defaultValue = "1",
        description = "Labels per line; -1 for all [${DEFAULT-VALUE}].")
    int k;

    @Parameters(
        index = "3",
        arity = "0..1",
        paramLabel = "THRESHOLD",
        defaultValue = "0.0",
        description = "Lowest probability counted [${DEFAULT-VALUE}].")
    double threshold;

    @Override
    public Integer call() {
      if (k == 0 || k < -1) {
        throw new UserInputException("k needs to be 1 or higher (or -1 for all labels), got " + k);
      }
      FastTextModel m = FastTextModel.load(model);
      String report;
      try (InputStream in = open(input)) {
        report = m.test(in, k, threshold).report();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      OutputStream out = System.out;
      try {
        out.write(report.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return 0;
    }
  }
}
