package midtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import midtrain.eval.ExecutionResult.Outcome;
import midtrain.eval.internal.HumanEvalTaskProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Python executor against a real {@code python3}: outcomes, limits, the guard, cleanup. */
class PythonExecutorTest {
  @TempDir Path tmp;

  static boolean python;

  static String interpreter;

  @BeforeAll
  static void findPython() {
    try {
      // The interpreter itself, not a launcher such as pyenv's shim, which adds variables of its
      // own
      // to the environment a test below checks.
      Process p =
          new ProcessBuilder(
                  "python3",
                  "-c",
                  "import sys; assert sys.version_info >= (3, 8); print(sys.executable)")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      python = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty();
      interpreter = python ? out : "python3";
    } catch (IOException e) {
      python = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static PythonExecutor.Builder executor() {
    assumeTrue(
        python,
        "python3 (3.8 or later) is not on PATH: these tests run real programs with it, so they"
            + " are skipped where there is none");
    return PythonExecutor.builder().command(List.of(interpreter)).workers(2);
  }

  static ExecutionResult run(String program) {
    try (PythonExecutor ex = executor().build()) {
      return ex.run(program);
    }
  }

  @Test
  void passesFailsWithTheErrorAndRefusesASyntaxError() {
    ExecutionResult ok = run("def f(x):\n    return x + 1\n\nassert f(1) == 2\n");
    assertEquals(Outcome.PASSED, ok.outcome(), ok.toString());
    assertEquals("", ok.message());
    ExecutionResult bad = run("def f(x):\n    return x\n\nassert f(1) == 2, 'f(1) gave 1'\n");
    assertEquals(Outcome.FAILED, bad.outcome());
    assertTrue(bad.message().endsWith("AssertionError: f(1) gave 1"), bad.message());
    // The traceback names the program's own file and line, not the guard's.
    assertTrue(bad.message().contains("File \"program.py\", line 4"), bad.message());
    // The guard's own frames are left out: they name the temporary directory.
    assertTrue(
        bad.message().startsWith("Traceback (most recent call last):\n  File \"program.py\""),
        bad.message());
    assertFalse(bad.message().contains("midtrain_guard"), bad.message());
    ExecutionResult syntax = run("def f(:\n    pass\n");
    assertEquals(Outcome.FAILED, syntax.outcome());
    assertTrue(syntax.message().contains("SyntaxError"), syntax.message());
    assertTrue(syntax.message().startsWith("  File \"program.py\", line 1"), syntax.message());
    ExecutionResult exit = run("import sys\nsys.exit(0)\nassert False\n");
    assertEquals(Outcome.FAILED, exit.outcome(), "an early exit(0) must not pass");
    assertTrue(exit.message().contains("exited before its end"), exit.message());
    ExecutionResult builtinExit = run("exit()\n");
    assertEquals(Outcome.FAILED, builtinExit.outcome());
    assertTrue(builtinExit.message().contains("exit is disabled"), builtinExit.message());
    // __future__ imports and dataclasses work as in a script.
    ExecutionResult future =
        run(
            "from __future__ import annotations\nfrom dataclasses import dataclass\n"
                + "@dataclass\nclass P:\n    x: int\nassert P(3).x == 3\n");
    assertEquals(Outcome.PASSED, future.outcome(), future.toString());
  }

  @Test
  void theProgramIsNotMainAsInHumanEvalsExecOfItInAnEmptyNamespace() {
    // human-eval and code_eval run exec(program, {}): __name__ is then the builtins module's, so a
    // completion's `if __name__ == "__main__":` block (reading input, say) does not run there.
    ExecutionResult r =
        run(
            "def add(a, b):\n    return a + b\n"
                + "if __name__ == '__main__':\n    print(add(int(input()), 1))\n"
                + "assert __name__ == 'builtins', __name__\n"
                + "assert add(2, 3) == 5\n");
    assertEquals(Outcome.PASSED, r.outcome(), r.toString());
  }

  @Test
  void runsIsolatedWithStdinClosedAndAReducedEnvironment() {
    ExecutionResult r =
        run(
            "import os, sys\n"
                + "assert sys.flags.isolated == 1\n"
                + "assert sys.stdin.read() == ''\n"
                + "extra = set(os.environ) - {'PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_CTYPE',"
                + " 'PYTHONIOENCODING', 'PYTHONHASHSEED', 'OMP_NUM_THREADS',"
                + " 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'}\n"
                + "assert not extra, extra\n"
                + "assert os.environ['HOME'] == os.getcwd(), os.environ['HOME']\n");
    assertEquals(Outcome.PASSED, r.outcome(), r.toString());
  }

  @Test
  void anInfiniteLoopTimesOutAndItsChildProcessIsKilled() throws Exception {
    PythonExecutor ex = executor().timeout(Duration.ofMillis(1500)).build();
    // posix.fork reaches around the guard, as the Javadoc warns; the child must die all the same.
    ExecutionResult r =
        ex.run(
            "import posix, sys, time\n"
                + "pid = posix.fork()\n"
                + "if pid == 0:\n"
                + "    while True:\n"
                + "        time.sleep(0.05)\n"
                + "sys.stderr.write('child %d\\n' % pid)\n"
                + "sys.stderr.flush()\n"
                + "while True:\n"
                + "    pass\n");
    assertEquals(Outcome.TIMED_OUT, r.outcome(), r.toString());
    assertTrue(r.message().startsWith("timed out after 1.5 s"), r.message());
    assertTrue(r.elapsed().toMillis() >= 1500 && r.elapsed().toMillis() < 10_000, r.toString());
    long child = Long.parseLong(r.message().replaceAll("(?s).*child (\\d+).*", "$1"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (alive(child) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(alive(child), "the forked child " + child + " outlived the timeout");
  }

  @Test
  void aChildLeftRunningByAProgramThatEndsIsKilled() throws Exception {
    // A program that ends while a child it forked sleeps on: once the program has exited, the
    // child is no longer its descendant (it was reparented), so a listing after the exit misses
    // it; it must die all the same, and its open output pipes must not hold the run up.
    ExecutionResult r =
        run(
            "import posix, sys, time\n"
                + "pid = posix.fork()\n"
                + "if pid == 0:\n"
                + "    time.sleep(60)\n"
                + "    posix._exit(0)\n"
                + "sys.stderr.write('child %d\\n' % pid)\n"
                + "raise SystemExit(1)\n");
    assertEquals(Outcome.FAILED, r.outcome(), r.toString());
    assertTrue(r.elapsed().toMillis() < 1500, r.toString());
    long child = Long.parseLong(r.message().replaceAll("(?s).*child (\\d+).*", "$1"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (alive(child) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(alive(child), "the forked child " + child + " outlived its program");
  }

  @Test
  void aProgramWhoseParentDiesEndsItself() throws Exception {
    // As when midtrain is killed or interrupted while a program sleeps: here a shell starts the
    // guard in the background, names it, and exits; nothing is left to kill the program at its
    // time limit, so the guard must end it once its parent is gone.
    List<String> leaving =
        List.of(
            "sh", "-c", "\"$0\" \"$@\" & echo \"guard $!\" >&2; sleep 0.5; exit 1", interpreter);
    try (PythonExecutor ex = executor().command(leaving).timeout(Duration.ofSeconds(30)).build()) {
      ExecutionResult r = ex.run("import time\ntime.sleep(30)\n");
      assertEquals(Outcome.FAILED, r.outcome(), r.toString());
      long guard = Long.parseLong(r.message().replaceAll("(?s).*guard (\\d+).*", "$1"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (alive(guard) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(alive(guard), "the guard " + guard + " outlived its parent");
    }
  }

  /** Whether a process runs: present and not a zombie waiting for its reaper. */
  static boolean alive(long pid) throws IOException {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      Path stat = Path.of("/proc/" + pid + "/stat");
      if (!Files.exists(stat)) {
        return true;
      }
      try {
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
      } catch (IOException e) {
        return false; // gone between the two looks
      }
    }
    return false;
  }

  @Test
  void outputFloodsAreCappedAndTheTracebackAfterThemKept() {
    try (PythonExecutor ex =
        executor().timeout(Duration.ofSeconds(1)).maxOutputBytes(4096).build()) {
      ExecutionResult err = ex.run("import sys\nwhile True:\n    sys.stderr.write('x' * 65536)\n");
      assertEquals(Outcome.TIMED_OUT, err.outcome());
      assertTrue(err.message().length() <= 4096 + 40, "kept " + err.message().length());
      ExecutionResult out = ex.run("while True:\n    print('y' * 10000)\n");
      assertEquals(Outcome.TIMED_OUT, out.outcome());
      // 20 MB of output, then the failure: its message survives the cap.
      ExecutionResult loud =
          ex.run(
              "import sys\nfor _ in range(2000):\n    sys.stdout.write('z' * 10000)\n"
                  + "    sys.stderr.write('w' * 10000)\n"
                  + "raise ValueError('after the flood')\n");
      assertEquals(Outcome.FAILED, loud.outcome(), loud.toString());
      assertTrue(loud.message().endsWith("ValueError: after the flood"), loud.message());
      assertTrue(loud.message().length() <= 4096, "kept " + loud.message().length());
    }
  }

  @Test
  void theAddressSpaceLimitStopsAHugeAllocation() {
    String program = "x = bytearray(512 << 20)\nassert len(x) == 512 << 20\n";
    try (PythonExecutor ex =
        executor().addressSpaceBytes(256L << 20).timeout(Duration.ofSeconds(10)).build()) {
      ExecutionResult r = ex.run(program);
      assertEquals(Outcome.FAILED, r.outcome(), r.toString());
      assertTrue(r.message().endsWith("MemoryError"), r.message());
      assertEquals(Outcome.PASSED, ex.run("x = bytearray(1 << 20)\n").outcome());
    }
    // Without the limit the same 512 MiB are allocated: the limit, not the machine, refused them.
    try (PythonExecutor ex =
        executor().addressSpaceBytes(0).timeout(Duration.ofSeconds(10)).build()) {
      ExecutionResult r = ex.run(program);
      assertEquals(Outcome.PASSED, r.outcome(), r.toString());
    }
  }

  @Test
  void theFileSizeLimitStopsABigWrite() {
    try (PythonExecutor ex = executor().fileSizeBytes(1 << 20).build()) {
      ExecutionResult r =
          ex.run("with open('big.bin', 'wb') as f:\n    f.write(b'0' * (4 << 20))\n");
      assertEquals(Outcome.FAILED, r.outcome(), r.toString());
      assertTrue(
          r.message().contains("File size limit")
              || r.message().contains("signal 25")
              || r.message().contains("OSError"),
          r.message());
    }
  }

  @Test
  void eachRunHasItsOwnTemporaryDirectoryDeletedAfterwards() throws Exception {
    String program =
        "import os, sys\n"
            + "open('scratch.txt', 'w').write('kept inside')\n"
            + "sys.stderr.write('cwd=' + os.getcwd())\n"
            + "raise SystemExit(1)\n";
    ExecutionResult a = run(program);
    ExecutionResult b = run(program);
    assertEquals(Outcome.FAILED, a.outcome(), a.toString());
    Path da = Path.of(a.message().substring(a.message().indexOf("cwd=") + 4).strip());
    Path db = Path.of(b.message().substring(b.message().indexOf("cwd=") + 4).strip());
    assertTrue(da.getFileName().toString().startsWith("midtrain-exec-"), da.toString());
    assertFalse(da.equals(db), "two runs shared " + da);
    assertFalse(Files.exists(da), da + " was left behind");
    assertFalse(Files.exists(db), db + " was left behind");
  }

  @Test
  void aTreeTheWalkCannotReadIsStillDeletedAndTheResultKept() throws Exception {
    // Directories nested past PATH_MAX (made relative to open directories, as posix allows) and one
    // without permissions: a walk by full path fails on them; the run must still report the
    // program's result, and the directory must go.
    String program =
        "import os, posix, sys\n"
            + "fd = posix.open('.', posix.O_RDONLY)\n"
            + "for i in range(25):\n"
            + "    posix.mkdir('d' * 200, dir_fd=fd)\n"
            + "    sub = posix.open('d' * 200, posix.O_RDONLY, dir_fd=fd)\n"
            + "    posix.close(fd)\n"
            + "    fd = sub\n"
            + "posix.close(posix.open('f', posix.O_WRONLY | posix.O_CREAT, 0o600, dir_fd=fd))\n"
            + "os.mkdir('locked')\n"
            + "open('locked/g', 'w').write('x')\n"
            + "posix.chmod('locked', 0)\n"
            + "sys.stderr.write('cwd=' + os.getcwd())\n"
            + "raise SystemExit(1)\n";
    ExecutionResult r = run(program);
    assertEquals(Outcome.FAILED, r.outcome(), r.toString());
    Path dir = Path.of(r.message().substring(r.message().indexOf("cwd=") + 4).strip());
    assertTrue(dir.getFileName().toString().startsWith("midtrain-exec-"), dir.toString());
    assertFalse(Files.exists(dir), dir + " was left behind");
  }

  @Test
  void theGuardRefusesWritesOutsideAndDestructiveCalls() throws Exception {
    Path outside = tmp.resolve("outside.txt");
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me");
    String[][] refused = {
      {"open(" + py(outside) + ", 'w').write('x')", "outside the working directory"},
      {"open(" + py(outside) + ", 'a')", "outside the working directory"},
      {"import io\nio.open(" + py(outside) + ", 'x')", "outside the working directory"},
      {"import pathlib\npathlib.Path(" + py(outside) + ").write_text('x')", "outside the working"},
      {"import os\nos.open(" + py(outside) + ", os.O_WRONLY | os.O_CREAT)", "outside the working"},
      {"import os\nos.remove(" + py(victim) + ")", "os.remove of"},
      {"import os\nos.unlink(" + py(victim) + ")", "os.unlink of"},
      {"import shutil\nshutil.rmtree(" + py(tmp) + ")", "shutil.rmtree is disabled"},
      {"import os\nos.rename(" + py(victim) + ", 'v')", "os.rename of"},
      {"import os\nos.replace('v', " + py(victim) + ")", "os.replace of"},
      {"import os\nos.system('true')", "os.system is disabled"},
      {"import subprocess\nsubprocess.run(['true'])", "subprocess.run is disabled"},
      {"import os\nos.kill(os.getppid(), 9)", "os.kill is disabled"},
      {"import os\nos.chdir('/')", "os.chdir is disabled"},
    };
    try (PythonExecutor ex = executor().build()) {
      for (String[] c : refused) {
        ExecutionResult r = ex.run(c[0] + "\n");
        assertEquals(Outcome.FAILED, r.outcome(), c[0]);
        assertTrue(
            r.message().contains("PermissionError") && r.message().contains(c[1]),
            c[0] + " -> " + r.message());
      }
      // Reading anywhere, and writing inside the working directory, still work.
      ExecutionResult inside =
          ex.run(
              "import os, tempfile\n"
                  + "open('a.txt', 'w').write('x')\n"
                  + "os.makedirs('sub', exist_ok=True)\n"
                  + "open(os.path.join(os.getcwd(), 'sub', 'b.txt'), 'w').write('y')\n"
                  + "with tempfile.NamedTemporaryFile() as t:\n"
                  + "    t.write(b'z')\n"
                  + "os.rename('a.txt', 'c.txt')\n"
                  + "os.remove('c.txt')\n"
                  + "assert open("
                  + py(victim)
                  + ").read() == 'keep me'\n");
      assertEquals(Outcome.PASSED, inside.outcome(), inside.toString());
    }
    assertFalse(Files.exists(outside));
    assertEquals("keep me", Files.readString(victim));
    assertTrue(Files.exists(tmp));
  }

  @Test
  void theGuardKeepsADirFdOfAReadOpen() {
    // os.open(name, O_RDONLY, dir_fd=d) opens name inside d; the guard must not drop the dir_fd
    // and open the working directory's file of that name instead.
    ExecutionResult r =
        run(
            "import os\n"
                + "os.mkdir('sub')\n"
                + "open('x', 'w').write('outer')\n"
                + "open('sub/x', 'w').write('inner')\n"
                + "d = os.open('sub', os.O_RDONLY)\n"
                + "fd = os.open('x', os.O_RDONLY, dir_fd=d)\n"
                + "got = os.read(fd, 5)\n"
                + "assert got == b'inner', got\n");
    assertEquals(Outcome.PASSED, r.outcome(), r.toString());
  }

  @Test
  void theTimeLimitCountsTheProgramNotTheInterpretersStartUp() {
    // human-eval times exec(program) alone. An interpreter that takes a second to start (a loaded
    // machine, a slow launcher; here sh sleeping before exec) must not eat a 1.5 s budget that a
    // 0.8 s program fits in.
    List<String> slow = List.of("sh", "-c", "sleep 1; exec \"$0\" \"$@\"", interpreter);
    try (PythonExecutor ex = executor().command(slow).timeout(Duration.ofMillis(1500)).build()) {
      ExecutionResult ok = ex.run("import time\ntime.sleep(0.8)\n");
      assertEquals(Outcome.PASSED, ok.outcome(), ok.toString());
      ExecutionResult late = ex.run("import time\ntime.sleep(3)\n");
      assertEquals(Outcome.TIMED_OUT, late.outcome(), late.toString());
      assertTrue(late.elapsed().toMillis() < 2900, late.toString());
    }
    // An interpreter that fails before the guard starts: its error output is kept whole.
    List<String> broken = List.of("sh", "-c", "printf '\\000midtrain-gone\\n' >&2; exit 3");
    try (PythonExecutor ex = executor().command(broken).build()) {
      ExecutionResult r = ex.run("pass\n");
      assertEquals(Outcome.FAILED, r.outcome(), r.toString());
      assertEquals("\0midtrain-gone", r.message());
    }
  }

  /** A path as a Python string literal. */
  static String py(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Test
  void aMissingInterpreterIsASetupErrorNamingIt() {
    executor(); // the same skip as the others: the message below is about a missing command
    try (PythonExecutor ex =
        PythonExecutor.builder().command(List.of("no-such-python-midtrain")).build()) {
      EvalException e = assertThrows(EvalException.class, () -> ex.run("pass"));
      assertTrue(e.getMessage().contains("[no-such-python-midtrain]"), e.getMessage());
    }
  }

  @Test
  void workersRunSubmittedProgramsAtOnce() {
    try (PythonExecutor ex = executor().workers(4).build()) {
      long start = System.nanoTime();
      List<CompletableFuture<ExecutionResult>> f = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        f.add(ex.submit("import time\ntime.sleep(0.8)\n"));
      }
      for (CompletableFuture<ExecutionResult> x : f) {
        assertEquals(Outcome.PASSED, x.join().outcome());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // One at a time would take 6.4 s; four at a time about 1.6 s plus start-up.
      assertTrue(seconds < 4.5, "8 sleeps of 0.8 s on 4 workers took " + seconds + " s");
    }
  }

  @Test
  void everyFailureKeepsItsMessage() {
    // The error output is read on its own thread; ending the process must not close the pipe
    // before that thread has read the traceback (destroying an exited Process does).
    try (PythonExecutor ex = executor().workers(4).build()) {
      List<CompletableFuture<ExecutionResult>> f = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        f.add(
            ex.submit(
                "import sys\nsys.stderr.write('x' * 50000 + '\\n')\nassert "
                    + i
                    + " < 0, 'case "
                    + i
                    + "'\n"));
      }
      for (int i = 0; i < f.size(); i++) {
        ExecutionResult r = f.get(i).join();
        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.message().endsWith("AssertionError: case " + i), i + ": " + r.message());
      }
    }
  }

  @Test
  void theFixturesCanonicalSolutionsPassAndTheWrongOnesFail() throws Exception {
    List<Map<String, Object>> problems = fixture();
    try (PythonExecutor ex = executor().timeout(Duration.ofSeconds(2)).build()) {
      for (Map<String, Object> p : problems) {
        String prompt = (String) p.get("prompt");
        String test = (String) p.get("test");
        String entry = (String) p.get("entry_point");
        ExecutionResult good =
            ex.run(
                HumanEvalTaskProvider.program(
                    prompt, (String) p.get("canonical_solution"), test, entry));
        assertEquals(Outcome.PASSED, good.outcome(), p.get("task_id") + ": " + good);
        ExecutionResult bad =
            ex.run(
                HumanEvalTaskProvider.program(
                    prompt, (String) p.get("wrong_solution"), test, entry));
        assertFalse(bad.passed(), p.get("task_id") + " passed with its wrong solution");
      }
    }
  }

  /** The HumanEval-shaped problems of the test resources, written for these tests. */
  static List<Map<String, Object>> fixture() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (InputStream in = PythonExecutorTest.class.getResourceAsStream("code-problems.jsonl")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          out.add(stringObject(line));
        }
      }
    }
    return out;
  }

  /**
   * Reads a JSON object whose values are all strings, as the fixture's lines are (this module has
   * no JSON library, and needs none but here).
   */
  static Map<String, Object> stringObject(String json) {
    Map<String, Object> out = new LinkedHashMap<>();
    int[] at = {json.indexOf('{') + 1};
    while (true) {
      skip(json, at);
      if (json.charAt(at[0]) == '}') {
        return out;
      }
      String key = string(json, at);
      skip(json, at);
      at[0]++; // ':'
      skip(json, at);
      out.put(key, string(json, at));
      skip(json, at);
      if (json.charAt(at[0]) == ',') {
        at[0]++;
      }
    }
  }

  private static void skip(String s, int[] at) {
    while (Character.isWhitespace(s.charAt(at[0]))) {
      at[0]++;
    }
  }

  private static String string(String s, int[] at) {
    StringBuilder b = new StringBuilder();
    int i = at[0] + 1; // past the opening quote
    while (s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        }
        default -> b.append(e);
      }
    }
    at[0] = i + 1;
    return b.toString();
  }
}
