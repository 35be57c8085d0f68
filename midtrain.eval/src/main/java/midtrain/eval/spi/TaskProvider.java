package midtrain.eval.spi;

/**
 * Makes evaluation tasks of one kind, found by {@link java.util.ServiceLoader} and chosen by {@link
 * #id()}.
 *
 * <p>Register an implementation with {@code provides midtrain.eval.spi.TaskProvider with ...} in
 * your module-info (and, for class-path users, a {@code
 * META-INF/services/midtrain.eval.spi.TaskProvider} line). The constructor must be cheap and public
 * with no arguments; do the work in {@link #create} and {@link EvalTask#run}. Two providers with
 * the same id make discovery fail, naming both classes.
 */
public interface TaskProvider {

  /**
   * Returns the stable id users name the task by, for example {@code gsm8k} or {@code needle}.
   *
   * @return the id, lower-case letters, digits, {@code _}, {@code -} or {@code .}
   */
  String id();

  /**
   * Returns a one-line description for listings.
   *
   * @return the description
   */
  default String description() {
    return id();
  }

  /**
   * Creates a task: reads its options and documents and checks them, so that bad input fails here,
   * before any model is loaded. Read every option through {@code config}: options no task read are
   * reported to the user as not applying.
   *
   * @param config the options, documents and tokenizer
   * @return the task, ready to run over a model
   * @throws midtrain.eval.EvalException when an option or a document is missing or invalid; the
   *     message names the option, or the document's source, line and field
   */
  EvalTask create(TaskConfig config);
}
