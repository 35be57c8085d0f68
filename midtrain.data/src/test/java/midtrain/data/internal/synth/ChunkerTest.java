package midtrain.data.internal.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Chunks stay within the budget and lose no character but spaces. */
class ChunkerTest {
  @Test
  void randomTextsSplitWithinBudgetKeepingEveryNonSpaceCharacter() {
    Random r = new Random(2024);
    String[] seps = {" ", " ", " ", ". ", "\n\n", "! ", "\n", "😀"};
    for (int trial = 0; trial < 300; trial++) {
      StringBuilder sb = new StringBuilder();
      int words = r.nextInt(400);
      for (int w = 0; w < words; w++) {
        int len = 1 + (r.nextInt(20) == 0 ? r.nextInt(300) : r.nextInt(9));
        for (int c = 0; c < len; c++) {
          sb.append((char) ('a' + r.nextInt(26)));
        }
        sb.append(seps[r.nextInt(seps.length)]);
      }
      String text = sb.toString().strip();
      if (text.isEmpty()) {
        continue;
      }
      int max = 40 + r.nextInt(400);
      List<String> chunks = Chunker.split(text, max);
      StringBuilder back = new StringBuilder();
      for (String c : chunks) {
        assertTrue(c.length() <= max, "chunk of " + c.length() + " > " + max);
        assertTrue(!c.isBlank(), "blank chunk");
        back.append(c);
      }
      assertEquals(text.replaceAll("\\s+", ""), back.toString().replaceAll("\\s+", ""));
    }
  }

  @Test
  void aRunOfWhitespaceOtherThanSpacesGivesNoBlankChunk() {
    // A hard cut inside a long run of tabs left a piece that stripped to nothing: an empty prompt.
    String text = "alpha" + "\t".repeat(250) + "omega";
    List<String> chunks = Chunker.split(text, 100);
    for (String c : chunks) {
      assertTrue(!c.isBlank(), "blank chunk in " + chunks);
    }
    assertEquals("alphaomega", String.join("", chunks).replaceAll("\\s+", ""));
  }

  @Test
  void paragraphsArePackedWhole() {
    String text = "aaaa aaaa.\n\nbbbb bbbb.\n\ncccc cccc.";
    assertEquals(List.of("aaaa aaaa.\n\nbbbb bbbb.", "cccc cccc."), Chunker.split(text, 22));
    assertEquals(List.of(text), Chunker.split(text, text.length()));
  }
}
