package midtrain.rope.internal;

import java.util.Objects;
import java.util.function.IntFunction;
import midtrain.rope.PositionEncoding;
import midtrain.rope.RopeConfig;
import midtrain.rope.RopeException;
import midtrain.rope.RopeFrequencies;

/** The two shapes of {@link PositionEncoding}: fixed, or recomputed from the sequence length. */
public final class Encodings {
  private Encodings() {}

  /**
   * Wraps frequencies that never change.
   *
   * @param ropeType the rope type
   * @param config the configuration
   * @param frequencies the frequencies
   * @return the encoding
   */
  public static PositionEncoding fixed(
      String ropeType, RopeConfig config, RopeFrequencies frequencies) {
    return new Fixed(ropeType, config, frequencies);
  }

  /**
   * Wraps a function of the sequence length.
   *
   * @param ropeType the rope type
   * @param config the configuration
   * @param originalLength the longest sequence served by the initial frequencies
   * @param bySeqLen the function
   * @return the encoding
   */
  public static PositionEncoding lengthDependent(
      String ropeType,
      RopeConfig config,
      int originalLength,
      IntFunction<RopeFrequencies> bySeqLen) {
    return new LengthDependent(ropeType, config, originalLength, bySeqLen);
  }

  private abstract static class Base implements PositionEncoding {
    final String ropeType;
    final RopeConfig config;

    Base(String ropeType, RopeConfig config) {
      this.ropeType = Objects.requireNonNull(ropeType, "ropeType");
      this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String ropeType() {
      return ropeType;
    }

    @Override
    public RopeConfig config() {
      return config;
    }

    /**
     * Refuses frequencies of another rotary dimension than the configuration's: a provider's
     * mistake would otherwise rotate the wrong lanes, or fail in a kernel far from its cause.
     */
    RopeFrequencies matching(RopeFrequencies f) {
      Objects.requireNonNull(f, "frequencies");
      if (f.rotaryDim() != config.rotaryDim()) {
        throw new RopeException(
            "rope type '"
                + ropeType
                + "' made frequencies of rotary dimension "
                + f.rotaryDim()
                + ", but its configuration has "
                + config.rotaryDim()
                + " (head_dim x partial_rotary_factor)");
      }
      return f;
    }

    static void checkSeqLen(int seqLen) {
      if (seqLen < 0) {
        throw new RopeException("seq_len must be >= 0, got " + seqLen);
      }
    }

    @Override
    public String toString() {
      return getClass().getSimpleName() + "{" + config + "}";
    }
  }

  private static final class Fixed extends Base {
    private final RopeFrequencies frequencies;

    Fixed(String ropeType, RopeConfig config, RopeFrequencies frequencies) {
      super(ropeType, config);
      this.frequencies = matching(frequencies);
    }

    @Override
    public RopeFrequencies frequencies() {
      return frequencies;
    }

    @Override
    public RopeFrequencies frequencies(int seqLen) {
      checkSeqLen(seqLen);
      return frequencies;
    }

    @Override
    public boolean dependsOnSequenceLength() {
      return false;
    }

    @Override
    public int originalLength() {
      return Integer.MAX_VALUE;
    }
  }

  private static final class LengthDependent extends Base {
    private final int originalLength;
    private final IntFunction<RopeFrequencies> bySeqLen;
    private final RopeFrequencies initial;

    LengthDependent(
        String ropeType,
        RopeConfig config,
        int originalLength,
        IntFunction<RopeFrequencies> bySeqLen) {
      super(ropeType, config);
      if (originalLength <= 0) {
        throw new RopeException("originalLength must be > 0, got " + originalLength);
      }
      this.originalLength = originalLength;
      this.bySeqLen = Objects.requireNonNull(bySeqLen, "bySeqLen");
      // Sequence length 0 stands for transformers' "no seq_len" at model construction.
      this.initial = matching(bySeqLen.apply(0));
    }

    @Override
    public RopeFrequencies frequencies() {
      return initial;
    }

    @Override
    public RopeFrequencies frequencies(int seqLen) {
      checkSeqLen(seqLen);
      return seqLen <= originalLength ? initial : matching(bySeqLen.apply(seqLen));
    }

    @Override
    public boolean dependsOnSequenceLength() {
      return true;
    }

    @Override
    public int originalLength() {
      return originalLength;
    }
  }
}
