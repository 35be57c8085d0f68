/**
 * Evaluation for mid-training over any {@link midtrain.eval.LanguageModel}: perplexity and the
 * forgetting gate, and benchmark scoring with lm-evaluation-harness semantics (multiple-choice
 * {@code acc} and {@code acc_norm} with their standard errors, exact match after greedy generation,
 * pass@k), and passkey retrieval for long context.
 *
 * <p>Tasks plug in through {@link midtrain.eval.spi.TaskProvider}; the built-ins are {@code gsm8k},
 * {@code mmlu}, {@code needle}, the multiple-choice {@code arc_easy}, {@code arc_challenge}, {@code
 * boolq}, {@code hellaswag}, {@code openbookqa}, {@code piqa}, {@code sciq} and {@code winogrande},
 * {@code lambada_openai}, and the code benchmarks {@code humaneval} and {@code mbpp}, which run the
 * model's programs with a {@link midtrain.eval.CodeExecutor} and report pass@k.
 */
module midtrain.eval {
  exports midtrain.eval;
  exports midtrain.eval.spi;

  uses midtrain.eval.spi.TaskProvider;

  provides midtrain.eval.spi.TaskProvider with
      midtrain.eval.internal.ArcChallengeTaskProvider,
      midtrain.eval.internal.ArcEasyTaskProvider,
      midtrain.eval.internal.BoolqTaskProvider,
      midtrain.eval.internal.Gsm8kTaskProvider,
      midtrain.eval.internal.HellaswagTaskProvider,
      midtrain.eval.internal.LambadaOpenaiTaskProvider,
      midtrain.eval.internal.MmluTaskProvider,
      midtrain.eval.internal.OpenBookQaTaskProvider,
      midtrain.eval.internal.PasskeyTaskProvider,
      midtrain.eval.internal.PiqaTaskProvider,
      midtrain.eval.internal.SciqTaskProvider,
      midtrain.eval.internal.WinograndeTaskProvider,
      midtrain.eval.internal.HumanEvalTaskProvider,
      midtrain.eval.internal.MbppTaskProvider;
}
