package midtrain.data.fim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import midtrain.data.DataException;
import midtrain.data.internal.rng.Seeds;

/**
 * Token-level FIM with bigcode Megatron-LM semantics: a sample is decoded, split at code-point
 * offsets, each piece re-encoded and joined with sentinel token ids.
 *
 * <p>{@link #permute} is bigcode's {@code permute}; {@link #applySegments} is its per-sample {@code
 * __getitem__}: every EOD-separated segment gets its own decision, FIM'd segments grow by three
 * sentinels, and the result is cut back to (or right-padded to) the input length.
 */
public final class TokenFim {
  private final int prefixId;
  private final int middleId;
  private final int suffixId;
  private final int padId;
  private final int eodId;
  private final TokenCodec codec;
  private final double rate;
  private final double spmRate;
  private final long seed;

  private TokenFim(Builder b) {
    this.prefixId = b.prefixId;
    this.middleId = b.middleId;
    this.suffixId = b.suffixId;
    this.padId = b.padId;
    this.eodId = b.eodId;
    this.codec = Objects.requireNonNull(b.codec, "codec");
    this.rate = b.rate;
    this.spmRate = b.spmRate;
    this.seed = b.seed;
  }

  /**
   * A builder; the five special ids and the codec are required.
   *
   * @param prefixId the prefix sentinel token id
   * @param middleId the middle sentinel token id
   * @param suffixId the suffix sentinel token id
   * @param padId the padding token id
   * @param eodId the end-of-document token id separating segments
   * @param codec the tokenizer
   * @return a builder with rate 0.5, SPM rate 0.5 and seed 0
   * @throws DataException if two of the five special ids are equal
   */
  public static Builder builder(
      int prefixId, int middleId, int suffixId, int padId, int eodId, TokenCodec codec) {
    return new Builder(prefixId, middleId, suffixId, padId, eodId, codec);
  }

  /**
   * One segment after a decision (bigcode {@code permute}).
   *
   * <p>With {@code truncateOrPad} the result keeps the input length: a too-long result loses tokens
   * from the end of the suffix, and when the suffix is not longer than the excess the sample comes
   * back unchanged; a too-short one has the suffix right-padded.
   *
   * @param sample the segment's token ids, without EOD
   * @param decision the split points, in code points of the decoded segment, and the order
   * @param truncateOrPad whether to cut back or pad the result to {@code sample.length}
   * @return a new array: the sentinel ids and re-encoded pieces in the decision's order, three
   *     tokens longer than the pieces; a copy of {@code sample} when the decision is {@link
   *     FimDecision#none()}
   * @throws DataException if a split point lies beyond the decoded segment's length in code points
   */
  public int[] permute(int[] sample, FimDecision decision, boolean truncateOrPad) {
    if (!decision.applied()) {
      return sample.clone();
    }
    String contents = codec.decode(sample);
    FimPieces p = decision.split().orElseThrow().apply(contents);
    int[] prefix = codec.encode(p.prefix());
    int[] middle = codec.encode(p.middle());
    int[] suffix = codec.encode(p.suffix());
    if (truncateOrPad) {
      int diff = prefix.length + middle.length + suffix.length + 3 - sample.length;
      if (diff > 0) {
        if (suffix.length <= diff) {
          return sample.clone();
        }
        suffix = Arrays.copyOf(suffix, suffix.length - diff);
      } else if (diff < 0) {
        int n = suffix.length;
        suffix = Arrays.copyOf(suffix, n - diff);
        Arrays.fill(suffix, n, suffix.length, padId);
      }
    }
    IntList out = new IntList(prefix.length + middle.length + suffix.length + 3);
    switch (decision.mode()) {
      case PSM -> out.add(prefixId).addAll(prefix).add(suffixId).addAll(suffix).add(middleId);
      case SPM -> out.add(prefixId).add(suffixId).addAll(suffix).add(middleId).addAll(prefix);
      case SPM_SUFFIX_FIRST ->
          out.add(suffixId).addAll(suffix).add(prefixId).addAll(prefix).add(middleId);
    }
    return out.addAll(middle).toArray();
  }

  /**
   * A whole sample after one decision per EOD-separated segment ({@code decisions.size()} = EOD
   * count + 1), cut back or right-padded with the pad id to the input length.
   *
   * <p>An empty segment (a leading or doubled EOD) is left alone and keeps its EOD, where bigcode
   * drops that EOD; its decision is ignored. The segment after the last EOD is always transformed
   * by its decision, even when empty, as bigcode does.
   *
   * @param sample the token ids, segments separated by the EOD id
   * @param decisions one decision per segment, in order
   * @return a new array of {@code sample.length} ids: the transformed segments with their EODs, cut
   *     at the end or right-padded with the pad id
   * @throws DataException if {@code decisions.size()} is not the EOD count + 1
   */
  public int[] applySegments(int[] sample, List<FimDecision> decisions) {
    int segments = 1;
    for (int t : sample) {
      if (t == eodId) {
        segments++;
      }
    }
    if (decisions.size() != segments) {
      throw new DataException(
          "FIM decisions: sample has " + segments + " segments, got " + decisions.size());
    }
    return run(sample, (seg, k) -> decisions.get(k));
  }

  /**
   * A whole sample with decisions drawn from (seed, sample index), deterministic.
   *
   * @param sample the token ids, segments separated by the EOD id
   * @param sampleIndex the sample's index in the dataset, mixed with the seed
   * @return a new array of {@code sample.length} ids, as {@link #applySegments} returns for the
   *     drawn decisions; FIM'd segments use bigcode's SPM order when SPM is drawn
   */
  public int[] apply(int[] sample, long sampleIndex) {
    SplittableRandom rng = Seeds.stream(seed, sampleIndex);
    return run(
        sample,
        (seg, k) -> {
          String text = codec.decode(seg);
          return FimDecision.draw(
              rng, text.codePointCount(0, text.length()), rate, spmRate, FimMode.SPM);
        });
  }

  private interface Decider {
    FimDecision decide(int[] segment, int index);
  }

  private int[] run(int[] sample, Decider decider) {
    List<int[]> parts = new ArrayList<>();
    int start = 0;
    int k = 0;
    for (int i = 0; i < sample.length; i++) {
      if (sample[i] == eodId) {
        if (i > start) {
          int[] seg = Arrays.copyOfRange(sample, start, i);
          parts.add(permute(seg, decider.decide(seg, k), false));
        }
        parts.add(new int[] {eodId});
        start = i + 1;
        k++;
      }
    }
    int[] last = Arrays.copyOfRange(sample, start, sample.length);
    parts.add(permute(last, decider.decide(last, k), false));
    int[] out = new int[sample.length];
    Arrays.fill(out, padId);
    int at = 0;
    for (int[] p : parts) {
      int n = Math.min(p.length, out.length - at);
      System.arraycopy(p, 0, out, at, n);
      at += n;
      if (at == out.length) {
        break;
      }
    }
    return out;
  }

  /** Builder for {@link TokenFim}. */
  public static final class Builder {
    private final int prefixId;
    private final int middleId;
    private final int suffixId;
    private final int padId;
    private final int eodId;
    private final TokenCodec codec;
    private double rate = 0.5;
    private double spmRate = 0.5;
    private long seed;

    private Builder(int prefixId, int middleId, int suffixId, int padId, int eodId, TokenCodec c) {
      int[] ids = {prefixId, middleId, suffixId, padId, eodId};
      if (Arrays.stream(ids).distinct().count() != ids.length) {
        throw new DataException("FIM special token ids must be distinct: " + Arrays.toString(ids));
      }
      this.prefixId = prefixId;
      this.middleId = middleId;
      this.suffixId = suffixId;
      this.padId = padId;
      this.eodId = eodId;
      this.codec = Objects.requireNonNull(c, "codec");
    }

    /**
     * Probability in [0, 1] that a segment gets FIM.
     *
     * @param rate the probability; 0 leaves every segment unchanged (0.5 by default)
     * @return this builder
     * @throws DataException if {@code rate} is outside [0, 1] or NaN
     */
    public Builder rate(double rate) {
      this.rate = Fim.checkRate(rate, "rate");
      return this;
    }

    /**
     * Probability in [0, 1] of bigcode's SPM order for a FIM'd segment.
     *
     * @param spmRate the probability; 0 writes every transformed segment in PSM order (0.5 by
     *     default)
     * @return this builder
     * @throws DataException if {@code spmRate} is outside [0, 1] or NaN
     */
    public Builder spmRate(double spmRate) {
      this.spmRate = Fim.checkRate(spmRate, "spmRate");
      return this;
    }

    /**
     * The seed mixed with each sample index.
     *
     * @param seed any value; the same seed and index always give the same decisions (0 by default)
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the transform.
     *
     * @return a transform with this builder's ids, codec and settings
     */
    public TokenFim build() {
      return new TokenFim(this);
    }
  }

  /** A growable int array, to avoid boxing token ids. */
  private static final class IntList {
    private int[] a;
    private int n;

    IntList(int capacity) {
      a = new int[Math.max(1, capacity)];
    }

    IntList add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
      return this;
    }

    IntList addAll(int[] vs) {
      if (n + vs.length > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + vs.length));
      }
      System.arraycopy(vs, 0, a, n, vs.length);
      n += vs.length;
      return this;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
