package midtrain.data.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Names the inputs of one run so that default ids ({@code <name>:<line>}) are unique within it.
 *
 * <p>An input's name is its file name, as ids have always been, unless another input of the run has
 * the same file name in another folder ({@code a/part-0.jsonl} and {@code b/part-0.jsonl}, two
 * curate outputs, say): then each of those gets the shortest trailing part of its path that no
 * other of them has ({@code a/part-0.jsonl}), with {@code /} between folders on every system. So a
 * run over one folder keeps its ids, and sampling and FIM draws, which are keyed on the id, do not
 * repeat across same-named files. A file listed twice is one input and gets one name.
 */
public final class InputNames {
  private InputNames() {}

  /**
   * Returns each input's name.
   *
   * @param files the run's inputs, in any order; relative ones are resolved against the working
   *     folder
   * @return the name of each file, in the order given
   */
  public static List<String> of(List<Path> files) {
    Objects.requireNonNull(files, "files");
    List<Path> abs = new ArrayList<>(files.size());
    Map<String, Set<Path>> byName = new HashMap<>();
    for (Path f : files) {
      Path a = Objects.requireNonNull(f, "files: a file is null").toAbsolutePath().normalize();
      abs.add(a);
      byName.computeIfAbsent(fileName(a), k -> new HashSet<>()).add(a);
    }
    Map<Path, String> names = new HashMap<>();
    for (Map.Entry<String, Set<Path>> e : byName.entrySet()) {
      Set<Path> same = e.getValue();
      if (same.size() == 1) {
        names.put(same.iterator().next(), e.getKey());
        continue;
      }
      // Each file its own shortest tail that no other file of the name shares at that length:
      // tails of different lengths differ in their number of '/', so the names are unique.
      // Counted per length, so a thousand folders of part-00000 files cost a thousand per length.
      Set<Path> left = new HashSet<>(same);
      for (int k = 2; !left.isEmpty(); k++) {
        Map<String, Integer> count = new HashMap<>();
        for (Path q : same) {
          count.merge(tail(q, k), 1, Integer::sum);
        }
        for (java.util.Iterator<Path> it = left.iterator(); it.hasNext(); ) {
          Path p = it.next();
          String mine = tail(p, k);
          if (count.get(mine) == 1) {
            names.put(p, mine);
            it.remove();
          }
        }
      }
    }
    List<String> out = new ArrayList<>(files.size());
    for (Path a : abs) {
      out.add(names.get(a));
    }
    return out;
  }

  private static String fileName(Path p) {
    return p.getFileName() == null ? p.toString() : p.getFileName().toString();
  }

  /** The last {@code k} names of a path joined with {@code /}; the whole path when it has fewer. */
  private static String tail(Path p, int k) {
    int n = p.getNameCount();
    StringBuilder sb = new StringBuilder();
    if (k > n) {
      // Distinct absolute paths always differ here, so the search ends.
      sb.append(p.getRoot() == null ? "" : p.getRoot().toString().replace('\\', '/'));
      k = n;
    }
    for (int i = n - k; i < n; i++) {
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '/') {
        sb.append('/');
      }
      sb.append(p.getName(i));
    }
    return sb.toString();
  }
}
