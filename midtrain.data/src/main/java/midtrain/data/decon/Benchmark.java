package midtrain.data.decon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import midtrain.data.internal.decon.BenchmarkReader;

/**
 * A named set of benchmark items, usually one file.
 *
 * <p>{@link #load} reads JSONL in the usual shapes: multiple choice (MMLU {@code question} and
 * {@code choices}, ARC {@code question.stem} and {@code choices}, HellaSwag {@code ctx} and {@code
 * endings}, WinoGrande {@code sentence}, {@code option1}, {@code option2}), question and answer
 * (GSM8K {@code question}, {@code answer}; MATH {@code problem}, {@code solution}), code (HumanEval
 * {@code prompt}, {@code canonical_solution}; MBPP {@code text}, {@code code}) and plain {@code
 * text}; every string under the chosen fields counts, each as its own text. A {@code .txt} file
 * holds one item per line. Files may be compressed with gzip ({@code .gz}) or zstd ({@code .zst}).
 */
public final class Benchmark {
  private final String name;
  private final String file;
  private final List<BenchmarkItem> items;

  /**
   * Creates a benchmark.
   *
   * @param name the name used in reports
   * @param file the file it came from, or an empty string
   * @param items the items
   */
  public Benchmark(String name, String file, List<BenchmarkItem> items) {
    this.name = Objects.requireNonNull(name, "name");
    this.file = Objects.requireNonNull(file, "file");
    this.items = List.copyOf(items);
  }

  /**
   * Makes a benchmark of plain texts, item ids 0, 1, 2, ...
   *
   * @param name the name used in reports
   * @param texts one text per item
   * @return the benchmark
   */
  public static Benchmark of(String name, List<String> texts) {
    List<BenchmarkItem> items = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      items.add(new BenchmarkItem(Integer.toString(i), true, List.of(texts.get(i))));
    }
    return new Benchmark(name, "", items);
  }

  /**
   * Loads a benchmark file, named after the file without its extensions.
   *
   * @param file a JSONL (or {@code .txt}) file, optionally {@code .gz} or {@code .zst}
   * @param fields the fields that count (dotted paths such as {@code question.stem}); empty for the
   *     known fields of the usual shapes
   * @return the benchmark
   * @throws midtrain.data.DataException naming the file and line of a malformed item
   */
  public static Benchmark load(Path file, List<String> fields) {
    return new Benchmark(
        BenchmarkReader.nameOf(file), file.toString(), BenchmarkReader.read(file, fields));
  }

  /**
   * Returns the name used in reports.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the file the benchmark came from.
   *
   * @return a path, or an empty string
   */
  public String file() {
    return file;
  }

  /**
   * Returns the items.
   *
   * @return an immutable list
   */
  public List<BenchmarkItem> items() {
    return items;
  }
}
