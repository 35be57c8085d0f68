package midtrain.eval;

import java.util.Objects;

/**
 * One item of a generative benchmark: its prompt text (the harness's {@code doc_to_text}) and the
 * answer it is scored against ({@code doc_to_target}).
 *
 * <p>Items used as few-shot examples show their target after the text; see {@link
 * GenerativeScorer}. Two items are equal when their text and target are, whatever their ids: the
 * harness leaves an item out of its own few-shot examples by that comparison of documents.
 */
public final class GenerativeItem {
  private final String id;
  private final String text;
  private final String target;

  private GenerativeItem(String id, String text, String target) {
    this.id = id;
    this.text = text;
    this.target = target;
  }

  /**
   * Creates an item.
   *
   * @param id a name for reports, for example the file and line it came from
   * @param text the prompt text for the item, without few-shot examples
   * @param target the correct answer, as exact match compares it (after its normalization)
   * @return the item
   * @throws EvalException if an argument is null
   */
  public static GenerativeItem of(String id, String text, String target) {
    if (id == null || text == null || target == null) {
      throw new EvalException((id == null ? "id" : text == null ? "text" : "target") + " is null");
    }
    return new GenerativeItem(id, text, target);
  }

  /**
   * Returns the item's name for reports.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the prompt text ({@code doc_to_text}).
   *
   * @return the text
   */
  public String text() {
    return text;
  }

  /**
   * Returns the correct answer ({@code doc_to_target}).
   *
   * @return the target
   */
  public String target() {
    return target;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GenerativeItem g && g.text.equals(text) && g.target.equals(target);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, target);
  }

  @Override
  public String toString() {
    return "GenerativeItem[" + id + "]";
  }
}
