package midtrain.data.internal.simd;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The minimizer of every n-gram: of the {@code w = n - k + 1} runs of {@code k} consecutive words
 * inside it, the smallest run hash ({@link #key} mixes it to 64 bits for a filter).
 *
 * <p>Why: an n-gram of a document can only equal a benchmark n-gram when their minimizers are
 * equal, since a minimizer depends on the n-gram's words alone. The minimizers of a benchmark are
 * about a fifth as many as its n-grams (neighbouring n-grams share them), so their filter is small
 * enough to stay in a core's L2 cache, where the n-gram filter is megabytes and its probes miss.
 * Only the n-grams whose minimizer passes go on to the n-gram filter.
 *
 * <p>A run hash is {@code XOR_t rotl(word[j + t], k - 1 - t)} over its {@code k} word hashes
 * (rolled with two rotations and two XORs a word), multiplied by an odd constant and cut to its
 * high 32 bits, compared as signed ints. The scalar kernel is the fallback and the test oracle; the
 * vector kernel takes the minimum over a vector of n-grams at once.
 */
public abstract class Minimizers {
  static final long RUN_MUL = 0xD6E8FEB86659FD93L;

  final int n;
  final int k;
  final int w;
  int[] runs = new int[1024];

  Minimizers(int n) {
    if (n < 2) {
      throw new IllegalArgumentException("minimizers need n of at least 2, got " + n);
    }
    this.n = n;
    this.k = runLength(n);
    this.w = n - k + 1;
  }

  /**
   * Returns the words per run for n-grams of {@code n} words: about half of {@code n} minus one, so
   * that each n-gram has several runs to choose from and a run is rarely a stock phrase.
   *
   * @param n words per n-gram, at least 2
   * @return words per run
   */
  public static int runLength(int n) {
    return Math.max(1, n / 2 - 1);
  }

  /**
   * Creates the kernel with the default width.
   *
   * @param n words per n-gram, at least 2
   * @return the kernel; one per thread (it keeps scratch)
   */
  public static Minimizers create(int n) {
    return create(n, Kernels.defaultBits());
  }

  /**
   * Creates the kernel with a given width.
   *
   * @param n words per n-gram, at least 2
   * @param bits 0 for scalar, else 64, 128, 256 or 512
   * @return the kernel
   */
  public static Minimizers create(int n, int bits) {
    return bits == 0 ? new Scalar(n) : new Vector(n, bits);
  }

  /**
   * Computes the minimizer of every n-gram of {@code words[0..count)}.
   *
   * @param words word hashes
   * @param count number of words
   * @param out receives {@code max(0, count - n + 1)} minimizers
   * @return the number of n-grams
   */
  public final int hash(long[] words, int count, int[] out) {
    int grams = count - n + 1;
    if (grams <= 0) {
      return 0;
    }
    int r = count - k + 1;
    if (runs.length < r + 16) {
      runs = new int[Math.max(r + 16, runs.length * 2)];
    }
    // Horner's form, not an XOR of words rotated by their index: JDK 25.0.3's C2 vectorizes
    // such a reduction loop wrongly (it gives other results run to run; -XX:-UseSuperWord or
    // JDK 17 give the right ones).
    long g = 0;
    for (int t = 0; t < k; t++) {
      g = Long.rotateLeft(g, 1) ^ words[t];
    }
    runs[0] = (int) ((g * RUN_MUL) >>> 32);
    for (int j = 1; j < r; j++) {
      g = Long.rotateLeft(g ^ Long.rotateLeft(words[j - 1], k - 1), 1) ^ words[j + k - 1];
      runs[j] = (int) ((g * RUN_MUL) >>> 32);
    }
    minima(grams, out);
    return grams;
  }

  /** Fills {@code out[0..grams)} with the minimum of {@code runs[i..i + w)}. */
  abstract void minima(int grams, int[] out);

  /**
   * Mixes a minimizer to 64 well-spread bits, the key of a filter (a minimum has small values).
   *
   * @param min a minimizer
   * @return its key
   */
  public static long key(int min) {
    return NgramHasher.mix(min ^ 0x5851F42D4C957F2DL);
  }

  /** The minimum computed run by run: the fallback and test oracle. */
  static final class Scalar extends Minimizers {
    Scalar(int n) {
      super(n);
    }

    @Override
    void minima(int grams, int[] out) {
      for (int i = 0; i < grams; i++) {
        int m = runs[i];
        for (int j = 1; j < w; j++) {
          m = Math.min(m, runs[i + j]);
        }
        out[i] = m;
      }
    }
  }

  /** The minimum over a vector of n-grams at once: w shifted loads and w - 1 lane-wise minima. */
  static final class Vector extends Minimizers {
    private static final VectorSpecies<Integer> S64 = IntVector.SPECIES_64;
    private static final VectorSpecies<Integer> S128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> S256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> S512 = IntVector.SPECIES_512;

    private final int bits;

    Vector(int n, int bits) {
      super(n);
      if (bits != 64 && bits != 128 && bits != 256 && bits != 512) {
        throw new IllegalArgumentException("vector width must be 64, 128, 256 or 512: " + bits);
      }
      this.bits = bits;
    }

    @Override
    void minima(int grams, int[] out) {
      // Constant species per branch, so that the vector operations compile to SIMD.
      int i =
          switch (bits) {
            case 512 -> vectors(S512, grams, out);
            case 256 -> vectors(S256, grams, out);
            case 128 -> vectors(S128, grams, out);
            default -> vectors(S64, grams, out);
          };
      for (; i < grams; i++) {
        int m = runs[i];
        for (int j = 1; j < w; j++) {
          m = Math.min(m, runs[i + j]);
        }
        out[i] = m;
      }
    }

    private int vectors(VectorSpecies<Integer> species, int grams, int[] mins) {
      int upper = species.loopBound(grams);
      int i = 0;
      for (; i < upper; i += species.length()) {
        IntVector m = IntVector.fromArray(species, runs, i);
        for (int j = 1; j < w; j++) {
          m = m.min(IntVector.fromArray(species, runs, i + j));
        }
        m.intoArray(mins, i);
      }
      return i;
    }
  }
}
