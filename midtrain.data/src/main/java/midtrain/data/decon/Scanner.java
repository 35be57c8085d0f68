package midtrain.data.decon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import midtrain.data.internal.decon.NgramIndex;
import midtrain.data.internal.simd.TextNormalizer;
import midtrain.data.internal.simd.Tokens;

/** Scans documents for one thread: tokens, n-gram hashes, lookups, verification, the mode. */
final class Scanner {
  private static final DocumentResult CLEAN =
      new DocumentResult(0, 0, 0, false, List.of(), 0, List.of(), false);

  private final Decontaminator d;
  private final NgramIndex idx;
  private final int n;
  private final boolean unicode;
  private final TextNormalizer norm;
  private final Tokens t = new Tokens();
  private long[] grams = new long[1024];
  private int[] bucket = new int[1024];
  private final NgramIndex.Prober probe;
  private final int runLength;
  private final int stride;
  private int[] hitPos = new int[16];
  private int[] hitEntry = new int[16];
  private int hits;

  Scanner(Decontaminator d) {
    this.d = d;
    this.idx = d.index().table();
    this.n = idx.n();
    this.unicode = idx.unicode();
    this.norm = TextNormalizer.create(unicode);
    this.probe = idx.prober();
    this.runLength = idx.sampleRunLength();
    this.stride = idx.sampleStride();
  }

  DocumentResult scan(byte[] a, int off, int len) {
    // Word hashes only, and with a run filter only those of the sampled runs (see RunKeys): tokens
    // are recorded below for the rare document with a candidate hit.
    if (runLength > 0) {
      norm.hashSampledWords(a, off, len, t, runLength, stride);
    } else {
      norm.hashWords(a, off, len, t);
    }
    int m = t.wordCount;
    if (grams.length < m) {
      grams = new long[Math.max(m, grams.length * 2)];
    }
    int count = Math.max(0, m - n + 1);
    hits = 0;
    if (bucket.length < m) {
      bucket = new int[grams.length];
    }
    // The filters in batches (see NgramIndex.mayContain), which also hash the n-grams that pass
    // them, then the bucket offsets of the few hashes that pass: each pass has independent loads,
    // so their cache misses overlap.
    int maybe = idx.mayContain(probe, norm, t, grams, bucket);
    int live = 0;
    for (int x = 0; x < maybe; x++) {
      int i = bucket[x];
      long h = grams[i];
      if (idx.bucketEnd(h) > idx.bucketStart(h)) {
        bucket[live] = i;
        live++;
      }
    }
    // The fingerprints next: a Bloom false positive (about one n-gram in 200) nearly always fails
    // here, so that only documents with a real candidate are tokenized in full and verified.
    int candidates = 0;
    for (int x = 0; x < live; x++) {
      int i = bucket[x];
      long h = grams[i];
      int fp = (int) h;
      int end = idx.bucketEnd(h);
      for (int e = idx.bucketStart(h); e < end; e++) {
        if (idx.fingerprint(e) == fp) {
          bucket[candidates++] = i;
          break;
        }
      }
    }
    if (candidates > 0) {
      norm.tokenize(a, off, len, t);
    }
    for (int x = 0; x < candidates; x++) {
      int i = bucket[x];
      long h = grams[i];
      int fp = (int) h;
      int end = idx.bucketEnd(h);
      for (int e = idx.bucketStart(h); e < end; e++) {
        if (idx.fingerprint(e) == fp && verify(a, off, e, i)) {
          addHit(i, e);
          break;
        }
      }
    }
    DeconMode mode = d.mode();
    if (hits == 0 && mode != DeconMode.JANITOR) {
      return count == 0
          ? CLEAN
          : new DocumentResult(count, 0, 0, false, List.of(), 0, List.of(), false);
    }
    return result(a, off, len, count);
  }

  private boolean verify(byte[] a, int off, int entry, int first) {
    int kept = idx.posting(entry);
    for (int k = 0; k < n; k++) {
      int w = first + k;
      boolean same;
      if (unicode) {
        same = idx.wordEquals(norm.word(a, off, t, w), kept + k);
      } else {
        int tok = t.wordToken[w];
        same = idx.janitorWordEquals(a, off + t.tokenStart[tok], off + t.tokenEnd[tok], kept + k);
      }
      if (!same) {
        return false;
      }
    }
    return true;
  }

  private void addHit(int pos, int entry) {
    if (hits == hitPos.length) {
      hitPos = Arrays.copyOf(hitPos, hits * 2);
      hitEntry = Arrays.copyOf(hitEntry, hits * 2);
    }
    hitPos[hits] = pos;
    hitEntry[hits] = entry;
    hits++;
  }

  /** Per item hit: first and last n-gram position, first entry. */
  private static final class ItemHits {
    int first;
    int last;
    int entry;
  }

  private DocumentResult result(byte[] a, int off, int len, int count) {
    int[] entries = Arrays.copyOf(hitEntry, hits);
    Arrays.sort(entries);
    int unique = 0;
    for (int i = 0; i < entries.length; i++) {
      if (i == 0 || entries[i] != entries[i - 1]) {
        unique++;
      }
    }
    TreeMap<Integer, ItemHits> items = new TreeMap<>();
    for (int h = 0; h < hits; h++) {
      for (int item : idx.itemsOf(hitEntry[h])) {
        ItemHits ih = items.get(item);
        if (ih == null) {
          ih = new ItemHits();
          ih.first = hitPos[h];
          ih.entry = hitEntry[h];
          items.put(item, ih);
        }
        ih.last = hitPos[h];
      }
    }
    DeconMode mode = d.mode();
    List<Hit> found = new ArrayList<>();
    for (var e : items.entrySet()) {
      int item = e.getKey();
      ItemHits ih = e.getValue();
      double ratio = 0;
      if (mode == DeconMode.HYBRID) {
        ratio = lcsRatio(item, ih);
        if (ratio < d.lcsThreshold()) {
          continue;
        }
      }
      BenchmarkItem bi = d.index().item(item);
      int bench = idx.benchmarkOf(item);
      found.add(
          new Hit(
              d.index().benchmarks().get(bench).name(),
              bench,
              bi.id(),
              bi.numericId(),
              item,
              idx.words(idx.posting(ih.entry), n),
              ratio));
    }
    boolean contaminated = !found.isEmpty();
    int dirty = 0;
    List<String> chunks = List.of();
    boolean dropped = false;
    switch (mode) {
      case DROP -> {
        double th = d.dropThreshold();
        dropped = contaminated && (th <= 0 || (double) hits / count > th);
      }
      case HYBRID -> dropped = contaminated;
      case JANITOR -> {
        int[] spans = janitorSpans(a, off, len);
        dirty = spans.length / 2;
        chunks = splitChunks(a, off, len, spans);
        dropped = chunks.isEmpty();
      }
      default -> {}
    }
    return new DocumentResult(count, unique, hits, contaminated, found, dirty, chunks, dropped);
  }

  /** The LCS of words between an item and the document region around its hits, over item length. */
  private double lcsRatio(int item, ItemHits ih) {
    int[] range = idx.itemWords(item);
    int itemLen = range[1] - range[0];
    if (itemLen == 0) {
      return 0;
    }
    long[] iw = new long[itemLen];
    for (int k = 0; k < itemLen; k++) {
      iw[k] = idx.wordHash(range[0] + k);
    }
    int lo = Math.max(0, ih.first - itemLen);
    int hi = Math.min(t.wordCount, ih.last + n + itemLen);
    int[] prev = new int[hi - lo + 1];
    int[] cur = new int[hi - lo + 1];
    for (int x = 0; x < itemLen; x++) {
      for (int y = lo; y < hi; y++) {
        int j = y - lo + 1;
        cur[j] = iw[x] == t.wordHash[y] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      int[] tmp = prev;
      prev = cur;
      cur = tmp;
    }
    return (double) prev[hi - lo] / itemLen;
  }

  /**
   * The janitor's dirty parts: hits whose n words are n consecutive raw tokens (a raw n-gram with a
   * token of punctuation only never matches, as in lm-evaluation-harness), as code point spans
   * {@code [start, endInclusive]}.
   */
  private int[] janitorSpans(byte[] a, int off, int len) {
    int[] spans = new int[hits * 2];
    int parts = 0;
    int cpPos = 0;
    int bytePos = 0;
    for (int h = 0; h < hits; h++) {
      int w = hitPos[h];
      int tok0 = t.wordToken[w];
      boolean raw = true;
      for (int k = 1; k < n && raw; k++) {
        raw = t.wordToken[w + k] == tok0 + k;
      }
      if (!raw) {
        continue;
      }
      int sb = t.tokenStart[tok0];
      int eb = t.tokenEnd[tok0 + n - 1];
      cpPos += codePoints(a, off + bytePos, off + sb);
      int startCp = cpPos;
      int endCp = startCp + codePoints(a, off + sb, off + eb) - 1;
      cpPos = startCp;
      bytePos = sb;
      spans[parts * 2] = startCp;
      spans[parts * 2 + 1] = endCp;
      parts++;
    }
    return Arrays.copyOf(spans, parts * 2);
  }

  private static int codePoints(byte[] a, int from, int to) {
    int c = 0;
    for (int i = from; i < to; i++) {
      if ((a[i] & 0xC0) != 0x80) {
        c++;
      }
    }
    return c;
  }

  /** lm-evaluation-harness {@code Janitor._split_chunks}, in code points. */
  private List<String> splitChunks(byte[] a, int off, int len, int[] spans) {
    int parts = spans.length / 2;
    if (parts > d.tooDirtyCutoff()) {
      return List.of();
    }
    int total = codePoints(a, off, off + len);
    int window = d.window();
    int minSlice = d.minSlice();
    List<int[]> keep = new ArrayList<>();
    int splice = 0;
    int end = -1;
    for (int p = 0; p < parts; p++) {
      // In longs: a window near Integer.MAX_VALUE would overflow.
      int start = (int) Math.max(0L, (long) spans[2 * p] - window);
      end = (int) Math.min(total, (long) spans[2 * p + 1] + window);
      if (start - splice > minSlice) {
        keep.add(new int[] {splice, start});
      }
      splice = end;
    }
    if (end < total - minSlice) {
      keep.add(new int[] {end + 1, total});
    }
    if (keep.isEmpty()) {
      return List.of();
    }
    int[] byteAt = new int[total + 1];
    int c = 0;
    for (int i = 0; i < len; i++) {
      if ((a[off + i] & 0xC0) != 0x80) {
        byteAt[c++] = i;
      }
    }
    byteAt[total] = len;
    List<String> chunks = new ArrayList<>(keep.size());
    for (int[] k : keep) {
      int s = byteAt[k[0]];
      chunks.add(new String(a, off + s, byteAt[k[1]] - s, StandardCharsets.UTF_8));
    }
    return chunks;
  }
}
