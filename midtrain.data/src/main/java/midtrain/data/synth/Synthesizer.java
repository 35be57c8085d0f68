package midtrain.data.synth;

import java.util.List;
import java.util.Map;
import midtrain.data.Document;

/**
 * Turns a document into prompts for a generator model and each completion into output documents.
 *
 * <p>Implementations are immutable and thread-safe: a run calls them from several threads at once.
 */
public interface Synthesizer {
  /**
   * The id of the provider that made it, used in derived ids and in each output's {@code meta}.
   *
   * @return the id, for example {@code rewrite}
   */
  String id();

  /**
   * The parameters the synthesizer was made with, recorded in each output's {@code meta} and in the
   * run's journal (a resumed run must use the same).
   *
   * @return the parameters by name, sorted; a template override appears by its hash, not its path
   */
  Map<String, String> settings();

  /**
   * The SHA-256 of the prompt template in use (the built-in one or an override), in hex.
   *
   * @return the hash
   */
  String templateHash();

  /**
   * Checks a document before any prompt is made, for documents the synthesizer cannot take whole
   * (an instruction longer than the input budget, say).
   *
   * @param doc the input document
   * @return the reason it is rejected (lower case, no spaces), or empty to go on; empty unless the
   *     synthesizer overrides it
   */
  default String check(Document doc) {
    return "";
  }

  /**
   * Makes the prompts for one document: one per chunk when the text is longer than the input
   * budget.
   *
   * @param doc the input document
   * @return the prompts in chunk order; empty when the document has nothing to work on (an empty
   *     text or field), which rejects it as {@code empty-input}
   */
  List<String> prompts(Document doc);

  /**
   * Parses a completion of the prompt for one chunk.
   *
   * @param doc the input document
   * @param chunk the chunk's index among {@link #prompts(Document)}
   * @param completion the generated text, not empty
   * @return outputs, or a rejection with its reason
   */
  Parsed parse(Document doc, int chunk, String completion);
}
