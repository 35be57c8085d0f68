package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastTextCommandTest {
  static final Path FIXTURES = Path.of("../midtrain.data/src/test/resources/fasttext");
  @TempDir Path tmp;

  /** Runs the command with System.out captured (predictions are written there as bytes). */
  static Object[] run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Object[] r;
    try {
      r = ScheduleCommandTest.run(args);
    } finally {
      System.setOut(old);
    }
    return new Object[] {r[0], bytes.toString(StandardCharsets.UTF_8) + r[1], r[2]};
  }

  @Test
  void predictProbPrintsWhatFastTextPrints() throws Exception {
    String input = FIXTURES.resolve("input.txt").toString();
    Object[] r = run("fasttext", "predict-prob", FIXTURES.resolve("hs.bin").toString(), input, "3");
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(Files.readString(FIXTURES.resolve("hs.k3.expected")), r[1]);
    r = run("fasttext", "predict-prob", FIXTURES.resolve("ngrams.bin").toString(), input, "-1");
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(Files.readString(FIXTURES.resolve("ngrams.all.expected")), r[1]);
    r = run("fasttext", "predict", FIXTURES.resolve("ova.bin").toString(), input, "2", "0.2");
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(Files.readString(FIXTURES.resolve("ova.k2t.expected")), r[1]);
    r =
        run(
            "fasttext",
            "test",
            FIXTURES.resolve("softmax.bin").toString(),
            FIXTURES.resolve("train.txt").toString(),
            "2");
    assertEquals(0, r[0], (String) r[2]);
    assertEquals(Files.readString(FIXTURES.resolve("softmax.test.expected")), r[1]);
  }

  @Test
  void supervisedWritesBinAndVecThatPredictUses() throws Exception {
    Path train = tmp.resolve("train.txt");
    Files.write(
        train,
        List.of(
            "__label__a x y z",
            "__label__b p q r",
            "__label__a x z",
            "__label__b q r",
            "__label__a y"));
    Object[] r =
        run(
            "fasttext",
            "supervised",
            "-input",
            train.toString(),
            "-output",
            tmp.resolve("m").toString(),
            "-dim",
            "4",
            "-epoch",
            "50",
            "-lr",
            "0.5",
            "-wordNgrams",
            "2",
            "-bucket",
            "100",
            "-thread",
            "1",
            "-verbose",
            "0",
            "-loss",
            "hs");
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(Files.size(tmp.resolve("m.bin")) > 0);
    List<String> vec = Files.readAllLines(tmp.resolve("m.vec"));
    assertEquals("7 4", vec.get(0));
    assertEquals(7 + 1, vec.size());
    assertTrue(vec.get(1).endsWith(" "), vec.get(1));
    Path in = tmp.resolve("in.txt");
    Files.write(in, List.of("x y", "p q"));
    r = run("fasttext", "predict", tmp.resolve("m.bin").toString(), in.toString());
    assertEquals(0, r[0], (String) r[2]);
    assertEquals("__label__a\n__label__b\n", r[1]);
  }

  @Test
  void badInputExitsWithTwoAndOneLine() throws Exception {
    Path bad = tmp.resolve("bad.bin");
    Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Object[] r = run("fasttext", "predict", bad.toString(), "-");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("wrong magic number"), (String) r[2]);
    // The subcommand's full name (it said "midtrain predict:").
    assertTrue(((String) r[2]).startsWith("midtrain fasttext predict: "), (String) r[2]);
    r = run("fasttext", "predict", FIXTURES.resolve("hs.bin").toString(), "-", "0");
    assertEquals(2, r[0]);
    r = run("fasttext", "supervised", "-input", tmp.resolve("none.txt").toString(), "-output", "x");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("no such file"), (String) r[2]);
  }

  @Test
  void supervisedTakesPretrainedVectorsAndSavesTheOutputMatrix() throws Exception {
    Path vec = FIXTURES.resolve("pretrained.vec");
    String prefix = tmp.resolve("p").toString();
    String[] common = {
      "fasttext",
      "supervised",
      "-input",
      FIXTURES.resolve("train.txt").toString(),
      "-output",
      prefix,
      "-epoch",
      "1",
      "-thread",
      "1",
      "-verbose",
      "0",
      "-saveOutput"
    };
    Object[] r = run(concat(common, "-dim", "4", "-pretrainedVectors", vec.toString()));
    assertEquals(0, r[0], (String) r[2]);
    List<String> out = Files.readAllLines(Path.of(prefix + ".output"));
    // The five labels of train.txt and __label__extra, which the vectors file adds as fastText
    // does.
    assertEquals("6 4", out.get(0));
    assertEquals(7, out.size());
    assertTrue(out.stream().anyMatch(l -> l.startsWith("__label__extra ")), out.toString());
    for (String l : out.subList(1, out.size())) {
      assertEquals(5, l.split(" ").length, l);
      assertTrue(l.endsWith(" "), l);
    }
    assertTrue(
        Files.readAllLines(Path.of(prefix + ".vec")).stream()
            .anyMatch(l -> l.startsWith("zebra ")));
    // A dimension other than the file's: exit 2, one line naming the file and both dimensions.
    r = run(concat(common, "-dim", "5", "-pretrainedVectors", vec.toString()));
    assertEquals(2, r[0]);
    String err = ((String) r[2]).strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains(vec.toString()) && err.contains("dimension 4"), err);
    assertTrue(err.contains("-dim is 5"), err);
    r = run(concat(common, "-dim", "4", "-pretrainedVectors", tmp.resolve("no.vec").toString()));
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("no such file"), (String) r[2]);
  }

  @Test
  void autotuneIsRefusedWithOneLineAndItsOtherOptionsAreAccepted() throws Exception {
    Path train = tmp.resolve("train.txt");
    Files.write(train, List.of("__label__a x y", "__label__b p q"));
    String[] common = {
      "fasttext",
      "supervised",
      "-input",
      train.toString(),
      "-output",
      tmp.resolve("a").toString(),
      "-dim",
      "2",
      "-thread",
      "1",
      "-verbose",
      "0",
      "-autotune-metric",
      "f1:__label__a",
      "-autotune-predictions",
      "2",
      "-autotune-duration",
      "60",
      "-autotune-modelsize",
      "2M"
    };
    Object[] r = run(concat(common, "-autotune-validation", train.toString()));
    assertEquals(2, r[0]);
    String err = ((String) r[2]).strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains("autotuning") && err.contains("not supported"), err);
    assertTrue(err.contains("explicitly"), err);
    assertTrue(Files.notExists(tmp.resolve("a.bin")));
    // Without a validation file fastText ignores the other -autotune-* options; so do we.
    r = run(common);
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(Files.exists(tmp.resolve("a.bin")));
    assertTrue(Files.notExists(tmp.resolve("a.output")));
  }

  static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
