package midtrain.data.internal.simd;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector janitor tokenizer. One pass classifies 64-byte blocks with byte vectors into
 * whitespace and punctuation bit masks and writes a lower-cased copy; a second pass walks token
 * boundaries with bit tricks and hashes each word 8 bytes at a time from the copy, cutting off
 * leading and trailing punctuation; only words with punctuation inside are compacted byte by byte.
 * {@link #hashWords} finds the words, not the tokens, from the masks of whole blocks.
 */
final class VectorTokenizer extends JanitorTokenizer {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // Long.expand (JDK 19 and later), looked up since the code is compiled for JDK 17: a constant
  // method handle that C2 inlines down to the intrinsic (a BMI2 PDEP instruction). Null on JDK 17
  // or with -Dmidtrain.data.expand=false (for CPUs whose PDEP is microcoded, such as AMD Zen 2).
  private static final MethodHandle EXPAND = findExpand();

  private static final VectorSpecies<Byte> S64 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Byte> S128 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Byte> S256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> S512 = ByteVector.SPECIES_512;

  // The byte ranges of pass 1 (classify): tab to carriage return and file separator to space are
  // whitespace; 0x21-0x2F, 0x3A-0x40, 0x5B-0x60 and 0x7B-0x7E are punctuation; 'A'-'Z' are
  // lower-cased. A byte is in [lo, hi] when b + (0x80 - lo), wrapping, is below -128 + (hi - lo +
  // 1)
  // as a signed byte: an add and one compare, where "b >= lo and b <= hi" took five instructions on
  // AVX2, which only has "greater than" and "equal" (JDK 17 and 25, 0.06 ns a byte of the scan).
  // Written out rather than in a helper method, which JDK 17's C2 compiled 1.5x slower.
  private static final byte ADD_TAB = rangeAdd(0x09);
  private static final byte BELOW_TAB = rangeBelow(0x09, 0x0D);
  private static final byte ADD_FS = rangeAdd(0x1C);
  private static final byte BELOW_FS = rangeBelow(0x1C, 0x20);
  private static final byte ADD_P1 = rangeAdd(0x21);
  private static final byte BELOW_P1 = rangeBelow(0x21, 0x2F);
  private static final byte ADD_P2 = rangeAdd(0x3A);
  private static final byte BELOW_P2 = rangeBelow(0x3A, 0x40);
  private static final byte ADD_P3 = rangeAdd(0x5B);
  private static final byte BELOW_P3 = rangeBelow(0x5B, 0x60);
  private static final byte ADD_P4 = rangeAdd(0x7B);
  private static final byte BELOW_P4 = rangeBelow(0x7B, 0x7E);
  private static final byte ADD_UP = rangeAdd('A');
  private static final byte BELOW_UP = rangeBelow('A', 'Z');
  // The same test for 0xE1 to 0xE3 (the byte arithmetic wraps the same way above 0x7F).
  private static final byte ADD_LEAD = rangeAdd(0xC0);
  private static final byte BELOW_LEAD = rangeBelow(0xC0, 0xFF);
  private static final byte ADD_E1 = rangeAdd(0xE1);
  private static final byte BELOW_E1 = rangeBelow(0xE1, 0xE3);

  private final int bits;
  private final boolean expand;
  private final byte[] tail = new byte[64];
  private byte[] low = new byte[4096 + 72];
  private long[] spaceMask = new long[66];
  private long[] punctMask = new long[66];
  private byte[] scratch = new byte[256];
  private long[] contMask = new long[66];
  private long[] joinStart = new long[66];
  // The last sampled text (hashSampledWords): whether any word has punctuation inside, and the
  // sampling.
  private boolean joinedWords;
  private int sampledK;
  private int sampledStride = 1;
  // Its blocks: how many, the index of each one's first word (and the word count after the last),
  // and each one's word starts.
  private int blockCount;
  private int[] blockWord = new int[66];
  private long[] blockStarts = new long[66];
  // The patterns of sampled words by phase, and the phase after c words (see patterns).
  private long[] patterns = new long[0];
  private byte[] phaseAfter = new byte[0];
  private int patternK = -1;
  private int patternStride = -1;
  // For the Unicode normalization (see hashFoldedWords): whether this call folds the text's
  // characters in low, and whether the last such text had one that is not simple.
  private boolean foldText;
  private boolean foldFailed;

  private static MethodHandle findExpand() {
    if (!Boolean.parseBoolean(System.getProperty("midtrain.data.expand", "true"))) {
      return null;
    }
    try {
      return MethodHandles.lookup()
          .findStatic(
              Long.class, "expand", MethodType.methodType(long.class, long.class, long.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  VectorTokenizer(int bits) {
    this(bits, EXPAND != null);
  }

  /** A tokenizer that picks sampled words with {@code Long.expand} or not (for tests). */
  VectorTokenizer(int bits, boolean expand) {
    if (bits != 64 && bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException("vector width must be 64, 128, 256 or 512: " + bits);
    }
    if (expand && EXPAND == null) {
      throw new IllegalArgumentException("Long.expand needs JDK 19 or later");
    }
    this.bits = bits;
    this.expand = expand;
  }

  @Override
  public int vectorBits() {
    return bits;
  }

  @Override
  public void tokenize(byte[] a, int off, int len, Tokens out) {
    out.clear();
    lastNonAscii = false;
    int blocks = (len + 63) >>> 6;
    ensure(len, blocks);
    classify(a, off, len, blocks);
    walk(a, off, len, blocks, out);
  }

  private void ensure(int len, int blocks) {
    if (low.length < len + 72) {
      low = new byte[Math.max(len + 72, low.length * 2)];
    }
    if (spaceMask.length < blocks + 2) {
      int n = Math.max(blocks + 2, spaceMask.length * 2);
      spaceMask = new long[n];
      punctMask = new long[n];
    }
    // Multi-byte spaces may set bits of the next block before it is classified, so each block
    // clears the next one's bits before marking them (see classify).
    spaceMask[0] = 0;
  }

  /** Pass 1: whitespace and punctuation masks, and the lower-cased copy in {@code low}. */
  private void classify(byte[] a, int off, int len, int blocks) {
    // A switch over constant species, once per text: the Vector API compiles to SIMD only when
    // the species is a constant where the vector operations are inlined.
    switch (bits) {
      case 512 -> classify(S512, a, off, len, blocks);
      case 256 -> classify(S256, a, off, len, blocks);
      case 128 -> classify(S128, a, off, len, blocks);
      default -> classify(S64, a, off, len, blocks);
    }
  }

  /**
   * Classifies every block of the text {@code a[off, off + len)} with vectors of one species.
   *
   * <p>The vector code appears once in this loop, for the partial last block too (which is read
   * from a padded copy): the Vector API's inlined methods make many compiler nodes, and a second
   * copy of them (a separate call for the last block, as before) made C2 stop inlining at its node
   * limit ({@code NodeCountInliningCutoff}), leaving the mask conversions or the word loop's
   * helpers as calls, 1.4x slower, depending on the order in which methods were compiled.
   */
  private void classify(VectorSpecies<Byte> species, byte[] a, int off, int len, int blocks) {
    int full = len >>> 6;
    long[] space = spaceMask;
    long[] punct = punctMask;
    for (int b = 0; b < blocks; b++) {
      int base = b << 6;
      byte[] src = a;
      int from = off + base;
      if (b == full) {
        // The last partial block, copied into a block padded with spaces, so that it takes the
        // vector path too (a scalar loop over it cost 5% of a scan of 2 KB documents): bits past
        // the end count as whitespace.
        System.arraycopy(a, from, tail, 0, len - base);
        Arrays.fill(tail, len - base, 64, (byte) ' ');
        src = tail;
        from = 0;
      }
      long sp = 0;
      long pu = 0;
      boolean high = false;
      for (int k = 0; k < 64; k += species.length()) {
        ByteVector v = ByteVector.fromArray(species, src, from + k);
        // Each range test is an add and one signed compare (see ADD_TAB).
        VectorMask<Byte> isSpace =
            v.add(ADD_TAB)
                .compare(VectorOperators.LT, BELOW_TAB)
                .or(v.add(ADD_FS).compare(VectorOperators.LT, BELOW_FS));
        VectorMask<Byte> isPunct =
            v.add(ADD_P1)
                .compare(VectorOperators.LT, BELOW_P1)
                .or(v.add(ADD_P2).compare(VectorOperators.LT, BELOW_P2))
                .or(v.add(ADD_P3).compare(VectorOperators.LT, BELOW_P3))
                .or(v.add(ADD_P4).compare(VectorOperators.LT, BELOW_P4));
        VectorMask<Byte> isUpper = v.add(ADD_UP).compare(VectorOperators.LT, BELOW_UP);
        VectorMask<Byte> isHigh = v.compare(VectorOperators.LT, (byte) 0);
        v.add((byte) 32, isUpper).intoArray(low, base + k);
        sp |= Masks.byteBits(species, isSpace) << k;
        pu |= Masks.byteBits(species, isPunct) << k;
        // Only whether there is a byte over 0x7F: no third mask conversion, which on JDK 17 is a
        // fold of vector operations that C2 stopped inlining at its node limit (a call a vector).
        high |= isHigh.anyTrue();
      }
      // Multi-byte spaces may set bits of the next block before it is classified: each block
      // clears the next one's bits before marking them.
      space[b + 1] = 0;
      space[b] |= sp;
      punct[b] = pu;
      if (high) {
        lastNonAscii = true;
        // Only the bytes that can start a multi-byte space (0xC2, 0xE1 to 0xE3), found with a
        // second look at the block: visiting every byte over 0x7F took 10% of a scan of
        // accented text (two visits per letter), and ASCII text never comes here.
        long leads = spaceLeads(species, src, from);
        if (leads != 0) {
          markSpaceSequences(a, off, len, base, leads);
        }
      }
    }
  }

  /** The bits of the bytes 0xC2 and 0xE1 to 0xE3 (those a multi-byte space starts with). */
  private static long spaceLeads(VectorSpecies<Byte> species, byte[] src, int from) {
    long leads = 0;
    for (int k = 0; k < 64; k += species.length()) {
      ByteVector v = ByteVector.fromArray(species, src, from + k);
      VectorMask<Byte> lead =
          v.compare(VectorOperators.EQ, (byte) 0xC2)
              .or(v.add(ADD_E1).compare(VectorOperators.LT, BELOW_E1));
      leads |= Masks.byteBits(species, lead) << k;
    }
    return leads;
  }

  /** The addend that moves {@code lo} (any byte value: the sum wraps) to the least signed byte. */
  static byte rangeAdd(int lo) {
    return (byte) (0x80 - lo);
  }

  /**
   * The signed bound below which {@code [lo, hi]} (at most 255 values), moved by {@link #rangeAdd},
   * lies.
   */
  static byte rangeBelow(int lo, int hi) {
    return (byte) (-128 + hi - lo + 1);
  }

  /** Marks the bytes of multi-byte spaces that start at the given bytes of one block. */
  private void markSpaceSequences(byte[] a, int off, int len, int base, long leads) {
    while (leads != 0) {
      int k = Long.numberOfTrailingZeros(leads);
      leads &= leads - 1;
      int p = base + k;
      int w = Chars.spaceSequence(a, off + p, off + len);
      for (int i = 0; i < w; i++) {
        spaceMask[(p + i) >>> 6] |= 1L << ((p + i) & 63);
      }
    }
  }

  /** Pass 2: token boundaries from the whitespace bits, then one hash per word. */
  private void walk(byte[] a, int off, int len, int blocks, Tokens out) {
    long carry = 0; // 1 when the previous block ended inside a token
    int start = -1;
    for (int b = 0; b < blocks; b++) {
      long non = ~spaceMask[b];
      long prev = (non << 1) | carry;
      long edges = non ^ prev;
      carry = non >>> 63;
      while (edges != 0) {
        int p = (b << 6) + Long.numberOfTrailingZeros(edges);
        edges &= edges - 1;
        if (start < 0) {
          start = p;
        } else {
          token(start, p, out);
          start = -1;
        }
      }
    }
    if (start >= 0) {
      token(start, len, out);
    }
  }

  private void token(int s, int e, Tokens out) {
    out.addToken(s, e);
    long h = wordHash(s, e);
    if (h != 0) {
      out.addWord(h, out.tokenCount - 1);
    }
  }

  /** The hash of the word of token {@code [s, e)}, 0 when the token is punctuation only. */
  private long wordHash(int s, int e) {
    int n = e - s;
    if (n <= 64) {
      // The token's punctuation bits, bit 0 = its first byte. Most words have none, or a run at
      // the start or the end ("(word", "word,"): those are hashed straight from the lower-cased
      // copy with the run cut off; only inner punctuation ("don't") needs compacting.
      long bits = punctBits(s, n);
      if (bits == 0) {
        return hashLow(s, n);
      }
      int lead = Long.numberOfTrailingZeros(~bits); // length of the leading run
      if (lead >= n) {
        return 0; // punctuation only: no word
      }
      long rest = bits & (-1L << lead);
      if (rest == 0) {
        return hashLow(s + lead, n - lead);
      }
      int tail = Long.numberOfTrailingZeros(rest);
      if (rest == ((-1L >>> (64 - n)) & (-1L << tail))) {
        // The rest is one run that reaches the end.
        return hashLow(s + lead, tail - lead);
      }
    }
    return compacted(s, e);
  }

  /**
   * Hashes the words found with bit arithmetic on whole blocks of masks. A word starts at a run of
   * kept bytes (neither whitespace nor punctuation) and is usually that run alone: one loop visits
   * the word starts of each block, takes the run's length from the kept bits after it (this block's
   * and the next one's), and hashes it from two masked 8-byte loads. A word that goes on past
   * punctuation inside its token ("don't") or is over 16 bytes takes a slower path.
   */
  @Override
  public void hashWords(byte[] a, int off, int len, Tokens out) {
    int blocks = (len + 63) >>> 6;
    boolean joined = prepare(a, off, len, blocks, out);
    if (foldFailed) {
      return; // the caller takes its own path (see hashFoldedWords)
    }
    long[] hashes = out.wordHash;
    byte[] lo = low;
    int words = 0;
    long keptBefore = 0; // 1 when the byte before the block is kept
    long kept = ~(spaceMask[0] | punctMask[0]);
    for (int b = 0; b < blocks; b++) {
      long next = ~(spaceMask[b + 1] | punctMask[b + 1]);
      long starts = kept & ~((kept << 1) | keptBefore);
      long slow = 0; // word starts of words joined across punctuation
      if (joined) {
        starts &= ~contMask[b];
        slow = joinStart[b];
      }
      keptBefore = kept >>> 63;
      int base = b << 6;
      long nextUp = next << 1; // see runLength
      while (starts != 0) {
        int bit = Long.numberOfTrailingZeros(starts);
        starts &= starts - 1;
        int length = runLength(kept, nextUp, bit);
        int s = base + bit;
        hashes[words++] =
            length > 16 | ((slow >>> bit) & 1) != 0 ? slowWord(s) : shortWord(lo, s, length);
      }
      kept = next;
    }
    out.wordCount = words;
  }

  /**
   * Finds every word's first byte from the masks of whole blocks, then hashes only the sampled
   * words; {@link #fillWords} hashes others later from the same masks.
   *
   * <p>Where {@code Long.expand} is compiled to one instruction (JDK 19 and later, on BMI2 CPUs),
   * the sampled words of a block are picked from its word starts all at once: the block's pattern
   * of sampled word indices (by the phase its first word has) is deposited onto its start bits, and
   * only the words that remain are visited. The other words then cost nothing: visiting every word
   * took 0.3 ns a byte of the word loop's 0.9 (see docs/decontamination.md).
   */
  @Override
  public void hashSampledWords(byte[] a, int off, int len, Tokens out, int k, int stride) {
    checkSampling(k, stride);
    int blocks = (len + 63) >>> 6;
    boolean joined = prepare(a, off, len, blocks, out);
    if (foldFailed) {
      return; // the caller takes its own path (see hashFoldedWords)
    }
    joinedWords = joined;
    sampledK = k;
    sampledStride = stride;
    blockCount = blocks;
    if (blockWord.length < blocks + 1) {
      blockWord = new int[spaceMask.length];
      blockStarts = new long[spaceMask.length];
    }
    boolean later =
        expand && stride <= 64
            ? sampledByExpand(joined, blocks, out, k, stride)
            : sampledByVisit(joined, blocks, out, k, stride);
    if (later) {
      // A sampled word's hash is never 0 (WordHash), so 0 marks those left for here.
      long[] hashes = out.wordHash;
      int words = out.wordCount;
      int b = 0;
      for (int j = 0; j < words; j += stride) {
        int e = Math.min(j + k, words);
        for (int i = j; i < e; i++) {
          if (hashes[i] == 0) {
            while (blockWord[b + 1] <= i) {
              b++;
            }
            hashes[i] = slowWord(wordStart(b, i));
          }
        }
      }
    }
  }

  /**
   * The sampled words of each block, picked from its word starts with {@code Long.expand}; returns
   * whether some were left at 0 for the slow path.
   */
  private boolean sampledByExpand(boolean joined, int blocks, Tokens out, int k, int stride) {
    if (k != patternK || stride != patternStride) {
      patterns(k, stride);
    }
    MethodHandle pdep = EXPAND;
    long[] pattern = patterns;
    byte[] after = phaseAfter;
    int[] first = blockWord;
    long[] startBits = blockStarts;
    long[] hashes = out.wordHash;
    byte[] lo = low;
    int words = 0;
    int phase = 0; // the index modulo the stride of the block's first word
    boolean later = false;
    long keptBefore = 0;
    long kept = ~(spaceMask[0] | punctMask[0]);
    for (int b = 0; b < blocks; b++) {
      long next = ~(spaceMask[b + 1] | punctMask[b + 1]);
      long starts = kept & ~((kept << 1) | keptBefore);
      long slow = 0;
      if (joined) {
        starts &= ~contMask[b];
        slow = joinStart[b];
      }
      keptBefore = kept >>> 63;
      first[b] = words;
      startBits[b] = starts;
      long sampled;
      try {
        sampled = (long) pdep.invokeExact(pattern[phase], starts);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
      int count = Long.bitCount(starts);
      phase = after[phase * 65 + count];
      int base = b << 6;
      long nextUp = next << 1;
      while (sampled != 0) {
        int bit = Long.numberOfTrailingZeros(sampled);
        sampled &= sampled - 1;
        // The word's index: the words before the block and the block's starts below this one.
        int w = words + Long.bitCount(starts & ((1L << bit) - 1));
        int s = base + bit;
        // As in hashWords; joined words and words over 16 bytes are left at 0 for after the loop
        // (a call to slowWord in it made C2 keep the loop's values on the stack).
        int length = runLength(kept, nextUp, bit);
        boolean other = length > 16 | ((slow >>> bit) & 1) != 0;
        long h = shortWord(lo, s, Math.min(length, 16));
        hashes[w] = other ? 0 : h;
        later |= other;
      }
      words += count;
      kept = next;
    }
    first[blocks] = words;
    out.wordCount = words;
    return later;
  }

  /**
   * The sampled words found by visiting every word start (where {@code Long.expand} is missing);
   * returns whether some were left at 0 for the slow path.
   */
  private boolean sampledByVisit(boolean joined, int blocks, Tokens out, int k, int stride) {
    int[] first = blockWord;
    long[] startBits = blockStarts;
    long[] hashes = out.wordHash;
    byte[] lo = low;
    int words = 0;
    int phase = 0; // the word's index modulo the stride
    boolean later = false;
    long keptBefore = 0; // 1 when the byte before the block is kept
    long kept = ~(spaceMask[0] | punctMask[0]);
    for (int b = 0; b < blocks; b++) {
      long next = ~(spaceMask[b + 1] | punctMask[b + 1]);
      long starts = kept & ~((kept << 1) | keptBefore);
      long slow = 0;
      if (joined) {
        starts &= ~contMask[b];
        slow = joinStart[b];
      }
      keptBefore = kept >>> 63;
      first[b] = words;
      startBits[b] = starts;
      int base = b << 6;
      long nextUp = next << 1;
      while (starts != 0) {
        int bit = Long.numberOfTrailingZeros(starts);
        starts &= starts - 1;
        int s = base + bit;
        long h = 0;
        if (phase < k) {
          int length = runLength(kept, nextUp, bit);
          boolean other = length > 16 | ((slow >>> bit) & 1) != 0;
          h = shortWord(lo, s, Math.min(length, 16));
          h = other ? 0 : h;
          later |= other;
        }
        hashes[words++] = h;
        phase = phase + 1 == stride ? 0 : phase + 1;
      }
      kept = next;
    }
    first[blocks] = words;
    out.wordCount = words;
    return later;
  }

  /**
   * Makes the patterns of sampled word indices: for each phase {@code p}, bit {@code i} is set when
   * the word {@code i} places after one of phase {@code p} is sampled; and the phase after {@code
   * c} words.
   */
  private void patterns(int k, int stride) {
    patterns = new long[stride];
    phaseAfter = new byte[stride * 65];
    for (int p = 0; p < stride; p++) {
      long m = 0;
      for (int i = 0; i < 64; i++) {
        m |= (p + i) % stride < k ? 1L << i : 0;
      }
      patterns[p] = m;
      for (int c = 0; c <= 64; c++) {
        phaseAfter[p * 65 + c] = (byte) ((p + c) % stride);
      }
    }
    patternK = k;
    patternStride = stride;
  }

  @Override
  public void fillWords(Tokens out, int from, int to) {
    if (from >= to) {
      return;
    }
    long[] hashes = out.wordHash;
    // The block of the first word, by binary search: the last with blockWord[b] <= from (a
    // document's runs that pass may be many, and its blocks too).
    int lo = 0;
    int hi = blockCount - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (blockWord[mid] <= from) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    int b = lo;
    for (int i = from; i < to; i++) {
      if (i % sampledStride < sampledK) {
        continue; // hashed by hashSampledWords
      }
      while (blockWord[b + 1] <= i) {
        b++;
      }
      hashes[i] = hashAt(wordStart(b, i));
    }
  }

  /** The first byte of word {@code i} of the last sampled text, which is in block {@code b}. */
  private int wordStart(int b, int i) {
    long starts = blockStarts[b];
    int r = i - blockWord[b];
    if (expand) {
      // The r-th start bit, at once: bit r deposited onto the start bits.
      try {
        starts = (long) EXPAND.invokeExact(1L << r, starts);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    } else {
      for (; r > 0; r--) {
        starts &= starts - 1;
      }
    }
    return (b << 6) + Long.numberOfTrailingZeros(starts);
  }

  /** The hash of the word that starts at {@code s} in the last sampled text. */
  private long hashAt(int s) {
    int b = s >>> 6;
    int bit = s & 63;
    // As in hashWords: the run's length from the kept bits of this block and the next (the masks
    // of the last text stay until the next call).
    long nextUp = ~(spaceMask[b + 1] | punctMask[b + 1]) << 1;
    long kept = ~(spaceMask[b] | punctMask[b]);
    int length = runLength(kept, nextUp, bit);
    return length > 16 || (joinedWords && ((joinStart[b] >>> bit) & 1) != 0)
        ? slowWord(s)
        : shortWord(low, s, length);
  }

  /**
   * The length of the run of kept bytes from bit {@code bit} of a block: the trailing ones of the
   * kept bits from there on, over this block and the next ({@code nextUp} is the next block's kept
   * bits shifted up by one, so that a shift by {@code 63 - bit} is never a shift by 64). At most
   * 64: a run that fills the window is over 16 bytes either way, and the slow path measures it.
   */
  private static int runLength(long kept, long nextUp, int bit) {
    return Long.numberOfTrailingZeros(~((kept >>> bit) | (nextUp << (63 - bit))));
  }

  /**
   * {@link WordHash#of} of a word of 1 to 16 bytes at {@code lo[s]}: one block from two 8-byte
   * loads masked to the word, the second half zero for words of up to 8 bytes. The masks come from
   * tables, which took the word loop from 0.88 to 0.76 ns a byte with the change below (computing
   * them with shifts and selects was a dozen instructions a word).
   */
  private static long shortWord(byte[] lo, int s, int length) {
    long c1 = (long) LONG_LE.get(lo, s) & WordHash.LOW_HALF[length];
    long c2 = (long) LONG_LE.get(lo, s + 8) & WordHash.HIGH_HALF[length];
    return WordHash.finish(WordHash.block(c1, c2), length);
  }

  @Override
  boolean hashFoldedWords(byte[] a, int off, int len, Tokens out, int k, int stride) {
    foldText = true;
    try {
      if (k == 0) {
        hashWords(a, off, len, out);
      } else {
        hashSampledWords(a, off, len, out, k, stride);
      }
      return !foldFailed;
    } finally {
      foldText = false;
      foldFailed = false;
    }
  }

  /**
   * Puts the Unicode normalization of each character above 0x7F in {@code low}, where it is simple
   * ({@link SimpleFold}) and its folded form as long: the folded bytes in its place, or its bits
   * set in the punctuation mask where it is deleted. The word loops then give the Unicode words.
   * Returns false at the first character that is not (or at bytes that are not UTF-8), and the
   * caller normalizes the text token by token.
   */
  private boolean foldSimple(byte[] a, int off, int len, int blocks) {
    return switch (bits) {
      case 512 -> foldSimple(S512, a, off, len, blocks);
      case 256 -> foldSimple(S256, a, off, len, blocks);
      case 128 -> foldSimple(S128, a, off, len, blocks);
      default -> foldSimple(S64, a, off, len, blocks);
    };
  }

  private boolean foldSimple(VectorSpecies<Byte> species, byte[] a, int off, int len, int blocks) {
    int full = len >>> 6;
    int high = 0; // bytes above 0x7F
    int folded = 0; // the bytes of the sequences folded (or found to be whitespace)
    for (int b = 0; b < blocks; b++) {
      int base = b << 6;
      // The last partial block from classify's copy of it, padded with spaces.
      byte[] src = b < full ? a : tail;
      int from = b < full ? off + base : 0;
      long leads = 0; // bytes 0xC0 and above: the first of a sequence
      for (int k = 0; k < 64; k += species.length()) {
        ByteVector v = ByteVector.fromArray(species, src, from + k);
        leads |=
            Masks.byteBits(species, v.add(ADD_LEAD).compare(VectorOperators.LT, BELOW_LEAD)) << k;
        high += Long.bitCount(Masks.byteBits(species, v.compare(VectorOperators.LT, (byte) 0)));
      }
      while (leads != 0) {
        int bit = Long.numberOfTrailingZeros(leads);
        leads &= leads - 1;
        int n = foldAt(a, off, len, base + bit, ((spaceMask[b] >>> bit) & 1) != 0);
        if (n < 0) {
          return false;
        }
        folded += n;
      }
    }
    // A byte above 0x7F in no sequence is a stray continuation byte: not UTF-8.
    return folded == high;
  }

  /**
   * Folds the character at byte {@code p} of the text (see {@link #foldSimple}); returns its length
   * in bytes, or -1 where it is not simple or not UTF-8.
   */
  private int foldAt(byte[] a, int off, int len, int p, boolean space) {
    int i = off + p;
    int n = Chars.utf8SequenceLength(a, i, off + len);
    if (n < 0) {
      return -1; // not UTF-8
    }
    if (space) {
      return n; // marked whitespace by classify
    }
    int cp = Chars.decode(a, i, n);
    int f = SimpleFold.entry(cp);
    if (f == SimpleFold.DELETED) {
      for (int q = p; q < p + n; q++) {
        punctMask[q >>> 6] |= 1L << q;
      }
      return n;
    }
    if (f < 0) {
      // Several characters (ß to ss): in place where they take as many bytes.
      byte[] piece = SimpleFold.piece(f);
      if (piece.length != n) {
        return -1;
      }
      System.arraycopy(piece, 0, low, p, n);
      return n;
    }
    if (f == SimpleFold.NOT_SIMPLE || Chars.utf8Length(f) != n) {
      return -1; // the folded form is longer or shorter: the word loops need it in place
    }
    if (f != cp) { // most letters are lower case already, in place
      Chars.encode(low, p, f);
    }
    return n;
  }

  /**
   * Classifies a text's blocks and marks its joined words, for {@link #hashWords} and {@link
   * #hashSampledWords}; returns whether any word has punctuation inside.
   */
  private boolean prepare(byte[] a, int off, int len, int blocks, Tokens out) {
    out.clear();
    lastNonAscii = false;
    ensure(len, blocks);
    classify(a, off, len, blocks);
    if (foldText) {
      foldFailed = lastNonAscii && !foldSimple(a, off, len, blocks);
      if (foldFailed) {
        return false;
      }
    }
    // Past the end is whitespace: no run goes on into it.
    spaceMask[blocks] = -1L;
    punctMask[blocks] = 0;
    out.ensureWords((len + 1) >>> 1); // a word takes a byte and a separator
    return markJoined(blocks);
  }

  /**
   * Marks punctuation inside tokens: in {@code contMask}, the kept runs that continue a word after
   * it, and in {@code joinStart}, the first byte of each word that has such a run.
   *
   * <p>A punctuation run that follows a kept byte is "started" by adding its first bit, which
   * carries through the run to the byte after it; where that byte is kept, the run is inside a
   * word. Such words are rare, so their starts are found by walking back, byte by byte.
   *
   * @return whether any word has punctuation inside it
   */
  private boolean markJoined(int blocks) {
    if (contMask.length < spaceMask.length) {
      contMask = new long[spaceMask.length];
      joinStart = new long[spaceMask.length];
    }
    long any = 0;
    long keptBefore = 0;
    long punctBefore = 0;
    long carry = 0;
    for (int b = 0; b < blocks; b++) {
      long punct = punctMask[b];
      long kept = ~(spaceMask[b] | punct);
      long after = punct & ~((punct << 1) | punctBefore) & ((kept << 1) | keptBefore);
      long sum = punct + after + carry;
      carry = (punct & ~sum) >>> 63;
      long continues = sum & ~punct & kept;
      contMask[b] = continues;
      any |= continues;
      keptBefore = kept >>> 63;
      punctBefore = punct >>> 63;
    }
    contMask[blocks] = 0;
    if (any == 0) {
      return false;
    }
    Arrays.fill(joinStart, 0, blocks + 1, 0L);
    for (int b = 0; b < blocks; b++) {
      for (long c = contMask[b]; c != 0; c &= c - 1) {
        int q = (b << 6) + Long.numberOfTrailingZeros(c);
        // Back over the punctuation, then over the kept run before it, to that run's start. A
        // word's first continuation leads to the word's start; later ones lead to a continuation,
        // which is not a word start and needs no mark.
        q--;
        while (isPunct(q)) {
          q--;
        }
        while (q > 0 && isKept(q - 1)) {
          q--;
        }
        joinStart[q >>> 6] |= isContinuation(q) ? 0 : 1L << q;
      }
    }
    return true;
  }

  /** The hash of the word that starts at {@code s}: its runs joined, or one run over 16 bytes. */
  private long slowWord(int s) {
    int first = runEnd(s);
    int e = first;
    while (true) {
      int p = e;
      while (isPunct(p)) {
        p++;
      }
      if (p == e || !isKept(p)) {
        break;
      }
      // A kept byte right after punctuation that follows a kept byte: the word goes on.
      e = runEnd(p);
    }
    return e == first ? hashLow(s, e - s) : compacted(s, e);
  }

  private int runEnd(int p) {
    while (isKept(p)) {
      p++;
    }
    return p;
  }

  private boolean isKept(int p) {
    return (((spaceMask[p >>> 6] | punctMask[p >>> 6]) >>> p) & 1) == 0;
  }

  private boolean isPunct(int p) {
    return ((punctMask[p >>> 6] >>> p) & 1) != 0;
  }

  private boolean isContinuation(int p) {
    return ((contMask[p >>> 6] >>> p) & 1) != 0;
  }

  /** The hash of the kept bytes of {@code low[s, e)}, its punctuation left out; 0 for none. */
  private long compacted(int s, int e) {
    int n = e - s;
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length * 2)];
    }
    int k = 0;
    for (int i = s; i < e; i++) {
      if ((punctMask[i >>> 6] & (1L << (i & 63))) == 0) {
        scratch[k++] = low[i];
      }
    }
    return k > 0 ? WordHash.of(scratch, 0, k) : 0;
  }

  /** {@link WordHash#of} of {@code low[s, s + n)}, a block per 16 bytes; {@code n >= 1}. */
  private long hashLow(int s, int n) {
    long h = 0;
    for (int r = 0; r < n; r += 16) {
      // The last block's halves masked to the word (low has room for 16 bytes past the text).
      int left = n - r;
      long c1 = (long) LONG_LE.get(low, s + r);
      long c2 = (long) LONG_LE.get(low, s + r + 8);
      if (left < 16) {
        c2 = left > 8 ? c2 & (-1L >>> (64 - 8 * (left - 8))) : 0;
        c1 = left < 8 ? c1 & (-1L >>> (64 - 8 * left)) : c1;
      }
      long x = WordHash.block(c1, c2);
      h = r == 0 ? x : WordHash.chain(h, x);
    }
    return WordHash.finish(h, n);
  }

  /** The punctuation bits of {@code [s, s + n)}, {@code 1 <= n <= 64}, bit 0 for byte {@code s}. */
  private long punctBits(int s, int n) {
    int b = s >>> 6;
    int r = s & 63;
    long bits = punctMask[b] >>> r;
    if (r + n > 64) {
      bits |= punctMask[b + 1] << (64 - r);
    }
    return bits & (-1L >>> (64 - n));
  }
}
