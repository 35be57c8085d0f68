package midtrain.data.internal.simd;

/**
 * Keys of runs of {@code k} consecutive word hashes, the prefilter of a decontamination scan.
 *
 * <p>Why runs sampled at a stride: an n-gram of {@code n} words holds the {@code s = n - k + 1}
 * runs that start at its first {@code s} words, so exactly one of them starts at a multiple of
 * {@code s}. When the n-gram is in a benchmark, so are all of its runs. A scan therefore only needs
 * the runs that start at multiples of {@code s}: where such a run is in no benchmark, none of the
 * {@code s} n-grams around it can be. Only the words of those runs ({@code k} of every {@code s})
 * are hashed first; the rest are hashed around the rare runs that pass.
 */
public final class RunKeys {
  private static final long SALT = 0x5851F42D4C957F2DL;

  private RunKeys() {}

  /**
   * Returns the words per run for n-grams of {@code n} words: about half of {@code n} minus one, so
   * that a run is rarely a stock phrase and few words of a text are hashed before the filter.
   *
   * @param n words per n-gram, at least 2
   * @return words per run
   */
  public static int runLength(int n) {
    return Math.max(1, n / 2 - 1);
  }

  /**
   * Returns the key of the run of {@code k} word hashes from {@code words[j]}: {@code XOR_t
   * rotl(words[j + t], k - 1 - t)}, mixed to 64 well-spread bits.
   *
   * @param words word hashes
   * @param j the run's first word
   * @param k words per run
   * @return the key
   */
  public static long key(long[] words, int j, int k) {
    return NgramHasher.mix(runHash(words, j, k) ^ SALT);
  }

  /**
   * Writes the keys of the runs of {@code k} words that start at every multiple of {@code stride}
   * and end by {@code count}: {@code out[x] = key(words, x * stride, k)}.
   *
   * <p>Why a loop per run length: the run length is a field of the index, unknown to the compiler,
   * so the loop over a run's words ran as a loop of a few turns, with its set-up, for every key
   * (5.0 ns a key for runs of 5 words, against 3.8 ns here). Each case below passes a constant, for
   * which the compiler writes the turns out.
   *
   * @param words word hashes
   * @param count how many words
   * @param k words per run, at least 1
   * @param stride words from one run's start to the next, at least 1
   * @param out receives the keys; at least {@code (count - k) / stride + 1} long when {@code count
   *     >= k}
   * @return how many keys were written
   */
  public static int sampled(long[] words, int count, int k, int stride, long[] out) {
    return switch (k) {
      case 1 -> keysOf(words, count, 1, stride, out);
      case 2 -> keysOf(words, count, 2, stride, out);
      case 3 -> keysOf(words, count, 3, stride, out);
      case 4 -> keysOf(words, count, 4, stride, out);
      case 5 -> keysOf(words, count, 5, stride, out);
      case 6 -> keysOf(words, count, 6, stride, out);
      case 7 -> keysOf(words, count, 7, stride, out);
      case 8 -> keysOf(words, count, 8, stride, out);
      default -> keysOf(words, count, k, stride, out);
    };
  }

  private static int keysOf(long[] words, int count, int k, int stride, long[] out) {
    int x = 0;
    for (int j = 0; j + k <= count; j += stride) {
      out[x++] = key(words, j, k);
    }
    return x;
  }

  /** {@code XOR_t rotl(words[j + t], k - 1 - t)}, before mixing. */
  static long runHash(long[] words, int j, int k) {
    // Horner's form: JDK 25.0.3's C2 vectorized a loop of words rotated by their index wrongly
    // (other results run to run; -XX:-UseSuperWord or JDK 17 gave the right ones).
    long g = 0;
    for (int t = 0; t < k; t++) {
      g = Long.rotateLeft(g, 1) ^ words[j + t];
    }
    return g;
  }
}
