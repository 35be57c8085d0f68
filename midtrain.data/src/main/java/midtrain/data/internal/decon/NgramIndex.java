package midtrain.data.internal.decon;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import midtrain.data.internal.simd.BloomProbe;
import midtrain.data.internal.simd.Chars;
import midtrain.data.internal.simd.NgramHasher;
import midtrain.data.internal.simd.RunKeys;
import midtrain.data.internal.simd.TextNormalizer;
import midtrain.data.internal.simd.Tokens;
import midtrain.data.internal.simd.WordHash;

/**
 * The packed n-gram index of a set of benchmark items.
 *
 * <p>Layout (all primitive arrays, no boxing): n-gram hashes are grouped into {@code 2^bits}
 * buckets by their top bits (a counting sort, no hash table); per distinct n-gram the index keeps a
 * 32-bit fingerprint (the low hash bits) and a 32-bit posting, the position of its first word in
 * the kept benchmark words. A bucket holds two to four entries on average, so the bucket offsets
 * cost one to two bytes per n-gram: about 10 bytes per distinct n-gram in all, plus two for the
 * Bloom filter (one 64-bit word per probe, four bits set per n-gram) and, in front of it, the
 * filter of word runs (see {@link RunKeys}), two bytes per run: about 2.3 per n-gram for 13-grams
 * of GSM8K-like items, more for items barely longer than n words. The normalized benchmark words
 * are kept so that every fingerprint match is verified word by word: a hash collision never counts
 * as a hit.
 */
public final class NgramIndex {
  private final int n;
  private final boolean unicode;

  // Kept benchmark text: normalized words, item and segment boundaries (in words).
  private final byte[] wordBytes;
  private final int[] wordStart;
  private final int[] itemFirstWord;
  private final int[] itemBenchmark;

  // The table.
  private final int shift;
  private final int[] offsets;
  private final int[] fingerprints;
  private final int[] postings;
  private final int[] extraEntry;
  private final int[] extraItem;
  private final long[] bloom;
  private final long[] prefilter;
  private final int runLength;
  private final int[] benchmarkNgrams;

  /** Collects items before the index is packed. */
  public static final class Builder {
    private final int n;
    private final boolean unicode;
    private final TextNormalizer normalizer;
    private final NgramHasher hasher;
    private final int runLength;
    private final Tokens tokens = new Tokens();
    private long[] runKeys = new long[1 << 12];
    private int runCount;
    private byte[] bytes = new byte[1 << 16];
    private int byteCount;
    private int[] starts = new int[1 << 12];
    private int words;
    private final IntList itemFirst = new IntList();
    private final IntList itemBench = new IntList();
    private long[] hashes = new long[1 << 12];
    private int[] firstWord = new int[1 << 12];
    private int[] gramItem = new int[1 << 12];
    private int grams;
    private int benchmarks;

    /**
     * Starts an index.
     *
     * @param n words per n-gram
     * @param unicode whether to use the Unicode normalization instead of the janitor one
     */
    public Builder(int n, boolean unicode) {
      this.n = n;
      this.unicode = unicode;
      this.normalizer = TextNormalizer.create(unicode);
      this.hasher = NgramHasher.create(n);
      this.runLength = n >= MIN_PREFILTER_N ? RunKeys.runLength(n) : 0;
    }

    /**
     * Adds one benchmark item.
     *
     * @param benchmark index of the benchmark the item belongs to
     * @param texts the item's texts; n-grams do not cross from one text to the next
     */
    public void addItem(int benchmark, List<String> texts) {
      benchmarks = Math.max(benchmarks, benchmark + 1);
      itemFirst.add(words);
      itemBench.add(benchmark);
      long[] wh = new long[16];
      long[] gh = new long[16];
      for (String text : texts) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        normalizer.tokenize(utf8, 0, utf8.length, tokens);
        int first = words;
        if (wh.length < tokens.wordCount) {
          wh = new long[tokens.wordCount];
          gh = new long[tokens.wordCount];
        }
        for (int w = 0; w < tokens.wordCount; w++) {
          byte[] word = normalizer.word(utf8, 0, tokens, w);
          appendWord(word);
          wh[w] = WordHash.of(word, 0, word.length);
        }
        int count = hasher.hash(wh, tokens.wordCount, gh);
        for (int g = 0; g < count; g++) {
          appendGram(gh[g], first + g);
        }
        if (runLength > 0 && count > 0) {
          // Every run of every n-gram: a scan probes the runs at its sampling stride.
          for (int j = 0; j + runLength <= tokens.wordCount; j++) {
            appendRunKey(RunKeys.key(wh, j, runLength));
          }
        }
      }
    }

    private void appendWord(byte[] word) {
      if (byteCount + word.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(byteCount + word.length, bytes.length * 2));
      }
      System.arraycopy(word, 0, bytes, byteCount, word.length);
      if (words + 2 > starts.length) {
        starts = Arrays.copyOf(starts, starts.length * 2);
      }
      starts[words] = byteCount;
      byteCount += word.length;
      words++;
    }

    private void appendRunKey(long key) {
      if (runCount == runKeys.length) {
        runKeys = Arrays.copyOf(runKeys, runCount * 2);
      }
      runKeys[runCount++] = key;
    }

    private void appendGram(long hash, int word) {
      if (grams == hashes.length) {
        hashes = Arrays.copyOf(hashes, grams * 2);
        firstWord = Arrays.copyOf(firstWord, grams * 2);
        gramItem = Arrays.copyOf(gramItem, grams * 2);
      }
      hashes[grams] = hash;
      firstWord[grams] = word;
      gramItem[grams] = itemFirst.size - 1; // the item being added
      grams++;
    }

    /**
     * Packs the index.
     *
     * @param bloom whether to add a Bloom filter in front of the table
     * @return the index
     */
    public NgramIndex build(boolean bloom) {
      starts[words] = byteCount;
      itemFirst.add(words);
      return new NgramIndex(this, bloom);
    }
  }

  private NgramIndex(Builder b, boolean withBloom) {
    this.n = b.n;
    this.unicode = b.unicode;
    this.wordBytes = Arrays.copyOf(b.bytes, b.byteCount);
    this.wordStart = Arrays.copyOf(b.starts, b.words + 1);
    this.itemFirstWord = b.itemFirst.toArray();
    this.itemBenchmark = b.itemBench.toArray();

    int bits = Math.max(1, 31 - Integer.numberOfLeadingZeros(Math.max(2, b.grams)) - 1);
    this.shift = 64 - bits;
    int buckets = 1 << bits;
    // Counting sort by bucket.
    int[] start = new int[buckets + 1];
    for (int g = 0; g < b.grams; g++) {
      start[(int) (b.hashes[g] >>> shift) + 1]++;
    }
    for (int k = 0; k < buckets; k++) {
      start[k + 1] += start[k];
    }
    int[] fill = Arrays.copyOf(start, buckets);
    int[] fp = new int[b.grams];
    int[] post = new int[b.grams];
    // Each entry's item, known when its n-gram was added: a binary search over the items for each
    // of millions of entries took a fifth of the build.
    int[] owner = new int[b.grams];
    for (int g = 0; g < b.grams; g++) {
      int k = (int) (b.hashes[g] >>> shift);
      int at = fill[k]++;
      fp[at] = (int) b.hashes[g];
      post[at] = b.firstWord[g];
      owner[at] = b.gramItem[g];
    }
    // Merge entries of the same words within each bucket, in place.
    this.offsets = new int[buckets + 1];
    IntList extraE = new IntList();
    IntList extraI = new IntList();
    int out = 0;
    for (int k = 0; k < buckets; k++) {
      offsets[k] = out;
      int first = out;
      for (int e = start[k]; e < start[k + 1]; e++) {
        int same = -1;
        for (int d = first; d < out && same < 0; d++) {
          if (fp[d] == fp[e] && sameWords(post[d], post[e])) {
            same = d;
          }
        }
        if (same < 0) {
          fp[out] = fp[e];
          post[out] = post[e];
          owner[out] = owner[e];
          out++;
        } else {
          int item = owner[e];
          if (item != owner[same] && !hasExtra(extraE, extraI, same, item)) {
            extraE.add(same);
            extraI.add(item);
          }
        }
      }
    }
    offsets[buckets] = out;
    this.fingerprints = Arrays.copyOf(fp, out);
    this.postings = Arrays.copyOf(post, out);
    int[][] sorted = sortPairs(extraE.toArray(), extraI.toArray());
    this.extraEntry = sorted[0];
    this.extraItem = sorted[1];
    this.benchmarkNgrams = new int[Math.max(1, b.benchmarks)];
    countPerBenchmark(owner);
    // 16 bits per distinct n-gram, one 64-bit word per key: a single cache access per probe.
    this.bloom = withBloom ? blockedFilter(b.hashes, b.grams, (out + 3) / 4) : new long[0];
    // The run filter: every run of k words of every n-gram, in the same layout. A scan probes it
    // once every n - k + 1 words, before it has hashed the words between the sampled runs. For
    // 2.1 million 13-grams it holds 2.4 million runs in 4.8 MB; 0.8% of the sampled runs of
    // unrelated text pass it. At 8 or 12 bits per key more pass, and hashing and probing their
    // n-grams costs more than the smaller filter saves. A run repeated in other items is counted
    // again, which oversizes it a little.
    this.runLength = withBloom ? b.runLength : 0;
    this.prefilter =
        runLength > 0
            ? blockedFilter(
                b.runKeys, b.runCount, (int) ((b.runCount * (long) RUN_FILTER_BITS + 63) / 64))
            : new long[0];
  }

  /** N-grams shorter than this get no run prefilter: their runs would be single words. */
  static final int MIN_PREFILTER_N = 6;

  /** Bits per key in the run filter, as in the n-gram filter. */
  static final int RUN_FILTER_BITS = 16;

  /**
   * Counts the distinct n-grams of each benchmark: an entry counts once for the benchmark of its
   * first item and once for each other benchmark among its extra items.
   *
   * @param owner each entry's first item
   */
  private void countPerBenchmark(int[] owner) {
    int x = 0; // extraEntry is sorted: the extras of entry e follow those of e - 1
    for (int e = 0; e < postings.length; e++) {
      int first = itemBenchmark[owner[e]];
      benchmarkNgrams[first]++;
      int from = x;
      while (x < extraEntry.length && extraEntry[x] == e) {
        int bench = itemBenchmark[extraItem[x]];
        boolean seen = bench == first;
        for (int y = from; y < x && !seen; y++) {
          seen = itemBenchmark[extraItem[y]] == bench;
        }
        if (!seen) {
          benchmarkNgrams[bench]++;
        }
        x++;
      }
    }
  }

  private static boolean hasExtra(IntList e, IntList i, int entry, int item) {
    for (int x = e.size - 1; x >= 0 && e.data[x] == entry; x--) {
      if (i.data[x] == item) {
        return true;
      }
    }
    return false;
  }

  private static int[][] sortPairs(int[] keys, int[] values) {
    long[] packed = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      packed[i] = ((long) keys[i] << 32) | (values[i] & 0xFFFFFFFFL);
    }
    Arrays.sort(packed);
    int[] k = new int[keys.length];
    int[] v = new int[keys.length];
    for (int i = 0; i < packed.length; i++) {
      k[i] = (int) (packed[i] >>> 32);
      v[i] = (int) packed[i];
    }
    return new int[][] {k, v};
  }

  /** A blocked Bloom filter of {@code words} 64-bit words (at least one) over the hashes. */
  private static long[] blockedFilter(long[] hashes, int count, int words) {
    long[] filter = new long[Math.max(1, words)];
    for (int g = 0; g < count; g++) {
      long h = hashes[g];
      filter[BloomProbe.slot(h, filter.length)] |= BloomProbe.bits(h);
    }
    return filter;
  }

  /** One thread's scratch for {@link #mayContain}: the probe kernels and their arrays. */
  public final class Prober {
    private final BloomProbe probe = BloomProbe.create();
    private final NgramHasher hasher = NgramHasher.create(n);
    private long[] words = new long[1024];
    private long[] keys = new long[1024];
    private long[] selected = new long[1024];
    private int[] passed = new int[1024];
    private int[] positions = new int[1024];

    private Prober() {}

    private void ensure(int count) {
      if (words.length < count) {
        int size = Math.max(count, words.length * 2);
        words = new long[size];
        keys = new long[size];
        selected = new long[size];
        passed = new int[size];
        positions = new int[size];
      }
    }
  }

  /**
   * Creates the scratch one scanning thread needs for {@link #mayContain}.
   *
   * @return a new prober
   */
  public Prober prober() {
    return new Prober();
  }

  /**
   * Finds the n-grams of a text that may be in the index: those around a sampled run that passes
   * the run filter whose hash then passes the Bloom filter, or all of them without filters. Each
   * filter is probed for a whole batch at once (see {@link BloomProbe}).
   *
   * <p>With the run filter ({@link #sampleRunLength()} above 0), {@code t} holds only the hashes of
   * the sampled runs' words ({@link TextNormalizer#hashSampledWords} with {@link
   * #sampleRunLength()} and {@link #sampleStride()}): the words of the n-grams around a run that
   * passes are hashed here, with {@code norm}, and the others never need their hash. Without it,
   * {@code t} holds every word's hash ({@link TextNormalizer#hashWords}).
   *
   * @param p the calling thread's prober
   * @param norm the normalizer that hashed {@code t}'s words
   * @param t the text's words, from {@code norm}
   * @param grams receives the hashes of the n-grams whose positions are written to {@code out} (and
   *     of some others); at least {@code t.wordCount} long
   * @param out receives the positions that may be present, in order; at least {@code t.wordCount}
   *     long
   * @return how many positions were written
   */
  public int mayContain(Prober p, TextNormalizer norm, Tokens t, long[] grams, int[] out) {
    long[] wordHashes = t.wordHash;
    int wordCount = t.wordCount;
    int count = Math.max(0, wordCount - n + 1);
    if (bloom.length == 0) {
      p.hasher.hash(wordHashes, wordCount, grams);
      for (int i = 0; i < count; i++) {
        out[i] = i;
      }
      return count;
    }
    p.ensure(count);
    if (prefilter.length == 0 || count == 0) {
      p.hasher.hash(wordHashes, wordCount, grams);
      return p.probe.mayContain(bloom, grams, count, p.words, out);
    }
    // The runs at the sampling stride, whose words norm.hashSampledWords hashed.
    int k = runLength;
    int stride = n - k + 1;
    int samples = RunKeys.sampled(wordHashes, wordCount, k, stride, p.keys);
    int open = p.probe.mayContain(prefilter, p.keys, samples, p.words, p.passed);
    // Around each run that passes, the n-grams that hold it; their other words are hashed now.
    int pass = 0;
    int filled = 0; // the words before this are hashed: runs that pass often come in a row
    for (int x = 0; x < open; x++) {
      int j = p.passed[x] * stride;
      int lo = Math.max(0, j - stride + 1);
      int hi = Math.min(j, count - 1);
      norm.fillWords(t, Math.max(lo, filled), hi + n);
      filled = hi + n;
      for (int i = lo; i <= hi; i++) {
        long h = p.hasher.at(wordHashes, i);
        grams[i] = h;
        p.positions[pass] = i;
        p.selected[pass] = h;
        pass++;
      }
    }
    int live = p.probe.mayContain(bloom, p.selected, pass, p.words, out);
    for (int x = 0; x < live; x++) {
      out[x] = p.positions[out[x]];
    }
    return live;
  }

  /**
   * Returns the words per sampled run of the prefilter, 0 when there is none: a scan passes it to
   * {@link TextNormalizer#hashSampledWords} with {@link #sampleStride()}.
   *
   * @return words per run, or 0
   */
  public int sampleRunLength() {
    return prefilter.length > 0 ? runLength : 0;
  }

  /**
   * Returns the stride of the sampled runs, {@code n - sampleRunLength() + 1}.
   *
   * @return the stride
   */
  public int sampleStride() {
    return n - runLength + 1;
  }

  /**
   * Returns whether a Bloom filter is in front of the table.
   *
   * @return whether {@link #mayContain} filters
   */
  public boolean hasBloom() {
    return bloom.length > 0;
  }

  /**
   * Returns the first table entry of a hash's bucket.
   *
   * @param h the n-gram hash
   * @return the first entry to test
   */
  public int bucketStart(long h) {
    return offsets[(int) (h >>> shift)];
  }

  /**
   * Returns the end of a hash's bucket.
   *
   * @param h the n-gram hash
   * @return one past the last entry to test
   */
  public int bucketEnd(long h) {
    return offsets[(int) (h >>> shift) + 1];
  }

  /**
   * Returns an entry's fingerprint (the low 32 bits of its hash).
   *
   * @param entry a table entry
   * @return the fingerprint
   */
  public int fingerprint(int entry) {
    return fingerprints[entry];
  }

  /**
   * Returns the kept word at which an entry's first occurrence starts.
   *
   * @param entry a table entry
   * @return a global word index
   */
  public int posting(int entry) {
    return postings[entry];
  }

  /**
   * Returns whether a normalized doc word equals a kept benchmark word.
   *
   * @param word the doc word's normalized bytes
   * @param kept a global word index
   * @return whether the bytes are equal
   */
  public boolean wordEquals(byte[] word, int kept) {
    int s = wordStart[kept];
    return Arrays.equals(word, 0, word.length, wordBytes, s, wordStart[kept + 1]);
  }

  /**
   * Returns whether the janitor normalization of raw token bytes equals a kept word, without
   * allocating.
   *
   * @param a raw bytes
   * @param s first byte of the token
   * @param e one past its last byte
   * @param kept a global word index
   * @return whether they are equal
   */
  public boolean janitorWordEquals(byte[] a, int s, int e, int kept) {
    int p = wordStart[kept];
    int end = wordStart[kept + 1];
    for (int i = s; i < e; i++) {
      int c = a[i] & 0xFF;
      if (c < 0x80) {
        if (Chars.isAsciiPunct(c)) {
          continue;
        }
        if (c >= 'A' && c <= 'Z') {
          c += 32;
        }
      }
      if (p == end || (wordBytes[p] & 0xFF) != c) {
        return false;
      }
      p++;
    }
    return p == end;
  }

  /**
   * Returns the items an entry occurs in, the first first.
   *
   * @param entry a table entry
   * @return global item indices
   */
  public int[] itemsOf(int entry) {
    int first = itemOfWord(postings[entry]);
    int lo = lowerBound(extraEntry, entry);
    int hi = lo;
    while (hi < extraEntry.length && extraEntry[hi] == entry) {
      hi++;
    }
    int[] items = new int[1 + hi - lo];
    items[0] = first;
    System.arraycopy(extraItem, lo, items, 1, hi - lo);
    return items;
  }

  /**
   * Returns the item a kept word belongs to.
   *
   * @param word a global word index
   * @return a global item index
   */
  public int itemOfWord(int word) {
    int lo = 0;
    int hi = itemFirstWord.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (itemFirstWord[mid] <= word) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    // Skip items without words that share a first word with the owner.
    while (lo + 1 < itemFirstWord.length - 1 && itemFirstWord[lo + 1] <= word) {
      lo++;
    }
    return lo;
  }

  /**
   * Returns the benchmark of an item.
   *
   * @param item a global item index
   * @return the benchmark index
   */
  public int benchmarkOf(int item) {
    return itemBenchmark[item];
  }

  /**
   * Returns the kept words of an item, all its texts in a row.
   *
   * @param item a global item index
   * @return first and one-past-last global word index
   */
  public int[] itemWords(int item) {
    return new int[] {itemFirstWord[item], itemFirstWord[item + 1]};
  }

  /**
   * Returns the hash of a kept word.
   *
   * @param word a global word index
   * @return its word hash
   */
  public long wordHash(int word) {
    return WordHash.of(wordBytes, wordStart[word], wordStart[word + 1] - wordStart[word]);
  }

  /**
   * Returns kept words joined by single spaces.
   *
   * @param first a global word index
   * @param count number of words
   * @return the text of those words
   */
  public String words(int first, int count) {
    StringBuilder sb = new StringBuilder();
    for (int w = first; w < first + count; w++) {
      if (w > first) {
        sb.append(' ');
      }
      sb.append(
          new String(
              wordBytes, wordStart[w], wordStart[w + 1] - wordStart[w], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  private boolean sameWords(int a, int b) {
    for (int k = 0; k < n; k++) {
      int sa = wordStart[a + k];
      int sb = wordStart[b + k];
      if (!Arrays.equals(
          wordBytes, sa, wordStart[a + k + 1], wordBytes, sb, wordStart[b + k + 1])) {
        return false;
      }
    }
    return true;
  }

  private static int lowerBound(int[] a, int key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Returns the n-gram length.
   *
   * @return words per n-gram
   */
  public int n() {
    return n;
  }

  /**
   * Returns whether the Unicode normalization is used.
   *
   * @return true for Unicode, false for janitor
   */
  public boolean unicode() {
    return unicode;
  }

  /**
   * Returns the number of distinct n-grams.
   *
   * @return table entries
   */
  public int distinctNgrams() {
    return postings.length;
  }

  /**
   * Returns the number of items indexed.
   *
   * @return items
   */
  public int items() {
    return itemBenchmark.length;
  }

  /**
   * Returns the distinct n-grams of one benchmark.
   *
   * @param benchmark a benchmark index
   * @return the count
   */
  public int benchmarkNgrams(int benchmark) {
    return benchmark < benchmarkNgrams.length ? benchmarkNgrams[benchmark] : 0;
  }

  /**
   * Returns the bytes of the lookup structures: bucket offsets, fingerprints, postings, the items
   * of shared n-grams and the Bloom filters.
   *
   * @return bytes
   */
  public long tableBytes() {
    return 4L * (offsets.length + fingerprints.length + postings.length)
        + 4L * (extraEntry.length + extraItem.length)
        + 8L * (bloom.length + prefilter.length);
  }

  /**
   * Returns the bytes of the benchmark text kept for verification.
   *
   * @return bytes
   */
  public long keptTextBytes() {
    return wordBytes.length + 4L * (wordStart.length + itemFirstWord.length + itemBenchmark.length);
  }

  /** A growable int array. */
  static final class IntList {
    int[] data = new int[16];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
