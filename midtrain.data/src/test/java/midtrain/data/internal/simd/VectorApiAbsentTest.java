package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library without the Vector API module: a child JVM runs {@link ClassPathProbe} on the class
 * path, where {@code jdk.incubator.vector} is absent unless added, and must get the results this
 * JVM gets on the module path with the vector kernels.
 */
class VectorApiAbsentTest {
  private static final String INCUBATOR = "jdk.incubator.vector";

  /** What a child JVM printed and how it ended. */
  record Child(int exit, List<String> out, String err) {}

  @Test
  void theClassPathWithoutTheModuleRunsTheScalarKernelsWithTheSameResults(@TempDir Path dir)
      throws Exception {
    ClassPathProbe.writeCorpus(dir);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Kernels.defaultBits() > 0,
        "this JVM runs the vector kernels (no -D" + Kernels.PROPERTY + "=0)");
    List<String> want = ClassPathProbe.run(dir);
    // The corpus has duplicates, copies of the benchmark and a broken line, for every kernel.
    assertTrue(want.stream().anyMatch(l -> l.endsWith("exact-dup true near-dup true")), "dups");
    assertTrue(want.contains("janitor run documents 72 contaminated 9 rejected 1"), "janitor");
    assertTrue(want.contains("unicode run documents 72 contaminated 9 rejected 1"), "unicode");

    for (String bits : new String[] {null, "0"}) {
      List<String> args = new ArrayList<>(classPath());
      if (bits != null) {
        args.add(0, "-D" + Kernels.PROPERTY + "=" + bits);
      }
      Child c = java(args, dir);
      String where = "class path, " + (bits == null ? "no width set" : "width " + bits);
      assertEquals(0, c.exit(), where + ": " + c.err());
      assertFalse(c.err().contains(INCUBATOR), where + ": " + c.err());
      assertEquals("bits=0", c.out().get(0), where);
      assertEquals(want, c.out().subList(1, c.out().size()), where);
    }
  }

  @Test
  void aVectorWidthWithoutTheModuleWarnsToAddItAndRunsScalar(@TempDir Path dir) throws Exception {
    ClassPathProbe.writeCorpus(dir);
    List<String> args = new ArrayList<>(classPath());
    args.add(0, "-D" + Kernels.PROPERTY + "=256");
    Child c = java(args, dir);
    // A warning that names the value and the way out, then the scalar kernels' results: an error
    // thrown where the width is read would fail every later use of a kernel without its message.
    assertEquals(0, c.exit(), c.err());
    assertTrue(
        c.err()
            .contains(
                Kernels.PROPERTY
                    + "=256 needs the Vector API: run with --add-modules jdk.incubator.vector, or"
                    + " set it to 0 for the scalar kernels; using the scalar kernels"),
        c.err());
    assertEquals("bits=0", c.out().get(0));
    assertEquals(ClassPathProbe.run(dir), c.out().subList(1, c.out().size()));
  }

  @Test
  void widthZeroOnTheModulePathLoadsNoVectorApiClass(@TempDir Path dir) throws Exception {
    ClassPathProbe.writeCorpus(dir);
    String modulePath = System.getProperty("jdk.module.path");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        modulePath != null, "the tests run on the class path");
    List<String> want = ClassPathProbe.run(dir);
    Child c =
        java(
            List.of(
                "-D" + Kernels.PROPERTY + "=0",
                "-Xlog:class+load=info",
                "--add-opens=java.base/java.nio=org.apache.arrow.memory.core",
                "--module-path",
                modulePath,
                "--patch-module",
                "midtrain.data=" + testClasses(),
                "-m",
                "midtrain.data/" + ClassPathProbe.class.getName()),
            dir);
    assertEquals(0, c.exit(), c.err());
    List<String> results = new ArrayList<>();
    for (String line : c.out()) {
      // The class-loading log shares stdout with the results.
      if (line.startsWith("[")) {
        assertFalse(line.contains(" " + INCUBATOR + "."), line);
      } else {
        results.add(line);
      }
    }
    assertEquals("bits=0", results.get(0));
    assertEquals(want, results.subList(1, results.size()));
  }

  /** The class path of the probe: this module's classes, its dependencies and the test classes. */
  private static List<String> classPath() throws URISyntaxException {
    List<String> entries = new ArrayList<>();
    entries.add(testClasses());
    for (String p : new String[] {"jdk.module.path", "java.class.path"}) {
      String v = System.getProperty(p);
      if (v != null && !v.isEmpty()) {
        entries.add(v);
      }
    }
    return List.of(
        // As a class-path user must, for Arrow's memory.
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp",
        String.join(File.pathSeparator, entries),
        ClassPathProbe.class.getName());
  }

  private static String testClasses() throws URISyntaxException {
    return Path.of(ClassPathProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }

  /** Runs this JVM's java binary with the arguments and the corpus folder; never adds modules. */
  private static Child java(List<String> args, Path dir) throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(args);
    cmd.add(dir.toString());
    Path out = dir.resolve("child.out");
    Path err = dir.resolve("child.err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    // A JDK_JAVA_OPTIONS or JAVA_TOOL_OPTIONS with --add-modules would hide what is tested.
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the child JVM did not finish: " + cmd);
    }
    return new Child(
        p.exitValue(),
        Files.readAllLines(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
