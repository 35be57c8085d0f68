package midtrain.data.fasttext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastTextRaterTest {
  static final Path MODEL = FastTextFixturesTest.DIR.resolve("softmax.bin");
  @TempDir Path tmp;

  @Test
  void scoresEveryLabelWithFastTextsProbability() throws Exception {
    Rater r = Raters.create("fasttext", Map.of("model", MODEL.toString()));
    assertEquals(List.of("food", "music", "nature", "sport", "tech"), List.copyOf(sorted(r)));
    FastTextModel m = FastTextModel.load(MODEL);
    List<String> texts = Files.readAllLines(FastTextFixturesTest.DIR.resolve("input.txt"));
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot batch = DocumentBatch.create(a)) {
      for (int i = 0; i < 20; i++) {
        DocumentBatch.append(batch, "d" + i, texts.get(i) + "\nsecond line");
      }
      try (VectorSchemaRoot out = Raters.apply(batch, List.of(r), a)) {
        for (int i = 0; i < 20; i++) {
          for (Prediction p : m.predict(texts.get(i) + " second line", -1, 0)) {
            String col = DocumentBatch.scoreColumn("fasttext", p.label().substring(9));
            assertEquals(p.probability(), ((Float4Vector) out.getVector(col)).get(i), "row " + i);
          }
        }
      }
    }
  }

  private static List<String> sorted(Rater r) {
    return r.outputs().stream().sorted().toList();
  }

  @Test
  void chosenLabelsAndTopKAndThreads() throws Exception {
    Rater r =
        Raters.create(
            "fasttext",
            Map.of("model", MODEL.toString(), "labels", "tech,__label__food", "k", "1"));
    assertEquals(List.of("tech", "food"), r.outputs());
    FastTextModel m = FastTextModel.load(MODEL);
    ExecutorService ex = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> fs = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        fs.add(
            ex.submit(
                () -> {
                  float[] row = new float[2];
                  for (String text : List.of("code java cpu", "bread cheese", "ball goal", "zzz")) {
                    Prediction top = m.predict(text, 1, 0).get(0);
                    java.util.Arrays.fill(row, Float.NaN);
                    score(r, text, row);
                    float want0 = top.label().equals("__label__tech") ? top.probability() : 0f;
                    float want1 = top.label().equals("__label__food") ? top.probability() : 0f;
                    if (row[0] != want0 || row[1] != want1) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : fs) {
        assertTrue(f.get());
      }
    } finally {
      ex.shutdown();
    }
  }

  private static void score(Rater r, String text, float[] row) {
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot batch = DocumentBatch.create(a)) {
      DocumentBatch.append(batch, "x", text);
      float[][] s = new float[row.length][1];
      r.rate(batch, s);
      for (int i = 0; i < row.length; i++) {
        row[i] = s[i][0];
      }
    }
  }

  @Test
  void badParametersAreRefusedClearly() {
    DataException e = assertThrows(DataException.class, () -> Raters.create("fasttext", Map.of()));
    assertTrue(e.getMessage().contains("model"), e.getMessage());
    e =
        assertThrows(
            DataException.class,
            () -> Raters.create("fasttext", Map.of("model", MODEL.toString(), "labels", "nope")));
    assertTrue(e.getMessage().contains("no label 'nope'"), e.getMessage());
    e =
        assertThrows(
            DataException.class,
            () -> Raters.create("fasttext", Map.of("model", tmp.resolve("x.bin").toString())));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void collidingOutputNamesAreRefused() {
    FastTextModel m =
        FastTextTrainer.train(
            FastTextArgs.builder().dim(4).epoch(1).build(),
            List.of("__label__a.b x y", "__label__a_b y z", "__label__c z"));
    Path f = tmp.resolve("c.bin");
    m.save(f);
    DataException e =
        assertThrows(
            DataException.class, () -> Raters.create("fasttext", Map.of("model", f.toString())));
    assertTrue(e.getMessage().contains("both become output 'a_b'"), e.getMessage());
    Rater ok = Raters.create("fasttext", Map.of("model", f.toString(), "labels", "a.b,c"));
    assertEquals(List.of("a_b", "c"), ok.outputs());
  }
}
