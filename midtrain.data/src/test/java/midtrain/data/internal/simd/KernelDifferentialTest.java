package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Vector kernels at every width against the scalar reference, on random and adversarial text. */
class KernelDifferentialTest {
  static final int[] WIDTHS = {64, 128, 256, 512};
  static final int[] SPACES = {
    ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x1C, 0x1F, 0x85, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A,
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000
  };
  static final int[] NOT_SPACES = {0x200B, 0x180E, 0x2060, 0xFEFF, 0x2800};

  static String randomText(SplittableRandom r, int codePoints) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < codePoints; i++) {
      int k = r.nextInt(100);
      if (k < 15) {
        sb.append(' ');
      } else if (k < 20) {
        sb.appendCodePoint(SPACES[r.nextInt(SPACES.length)]);
      } else if (k < 27) {
        sb.append((char) (0x21 + r.nextInt(0x5E))); // any printable ASCII
      } else if (k < 30) {
        sb.append((char) r.nextInt(0x80)); // any ASCII: control bytes and DEL too
      } else if (k < 60) {
        sb.append((char) ('a' + r.nextInt(26)));
      } else if (k < 70) {
        sb.append((char) ('A' + r.nextInt(26)));
      } else if (k < 75) {
        sb.appendCodePoint(NOT_SPACES[r.nextInt(NOT_SPACES.length)]);
      } else if (k < 85) {
        sb.appendCodePoint(0xC0 + r.nextInt(0x2000)); // Latin, Greek, Cyrillic, ...
      } else if (k < 92) {
        sb.appendCodePoint(0x4E00 + r.nextInt(0x5000)); // CJK
      } else {
        sb.appendCodePoint(0x1F300 + r.nextInt(0x300)); // non-BMP emoji
      }
    }
    return sb.toString();
  }

  static List<String> adversarial() {
    List<String> t = new ArrayList<>();
    t.add("");
    t.add(" ");
    t.add("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".repeat(9));
    // Every ASCII byte, in a row and each one as its own token.
    StringBuilder ascii = new StringBuilder();
    StringBuilder spaced = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      ascii.append(c);
      spaced.append(c).append(' ');
    }
    t.add(ascii.toString().repeat(3));
    t.add(spaced.toString().repeat(3));
    t.add("x".repeat(5000));
    t.add("A".repeat(63) + " " + "b".repeat(64) + "\u3000" + "C".repeat(65));
    t.add(" ".repeat(200));
    t.add("\u00a0".repeat(100) + "word" + "\u2028".repeat(50));
    t.add("😀".repeat(300));
    t.add("😀 ".repeat(300));
    t.add("a-b c.d ... -- 'e' (f) " + "x!".repeat(100));
    StringBuilder edges = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      edges.append("y".repeat(i % 67)).appendCodePoint(SPACES[i % SPACES.length]);
    }
    t.add(edges.toString());
    // Punctuation runs at the start, the end, both and inside words, at every offset of a block.
    String[] shapes = {"(word", "word,", "\"word\",", "don't", "a.b.c.", "...", "--x--", "x"};
    StringBuilder punct = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      punct.append("z".repeat(i % 61)).append(shapes[i % shapes.length]).append(' ');
    }
    t.add(punct.toString());
    t.add("(" + "q".repeat(70) + ")" + " ," + "w".repeat(63) + ".");
    // Words of 1 to 20 bytes with punctuation around and inside, at every offset of a block, and
    // a word that ends the text exactly at a block's end.
    StringBuilder lengths = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      String word = "Ab".repeat(10).substring(0, 1 + i % 20);
      String[] wrap = {"", "(", "\"", "--"};
      String[] tail = {"", ",", ".\"", "!?"};
      lengths.append(wrap[i % 4]).append(word).append(tail[(i / 4) % 4]);
      if (i % 7 == 3) {
        lengths.append("'s");
      }
      lengths.append(i % 5 == 0 ? "  " : " ");
    }
    t.add(lengths.toString());
    t.add("y".repeat(63) + " " + "z".repeat(64));
    // Words joined across punctuation runs longer than a block, and across several blocks.
    t.add("a" + "-".repeat(100) + "b c" + "'".repeat(64) + "d " + "(e" + ".".repeat(130) + "f)");
    t.add("x".repeat(60) + "'" + "y".repeat(70) + "'" + "z" + " ok " + "p.".repeat(90) + "q");
    t.add("word ".repeat(12) + "abc");
    return t;
  }

  static void assertSame(Tokens want, Tokens got, String where) {
    assertEquals(want.tokenCount, got.tokenCount, where + " tokens");
    assertEquals(want.wordCount, got.wordCount, where + " words");
    assertTrue(want.sameAs(got), where);
  }

  static void checkAllWidths(byte[] bytes, int off, int len, String where) {
    for (boolean unicode : new boolean[] {false, true}) {
      Tokens want = new Tokens();
      TextNormalizer.create(unicode, 0).tokenize(bytes, off, len, want);
      checkSampled(want, TextNormalizer.create(unicode, 0), bytes, off, len, where);
      for (int w : WIDTHS) {
        Tokens got = new Tokens();
        TextNormalizer.create(unicode, w).tokenize(bytes, off, len, got);
        assertSame(want, got, where + " width " + w + " unicode " + unicode);
        // The hash-only path gives the same words, also into a reused, dirty holder.
        Tokens hashes = new Tokens();
        TextNormalizer.create(unicode, 0).tokenize("dirty Words, here".getBytes(), 0, 17, hashes);
        TextNormalizer.create(unicode, w).hashWords(bytes, off, len, hashes);
        assertEquals(want.wordCount, hashes.wordCount, where + " hashWords width " + w);
        assertArrayEquals(
            Arrays.copyOf(want.wordHash, want.wordCount),
            Arrays.copyOf(hashes.wordHash, hashes.wordCount),
            where + " hashWords width " + w + " unicode " + unicode);
        checkSampled(want, TextNormalizer.create(unicode, w), bytes, off, len, where);
        if (!unicode) {
          // Both ways of picking the sampled words: by visiting every word, and with
          // Long.expand (the default where the JDK has it).
          checkSampled(want, new VectorTokenizer(w, false), bytes, off, len, where + " visit");
        }
      }
    }
  }

  /**
   * The sampled path: the words of each sampled run hashed as by tokenize (the others are not
   * looked at), and all of them once filled, a range at a time.
   */
  static void checkSampled(
      Tokens want, TextNormalizer norm, byte[] b, int off, int len, String at) {
    // Strides over 64 take the visiting path on every JDK.
    int[][] samplings = {{5, 9}, {1, 2}, {3, 3}, {2, 7}, {30, 70}};
    for (int[] ks : samplings) {
      int k = ks[0];
      int stride = ks[1];
      String where = at + " sampled " + k + "/" + stride + " width " + norm.vectorBits();
      Tokens got = new Tokens();
      norm.tokenize("dirty Words, here".getBytes(StandardCharsets.UTF_8), 0, 17, got);
      norm.hashSampledWords(b, off, len, got, k, stride);
      assertEquals(want.wordCount, got.wordCount, where);
      for (int i = 0; i < want.wordCount; i++) {
        long h = got.wordHash[i];
        // The others are left as they were until filled: here, partly from another text.
        if (i % stride < k) {
          assertEquals(want.wordHash[i], h, where + " word " + i);
        }
      }
      // Filled in two overlapping ranges, as around two runs that pass.
      int mid = want.wordCount / 2;
      norm.fillWords(got, Math.max(0, mid - 3), want.wordCount);
      norm.fillWords(got, 0, Math.min(want.wordCount, mid + 2));
      assertArrayEquals(
          Arrays.copyOf(want.wordHash, want.wordCount),
          Arrays.copyOf(got.wordHash, got.wordCount),
          where + " filled");
    }
  }

  @Test
  void tokenizersAgreeOnRandomText() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 300; i++) {
      String s = randomText(r, r.nextInt(1, 700));
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      // An offset into a larger array exercises the relative offsets.
      byte[] framed = new byte[b.length + 20];
      System.arraycopy(b, 0, framed, 7, b.length);
      checkAllWidths(framed, 7, b.length, "random #" + i);
    }
    // Long texts: hundreds of blocks, so that the block of a word is searched for.
    for (int i = 0; i < 3; i++) {
      byte[] b = randomText(r, r.nextInt(5_000, 30_000)).getBytes(StandardCharsets.UTF_8);
      checkAllWidths(b, 0, b.length, "long random #" + i);
    }
  }

  @Test
  void tokenizersAgreeOnAdversarialText() {
    List<String> cases = adversarial();
    for (int i = 0; i < cases.size(); i++) {
      byte[] b = cases.get(i).getBytes(StandardCharsets.UTF_8);
      checkAllWidths(b, 0, b.length, "adversarial #" + i);
    }
  }

  @Test
  void scalarReferenceMatchesPythonSemantics() {
    // Python: s.translate(lower, delete punctuation).split()
    String s = "The QUICK, brown-fox\u00a0jumps -- over\u2003the (lazy) dog!!! ｆｕｌｌ\u200bwidth";
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Tokens t = new Tokens();
    TextNormalizer.create(false, 0).tokenize(b, 0, b.length, t);
    List<String> words =
        List.of(
            "the", "quick", "brownfox", "jumps", "over", "the", "lazy", "dog", "ｆｕｌｌ\u200bwidth");
    assertEquals(10, t.tokenCount);
    assertEquals(words.size(), t.wordCount);
    for (int i = 0; i < words.size(); i++) {
      byte[] w = words.get(i).getBytes(StandardCharsets.UTF_8);
      assertEquals(WordHash.of(w, 0, w.length), t.wordHash[i], words.get(i));
    }
  }

  @Test
  void unicodeNormalizationFoldsAndEqualsJanitorOnAscii() {
    TextNormalizer uni = TextNormalizer.create(true, 0);
    String s = "Straße ﬁnal «Ὀδυσσεύς» ｆｕｌｌ—width ΣΊΣΥΦΟΣ";
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Tokens t = new Tokens();
    uni.tokenize(b, 0, b.length, t);
    List<String> words = List.of("strasse", "final", "ὀδυσσεύσ", "fullwidth", "σίσυφοσ");
    List<String> got = new ArrayList<>();
    for (int i = 0; i < t.wordCount; i++) {
      got.add(new String(uni.word(b, 0, t, i), StandardCharsets.UTF_8));
    }
    assertEquals(words, got);
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 50; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < 300; k++) {
        sb.append((char) r.nextInt(0x09, 0x7F));
      }
      byte[] a = sb.toString().getBytes(StandardCharsets.US_ASCII);
      Tokens j = new Tokens();
      Tokens u = new Tokens();
      TextNormalizer.create(false, 0).tokenize(a, 0, a.length, j);
      uni.tokenize(a, 0, a.length, u);
      assertTrue(j.sameAs(u), "ascii #" + i);
    }
  }

  @Test
  void theUnicodeMemoGivesTheWordsOfTheDefinition() {
    // Texts drawn from a small vocabulary of non-ASCII and ASCII tokens, so that tokens repeat and
    // are found in the memo; one long token is never kept; a vocabulary larger than the memo makes
    // tokens overwrite each other's slots.
    SplittableRandom r = new SplittableRandom(17);
    for (int vocabulary : new int[] {50, 100_000}) {
      List<String> tokens = new ArrayList<>();
      for (int v = 0; v < vocabulary; v++) {
        tokens.add(randomText(r, 1 + r.nextInt(8)).replace(" ", "").trim());
      }
      tokens.add("Ｌｏｎｇ".repeat(10) + "é"); // over 64 bytes
      tokens.add("Straße,");
      tokens.add("plain");
      for (int w : new int[] {0, 64, 128, 256, 512}) {
        TextNormalizer reused = TextNormalizer.create(true, w);
        for (int doc = 0; doc < 200; doc++) {
          StringBuilder sb = new StringBuilder();
          for (int k = 0; k < 60; k++) {
            sb.append(tokens.get(r.nextInt(tokens.size()))).append(k % 9 == 8 ? "\u00A0" : " ");
          }
          byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
          // The definition, token by token, with no memo.
          Tokens want = new Tokens();
          TextNormalizer.create(false, 0).tokenize(b, 0, b.length, want);
          want.wordCount = 0;
          for (int t = 0; t < want.tokenCount; t++) {
            for (byte[] word :
                UnicodeTokenizer.definitionWords(b, want.tokenStart[t], want.tokenEnd[t])) {
              want.addWord(WordHash.of(word, 0, word.length), t);
            }
          }
          Tokens got = new Tokens();
          reused.tokenize(b, 0, b.length, got);
          assertSame(want, got, "vocabulary " + vocabulary + " width " + w + " doc " + doc);
        }
      }
    }
  }

  @Test
  void ngramHashersAgreeAtEveryWidth() {
    SplittableRandom r = new SplittableRandom(3);
    for (int n : new int[] {1, 2, 8, 13, 20}) {
      for (int count : new int[] {0, 1, n - 1, n, n + 1, 37, 1000}) {
        if (count < 0) {
          continue;
        }
        long[] w = new long[count];
        for (int i = 0; i < count; i++) {
          w[i] = r.nextLong();
        }
        long[] want = new long[Math.max(1, count)];
        int wc = NgramHasher.create(n, 0).hash(w, count, want);
        assertEquals(Math.max(0, count - n + 1), wc);
        for (int width : WIDTHS) {
          long[] got = new long[Math.max(1, count)];
          assertEquals(wc, NgramHasher.create(n, width).hash(w, count, got));
          assertArrayEquals(
              Arrays.copyOf(want, wc), Arrays.copyOf(got, wc), "n " + n + " width " + width);
        }
        NgramHasher one = NgramHasher.create(n, 0);
        for (int i = 0; i < wc; i++) {
          assertEquals(want[i], one.at(w, i), "n " + n + " at " + i);
        }
        if (wc > 0) {
          // The rolling hash equals the definition: a polynomial over the words, then mixed.
          long g = 0;
          for (int k = 0; k < n; k++) {
            g = g * NgramHasher.BASE + w[wc - 1 + k];
          }
          assertEquals(NgramHasher.mix(g), want[wc - 1]);
        }
      }
    }
  }

  @Test
  void runKeysFollowTheDefinitionOnceCompiled() {
    // Enough calls for the JIT's optimizing compiler, whose code short tests do not reach: JDK
    // 25.0.3's C2 gave wrong, varying results for an earlier form of the run hash.
    SplittableRandom r = new SplittableRandom(11);
    long[] w = new long[64];
    for (int call = 0; call < 20_000; call++) {
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextLong();
      }
      int k = 1 + r.nextInt(8);
      int j = r.nextInt(w.length - k + 1);
      long want = 0;
      for (int t = 0; t < k; t++) {
        want ^= Long.rotateLeft(w[j + t], k - 1 - t);
      }
      assertEquals(want, RunKeys.runHash(w, j, k), "call " + call);
      long[] copy = new long[k + 3];
      System.arraycopy(w, j, copy, 3, k);
      assertEquals(RunKeys.key(w, j, k), RunKeys.key(copy, 3, k), "a run's key is its words'");
      // The sampled runs, through each run length's own loop (and the general one past 8).
      int kk = 1 + r.nextInt(10);
      int stride = 1 + r.nextInt(12);
      int count = r.nextInt(w.length + 1);
      long[] keys = new long[count / stride + 2];
      int x = 0;
      for (int at = 0; at + kk <= count; at += stride) {
        keys[x++] = RunKeys.key(w, at, kk);
      }
      long[] got = new long[keys.length];
      assertEquals(x, RunKeys.sampled(w, count, kk, stride, got), "call " + call);
      assertArrayEquals(keys, got, "call " + call);
    }
  }

  @Test
  void bloomProbesAgreeAtEveryWidth() {
    SplittableRandom r = new SplittableRandom(9);
    long[] filter = new long[1000];
    long[] keys = new long[3000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = r.nextLong();
      filter[BloomProbe.slot(keys[i], filter.length)] |= BloomProbe.bits(keys[i]);
    }
    for (int count : new int[] {0, 1, 7, 8, 9, 63, 1000}) {
      long[] hashes = new long[count];
      for (int i = 0; i < count; i++) {
        hashes[i] = r.nextInt(3) == 0 ? keys[r.nextInt(keys.length)] : r.nextLong();
      }
      int[] want = new int[count];
      int wn = BloomProbe.create(0).mayContain(filter, hashes, count, new long[count], want);
      // The scalar kernel passes every key and only what the definition passes.
      int p = 0;
      for (int i = 0; i < count; i++) {
        long m = BloomProbe.bits(hashes[i]);
        if ((filter[BloomProbe.slot(hashes[i], filter.length)] & m) == m) {
          assertEquals(i, want[p++], "count " + count);
        }
      }
      assertEquals(p, wn);
      for (int width : WIDTHS) {
        int[] got = new int[count];
        int gn = BloomProbe.create(width).mayContain(filter, hashes, count, new long[count], got);
        assertArrayEquals(
            Arrays.copyOf(want, wn), Arrays.copyOf(got, gn), "count " + count + " width " + width);
      }
    }
  }

  @Test
  void vectorBitsPropertyIsValidated() {
    assertEquals(0, Kernels.resolve("0", true));
    assertEquals(256, Kernels.resolve("256", true));
    assertEquals(Kernels.preferredBits(), Kernels.resolve(null, true));
    org.junit.jupiter.api.Assertions.assertThrows(
        midtrain.data.DataException.class, () -> Kernels.resolve("100", true));
  }

  @Test
  void withoutTheVectorApiTheDefaultIsScalarAndAVectorWidthIsRefused() {
    assertTrue(Kernels.vectorApiPresent(), "the module requires jdk.incubator.vector");
    assertEquals(0, Kernels.resolve(null, false));
    assertEquals(0, Kernels.resolve(" ", false));
    assertEquals(0, Kernels.resolve("0", false));
    midtrain.data.DataException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            midtrain.data.DataException.class, () -> Kernels.resolve("256", false));
    assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
    // Read in a class initializer, a value the JVM cannot run warns and takes the default.
    assertEquals(0, Kernels.resolveOrDefault("256", false));
    assertEquals(Kernels.preferredBits(), Kernels.resolveOrDefault("100", true));
    assertEquals(Kernels.preferredBits(), Kernels.resolveOrDefault("abc", true));
    assertEquals(128, Kernels.resolveOrDefault("128", true));
  }
}
