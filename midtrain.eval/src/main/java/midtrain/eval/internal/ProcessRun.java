package midtrain.eval.internal;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import midtrain.eval.EvalException;
import midtrain.eval.ExecutionResult;

/**
 * One guarded run of a Python program: a fresh temporary directory as its working directory, the
 * guard and the program written there, stdin closed, a reduced environment, output kept up to a
 * cap, the process and its descendants killed at the time limit, the directory deleted after.
 */
public final class ProcessRun {
  /** Lines of the error output a failure's message keeps, enough for a traceback's last frame. */
  static final int TAIL_LINES = 8;

  private ProcessRun() {}

  /**
   * The limits of a run.
   *
   * @param command the interpreter and its leading arguments, {@code python3} say
   * @param timeout the wall-clock limit
   * @param maxOutputBytes the most bytes kept of each of stdout and stderr (their ends)
   * @param addressSpaceBytes the address-space limit, 0 for none
   * @param fileSizeBytes the largest file the program may write, 0 for none
   */
  public record Limits(
      List<String> command,
      Duration timeout,
      int maxOutputBytes,
      long addressSpaceBytes,
      long fileSizeBytes) {}

  /**
   * Runs a program.
   *
   * @param limits the limits
   * @param program the source
   * @return how it ended
   * @throws EvalException if the interpreter cannot be started or the directory not written
   */
  public static ExecutionResult run(Limits limits, String program) {
    Path dir;
    try {
      dir = Files.createTempDirectory("midtrain-exec-");
    } catch (IOException e) {
      throw new EvalException("cannot create a temporary directory to run a program in: " + e);
    }
    try {
      return runIn(dir, limits, program);
    } finally {
      deleteTree(dir);
    }
  }

  private static ExecutionResult runIn(Path dir, Limits limits, String program) {
    Path guard = dir.resolve("midtrain_guard.py");
    try {
      Files.writeString(guard, PythonGuard.SOURCE, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(PythonGuard.PROGRAM), program, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EvalException("cannot write the program to " + dir + ": " + e);
    }
    // The CPU limit backs the wall-clock one up, a second later, should the kill below fail.
    long cpuSeconds = (long) Math.ceil(limits.timeout().toMillis() / 1000.0) + 1;
    List<String> cmd = new ArrayList<>(limits.command());
    // -I: no user site-packages, no PYTHON* variables, no script directory on sys.path; -B: no
    // .pyc files written.
    cmd.addAll(
        List.of(
            "-I",
            "-B",
            guard.getFileName().toString(),
            PythonGuard.PROGRAM,
            Long.toString(limits.addressSpaceBytes()),
            Long.toString(cpuSeconds),
            Long.toString(limits.fileSizeBytes())));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    String path = env.get("PATH");
    env.clear();
    if (path != null) {
      env.put("PATH", path);
    }
    String home = dir.toString();
    env.put("HOME", home);
    env.put("TMPDIR", home);
    env.put("LANG", "C.UTF-8");
    env.put("PYTHONIOENCODING", "utf-8");
    env.put("PYTHONHASHSEED", "0");
    // One thread per numeric library: the workers already use every core.
    env.put("OMP_NUM_THREADS", "1");
    env.put("OPENBLAS_NUM_THREADS", "1");
    env.put("MKL_NUM_THREADS", "1");
    long start = System.nanoTime();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new EvalException(
          "cannot start the Python command "
              + limits.command()
              + ": "
              + e.getMessage()
              + "; install Python 3 or name the interpreter to use");
    }
    try {
      p.getOutputStream().close(); // stdin: the program reads end-of-file
    } catch (IOException e) {
      // The process may already have exited; there is nothing to close then.
    }
    OutputTail out = OutputTail.drain(p.getInputStream(), limits.maxOutputBytes(), "stdout", null);
    OutputTail err =
        OutputTail.drain(
            p.getErrorStream(),
            limits.maxOutputBytes(),
            "stderr",
            PythonGuard.START.getBytes(StandardCharsets.UTF_8));
    boolean exited;
    try {
      exited = waitFor(p, err, start, limits.timeout().toNanos());
    } catch (InterruptedException e) {
      killTree(p);
      Thread.currentThread().interrupt();
      throw new EvalException("interrupted while a program ran");
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (exited) {
      // The guard has killed the process group it ran the program in; this takes what is still
      // listed as a descendant (a child of a guard that could not make its group). Not the process
      // itself: destroying a Process closes its streams, and the readers may not have read the
      // traceback yet.
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    } else {
      killTree(p);
    }
    out.await();
    err.await();
    if (!exited) {
      String tail = err.lastLines(TAIL_LINES);
      return ExecutionResult.of(
          ExecutionResult.Outcome.TIMED_OUT,
          "timed out after " + seconds(limits.timeout()) + (tail.isEmpty() ? "" : "\n" + tail),
          elapsed);
    }
    int code = p.exitValue();
    if (code == 0) {
      return ExecutionResult.of(ExecutionResult.Outcome.PASSED, "", elapsed);
    }
    String tail = err.lastLines(TAIL_LINES);
    String why =
        code > 128
            ? "killed by signal " + (code - 128) + (code - 128 == 24 ? " (CPU time limit)" : "")
            : "exit status " + code;
    return ExecutionResult.of(ExecutionResult.Outcome.FAILED, tail.isEmpty() ? why : tail, elapsed);
  }

  /**
   * Waits until the process exits or its time is up: the time limit once the guard has said the
   * program starts, or, until it does, the limit plus {@link #START_UP} from the launch.
   */
  private static boolean waitFor(Process p, OutputTail err, long launch, long timeout)
      throws InterruptedException {
    while (true) {
      long started = err.startedAt();
      boolean known = started != OutputTail.NOT_STARTED;
      long deadline = known ? started + timeout : launch + START_UP.toNanos() + timeout;
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return !p.isAlive();
      }
      // Until the start is known, look again every few milliseconds.
      if (p.waitFor(known ? left : Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS)) {
        return true;
      }
    }
  }

  /** How long the interpreter may take to start the program, beyond the program's own limit. */
  static final Duration START_UP = Duration.ofSeconds(5);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private static String seconds(Duration d) {
    double s = d.toMillis() / 1000.0;
    return (s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s)) + " s";
  }

  /**
   * Kills a process and every descendant it has now: the descendants are listed before the process
   * dies, since its orphans stop being its descendants once it is gone.
   */
  static void killTree(Process p) {
    List<ProcessHandle> all = new ArrayList<>();
    p.toHandle().descendants().forEach(all::add);
    p.destroyForcibly();
    for (ProcessHandle h : all) {
      // A descendant may have started more processes since the listing: take them along.
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      h.destroyForcibly();
    }
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Deletes a program's directory as far as it can, and never throws: its result matters more than
   * its directory. Entries are removed relative to their open parent (a {@link
   * SecureDirectoryStream}), so trees nested past the path-length limit go too, and directories the
   * program left without permissions get them back first; links are removed, never followed.
   */
  static void deleteTree(Path dir) {
    try {
      grant(dir);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        if (ds instanceof SecureDirectoryStream<Path> sds) {
          deleteEntries(dir, sds);
        } else {
          deleteWalking(dir);
        }
      }
      Files.deleteIfExists(dir);
    } catch (IOException | RuntimeException e) {
      // What is left stays in the temporary folder, which the OS cleans eventually.
    }
  }

  private static void deleteEntries(Path dir, SecureDirectoryStream<Path> sds) {
    try {
      for (Path entry : sds) {
        Path name = entry.getFileName();
        try {
          boolean isDir =
              sds.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW_LINKS)
                  .readAttributes()
                  .isDirectory();
          if (isDir) {
            grant(dir.resolve(name));
            try (SecureDirectoryStream<Path> sub = sds.newDirectoryStream(name, NOFOLLOW_LINKS)) {
              deleteEntries(dir.resolve(name), sub);
            }
            sds.deleteDirectory(name);
          } else {
            sds.deleteFile(name);
          }
        } catch (IOException | RuntimeException e) {
          // Go on with the other entries.
        }
      }
    } catch (RuntimeException e) {
      // The listing failed part way: what was not reached stays.
    }
  }

  /** Gives the owner every permission on a directory, by its path, where that path still works. */
  private static void grant(Path dir) {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | RuntimeException e) {
      // Not a POSIX file system, or a path past the length limit: the deletion may still work.
    }
  }

  private static void deleteWalking(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  /**
   * The end of one output stream, read on its own thread so that a program that fills a pipe does
   * not block, keeping at most {@code cap} bytes: the stream's end, where a traceback is.
   */
  static final class OutputTail {
    /** {@link #startedAt()} before the start marker was read. */
    static final long NOT_STARTED = Long.MIN_VALUE;

    private final byte[] ring;
    private long total;
    private final Thread reader;
    private volatile long startedAt = NOT_STARTED;

    private OutputTail(InputStream in, int cap, String name, byte[] marker) {
      this.ring = new byte[cap];
      this.reader =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                // Bytes of the marker matched at the stream's start; -1 once decided.
                int matched = marker == null ? -1 : 0;
                try (in) {
                  int n;
                  while ((n = in.read(buf)) > 0) {
                    int from = 0;
                    if (matched >= 0) {
                      while (from < n && matched < marker.length && buf[from] == marker[matched]) {
                        from++;
                        matched++;
                      }
                      if (matched == marker.length) {
                        startedAt = System.nanoTime();
                        matched = -1;
                      } else if (from < n) {
                        // Not the marker: what looked like it is output after all.
                        add(marker, matched);
                        matched = -1;
                      }
                    }
                    add(buf, from, n - from);
                  }
                } catch (IOException e) {
                  // The process was killed and its pipe closed: what was read is kept.
                }
              },
              "midtrain-exec-" + name);
      reader.setDaemon(true);
      reader.start();
    }

    /**
     * Starts reading a stream.
     *
     * @param marker bytes that, where the stream starts with them, mark the program's start and are
     *     not kept; null for none
     */
    static OutputTail drain(InputStream in, int cap, String name, byte[] marker) {
      return new OutputTail(in, cap, name, marker);
    }

    /** When the start marker was read ({@link System#nanoTime()}), or {@link #NOT_STARTED}. */
    long startedAt() {
      return startedAt;
    }

    private void add(byte[] buf, int n) {
      add(buf, 0, n);
    }

    private synchronized void add(byte[] buf, int off, int n) {
      for (int i = off; i < off + n; i++) {
        ring[(int) (total++ % ring.length)] = buf[i];
      }
    }

    /** Waits a little for the stream's end; a pipe held open by an escaped process is left. */
    void await() {
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The bytes kept, oldest first. */
    synchronized byte[] bytes() {
      int n = (int) Math.min(total, ring.length);
      byte[] out = new byte[n];
      int from = (int) ((total - n) % ring.length);
      for (int i = 0; i < n; i++) {
        out[i] = ring[(from + i) % ring.length];
      }
      return out;
    }

    /** How many bytes the stream gave in all, kept or not. */
    synchronized long total() {
      return total;
    }

    /** The last lines of what was kept, trailing blank lines dropped. */
    String lastLines(int lines) {
      String text = new String(bytes(), StandardCharsets.UTF_8).stripTrailing();
      int at = text.length();
      for (int i = 0; i < lines && at > 0; i++) {
        at = text.lastIndexOf('\n', at - 1);
        if (at < 0) {
          at = 0;
          break;
        }
      }
      return text.substring(at == 0 ? 0 : at + 1);
    }
  }
}
