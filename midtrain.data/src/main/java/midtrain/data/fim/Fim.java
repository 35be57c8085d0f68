package midtrain.data.fim;

import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.internal.rng.Seeds;

/**
 * String-level FIM at a rate, deterministic per (seed, document id).
 *
 * <p>Split points are code-point offsets, so a surrogate pair is never cut.
 */
public final class Fim {
  private final double rate;
  private final double spmRate;
  private final FimMode spmMode;
  private final FimSentinels sentinels;
  private final long seed;

  private Fim(Builder b) {
    this.rate = b.rate;
    this.spmRate = b.spmRate;
    this.spmMode = b.spmMode;
    this.sentinels = b.sentinels;
    this.seed = b.seed;
  }

  /**
   * A builder with rate 0.5, SPM rate 0.5, StarCoder sentinels and seed 0.
   *
   * @return a new builder at those defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The decision for one document: a pure function of (seed, id, text length).
   *
   * @param documentId the document's id, mixed with the seed
   * @param text the document's text; only its length in code points matters
   * @return {@link FimDecision#none()} with probability {@code 1 - rate}; otherwise two split
   *     points uniform in {@code [0, length]} code points, in the configured SPM order with
   *     probability {@code spmRate} and in PSM order otherwise
   */
  public FimDecision decide(String documentId, String text) {
    Objects.requireNonNull(documentId, "documentId");
    return FimDecision.draw(
        Seeds.stream(seed, documentId),
        text.codePointCount(0, text.length()),
        rate,
        spmRate,
        spmMode);
  }

  /**
   * The document after FIM, or unchanged when the draw says no.
   *
   * @param documentId the document's id, which with the seed fixes the draw
   * @param text the document's text
   * @return the three pieces joined with the sentinels and followed by the end-of-text string, or
   *     {@code text} itself when the document is not transformed
   */
  public String apply(String documentId, String text) {
    return apply(text, decide(documentId, text));
  }

  /**
   * The document after a given decision.
   *
   * @param text the document's text
   * @param decision the split points and order to apply
   * @return the three pieces joined with the sentinels and followed by the end-of-text string, or
   *     {@code text} itself when the decision is {@link FimDecision#none()}
   * @throws DataException if the decision's split points lie beyond the text's length in code
   *     points
   */
  public String apply(String text, FimDecision decision) {
    if (!decision.applied()) {
      return text;
    }
    return decision.split().orElseThrow().apply(text).render(decision.mode(), sentinels);
  }

  /**
   * The sentinels in use.
   *
   * @return the sentinel strings that {@link #apply(String, FimDecision)} writes
   */
  public FimSentinels sentinels() {
    return sentinels;
  }

  /** Builder for {@link Fim}. */
  public static final class Builder {
    private double rate = 0.5;
    private double spmRate = 0.5;
    private FimMode spmMode = FimMode.SPM;
    private FimSentinels sentinels = FimSentinels.starcoder();
    private long seed;

    private Builder() {}

    /**
     * Probability in [0, 1] that a document gets FIM.
     *
     * @param rate the probability; 0 leaves every document unchanged, 1 transforms every one
     * @return this builder
     * @throws DataException if {@code rate} is outside [0, 1] or NaN
     */
    public Builder rate(double rate) {
      this.rate = checkRate(rate, "rate");
      return this;
    }

    /**
     * Probability in [0, 1] that a FIM'd document uses the SPM order rather than PSM.
     *
     * @param spmRate the probability; 0 writes every transformed document in PSM order
     * @return this builder
     * @throws DataException if {@code spmRate} is outside [0, 1] or NaN
     */
    public Builder spmRate(double spmRate) {
      this.spmRate = checkRate(spmRate, "spmRate");
      return this;
    }

    /**
     * Which SPM order to use when SPM is drawn; {@link FimMode#SPM} (bigcode) by default.
     *
     * @param mode {@link FimMode#SPM} or {@link FimMode#SPM_SUFFIX_FIRST}
     * @return this builder
     * @throws DataException if {@code mode} is {@link FimMode#PSM}
     */
    public Builder spmMode(FimMode mode) {
      if (mode == FimMode.PSM) {
        throw new DataException("FIM spmMode must be an SPM order, got PSM");
      }
      this.spmMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * The sentinel strings.
     *
     * @param sentinels the markers written around the pieces; {@link FimSentinels#starcoder()} by
     *     default
     * @return this builder
     */
    public Builder sentinels(FimSentinels sentinels) {
      this.sentinels = Objects.requireNonNull(sentinels, "sentinels");
      return this;
    }

    /**
     * The seed mixed with each document id.
     *
     * @param seed any value; the same seed and id always give the same decision (0 by default)
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the transform.
     *
     * @return a transform with this builder's settings; later changes to the builder do not reach
     *     it
     */
    public Fim build() {
      return new Fim(this);
    }
  }

  static double checkRate(double r, String name) {
    if (!(r >= 0 && r <= 1)) {
      throw new DataException("FIM " + name + " must be in [0, 1], got " + r);
    }
    return r;
  }
}
