package midtrain.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import midtrain.data.DataException;
import midtrain.data.token.TextTokenizer;
import midtrain.data.token.Tokenization;
import midtrain.data.token.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceTokenizersTest {
  private static final Path DIR = Path.of("src/test/resources/midtrain/tokenizers");

  // Expected ids are derived by hand from the vocabularies and merges in the JSON files.

  @Test
  void wordLevelWithWhitespaceSplitsWordsAndPunctuation() {
    try (TextTokenizer t = HuggingFaceTokenizers.open(DIR.resolve("wordlevel.json"))) {
      assertEquals(8, t.vocabSize());
      assertArrayEquals(new int[] {3, 4, 7}, t.encode("hello world!"));
      assertArrayEquals(new int[] {5, 3, 6, 4}, t.encode("the hello, world"));
      // Unknown words map to [UNK]; added tokens are recognised inside the text.
      assertArrayEquals(new int[] {3, 1, 0, 2}, t.encode("hello <s> foo</s>"));
      assertEquals(OptionalInt.of(2), t.tokenId("</s>"));
      assertEquals(OptionalInt.of(4), t.tokenId("world"));
      assertEquals(OptionalInt.empty(), t.tokenId("nope"));
      assertEquals(Map.of("[UNK]", 0, "<s>", 1, "</s>", 2), t.specialTokens());
      assertEquals("huggingface", t.id());
      assertEquals(64, t.hash().length());
    }
  }

  @Test
  void byteLevelBpeAppliesMergesInRankOrderAndTemplateAddsBos() {
    try (TextTokenizer t = HuggingFaceTokenizers.open(DIR.resolve("bpe.json"))) {
      assertEquals(17, t.vocabSize());
      // "hello" -> h e l l o -> he, ll -> he llo -> hello; " world" -> Ġw or l d -> Ġwor l d.
      assertArrayEquals(new int[] {13, 16, 4, 9}, t.encode("hello world"));
      assertArrayEquals(new int[] {0, 13, 16, 4, 9}, t.encode("hello world", true));
      assertArrayEquals(new int[] {13, 1, 13}, t.encode("hello</s>hello"));
      assertEquals("hello world", t.decode(new int[] {13, 16, 4, 9}));
      // Special tokens stay, unless skipped as the harness decodes generations.
      assertEquals("hello</s>hello", t.decode(new int[] {13, 1, 13}));
      assertEquals("hellohello", t.decode(new int[] {13, 1, 13}, true));
      assertEquals("hello</s>hello", t.decode(new int[] {13, 1, 13}, false));
      List<int[]> batch = t.encodeBatch(List.of("hello", "", "hello world"), true);
      assertArrayEquals(new int[] {0, 13}, batch.get(0));
      assertArrayEquals(new int[] {0}, batch.get(1));
      assertArrayEquals(new int[] {0, 13, 16, 4, 9}, batch.get(2));
    }
  }

  @Test
  void longDocumentsAreNotTruncated() {
    try (TextTokenizer t = HuggingFaceTokenizers.open(DIR.resolve("wordlevel.json"))) {
      String text = "hello world ".repeat(3000);
      int[] ids = t.encode(text, true);
      assertEquals(6000, ids.length);
      assertEquals(6000, t.encodeBatch(List.of(text), false).get(0).length);
    }
  }

  @Test
  void serviceLoaderFindsTheProviderByFileName() {
    assertTrue(Tokenizers.providers().containsKey("huggingface"));
    try (TextTokenizer t = Tokenizers.open(DIR.resolve("bpe.json"))) {
      assertEquals("huggingface", t.id());
    }
    DataException e =
        assertThrows(
            DataException.class,
            () -> Tokenizers.open("huggingface", DIR.resolve("bpe.json"), Map.of("lower", "1")));
    assertTrue(e.getMessage().contains("unknown option lower"), e.getMessage());
  }

  @Test
  void policyAddsBosAndEosAndParallelEncodingKeepsOrder() {
    try (TextTokenizer t = HuggingFaceTokenizers.open(DIR.resolve("bpe.json"))) {
      SplittableRandom rng = new SplittableRandom(7);
      String[] words = {"hello", " world", "</s>", " hello", "he", "llo"};
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        StringBuilder sb = new StringBuilder();
        int n = rng.nextInt(20);
        for (int k = 0; k < n; k++) {
          sb.append(words[rng.nextInt(words.length)]);
        }
        texts.add(sb.toString());
      }
      List<int[]> seq;
      try (Tokenization one = Tokenization.builder(t).bos("<s>").eos("</s>").build()) {
        assertArrayEquals(new int[] {0, 13, 16, 4, 9, 1}, one.encode("hello world"));
        // Already framed: nothing added twice.
        assertArrayEquals(new int[] {0, 13, 1}, one.encode("<s>hello</s>"));
        seq = new ArrayList<>();
        for (String s : texts) {
          seq.add(one.encode(s));
        }
      }
      try (Tokenization par =
          Tokenization.builder(t).bos("<s>").eos("</s>").threads(4).batchSize(37).build()) {
        List<int[]> got = par.encodeAll(texts);
        assertEquals(seq.size(), got.size());
        for (int i = 0; i < seq.size(); i++) {
          assertArrayEquals(seq.get(i), got.get(i), "text " + i);
        }
      }
      DataException e =
          assertThrows(DataException.class, () -> Tokenization.builder(t).eos("<eos>").build());
      assertTrue(e.getMessage().contains("'<eos>'") && e.getMessage().contains("bpe.json"));
    }
  }

  @Test
  void unparsableFilesFailNamingTheFile(@TempDir Path tmp) {
    Path truncated = DIR.resolve("truncated.json");
    DataException e =
        assertThrows(DataException.class, () -> HuggingFaceTokenizers.open(truncated));
    assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not parse"), e.getMessage());

    Path bad = DIR.resolve("badmodel.json");
    e = assertThrows(DataException.class, () -> HuggingFaceTokenizers.open(bad));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());

    Path missing = tmp.resolve("tokenizer.json");
    e = assertThrows(DataException.class, () -> HuggingFaceTokenizers.open(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void aDirectoryMeansItsTokenizerJson(@TempDir Path tmp) throws Exception {
    Files.copy(DIR.resolve("wordlevel.json"), tmp.resolve("tokenizer.json"));
    try (TextTokenizer t = HuggingFaceTokenizers.open(tmp)) {
      assertArrayEquals(new int[] {3}, t.encode("hello"));
    }
  }
}
