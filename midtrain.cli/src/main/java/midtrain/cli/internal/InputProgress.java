package midtrain.cli.internal;

import java.text.DecimalFormat;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar of a command that reads inputs, on stderr: MB (10^6 bytes) read of all inputs
 * with their rate, and the records read with theirs.
 */
final class InputProgress implements AutoCloseable {
  private final ProgressBar bar;
  private final String records;
  private final long start = System.nanoTime();

  /**
   * Starts the bar.
   *
   * @param task the command, shown first
   * @param records what the records are called ({@code docs}, {@code records})
   */
  InputProgress(String task, String records) {
    this.records = records;
    this.bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" MB", 1_000_000)
            .showSpeed(new DecimalFormat("0.0"))
            .setInitialMax(1)
            .build();
  }

  /**
   * Moves the bar; the signature of the pipeline's and the decontamination run's listeners.
   *
   * @param count records so far
   * @param bytes input bytes read so far
   * @param total the size of all inputs
   */
  void update(long count, long bytes, long total) {
    bar.maxHint(total);
    bar.stepTo(bytes);
    double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    bar.setExtraMessage(
        String.format(Locale.ROOT, " | %,d %s, %,.0f/s", count, records, count / secs));
  }

  @Override
  public void close() {
    bar.close();
  }
}
