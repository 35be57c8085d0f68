package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordHashTest {
  /**
   * Words that differ in one byte of each 8-byte chunk get distinct hashes. Exact deduplication
   * keys documents by their word hashes, so a collision between such words would drop a document as
   * a duplicate of another: a hash whose step only multiplies (carries run upward) let a change in
   * a first chunk's last byte be cancelled by one in the second chunk's, 676 such words giving 254
   * hashes.
   */
  @Test
  void wordsThatDifferInTwoChunksDoNotCollide() {
    String[] shapes = {
      "abcdefg?abcdefg?",
      "internaXionalizY",
      "?bcdefgh?bcdefgh",
      "?bc?",
      "abcdefg??",
      // Two blocks: the blocks' values are chained, not added.
      "abcdefghijklmno?abcdefghijklmno?",
      "?bcdefghijklmnopqrstuvwxyz?"
    };
    for (String shape : shapes) {
      Set<Long> hashes = new HashSet<>();
      int words = 0;
      for (char x = 'a'; x <= 'z'; x++) {
        for (char y = 'a'; y <= 'z'; y++) {
          int first = shape.indexOf(shape.contains("?") ? '?' : 'X');
          int second = shape.lastIndexOf(shape.contains("?") ? '?' : 'Y');
          char[] w = shape.toCharArray();
          w[first] = x;
          w[second] = y;
          byte[] b = new String(w).getBytes(StandardCharsets.UTF_8);
          hashes.add(WordHash.of(b, 0, b.length));
          words++;
        }
      }
      assertEquals(words, hashes.size(), shape);
    }
  }

  /**
   * Words whose zero-padded blocks are the same but whose lengths differ ("ab" and "ab" with a NUL
   * byte after it) get distinct hashes, and so do words that only swap their blocks.
   */
  @Test
  void lengthAndBlockOrderCount() {
    Set<Long> hashes = new HashSet<>();
    byte[] b = new byte[40];
    b[0] = 'a';
    b[1] = 'b';
    for (int len = 2; len <= 40; len++) {
      hashes.add(WordHash.of(b, 0, len));
    }
    assertEquals(39, hashes.size());
    byte[] ab = "abcdefghijklmnopqrstuvwxyz012345".getBytes(StandardCharsets.UTF_8);
    byte[] ba = "qrstuvwxyz012345abcdefghijklmnop".getBytes(StandardCharsets.UTF_8);
    assertNotEquals(WordHash.of(ab, 0, 32), WordHash.of(ba, 0, 32));
  }
}
