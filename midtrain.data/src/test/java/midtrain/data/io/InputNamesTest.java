package midtrain.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InputNamesTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getRoot();

  private static Path p(String... names) {
    return ROOT.resolve(String.join("/", names));
  }

  @Test
  void filesOfOneFolderKeepTheirFileNames() {
    assertEquals(
        List.of("part-0.jsonl", "part-1.jsonl"),
        InputNames.of(List.of(p("d", "part-0.jsonl"), p("d", "part-1.jsonl"))));
  }

  @Test
  void sameNamedFilesGetTheShortestPathThatTellsThemApart() {
    assertEquals(
        List.of("a/part-0.jsonl", "b/part-0.jsonl", "other.jsonl"),
        InputNames.of(
            List.of(p("x", "a", "part-0.jsonl"), p("x", "b", "part-0.jsonl"), p("other.jsonl"))));
    assertEquals(
        List.of("x/out/p.jsonl", "y/out/p.jsonl"),
        InputNames.of(List.of(p("x", "out", "p.jsonl"), p("y", "out", "p.jsonl"))));
    // A file listed twice is one input: one name.
    assertEquals(
        List.of("p.jsonl", "p.jsonl"),
        InputNames.of(List.of(p("d", "p.jsonl"), p("d", "p.jsonl"))));
  }

  /**
   * Brute force over random folder trees: unique, a tail of the path, and no shorter tail works.
   */
  @Test
  void namesAreUniqueMinimalTailsOnRandomTrees() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int round = 0; round < 300; round++) {
      List<Path> files = new ArrayList<>();
      int n = 1 + rnd.nextInt(8);
      for (int i = 0; i < n; i++) {
        int depth = rnd.nextInt(4);
        List<String> parts = new ArrayList<>();
        for (int d = 0; d < depth; d++) {
          parts.add("d" + rnd.nextInt(3));
        }
        parts.add("f" + rnd.nextInt(3) + ".jsonl");
        files.add(p(parts.toArray(String[]::new)));
      }
      List<String> names = InputNames.of(files);
      Map<String, Path> owner = new HashMap<>();
      for (int i = 0; i < n; i++) {
        Path f = files.get(i);
        String name = names.get(i);
        Path prev = owner.putIfAbsent(name, f);
        assertTrue(prev == null || prev.equals(f), files + " -> " + names);
        String whole = f.toString().replace('\\', '/');
        assertTrue(whole.endsWith(name), whole + " / " + name);
        boolean shared = false;
        for (Path g : files) {
          shared |= !g.equals(f) && g.getFileName().equals(f.getFileName());
        }
        if (!shared) {
          assertEquals(f.getFileName().toString(), name);
          continue;
        }
        // One name fewer would clash with another file of the same name.
        int k = name.split("/", -1).length;
        if (k >= 2 && !name.startsWith("/")) {
          String shorter = tail(f, k - 1);
          boolean clash = false;
          for (Path g : files) {
            clash |=
                !g.equals(f)
                    && g.getFileName().equals(f.getFileName())
                    && tail(g, k - 1).equals(shorter);
          }
          assertTrue(clash, files + " -> " + names);
        }
      }
    }
  }

  private static String tail(Path p, int k) {
    int n = p.getNameCount();
    if (k > n) {
      return p.toString();
    }
    return p.subpath(n - k, n).toString().replace('\\', '/');
  }

  @Test
  void readerOptionsCarryTheNameIntoDefaultIds() {
    ReaderOptions o = ReaderOptions.builder().textField("content").build();
    ReaderOptions named = o.toBuilder().inputName("a/part-0.jsonl").build();
    assertEquals("content", named.textField());
    assertEquals("a/part-0.jsonl", named.inputName());
    // Unset, it leaves the printed options (a curate run's fingerprint) as they were.
    assertEquals(o.toString(), ReaderOptions.builder().textField("content").build().toString());
    assertNotEquals(o.toString(), named.toString());
  }
}
