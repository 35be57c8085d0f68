package midtrain.eval;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import midtrain.eval.spi.TaskProvider;

/**
 * Finds evaluation task providers by id: the built-ins ({@code gsm8k}, {@code mmlu}, {@code
 * needle}, {@code humaneval}, {@code mbpp}, {@code arc_easy}, {@code arc_challenge}, {@code
 * hellaswag}, {@code piqa}, {@code winogrande}, {@code boolq}, {@code openbookqa}, {@code sciq},
 * {@code lambada_openai}) and any a module or class-path jar provides.
 *
 * <pre>{@code
 * TaskConfig config = TaskConfig.builder("gsm8k").documents(testDocs).fewshot(trainDocs)
 *     .encoder(encoder).decoder(decoder).maxLength(2048).build();
 * TaskResult r = Tasks.provider("gsm8k").create(config).run(model);
 * }</pre>
 */
public final class Tasks {
  private Tasks() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Registry {
    static final Map<String, TaskProvider> PROVIDERS;
    static final EvalException FAILURE;

    static {
      Map<String, TaskProvider> found = null;
      EvalException failure = null;
      try {
        found = discover(Tasks.class.getClassLoader());
      } catch (EvalException e) {
        failure = e;
      }
      PROVIDERS = found;
      FAILURE = failure;
    }
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws EvalException when two providers share an id or one cannot be loaded
   */
  public static Map<String, TaskProvider> providers() {
    if (Registry.FAILURE != null) {
      // A fresh exception so its stack trace shows this caller.
      throw new EvalException(Registry.FAILURE.getMessage(), Registry.FAILURE);
    }
    return Registry.PROVIDERS;
  }

  /**
   * Discovers providers visible to a class loader (and, on the module path, to this module's
   * layer). The result does not change what {@link #providers} and {@link #provider} find.
   *
   * @param loader the class loader to search
   * @return the providers, sorted by id
   * @throws EvalException when two providers share an id or one cannot be loaded
   */
  public static Map<String, TaskProvider> discover(ClassLoader loader) {
    return index(ServiceLoader.load(TaskProvider.class, loader));
  }

  static Map<String, TaskProvider> index(Iterable<TaskProvider> found) {
    Map<String, TaskProvider> out = new TreeMap<>();
    try {
      for (TaskProvider p : found) {
        TaskProvider prev = out.putIfAbsent(p.id(), p);
        if (prev != null && prev.getClass() != p.getClass()) {
          throw new EvalException(
              "two task providers claim id '"
                  + p.id()
                  + "': "
                  + prev.getClass().getName()
                  + " and "
                  + p.getClass().getName()
                  + "; remove one or give it another id");
        }
      }
    } catch (EvalException e) {
      throw e;
    } catch (ServiceConfigurationError | LinkageError e) {
      // ServiceLoader loads lazily, so a provider that cannot be loaded fails here, mid-iteration.
      throw new EvalException(
          "cannot load the task providers: "
              + (e instanceof LinkageError ? e.toString() : e.getMessage())
              + " (fix or remove the META-INF/services line or the module's 'provides' clause"
              + " that names it)",
          e);
    } catch (RuntimeException e) {
      throw new EvalException(
          "cannot index the task providers: one failed while its id was read: " + e, e);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Finds a provider by id.
   *
   * @param id the provider's id
   * @return the provider
   * @throws EvalException when no provider has the id, listing the known ones
   */
  public static TaskProvider provider(String id) {
    if (id == null) {
      throw new EvalException("id is null");
    }
    TaskProvider p = providers().get(id);
    if (p == null) {
      throw new EvalException(
          "unknown task '" + id + "' (known: " + String.join(", ", providers().keySet()) + ")");
    }
    return p;
  }
}
