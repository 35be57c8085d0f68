package midtrain.data.fasttext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -pretrainedVectors} and {@code -saveOutput} against files the fastText 0.9.2 binary wrote
 * (see {@code midtrain.bench/scripts/fasttext_fixtures.sh}): {@code pretrained0.bin} was trained
 * with {@code -epoch 0}, so its input matrix is exactly fastText's initialisation from {@code
 * pretrained.vec}.
 */
class FastTextPretrainedTest {
  static final Path FIXTURES = Path.of("src/test/resources/fasttext");
  @TempDir Path tmp;

  /** The parts of a .bin file the tests compare, parsed here independently of the code. */
  record Bin(
      int nwords,
      int nlabels,
      long ntokens,
      Map<String, Long> counts,
      List<String> order,
      float[][] in) {
    static Bin read(Path file) throws Exception {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      b.position(8 + 12 * 4 + 8); // magic, version, 12 int args, t
      int size = b.getInt();
      int nwords = b.getInt();
      int nlabels = b.getInt();
      long ntokens = b.getLong();
      assertEquals(-1L, b.getLong()); // not pruned
      Map<String, Long> counts = new LinkedHashMap<>();
      String[] order = new String[size];
      for (int i = 0; i < size; i++) {
        int s = b.position();
        while (b.get() != 0) {}
        byte[] w = Arrays.copyOfRange(b.array(), s, b.position() - 1);
        order[i] = new String(w, StandardCharsets.UTF_8);
        long c = b.getLong();
        byte type = b.get();
        assertEquals(i < nwords ? 0 : 1, type, order[i]);
        counts.put(order[i], c);
      }
      assertEquals(0, b.get()); // dense input
      int rows = (int) b.getLong();
      int cols = (int) b.getLong();
      float[][] in = new float[rows][cols];
      for (float[] r : in) {
        for (int j = 0; j < cols; j++) {
          r[j] = b.getFloat();
        }
      }
      return new Bin(nwords, nlabels, ntokens, counts, List.of(order), in);
    }

    float[] row(String word) {
      return in[order.indexOf(word)];
    }
  }

  static FastTextArgs.Builder args() {
    // lr 1e-30: the first update meets a zero output matrix and later ones underflow, so the input
    // rows stay as initialised (this trainer refuses -epoch 0).
    return FastTextArgs.builder()
        .dim(4)
        .epoch(1)
        .lr(1e-30)
        .thread(1)
        .pretrainedVectors(FIXTURES.resolve("pretrained.vec"));
  }

  @Test
  void pretrainedVectorsGrowTheDictionaryAndInitialiseTheRowsAsFastText() throws Exception {
    FastTextModel m = FastTextTrainer.train(args().build(), FIXTURES.resolve("train.txt"));
    Path ours = tmp.resolve("ours.bin");
    m.save(ours);
    Bin mine = Bin.read(ours);
    Bin ft = Bin.read(FIXTURES.resolve("pretrained0.bin"));
    // Every word of the file counts once more, unknown ones join with count 1 (zebra), a token with
    // the label prefix becomes a label, and each adds a token.
    assertEquals(ft.nwords(), mine.nwords());
    assertEquals(ft.nlabels(), mine.nlabels());
    assertEquals(ft.ntokens(), mine.ntokens());
    assertEquals(ft.counts(), mine.counts());
    assertEquals(1L, mine.counts().get("zebra"));
    assertTrue(m.labels().contains("__label__extra"), m.labels().toString());
    // Sorted by count within words and within labels (fastText leaves ties in no fixed order).
    for (int i = 1; i < mine.order().size(); i++) {
      if (i != mine.nwords()) {
        assertTrue(
            mine.counts().get(mine.order().get(i - 1)) >= mine.counts().get(mine.order().get(i)));
      }
    }
    // The file's rows, as fastText reads them (a repeated word keeps its last vector).
    for (String w : List.of("</s>", "ball", "zebra", "the")) {
      assertArrayEquals(ft.row(w), mine.row(w), w);
    }
    assertArrayEquals(new float[] {0.75f, -0.75f, 0.375f, -0.375f}, mine.row("ball"));
    assertArrayEquals(new float[] {0.01234f, -0.98765f, 4.5e-3f, -1e-05f}, mine.row("the"));
    // Other words keep the usual uniform initialisation in [-1/dim, 1/dim).
    float[] goal = mine.row("goal");
    for (float v : goal) {
      assertTrue(Math.abs(v) <= 0.25f, Arrays.toString(goal));
    }
    assertTrue(!Arrays.equals(goal, new float[4]));
  }

  @Test
  void aDimensionOtherThanDimIsRefusedNamingTheFileAndBothDimensions() {
    Path vec = FIXTURES.resolve("pretrained.vec");
    DataException e =
        assertThrows(
            DataException.class,
            () -> FastTextTrainer.train(args().dim(5).build(), FIXTURES.resolve("train.txt")));
    assertTrue(e.getMessage().contains(vec.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("dimension 4"), e.getMessage());
    assertTrue(e.getMessage().contains("-dim is 5"), e.getMessage());
  }

  @Test
  void malformedVectorsAreRefusedWithFileAndLine() throws Exception {
    Path vec = tmp.resolve("bad.vec");
    Files.writeString(vec, "2 2\na 0.5 1\nb 0.5 x\n");
    FastTextArgs a = args().dim(2).pretrainedVectors(vec).build();
    Path train = FIXTURES.resolve("train.txt");
    DataException e = assertThrows(DataException.class, () -> FastTextTrainer.train(a, train));
    assertTrue(e.getMessage().contains(vec + " line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    Files.writeString(vec, "3 2\na 0.5 1\nb 0.5 1\n");
    e = assertThrows(DataException.class, () -> FastTextTrainer.train(a, train));
    assertTrue(e.getMessage().contains("ends before the word of vector 3"), e.getMessage());
    Files.writeString(vec, "1 2\na 0.5 1\nb 0.5 1\n");
    e = assertThrows(DataException.class, () -> FastTextTrainer.train(a, train));
    assertTrue(e.getMessage().contains("line 3: unexpected 'b'"), e.getMessage());
    Path none = tmp.resolve("none.vec");
    FastTextArgs missing = args().pretrainedVectors(none).build();
    e = assertThrows(DataException.class, () -> FastTextTrainer.train(missing, train));
    assertTrue(e.getMessage().contains(none + ": no such file"), e.getMessage());
  }

  @Test
  void saveOutputWritesWhatFastTextWrites() throws Exception {
    FastTextModel m = FastTextModel.load(FIXTURES.resolve("pretrained.bin"));
    Path out = tmp.resolve("m.output");
    m.saveOutput(out);
    assertEquals(Files.readString(FIXTURES.resolve("pretrained.output")), Files.readString(out));
  }

  @Test
  void saveOutputOfHandSetWeights() throws Exception {
    float[][] out = {{1f, -0f}, {-0.5f, 1.234567f}};
    Path f = tmp.resolve("hand.bin");
    Files.write(f, FastTextModelTest.handModel(793712314, 12, 3, FastTextModelTest.IN, out));
    Path o = tmp.resolve("hand.output");
    FastTextModel.load(f).saveOutput(o);
    assertEquals("2 2\n__label__x 1 0 \n__label__y -0.5 1.2346 \n", Files.readString(o));
  }

  @Test
  void saveOutputRefusesQuantizedModels() {
    FastTextModel q = FastTextModel.load(FIXTURES.resolve("subwords_q.ftz"));
    Path o = tmp.resolve("q.output");
    DataException e = assertThrows(DataException.class, () -> q.saveOutput(o));
    assertTrue(e.getMessage().contains("quantized"), e.getMessage());
  }
}
