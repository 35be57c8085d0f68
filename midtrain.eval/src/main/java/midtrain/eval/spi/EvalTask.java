package midtrain.eval.spi;

import midtrain.eval.GenerativeModel;

/** An evaluation task ready to run: its input was read and checked by {@link TaskProvider}. */
@FunctionalInterface
public interface EvalTask {

  /**
   * Runs the task over a model. May be called once per model, for example for a checkpoint and then
   * its base; each call is independent of the others.
   *
   * @param model the model
   * @return the result
   * @throws midtrain.eval.EvalException when the model misbehaves (generates nothing, say)
   */
  TaskResult run(GenerativeModel model);
}
