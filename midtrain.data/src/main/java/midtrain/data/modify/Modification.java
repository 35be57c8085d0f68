package midtrain.data.modify;

import java.util.Objects;

/**
 * What a {@link TextModifier} made of one text: a new text with the lines it removed and the
 * replacements it made, or the removal of the document with a reason.
 */
public final class Modification {
  private final String text;
  private final String reason;
  private final long linesRemoved;
  private final long replacements;

  private Modification(String text, String reason, long linesRemoved, long replacements) {
    this.text = text;
    this.reason = reason;
    this.linesRemoved = linesRemoved;
    this.replacements = replacements;
  }

  /**
   * A kept document with its new text.
   *
   * @param text the new text (the input itself when nothing changed)
   * @param linesRemoved lines the modifier removed, at least 0
   * @param replacements spans the modifier replaced (an email masked, say), at least 0
   * @return the result
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if a count is negative
   */
  public static Modification kept(String text, long linesRemoved, long replacements) {
    Objects.requireNonNull(text, "text");
    if (linesRemoved < 0 || replacements < 0) {
      throw new IllegalArgumentException(
          "counts must be at least 0, got linesRemoved "
              + linesRemoved
              + ", replacements "
              + replacements);
    }
    return new Modification(text, null, linesRemoved, replacements);
  }

  /**
   * A kept document whose text did not change.
   *
   * @param text the input text
   * @return the result
   * @throws NullPointerException if {@code text} is null
   */
  public static Modification unchanged(String text) {
    return kept(text, 0, 0);
  }

  /**
   * A removed document.
   *
   * @param reason why, short and stable (it is counted by value), such as {@code too_few_sentences}
   * @return the result
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException if {@code reason} is blank
   */
  public static Modification removed(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("a removal needs a reason");
    }
    return new Modification(null, reason, 0, 0);
  }

  /**
   * Tells whether the document is removed.
   *
   * @return true for {@link #removed(String)}
   */
  public boolean isRemoved() {
    return reason != null;
  }

  /**
   * Returns the new text of a kept document.
   *
   * @return the text
   * @throws IllegalStateException if the document is removed
   */
  public String text() {
    if (text == null) {
      throw new IllegalStateException("the document is removed (" + reason + "); it has no text");
    }
    return text;
  }

  /**
   * Returns why the document is removed.
   *
   * @return the reason
   * @throws IllegalStateException if the document is kept
   */
  public String reason() {
    if (reason == null) {
      throw new IllegalStateException("the document is kept; it has no removal reason");
    }
    return reason;
  }

  /**
   * Returns the lines removed from a kept document.
   *
   * @return the count; 0 for a removed document
   */
  public long linesRemoved() {
    return linesRemoved;
  }

  /**
   * Returns the replacements made in a kept document.
   *
   * @return the count; 0 for a removed document
   */
  public long replacements() {
    return replacements;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Modification r
        && Objects.equals(text, r.text)
        && Objects.equals(reason, r.reason)
        && linesRemoved == r.linesRemoved
        && replacements == r.replacements;
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, reason, linesRemoved, replacements);
  }

  @Override
  public String toString() {
    return reason != null
        ? "removed(" + reason + ")"
        : "kept(lines removed " + linesRemoved + ", replacements " + replacements + ")";
  }
}
