package midtrain.data.fasttext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compares our predictions with what fastText 0.9.2 printed for the same models and inputs
 * (fixtures written by midtrain.bench/scripts/fasttext_fixtures.sh).
 */
class FastTextFixturesTest {
  static final Path DIR = Path.of("src/test/resources/fasttext");

  static String run(Path model, Path input, int k, double threshold, boolean probs)
      throws Exception {
    FastTextModel m = FastTextModel.load(model);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(input)) {
      m.predict(in, out, k, threshold, probs);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({
    "softmax.bin, softmax",
    "hs.bin, hs",
    "ngrams.bin, ngrams",
    "subwords.bin, subwords",
    "ova.bin, ova",
    "subwords_q.ftz, subwords_q"
  })
  void predictionsMatchFastText(String file, String name) throws Exception {
    Path model = DIR.resolve(file);
    Path input = DIR.resolve("input.txt");
    assertEquals(
        Files.readString(DIR.resolve(name + ".k3.expected")), run(model, input, 3, 0, true));
    assertEquals(
        Files.readString(DIR.resolve(name + ".all.expected")), run(model, input, -1, 0, true));
    assertEquals(
        Files.readString(DIR.resolve(name + ".k2t.expected")), run(model, input, 2, 0.2, false));
    FastTextModel m = FastTextModel.load(model);
    try (InputStream in = Files.newInputStream(DIR.resolve("train.txt"))) {
      assertEquals(
          Files.readString(DIR.resolve(name + ".test.expected")), m.test(in, 2, 0).report());
    }
  }

  @ParameterizedTest
  @CsvSource({"5, 0, k5", "2, 0.01, k2t"})
  void quantizedOutputWithPrunedDictionaryMatchesFastText(int k, double th, String suffix)
      throws Exception {
    Path model = DIR.resolve("many_q.ftz");
    assertTrue(FastTextModel.load(model).quantized());
    assertEquals(
        Files.readString(DIR.resolve("many_q." + suffix + ".expected")),
        run(model, DIR.resolve("input_many.txt"), k, th, true));
  }

  @ParameterizedTest
  @CsvSource({"softmax.bin", "hs.bin", "subwords_q.ftz"})
  void apiPredictMatchesTheCommandLineOutput(String file) throws Exception {
    FastTextModel m = FastTextModel.load(DIR.resolve(file));
    List<String> lines = Files.readAllLines(DIR.resolve("input.txt"));
    String expected = run(DIR.resolve(file), DIR.resolve("input.txt"), 3, 0, true);
    String[] exp = expected.split("\n", -1);
    for (int i = 0; i < 40; i++) {
      StringBuilder sb = new StringBuilder();
      for (Prediction p : m.predict(lines.get(i), 3, 0)) {
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(p.label())
            .append(' ')
            .append(midtrain.data.internal.fasttext.CFormat.g(p.probability(), 6));
      }
      assertEquals(exp[i], sb.toString(), "line " + i);
    }
  }
}
