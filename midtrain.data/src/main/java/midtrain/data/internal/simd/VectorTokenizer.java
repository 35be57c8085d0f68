package midtrain.data.internal.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

  private static final VectorSpecies<Byte> S64 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Byte> S128 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Byte> S256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> S512 = ByteVector.SPECIES_512;

  private final int bits;
  private final long[] acc = new long[3];
  private byte[] low = new byte[4096 + 72];
  private long[] spaceMask = new long[66];
  private long[] punctMask = new long[66];
  private byte[] scratch = new byte[256];
  private int[] starts = new int[256];
  private int[] runEnds = new int[256];

  VectorTokenizer(int bits) {
    if (bits != 64 && bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException("vector width must be 64, 128, 256 or 512: " + bits);
    }
    this.bits = bits;
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
    int full = len >>> 6;
    for (int b = 0; b < full; b++) {
      long space = 0;
      long punct = 0;
      long high = 0;
      int base = b << 6;
      spaceMask[b + 1] = 0;
      acc[0] = 0;
      acc[1] = 0;
      acc[2] = 0;
      // A switch over constant species: the Vector API compiles to SIMD only when the species is
      // a constant where the vector operations are inlined.
      switch (bits) {
        case 512 -> classify(S512, a, off + base, base, acc);
        case 256 -> classify(S256, a, off + base, base, acc);
        case 128 -> classify(S128, a, off + base, base, acc);
        default -> classify(S64, a, off + base, base, acc);
      }
      space = acc[0];
      punct = acc[1];
      high = acc[2];
      spaceMask[b] |= space;
      punctMask[b] = punct;
      if (high != 0) {
        lastNonAscii = true;
        markSpaceSequences(a, off, len, base, high);
      }
    }
    if (full < blocks) {
      classifyTail(a, off, len, full);
    }
  }

  /** Classifies one 64-byte block with vectors of one species, lower-casing into {@code low}. */
  private void classify(VectorSpecies<Byte> species, byte[] a, int from, int to, long[] acc) {
    for (int k = 0; k < 64; k += species.length()) {
      ByteVector v = ByteVector.fromArray(species, a, from + k);
      VectorMask<Byte> sp =
          v.compare(VectorOperators.GE, (byte) 0x09)
              .and(v.compare(VectorOperators.LE, (byte) 0x0D))
              .or(
                  v.compare(VectorOperators.GE, (byte) 0x1C)
                      .and(v.compare(VectorOperators.LE, (byte) 0x20)));
      VectorMask<Byte> pu =
          v.compare(VectorOperators.GE, (byte) 0x21)
              .and(v.compare(VectorOperators.LE, (byte) 0x2F))
              .or(
                  v.compare(VectorOperators.GE, (byte) 0x3A)
                      .and(v.compare(VectorOperators.LE, (byte) 0x40)))
              .or(
                  v.compare(VectorOperators.GE, (byte) 0x5B)
                      .and(v.compare(VectorOperators.LE, (byte) 0x60)))
              .or(
                  v.compare(VectorOperators.GE, (byte) 0x7B)
                      .and(v.compare(VectorOperators.LE, (byte) 0x7E)));
      VectorMask<Byte> up =
          v.compare(VectorOperators.GE, (byte) 'A').and(v.compare(VectorOperators.LE, (byte) 'Z'));
      VectorMask<Byte> hi = v.compare(VectorOperators.LT, (byte) 0);
      v.add((byte) 32, up).intoArray(low, to + k);
      acc[0] |= sp.toLong() << k;
      acc[1] |= pu.toLong() << k;
      acc[2] |= hi.toLong() << k;
    }
  }

  /** Scalar tail: the last partial block; bits past the end count as whitespace. */
  private void classifyTail(byte[] a, int off, int len, int b) {
    int base = b << 6;
    spaceMask[b + 1] = 0;
    long space = 0;
    long punct = 0;
    long high = 0;
    for (int k = 0; k < 64; k++) {
      int p = base + k;
      if (p >= len) {
        space |= 1L << k;
        continue;
      }
      int c = a[off + p] & 0xFF;
      if (c >= 0x80) {
        high |= 1L << k;
      } else if (Chars.isAsciiSpace(c)) {
        space |= 1L << k;
      } else if (Chars.isAsciiPunct(c)) {
        punct |= 1L << k;
      } else if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      low[p] = (byte) c;
    }
    spaceMask[b] |= space;
    punctMask[b] = punct;
    if (high != 0) {
      lastNonAscii = true;
      markSpaceSequences(a, off, len, base, high);
    }
  }

  /** Marks the bytes of multi-byte spaces that start at the high bytes of one block. */
  private void markSpaceSequences(byte[] a, int off, int len, int base, long high) {
    while (high != 0) {
      int k = Long.numberOfTrailingZeros(high);
      high &= high - 1;
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
   * Hashes the words from runs of kept bytes (neither whitespace nor punctuation) found with bit
   * arithmetic on whole blocks: a word is one run, or several runs joined by punctuation inside a
   * token ("don't"), which are flagged and compacted. The per-word loop then only loads a run's two
   * ends and hashes it.
   */
  @Override
  public void hashWords(byte[] a, int off, int len, Tokens out) {
    out.clear();
    lastNonAscii = false;
    int blocks = (len + 63) >>> 6;
    ensure(len, blocks);
    classify(a, off, len, blocks);
    // Past the end is whitespace: no run goes on into it.
    spaceMask[blocks] = -1L;
    punctMask[blocks] = 0;
    int max = ((len + 1) >>> 1) + 1; // a run takes a byte and a separator; one more for a sentinel
    if (starts.length < max) {
      starts = new int[Math.max(max, starts.length * 2)];
      runEnds = new int[starts.length];
    }
    out.ensureWords(max);
    int runs = 0;
    int ends = 0;
    long keptBefore = 0; // 1 when the byte before the block is kept
    long punctBefore = 0; // 1 when it is punctuation
    long carry = 0; // the carry out of the previous block's run addition
    long kept = ~(spaceMask[0] | punctMask[0]);
    boolean joined = false; // whether a run continues a word
    for (int b = 0; b < blocks; b++) {
      long punct = punctMask[b];
      long next = ~(spaceMask[b + 1] | punctMask[b + 1]);
      long first = kept & ~((kept << 1) | keptBefore);
      long last = kept & ~((kept >>> 1) | (next << 63));
      // Punctuation inside a token: a punctuation run that follows a kept byte is "started" by
      // adding its first bit, which carries through the run to the byte after it; where that is
      // kept, the run is inside a word and the kept run after it continues the word.
      long after = punct & ~((punct << 1) | punctBefore) & ((kept << 1) | keptBefore);
      long sum = punct + after + carry;
      carry = (punct & ~sum) >>> 63;
      long continues = sum & ~punct & kept;
      joined |= continues != 0;
      keptBefore = kept >>> 63;
      punctBefore = punct >>> 63;
      int base = b << 6;
      while (first != 0) {
        int bit = Long.numberOfTrailingZeros(first);
        starts[runs++] = (base + bit) | (int) ((continues >>> bit) & 1) << 31;
        first &= first - 1;
      }
      while (last != 0) {
        runEnds[ends++] = base + Long.numberOfTrailingZeros(last);
        last &= last - 1;
      }
      kept = next;
    }
    starts[runs] = 0; // not a continuation
    // One counted loop hashes every run as a word of up to 16 bytes (two 8-byte chunks masked to
    // the run, hashed as WordHash.of, the second step kept only for runs over 8 bytes: a select,
    // not a branch). The rare longer runs, and runs joined by punctuation inside a token, are
    // mended after it, so that the loop has no branch and no loop-carried index to keep it from
    // being compiled as a plain counted loop (about an eighth of hashWords' time).
    long[] hashes = out.wordHash;
    byte[] lo = low;
    int[] st = starts;
    int[] en = runEnds;
    int over = 0; // negative when a run is over 16 bytes
    for (int j = 0; j < runs; j++) {
      int s = st[j] & 0x7FFFFFFF;
      int length = en[j] + 1 - s;
      over |= 16 - length;
      int k2 = Math.max(length - 8, 0);
      long c1 = (long) LONG_LE.get(lo, s) & (-1L >>> (64 - 8 * (length - k2)));
      long c2 = (long) LONG_LE.get(lo, s + 8) & (-1L >>> (64 - 8 * k2)) & (-(long) k2 >> 63);
      long h1 = WordHash.step(WordHash.start(length), c1);
      long h2 = WordHash.step(h1, c2);
      hashes[j] = WordHash.finish(h1 ^ ((h1 ^ h2) & ((long) (8 - length) >> 63)));
    }
    int words = runs;
    if (over < 0 || joined) {
      words = 0;
      for (int j = 0; j < runs; j++) {
        int s = st[j];
        if (st[j + 1] < 0) {
          // Runs joined by punctuation inside the token: one word, compacted.
          int k = j + 1;
          while (st[k + 1] < 0) {
            k++;
          }
          hashes[words++] = compacted(s & 0x7FFFFFFF, en[k] + 1);
          j = k;
          continue;
        }
        s &= 0x7FFFFFFF;
        int length = en[j] + 1 - s;
        hashes[words++] = length > 16 ? hashLow(s, length) : hashes[j];
      }
    }
    out.wordCount = words;
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

  /** {@link WordHash#of} of {@code low[s, s + n)}, 8 bytes per step; {@code n >= 1}. */
  private long hashLow(int s, int n) {
    long h = WordHash.start(n);
    int p = s;
    while (n > 8) {
      h = WordHash.step(h, (long) LONG_LE.get(low, p));
      p += 8;
      n -= 8;
    }
    h = WordHash.step(h, (long) LONG_LE.get(low, p) & (-1L >>> (64 - 8 * n)));
    return WordHash.finish(h);
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
