package midtrain.data.fasttext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import midtrain.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FastTextModelTest {
  @TempDir Path tmp;

  /** Writes a fastText file by hand: dictionary a, b, </s>, labels x, y; dim 2; no buckets. */
  static byte[] handModel(int magic, int version, int loss, float[][] in, float[][] out) {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(magic).putInt(version);
    // dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate t
    b.putInt(2).putInt(5).putInt(5).putInt(1).putInt(5).putInt(1).putInt(loss).putInt(3);
    b.putInt(0).putInt(0).putInt(0).putInt(100).putDouble(1e-4);
    String[] words = {"a", "b", "</s>", "__label__x", "__label__y"};
    long[] counts = {5, 4, 9, 6, 3};
    b.putInt(5).putInt(3).putInt(2).putLong(27).putLong(-1);
    for (int i = 0; i < words.length; i++) {
      b.put(words[i].getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
      b.putLong(counts[i]).put((byte) (i < 3 ? 0 : 1));
    }
    b.put((byte) 0).putLong(in.length).putLong(2);
    for (float[] r : in) {
      b.putFloat(r[0]).putFloat(r[1]);
    }
    b.put((byte) 0).putLong(out.length).putLong(2);
    for (float[] r : out) {
      b.putFloat(r[0]).putFloat(r[1]);
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  static final float[][] IN = {{1f, 0f}, {0f, 2f}, {0.5f, 0.5f}};
  static final float[][] OUT = {{1f, -1f}, {-0.5f, 1.5f}};

  @Test
  void handSetSoftmaxWeightsGiveTheHandComputedProbabilities() throws Exception {
    Path f = tmp.resolve("hand.bin");
    Files.write(f, handModel(793712314, 12, 3, IN, OUT));
    FastTextModel m = FastTextModel.load(f);
    assertEquals(List.of("__label__x", "__label__y"), m.labels());
    // "a b" + </s>: hidden = mean of (1,0), (0,2), (0.5,0.5) = (0.5, 0.833..).
    double h0 = 0.5;
    double h1 = 2.5 / 3;
    double zx = h0 - h1;
    double zy = -0.5 * h0 + 1.5 * h1;
    double px = Math.exp(zx) / (Math.exp(zx) + Math.exp(zy));
    List<Prediction> p = m.predict("a b", -1, 0);
    assertEquals("__label__y", p.get(0).label());
    assertEquals(1 - px + 1e-5, p.get(0).probability(), 1e-6);
    assertEquals("__label__x", p.get(1).label());
    assertEquals(px + 1e-5, p.get(1).probability(), 1e-6);
    // Unknown words add nothing; the end-of-line token alone is (0.5, 0.5).
    double qx = Math.exp(0) / (Math.exp(0) + Math.exp(0.5));
    assertEquals(qx + 1e-5, m.predict("zzz", 2, 0).get(1).probability(), 1e-6);
    // Threshold drops x.
    assertEquals(1, m.predict("a b", 2, 0.5).size());
  }

  @Test
  void handSetHierarchicalSoftmaxWeights() throws Exception {
    Path f = tmp.resolve("hs.bin");
    // Two labels: one inner node (row 0 of the output matrix); right child = label 0 (count 6).
    Files.write(f, handModel(793712314, 12, 1, IN, OUT));
    FastTextModel m = FastTextModel.load(f);
    double h0 = 0.5;
    double h1 = 2.5 / 3;
    double s = 1 / (1 + Math.exp(-(h0 - h1)));
    // Huffman: leaf 1 (count 3) is taken first (left), leaf 0 second (right, binary = 1).
    List<Prediction> p = m.predict("a b", -1, 0);
    assertEquals("__label__y", p.get(0).label());
    assertEquals(1 - s + 1e-5, p.get(0).probability(), 1e-6);
    assertEquals(s + 1e-5, p.get(1).probability(), 1e-6);
  }

  @Test
  void badFilesNameTheFileAndTheProblem() throws Exception {
    Path magic = tmp.resolve("magic.bin");
    Files.write(magic, handModel(12345, 12, 3, IN, OUT));
    DataException e = assertThrows(DataException.class, () -> FastTextModel.load(magic));
    assertTrue(e.getMessage().contains(magic.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("magic"), e.getMessage());

    Path version = tmp.resolve("version.bin");
    Files.write(version, handModel(793712314, 13, 3, IN, OUT));
    e = assertThrows(DataException.class, () -> FastTextModel.load(version));
    assertTrue(e.getMessage().contains("version 13"), e.getMessage());
    assertTrue(e.getMessage().contains(version.toString()), e.getMessage());

    byte[] good = handModel(793712314, 12, 3, IN, OUT);
    for (int cut : new int[] {3, 40, 70, good.length - 30, good.length - 1}) {
      Path t = tmp.resolve("trunc" + cut + ".bin");
      Files.write(t, Arrays.copyOf(good, cut));
      e = assertThrows(DataException.class, () -> FastTextModel.load(t));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
      assertTrue(e.getMessage().contains(t.toString()), e.getMessage());
    }

    Path shape = tmp.resolve("shape.bin");
    Files.write(shape, handModel(793712314, 12, 3, IN, new float[][] {{1, 2}}));
    e = assertThrows(DataException.class, () -> FastTextModel.load(shape));
    assertTrue(e.getMessage().contains("1 rows for 2 labels"), e.getMessage());

    Path missing = tmp.resolve("missing.bin");
    e = assertThrows(DataException.class, () -> FastTextModel.load(missing));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  static List<String> corpus(long seed, int n) {
    Random r = new Random(seed);
    String[][] topics = {
      {"ball", "goal", "team", "match", "score"},
      {"bread", "cheese", "soup", "cook", "bake"},
      {"code", "java", "kernel", "cpu", "byte"}
    };
    String[] names = {"sport", "food", "tech"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int t = r.nextInt(3);
      StringBuilder sb = new StringBuilder("__label__" + names[t]);
      for (int j = 0, len = 2 + r.nextInt(6); j < len; j++) {
        sb.append(' ').append(r.nextInt(3) == 0 ? "the" : topics[t][r.nextInt(5)]);
      }
      lines.add(sb.toString());
    }
    return lines;
  }

  static String predictAll(FastTextModel m, byte[] input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.predict(new java.io.ByteArrayInputStream(input), out, -1, 0, true);
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(FastTextArgs.Loss.class)
  void trainedModelLearnsSavesAndLoadsBackWithIdenticalPredictions(FastTextArgs.Loss loss)
      throws Exception {
    List<String> train = corpus(1, 600);
    FastTextArgs args =
        FastTextArgs.builder()
            .dim(10)
            .epoch(10)
            .lr(0.5)
            .loss(loss)
            .wordNgrams(2)
            .bucket(5000)
            .minn(2)
            .maxn(3)
            .build();
    FastTextModel m = FastTextTrainer.train(args, train);
    assertEquals(5000, m.args().bucket());
    List<String> test = corpus(2, 200);
    Path f = tmp.resolve("test.txt");
    Files.write(f, test);
    try (InputStream in = Files.newInputStream(f)) {
      TestResult r = m.test(in, 1, 0);
      assertEquals(200, r.examples());
      assertTrue(r.precision() > 0.9, "precision " + r.precision());
    }
    Path bin = tmp.resolve("m.bin");
    m.save(bin);
    FastTextModel back = FastTextModel.load(bin);
    byte[] input = Files.readAllBytes(f);
    assertEquals(predictAll(m, input), predictAll(back, input));
    assertEquals(m.labels(), back.labels());
    // Saving what was loaded writes the same bytes.
    Path again = tmp.resolve("again.bin");
    back.save(again);
    assertArrayEquals(Files.readAllBytes(bin), Files.readAllBytes(again));
  }

  @Test
  void trainingIsDeterministicForASeedWithOneThread() throws Exception {
    List<String> train = corpus(3, 300);
    FastTextArgs args = FastTextArgs.builder().dim(8).epoch(3).wordNgrams(2).bucket(1000).build();
    Path a = tmp.resolve("a.bin");
    Path b = tmp.resolve("b.bin");
    Path c = tmp.resolve("c.bin");
    FastTextTrainer.train(args, train).save(a);
    FastTextTrainer.train(args, train).save(b);
    FastTextTrainer.train(args.toBuilder().seed(7).build(), train).save(c);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertTrue(!Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
  }

  @Test
  void withoutNgramsTheBucketIsZeroAsFastTextsCommandLine() {
    FastTextModel m =
        FastTextTrainer.train(FastTextArgs.builder().dim(4).epoch(1).build(), corpus(4, 50));
    assertEquals(0, m.args().bucket());
    assertEquals(3, m.labels().size());
  }

  @Test
  void trainingWithoutLabelsIsRefused() {
    DataException e =
        assertThrows(
            DataException.class,
            () -> FastTextTrainer.train(FastTextArgs.builder().build(), List.of("a b c")));
    assertTrue(e.getMessage().contains("no labels"), e.getMessage());
  }
}
