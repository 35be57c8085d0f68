package midtrain.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Measures {@link PythonExecutor}'s throughput, programs per second, with one worker and with one
 * per available processor, over small passing programs; the numbers in {@code docs/eval.md} come
 * from it.
 *
 * <p>Run after {@code ./mvnw -pl midtrain.eval test-compile}: {@code java -cp
 * midtrain.eval/target/classes:midtrain.eval/target/test-classes midtrain.eval.ExecutorThroughput
 * 200}.
 */
public final class ExecutorThroughput {
  private ExecutorThroughput() {}

  /**
   * Runs the measurement.
   *
   * @param args the number of programs (default 200), then optionally the Python command
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    String python = args.length > 1 ? args[1] : "python3";
    List<String> programs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      programs.add(
          "def f(x):\n    return sum(range(x))\n\nassert f("
              + i
              + ") == "
              + (i * (i - 1) / 2)
              + "\n");
    }
    int all = Runtime.getRuntime().availableProcessors();
    double one = 0;
    for (int workers : new int[] {1, all}) {
      try (PythonExecutor ex =
          PythonExecutor.builder().command(List.of(python)).workers(workers).build()) {
        ex.run(programs.get(0)); // warm the page cache
        long start = System.nanoTime();
        List<CompletableFuture<ExecutionResult>> f = new ArrayList<>();
        for (String p : programs) {
          f.add(ex.submit(p));
        }
        for (CompletableFuture<ExecutionResult> x : f) {
          if (!x.join().passed()) {
            throw new IllegalStateException("a program failed: " + x.join());
          }
        }
        double rate = n / ((System.nanoTime() - start) / 1e9);
        if (workers == 1) {
          one = rate;
        }
        System.out.printf(
            Locale.ROOT,
            "%d worker%s: %d programs, %.1f programs/s (%.2fx one worker)%n",
            workers,
            workers == 1 ? "" : "s",
            n,
            rate,
            rate / one);
      }
    }
  }
}
