/**
 * Service interfaces for plugging evaluation tasks into midtrain.
 *
 * <p>A module provides a {@link midtrain.eval.spi.TaskProvider}; {@link midtrain.eval.Tasks} then
 * finds it by id, exactly as it finds the built-ins ({@code gsm8k}, {@code mmlu}, {@code needle},
 * {@code humaneval}, {@code mbpp}, {@code arc_easy}, {@code hellaswag} and the other
 * general-ability tasks). A provider turns a {@link midtrain.eval.spi.TaskConfig} (options,
 * documents, tokenizer) into an {@link midtrain.eval.spi.EvalTask}, which runs over a {@link
 * midtrain.eval.GenerativeModel} and returns a {@link midtrain.eval.spi.TaskResult}.
 */
package midtrain.eval.spi;
