package midtrain.data.internal.fasttext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * fastText's dictionary: words then labels, each with its count; the word and character n-gram
 * hashing; and the tokenizer of one input line.
 *
 * <p>Lookups use an open-addressing table of our own (fastText's table layout is not part of the
 * file), keyed by the same FNV-1a hash fastText computes over signed chars.
 */
public final class Dictionary {
  /** The end-of-sentence token fastText adds for every newline. */
  public static final byte[] EOS = "</s>".getBytes(StandardCharsets.US_ASCII);

  static final byte TYPE_WORD = 0;
  static final byte TYPE_LABEL = 1;

  private static final int FNV_OFFSET = 0x811C9DC5;
  private static final int FNV_PRIME = 16777619;
  private static final boolean[] SPACE = new boolean[256];

  static {
    for (char c : new char[] {' ', '\n', '\r', '\t', 0x0B, '\f', 0}) {
      SPACE[c] = true;
    }
  }

  final byte[][] words;
  final long[] counts;
  final byte[] types;
  final int nwords;
  final int nlabels;
  final long ntokens;
  final long pruneidxSize;
  final IntIntMap pruneidx;
  private final byte[] labelPrefix;
  private final int minn;
  private final int maxn;
  private final int bucket;
  private final int wordNgrams;
  private final int[] hashes;
  private final int[] table;
  private final int mask;
  private final int[][] subwords;
  private final int eosHash;

  /**
   * Builds a dictionary from its entries, words first.
   *
   * @param words the entries' bytes
   * @param counts their counts
   * @param types {@code 0} word, {@code 1} label
   * @param nwords the number of words
   * @param ntokens the number of tokens read when building
   * @param pruneidxSize {@code -1} when not pruned, else the number of kept n-gram buckets
   * @param pruneidx bucket to row offset of kept n-grams, when pruned
   * @param labelPrefix the label prefix of unknown tokens
   * @param minn shortest character n-gram
   * @param maxn longest character n-gram; 0 for none
   * @param bucket number of n-gram buckets
   * @param wordNgrams longest word n-gram
   */
  Dictionary(
      byte[][] words,
      long[] counts,
      byte[] types,
      int nwords,
      long ntokens,
      long pruneidxSize,
      IntIntMap pruneidx,
      byte[] labelPrefix,
      int minn,
      int maxn,
      int bucket,
      int wordNgrams) {
    this.words = words;
    this.counts = counts;
    this.types = types;
    this.nwords = nwords;
    this.nlabels = words.length - nwords;
    this.ntokens = ntokens;
    this.pruneidxSize = pruneidxSize;
    this.pruneidx = pruneidx;
    this.labelPrefix = labelPrefix;
    this.minn = minn;
    this.maxn = maxn;
    this.bucket = bucket;
    this.wordNgrams = wordNgrams;
    int n = words.length;
    this.hashes = new int[n];
    int cap = Integer.highestOneBit(Math.max(4, n * 2 + 1)) << 1;
    this.table = new int[cap];
    this.mask = cap - 1;
    Arrays.fill(table, -1);
    for (int i = 0; i < n; i++) {
      int h = hash(words[i], 0, words[i].length);
      hashes[i] = h;
      int slot = h & mask;
      while (table[slot] != -1) {
        slot = (slot + 1) & mask;
      }
      table[slot] = i;
    }
    this.eosHash = hash(EOS, 0, EOS.length);
    if (maxn > 0) {
      subwords = new int[nwords][];
      IntList tmp = new IntList();
      for (int i = 0; i < nwords; i++) {
        tmp.clear();
        tmp.add(i);
        if (!Arrays.equals(words[i], EOS)) {
          computeSubwords(bracket(words[i], 0, words[i].length), words[i].length + 2, tmp);
        }
        subwords[i] = tmp.toArray();
      }
    } else {
      subwords = null;
    }
  }

  /** fastText's hash: FNV-1a over the bytes taken as signed chars. */
  static int hash(byte[] b, int off, int len) {
    int h = FNV_OFFSET;
    for (int i = off; i < off + len; i++) {
      h = (h ^ b[i]) * FNV_PRIME;
    }
    return h;
  }

  /** Returns the id of a token, or -1. */
  int find(byte[] b, int off, int len, int h) {
    int slot = h & mask;
    while (true) {
      int id = table[slot];
      if (id < 0) {
        return -1;
      }
      if (hashes[id] == h) {
        byte[] w = words[id];
        if (w.length == len && Arrays.equals(w, 0, len, b, off, off + len)) {
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Returns the id of a word or label, or -1. */
  public int find(byte[] token) {
    return find(token, 0, token.length, hash(token, 0, token.length));
  }

  /** Returns the number of words. */
  public int nwords() {
    return nwords;
  }

  /** Returns the number of labels. */
  public int nlabels() {
    return nlabels;
  }

  /** Returns the bytes of label {@code i}. */
  public byte[] label(int i) {
    return words[nwords + i];
  }

  /** Returns the bytes of entry {@code i}. */
  public byte[] word(int i) {
    return words[i];
  }

  /** Returns the ids of word {@code i} and its character n-grams. */
  int[] subwords(int i) {
    return subwords == null ? new int[] {i} : subwords[i];
  }

  /** Returns the label counts, in label order. */
  long[] labelCounts() {
    return Arrays.copyOfRange(counts, nwords, words.length);
  }

  private static byte[] bracket(byte[] b, int off, int len) {
    byte[] w = new byte[len + 2];
    w[0] = '<';
    System.arraycopy(b, off, w, 1, len);
    w[len + 1] = '>';
    return w;
  }

  /** fastText's computeSubwords over {@code <word>}, UTF-8 aware, hashing incrementally. */
  private void computeSubwords(byte[] w, int len, IntList out) {
    for (int i = 0; i < len; i++) {
      if ((w[i] & 0xC0) == 0x80) {
        continue;
      }
      int h = FNV_OFFSET;
      for (int j = i, n = 1; j < len && n <= maxn; n++) {
        h = (h ^ w[j++]) * FNV_PRIME;
        while (j < len && (w[j] & 0xC0) == 0x80) {
          h = (h ^ w[j++]) * FNV_PRIME;
        }
        if (n >= minn && !(n == 1 && (i == 0 || j == len)) && bucket > 0) {
          pushHash(out, Integer.remainderUnsigned(h, bucket));
        }
      }
    }
  }

  private void pushHash(IntList out, int id) {
    if (pruneidxSize == 0 || id < 0) {
      return;
    }
    if (pruneidxSize > 0) {
      id = pruneidx.get(id);
      if (id < 0) {
        return;
      }
    }
    out.add(nwords + id);
  }

  /** Scratch space of one tokenizing thread. */
  public static final class Scratch {
    final IntList hashes = new IntList();
    byte[] word = new byte[64];
  }

  /**
   * Reads one line as fastText's supervised {@code getLine}: tokens split at space, tab, CR, LF,
   * VT, FF and NUL; a newline is the token {@code </s>}, which ends the line, as does a literal
   * {@code </s>} token.
   *
   * @param b the bytes
   * @param from where the line starts
   * @param to the end of the available bytes (the line ends at its first newline)
   * @param words receives word, subword and word n-gram ids
   * @param labels receives label indices (0-based), may be null
   * @param s scratch space
   * @return the position after what was consumed, in the low 32 bits, and the number of tokens in
   *     the high 32 bits
   */
  public long getLine(byte[] b, int from, int to, IntList words, IntList labels, Scratch s) {
    words.clear();
    if (labels != null) {
      labels.clear();
    }
    IntList hs = s.hashes;
    hs.clear();
    int ntok = 0;
    int i = from;
    while (i < to) {
      int c = b[i] & 0xFF;
      if (SPACE[c]) {
        i++;
        if (c == '\n') {
          ntok++;
          token(EOS, 0, EOS.length, eosHash, true, words, labels, s);
          break;
        }
        continue;
      }
      int start = i;
      int h = FNV_OFFSET;
      while (i < to && !SPACE[b[i] & 0xFF]) {
        h = (h ^ b[i]) * FNV_PRIME;
        i++;
      }
      ntok++;
      int len = i - start;
      boolean eos = len == 4 && h == eosHash && Arrays.equals(b, start, i, EOS, 0, 4);
      token(b, start, len, h, eos, words, labels, s);
      if (eos) {
        break;
      }
    }
    addWordNgrams(words, hs);
    return ((long) ntok << 32) | i;
  }

  private void token(
      byte[] b, int off, int len, int h, boolean eos, IntList words, IntList labels, Scratch s) {
    int wid = find(b, off, len, h);
    boolean label =
        wid < 0
            ? len >= labelPrefix.length
                && Arrays.equals(
                    b, off, off + labelPrefix.length, labelPrefix, 0, labelPrefix.length)
            : types[wid] == TYPE_LABEL;
    if (!label) {
      if (wid < 0) {
        if (!eos && maxn > 0) {
          if (s.word.length < len + 2) {
            s.word = new byte[Math.max(len + 2, s.word.length * 2)];
          }
          byte[] w = s.word;
          w[0] = '<';
          System.arraycopy(b, off, w, 1, len);
          w[len + 1] = '>';
          computeSubwords(w, len + 2, words);
        }
      } else if (subwords == null) {
        words.add(wid);
      } else {
        words.addAll(subwords[wid]);
      }
      s.hashes.add(h);
    } else if (wid >= 0 && labels != null) {
      labels.add(wid - nwords);
    }
  }

  private void addWordNgrams(IntList line, IntList hs) {
    if (wordNgrams <= 1 || bucket <= 0) {
      return;
    }
    int n = hs.size;
    int[] a = hs.a;
    for (int i = 0; i < n; i++) {
      long h = a[i];
      for (int j = i + 1; j < n && j < i + wordNgrams; j++) {
        h = h * 116049371L + a[j];
        pushHash(line, (int) Long.remainderUnsigned(h, bucket));
      }
    }
  }

  /**
   * Reads the dictionary part of a model file.
   *
   * @param in the reader
   * @param labelPrefix the label prefix
   * @param minn shortest character n-gram
   * @param maxn longest character n-gram
   * @param bucket number of buckets
   * @param wordNgrams longest word n-gram
   * @return the dictionary
   */
  static Dictionary load(
      BinReader in, byte[] labelPrefix, int minn, int maxn, int bucket, int wordNgrams) {
    int size = in.readInt("dictionary size");
    int nwords = in.readInt("dictionary word count");
    int nlabels = in.readInt("dictionary label count");
    long ntokens = in.readLong("dictionary token count");
    long pruneidxSize = in.readLong("dictionary pruned bucket count");
    if (size < 0 || nwords < 0 || nlabels < 0 || (long) nwords + nlabels != size) {
      throw in.error(
          "inconsistent dictionary: size "
              + size
              + " is not words "
              + nwords
              + " + labels "
              + nlabels);
    }
    if (pruneidxSize < -1 || pruneidxSize > Integer.MAX_VALUE) {
      throw in.error("impossible pruned bucket count " + pruneidxSize);
    }
    byte[][] words = new byte[size][];
    long[] counts = new long[size];
    byte[] types = new byte[size];
    for (int i = 0; i < size; i++) {
      words[i] = in.readCString("dictionary entry " + i, 1 << 16);
      counts[i] = in.readLong("count of dictionary entry " + i);
      types[i] = in.readByte("type of dictionary entry " + i);
      byte want = i < nwords ? TYPE_WORD : TYPE_LABEL;
      if (types[i] != want) {
        throw in.error(
            "dictionary entry "
                + i
                + " ('"
                + new String(words[i], StandardCharsets.UTF_8)
                + "') has type "
                + types[i]
                + ", expected "
                + want
                + " (words come before labels)");
      }
    }
    IntIntMap prune = new IntIntMap(Math.max(0, (int) pruneidxSize));
    for (long i = 0; i < pruneidxSize; i++) {
      int first = in.readInt("pruned bucket " + i);
      int second = in.readInt("pruned bucket row " + i);
      if (first < 0 || second < 0) {
        throw in.error("pruned bucket " + i + " is negative: " + first + " -> " + second);
      }
      prune.put(first, second);
    }
    return new Dictionary(
        words,
        counts,
        types,
        nwords,
        ntokens,
        pruneidxSize,
        prune,
        labelPrefix,
        minn,
        maxn,
        bucket,
        wordNgrams);
  }

  /** Returns the largest row offset of a kept n-gram plus one, or -1 when not pruned. */
  long prunedRows() {
    if (pruneidxSize < 0) {
      return -1;
    }
    return pruneidx.maxValue() + 1L;
  }

  void save(BinWriter out) throws IOException {
    out.writeInt(words.length);
    out.writeInt(nwords);
    out.writeInt(nlabels);
    out.writeLong(ntokens);
    out.writeLong(pruneidxSize);
    for (int i = 0; i < words.length; i++) {
      out.writeBytes(words[i], 0, words[i].length);
      out.writeByte(0);
      out.writeLong(counts[i]);
      out.writeByte(types[i]);
    }
    if (pruneidxSize > 0) {
      pruneidx.forEach(
          (k, v) -> {
            try {
              out.writeInt(k);
              out.writeInt(v);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    }
  }
}
