package midtrain.data.fasttext;

import java.util.Objects;

/**
 * One predicted label with the probability fastText reports: {@code exp(log(p + 1e-5))} in float32,
 * which is what {@code fasttext predict-prob} prints.
 *
 * @param label the label, prefix included (for example {@code __label__en})
 * @param probability the probability
 */
public record Prediction(String label, float probability) {
  /**
   * Checks the label.
   *
   * @param label the label
   * @param probability the probability
   */
  public Prediction {
    Objects.requireNonNull(label, "label");
  }
}
