package midtrain.eval;

import java.util.concurrent.CompletableFuture;

/**
 * Runs candidate programs, such as a model's completion of a function followed by its unit tests,
 * and tells whether each passed, failed or ran out of time.
 *
 * <p>Running code a model wrote is running untrusted code. {@link PythonExecutor} limits resources
 * and disables the obviously destructive calls, but it is <b>not a security sandbox</b>: run
 * untrusted model output inside a container or a throwaway virtual machine.
 *
 * <p>Implementations are thread-safe.
 */
public interface CodeExecutor extends AutoCloseable {

  /**
   * Runs one program on the calling thread and waits for it.
   *
   * @param program the program's source text
   * @return how it ended
   * @throws EvalException if {@code program} is null, or the program could not be started at all
   *     (the interpreter is missing, say): that is a setup problem, not a failed program
   */
  ExecutionResult run(String program);

  /**
   * Starts one program, on a worker of the executor's where it has them, so that programs run in
   * parallel while the caller goes on (generating the next sample, say).
   *
   * @param program the program's source text
   * @return its result, completed exceptionally with an {@link EvalException} where {@link #run}
   *     would throw one
   * @throws EvalException if {@code program} is null or the executor is closed
   */
  default CompletableFuture<ExecutionResult> submit(String program) {
    if (program == null) {
      throw new EvalException("program is null");
    }
    try {
      return CompletableFuture.completedFuture(run(program));
    } catch (EvalException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Stops the workers once the programs submitted have run; {@link #run} works on after it. */
  @Override
  default void close() {}
}
