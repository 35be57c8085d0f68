package midtrain.eval.internal;

import midtrain.eval.GenerativeScorer;
import midtrain.eval.spi.TaskConfig;

/** What the generative tasks (gsm8k and the code tasks) share in setting up their scorer. */
final class Generation {
  private Generation() {}

  /**
   * Refuses a generation budget that leaves no room for the prompt.
   *
   * @param config the task's configuration
   * @param maxGen the {@code max-gen-tokens} option's value
   * @throws midtrain.eval.EvalException naming the option
   */
  static void checkRoom(TaskConfig config, int maxGen) {
    if (maxGen >= config.maxLength()) {
      throw config.error(
          "max-gen-tokens",
          "is "
              + maxGen
              + " but the model takes "
              + config.maxLength()
              + " tokens in all; leave room for the prompt");
    }
  }

  /**
   * Returns a scorer builder with the configuration's tokenizer, limits and special tokens, and the
   * generation budget; the task adds its stop strings and the rest.
   *
   * @param config the task's configuration
   * @param maxGen the tokens generated at most per item
   * @return the builder
   */
  static GenerativeScorer.Builder scorer(TaskConfig config, int maxGen) {
    GenerativeScorer.Builder b =
        GenerativeScorer.builder()
            .encoder(config.encoder())
            .decoder(config.decoder())
            .textDecoder(config.textDecoder())
            .maxLength(config.maxLength())
            .maxGenTokens(maxGen);
    config.bosToken().ifPresent(b::bosToken);
    b.eosTokens(config.eosTokens());
    return b;
  }
}
