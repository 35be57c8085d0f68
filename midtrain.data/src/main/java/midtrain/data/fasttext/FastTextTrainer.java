package midtrain.data.fasttext;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import midtrain.data.internal.fasttext.FtTrainer;

/**
 * Trains supervised fastText classifiers: fastText's dictionary, hashed word n-grams and character
 * n-grams, learning-rate schedule and losses (softmax, hierarchical softmax, negative sampling,
 * one-vs-all).
 *
 * <p>The weights come from our own seeded random numbers, so they differ from the fastText
 * binary's; the saved model is a valid fastText model that the binary loads and predicts with the
 * same results. With {@code thread = 1} training is deterministic for a seed; with more threads the
 * workers update shared weights without locks as fastText does (Hogwild), and the result varies
 * from run to run. As fastText's command line, {@code bucket} becomes 0 when {@code wordNgrams <=
 * 1} and {@code maxn == 0}.
 */
public final class FastTextTrainer {
  private FastTextTrainer() {}

  /**
   * Trains on a labelled file ({@code __label__x __label__y words...} per line).
   *
   * @param args the hyper-parameters
   * @param input the file, read twice (dictionary, then examples)
   * @return the model
   * @throws midtrain.data.DataException when the file cannot be read or has no labels
   */
  public static FastTextModel train(FastTextArgs args, Path input) {
    return train(args, input, System.err);
  }

  /**
   * Trains on a labelled file, reporting progress when {@code args.verbose() > 0}.
   *
   * @param args the hyper-parameters
   * @param input the file
   * @param log receives progress lines
   * @return the model
   */
  public static FastTextModel train(FastTextArgs args, Path input, PrintStream log) {
    Objects.requireNonNull(input, "input");
    return new FastTextModel(
        FtTrainer.train(args, () -> Files.newInputStream(input), input.toString(), log));
  }

  /**
   * Trains on labelled lines; each line is one example, as a line of a training file.
   *
   * @param args the hyper-parameters
   * @param lines the examples
   * @return the model
   */
  public static FastTextModel train(FastTextArgs args, List<String> lines) {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    byte[] data = sb.toString().getBytes(StandardCharsets.UTF_8);
    return new FastTextModel(
        FtTrainer.train(args, () -> new ByteArrayInputStream(data), "(lines)", System.err));
  }
}
