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
