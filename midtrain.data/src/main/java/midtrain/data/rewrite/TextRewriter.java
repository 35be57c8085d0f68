package midtrain.data.rewrite;

/**
 * Maps a document's text to a new text, or removes the document with a reason.
 *
 * <p>A rewriter must be safe to call from several threads at once and must give the same result for
 * the same text whatever was rewritten before: the pipeline rewrites different batches in parallel
 * with one instance, and its output must not depend on the thread count.
 */
public interface TextRewriter {
  /**
   * Returns the rewriter's id, which prefixes its removal reasons and its counts in the pipeline's
   * statistics.
   *
   * @return letters, digits, {@code _} or {@code -}
   */
  String id();

  /**
   * Rewrites one document's text.
   *
   * @param text the text, never null
   * @return the new text (possibly the same) with what changed, or a removal with its reason
   */
  Rewrite apply(String text);

  /**
   * Describes the rewriter's configuration, so that a resumed pipeline can tell whether it changed.
   *
   * @return by default the id; rewriters made by {@link Rewriters#create} add their parameters
   */
  default String describe() {
    return id();
  }
}
