package midtrain.data.modify;

/**
 * Maps a document's text to a new text, or removes the document with a reason.
 *
 * <p>A modifier must be safe to call from several threads at once and must give the same result for
 * the same text whatever was modified before: the pipeline modifies different batches in parallel
 * with one instance, and its output must not depend on the thread count.
 */
public interface TextModifier {
  /**
   * Returns the modifier's id, which prefixes its removal reasons and its counts in the pipeline's
   * statistics.
   *
   * @return letters, digits, {@code _} or {@code -}
   */
  String id();

  /**
   * Modifies one document's text.
   *
   * @param text the text, never null
   * @return the new text (possibly the same) with what changed, or a removal with its reason
   */
  Modification apply(String text);

  /**
   * Describes the modifier's configuration, so that a resumed pipeline can tell whether it changed.
   *
   * @return by default the id; modifiers made by {@link Modifiers#create} add their parameters
   */
  default String describe() {
    return id();
  }
}
