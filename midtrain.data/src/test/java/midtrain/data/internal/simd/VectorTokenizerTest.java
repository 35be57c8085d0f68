package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VectorTokenizerTest {
  /** A stride or run length below 1 is refused rather than looping or indexing out of range. */
  @Test
  void samplingBelowOneIsRefused() {
    byte[] b = "one two three".getBytes(StandardCharsets.US_ASCII);
    for (int w : KernelDifferentialTest.WIDTHS) {
      // Both ways of picking the sampled words: visiting, and the default (Long.expand on JDK 19+).
      for (VectorTokenizer t :
          new VectorTokenizer[] {new VectorTokenizer(w, false), new VectorTokenizer(w)}) {
        Tokens out = new Tokens();
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> t.hashSampledWords(b, 0, b.length, out, 5, 0));
        assertTrue(e.getMessage().contains("stride = 0"), e.getMessage());
        assertThrows(
            IllegalArgumentException.class, () -> t.hashSampledWords(b, 0, b.length, out, 0, 9));
        t.hashSampledWords(b, 0, b.length, out, 1, 1);
        assertEquals(3, out.wordCount);
      }
    }
  }

  /** The shifted range test of pass 1 agrees with two compares for every byte and every range. */
  @Test
  void rangeTestMatchesTwoCompares() {
    for (int lo = 0; lo < 0x100; lo++) {
      for (int hi = lo; hi < Math.min(0x100, lo + 255); hi++) { // at most 255 values
        byte add = VectorTokenizer.rangeAdd(lo);
        byte below = VectorTokenizer.rangeBelow(lo, hi);
        for (int b = 0; b < 256; b++) {
          boolean shifted = (byte) (b + add) < below;
          assertEquals(b >= lo && b <= hi, shifted, "byte " + b + " in [" + lo + ", " + hi + "]");
        }
      }
    }
  }

  /**
   * Every byte value, alone between spaces and inside a word, is a space, punctuation or a kept
   * (lower-cased) byte as the scalar tokenizer has it, at every vector width.
   */
  @Test
  void everyByteIsClassifiedAsByTheScalarTokenizer() {
    StringBuilder s = new StringBuilder();
    for (int c = 0; c < 0x80; c++) {
      s.append("a").append((char) c).append("b ").append((char) c).append(' ');
    }
    byte[] b = s.toString().getBytes(StandardCharsets.US_ASCII);
    Tokens want = new Tokens();
    TextNormalizer.create(false, 0).hashWords(b, 0, b.length, want);
    for (int w : KernelDifferentialTest.WIDTHS) {
      Tokens got = new Tokens();
      TextNormalizer.create(false, w).hashWords(b, 0, b.length, got);
      assertEquals(want.wordCount, got.wordCount, "width " + w);
      assertArrayEquals(
          Arrays.copyOf(want.wordHash, want.wordCount),
          Arrays.copyOf(got.wordHash, got.wordCount),
          "width " + w);
    }
  }
}
