package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimpleFoldTest {
  /** The table's word of a token, or null where it leaves the token to the definition. */
  private static String fold(String token) {
    byte[] b = token.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[2 * b.length];
    int n = SimpleFold.fold(b, 0, b.length, out);
    return n < 0 ? null : new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /** The definition's words of a token, joined by spaces. */
  private static String definition(String token) {
    byte[] b = token.getBytes(StandardCharsets.UTF_8);
    List<String> words = new ArrayList<>();
    for (byte[] w : UnicodeTokenizer.definitionWords(b, 0, b.length)) {
      words.add(new String(w, StandardCharsets.UTF_8));
    }
    return String.join(" ", words);
  }

  private static String codePoints(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(c -> sb.append(String.format("U+%04X ", c)));
    return sb.toString().trim();
  }

  @Test
  void everyCharacterOfTheTableNormalizesAsTheDefinitionSaysAloneAndBetweenOthers() {
    int simple = 0;
    for (int c = 0x80; c < 0x10000; c++) {
      if (Character.isSurrogate((char) c) || !SimpleFold.isSimple(c)) {
        continue;
      }
      simple++;
      String s = String.valueOf((char) c);
      assertEquals(definition(s), fold(s), () -> "alone " + codePoints(s));
      // Before and after ASCII letters (which start compositions) and punctuation, doubled, with
      // a capital and a sigma (the one character whose folding depends on what surrounds it).
      for (String t :
          new String[] {
            "A" + s + "b",
            "<" + s,
            s + "=",
            s + s,
            "\u03a3" + s + "\u03a3",
            s + "\u00e9",
            "\u00c9" + s
          }) {
        assertEquals(definition(t), fold(t), () -> "in " + codePoints(t));
      }
    }
    // Most assigned letters of the plane: far more than the Latin, Greek and Cyrillic alphabets.
    assertTrue(simple > 30_000, "simple characters: " + simple);
    // Planes 1 and 2, whose entries are made a character at a time: alone and in two contexts.
    int supplementary = 0;
    for (int c = 0x10000; c < 0x30000; c++) {
      if (!SimpleFold.isSimple(c)) {
        continue;
      }
      supplementary++;
      String s = Character.toString(c);
      for (String t : new String[] {s, "A" + s + "\u00e9", s + s + "\u03a3"}) {
        assertEquals(definition(t), fold(t), () -> "in " + codePoints(t));
      }
    }
    assertTrue(supplementary > 50_000, "simple supplementary characters: " + supplementary);
    assertEquals(null, fold(Character.toString(0x30000))); // plane 3: left to the definition
  }

  @Test
  void charactersThatCombineOrSplitAreNotSimpleAndOthersFoldToTheirPiece() {
    for (char c :
        new char[] {
          '\u0301', // combining acute: a mark
          '\u0338', // combining long solidus, which composes "<" into "≮"
          '\u1161', // Hangul vowel jamo, a letter that composes with the consonant before it
          '\u11a8', // Hangul final jamo
          '\u3133', // compatibility jamo, whose NFKC is a final jamo
          '\u00a0', // no-break space: NFKC makes it a space
          '\u00a8', // diaeresis: NFKC makes it a space and a combining mark
          '\u09be', // Bengali vowel sign AA, the second of a composed pair
          '\u0cd5', // Kannada length mark, likewise
          '\ufdfa' // an Arabic ligature of 18 characters: over twice its bytes
        }) {
      assertFalse(SimpleFold.isSimple(c), () -> codePoints(String.valueOf(c)));
    }
    for (char c :
        new char[] {
          '\u00e9', '\u00f6', '\u03a3', '\u03c2', '\u0416', '\u05d0', '\u0628', '\u4e2d', '\uac00',
          '\u023a', '\u00ab', '\u2014', '\u00df', '\ufb01', '\uff21', '\uff0c', '\u0130', '\u0149'
        }) {
      assertTrue(SimpleFold.isSimple(c), () -> codePoints(String.valueOf(c)));
    }
    assertEquals("\u00e9ta", fold("\u00c9ta,"));
    assertEquals(
        "\u03c3\u03af\u03c3\u03c5\u03c6\u03bf\u03c3",
        fold("\u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3"));
    assertEquals("\u2c65", fold("\u023a")); // two bytes fold to three
    assertEquals("", fold("\u00ab\u2014\u00bb"));
    assertEquals("strasse", fold("Stra\u00dfe")); // one character to two
    assertEquals("final", fold("\ufb01nal")); // a compatibility ligature
    assertEquals("quick", fold("\uff31\uff55\uff49\uff43\uff4b\uff0c")); // fullwidth
    assertEquals("i\u0307s", fold("\u0130S")); // İ lower-cases to i and a combining dot
    assertEquals(null, fold("cafe\u0301"));
    assertEquals("\ud83d\ude00", fold("\ud83d\ude00")); // an emoji, four bytes
    assertEquals("a", fold("\ud835\udc00")); // mathematical bold A: NFKC makes it "A"
  }

  @Test
  void invalidUtf8IsLeftToTheDefinition() {
    byte[][] bad = {
      {(byte) 0xC3}, // cut
      {'a', (byte) 0xC3, 'b'},
      {(byte) 0xC0, (byte) 0x80}, // overlong
      {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
      {(byte) 0x80}, // a continuation byte alone
      {(byte) 0xE4, (byte) 0xB8}, // cut
      {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // overlong
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, // cut
      {(byte) 0xF0, (byte) 0x9F, 'a', (byte) 0x80},
      {'a', ' ', 'b'} // whitespace is never inside a token
    };
    for (byte[] b : bad) {
      assertEquals(-1, SimpleFold.fold(b, 0, b.length, new byte[2 * b.length]), Arrays.toString(b));
    }
  }

  @Test
  void randomTokensOfSimpleAndOtherCharactersAgreeWithTheDefinition() {
    SplittableRandom r = new SplittableRandom(41);
    char[] pool = {
      'a', 'Z', '\'', '-', '.', '<', '=', '>', '0', '\u00e9', '\u00c9', '\u00f6', '\u00df',
      '\u03a3', '\u03c3', '\u03c2', '\u03ac', '\u0416', '\u0436', '\u05d0', '\u0628', '\u064e',
      '\u0301', '\u0338', '\u4e2d', '\uac00', '\u1100', '\u1161', '\u11a8', '\ufb01', '\uff21',
      '\u00ab', '\u2014', '\u00ad', '\u200b', '\u023a', '\u0130', '\u0131', '\u212a', '\u212b',
      '\u00c5'
    };
    int folded = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + r.nextInt(7);
      for (int k = 0; k < len; k++) {
        sb.append(
            r.nextInt(4) == 0 ? (char) r.nextInt(0x80, 0x3000) : pool[r.nextInt(pool.length)]);
      }
      String t = sb.toString();
      if (t.chars().anyMatch(c -> Character.isSurrogate((char) c) || Chars.isSpace(c))) {
        continue;
      }
      String got = fold(t);
      if (got != null) {
        folded++;
        assertEquals(definition(t), got, () -> "token " + codePoints(t));
      }
    }
    assertTrue(folded > 50_000, "tokens the table took: " + folded);
  }

  @Test
  void aShortTokenIsAsciiByItsOwnBytesOnly() {
    for (int n = 1; n <= 20; n++) {
      for (int high = -1; high < n; high++) {
        // Bytes over 0x7F before and after the token, which the masked loads must not count.
        byte[] a = new byte[40];
        Arrays.fill(a, (byte) 0xC3);
        Arrays.fill(a, 3, 3 + n, (byte) 'x');
        if (high >= 0) {
          a[3 + high] = (byte) 0xA9;
        }
        assertEquals(high < 0, UnicodeTokenizer.isAscii(a, 3, n), "n " + n + " high " + high);
        // At the end of the array: the loop, not the loads.
        byte[] b = Arrays.copyOf(a, 3 + n);
        assertEquals(high < 0, UnicodeTokenizer.isAscii(b, 3, n), "end, n " + n + " high " + high);
      }
    }
  }

  /** The words of a text by the definition, token by token (tokens as the janitor splits them). */
  private static Tokens definitionTokens(byte[] b) {
    Tokens want = new Tokens();
    TextNormalizer.create(false, 0).tokenize(b, 0, b.length, want);
    want.wordCount = 0;
    for (int t = 0; t < want.tokenCount; t++) {
      for (byte[] w : UnicodeTokenizer.definitionWords(b, want.tokenStart[t], want.tokenEnd[t])) {
        want.addWord(WordHash.of(w, 0, w.length), t);
      }
    }
    return want;
  }

  @Test
  void theWordLoopsFoldTextsOfSimpleCharactersAsTheDefinitionSays() {
    // Simple letters of two and three bytes (some fold to another), deleted punctuation of two
    // and three bytes, emoji, ASCII, multi-byte spaces; then the same texts with one character the
    // kernel cannot fold in place (it gives way to the token path) or a stray continuation byte.
    // With a Deseret capital (folds to its small letter, four bytes to four), ß (to ss, two bytes
    // to two) and a fullwidth comma (deleted).
    String[] pool = {
      "\u00e9",
      "\u00c9",
      "\u00f6",
      "\u00d6",
      "\u03a3",
      "\u03c2",
      "\u03ac",
      "\u0416",
      "\u0436",
      "\u05d0",
      "\u0628",
      "\u4e2d",
      "\uac00",
      "\u00ab",
      "\u00bb",
      "\u2014",
      "\u2019",
      "a",
      "B",
      "7",
      "'",
      "-",
      ".",
      ",",
      "(",
      " ",
      " ",
      " ",
      "\u00a0",
      "\u3000",
      "\u2028",
      "\ud83d\ude00",
      "\ud801\udc00",
      "\u00df",
      "\uff0c"
    };
    // Not simple, or simple but folded to another length (U+023A, two bytes to three).
    String[] notSimple = {
      "\u00a8", "\u0301", "\ufb01", "\uff21", "\ud835\udc00", "\u023a", "\u1161", "\ud880\udc00"
    };
    SplittableRandom r = new SplittableRandom(23);
    for (int i = 0; i < 400; i++) {
      StringBuilder sb = new StringBuilder();
      int chars = r.nextInt(1, 400);
      for (int k = 0; k < chars; k++) {
        sb.append(pool[r.nextInt(pool.length)]);
      }
      String text = sb.toString();
      if (i % 4 == 1) {
        int at = r.nextInt(text.length() + 1);
        text = text.substring(0, at) + notSimple[i % notSimple.length] + text.substring(at);
      }
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      if (i % 4 == 3) {
        int at = r.nextInt(b.length + 1);
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = (byte) 0x9F; // a continuation byte with no lead
        System.arraycopy(b, at, c, at + 1, b.length - at);
        b = c;
      }
      Tokens got = new Tokens();
      TextNormalizer.create(true, 0).tokenize(b, 0, b.length, got);
      KernelDifferentialTest.assertSame(definitionTokens(b), got, "text #" + i);
      KernelDifferentialTest.checkAllWidths(b, 0, b.length, "text #" + i);
    }
  }

  @Test
  void paddedHashEqualsTheHash() {
    SplittableRandom r = new SplittableRandom(5);
    for (int len = 1; len <= 70; len++) {
      byte[] b = new byte[(len + 15) & -16];
      for (int i = 0; i < len; i++) {
        b[i] = (byte) r.nextInt(1, 256);
      }
      assertEquals(WordHash.of(b, 0, len), WordHash.ofPadded(b, len), "length " + len);
    }
  }

  @Test
  void theTokenizerTakesTheTableAndTheMemoAndTheDefinitionAlike() {
    // Tokens the table takes, tokens the memo takes (marks), long ones the definition takes.
    String text =
        "\u00c9ta \u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3, \u00abstra\u00dfe\u00bb cafe\u0301"
            + " \uff26\uff55\uff4c\uff4c \u4e2d\u6587\u5b57 "
            + "\u00fc".repeat(40)
            + " "
            + "e\u0301".repeat(20)
            + " plain\u2014dash";
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    for (int w : new int[] {0, 64, 128, 256, 512}) {
      Tokens t = new Tokens();
      TextNormalizer.create(true, w).tokenize(b, 0, b.length, t);
      Tokens want = definitionTokens(b);
      assertEquals(want.wordCount, t.wordCount, "width " + w);
      for (int k = 0; k < want.wordCount; k++) {
        if (want.wordHash[k] != t.wordHash[k]) {
          fail("width " + w + " word " + k);
        }
      }
    }
    // ß folds to two letters: not simple, so the token takes the definition.
    int from = text.substring(0, text.indexOf('\u00ab')).getBytes(StandardCharsets.UTF_8).length;
    int to = from + "\u00abstra\u00dfe\u00bb".getBytes(StandardCharsets.UTF_8).length;
    assertArrayEquals(
        "strasse".getBytes(StandardCharsets.UTF_8),
        UnicodeTokenizer.tokenWords(b, from, to).get(0));
  }
}
