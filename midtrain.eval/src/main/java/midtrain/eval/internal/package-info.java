/** The built-in evaluation tasks, found through {@link midtrain.eval.spi.TaskProvider}. */
package midtrain.eval.internal;
