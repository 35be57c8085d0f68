package midtrain.sched;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import midtrain.sched.internal.Discovered;
import midtrain.sched.spi.ScheduleProvider;

/**
 * Finds schedule providers and builds schedules by id, from Hugging Face arguments, or from a
 * native spec.
 *
 * <pre>{@code
 * // Hugging Face Trainer arguments, same values as transformers:
 * LearningRateSchedule hf = Schedules.huggingFace("warmup_stable_decay",
 *     Map.of("num_warmup_steps", 100, "num_decay_steps", 200, "num_training_steps", 1000,
 *            "decay_type", "1-sqrt"), 3e-4);
 * // Any provider, built-in or a user's, by id:
 * LearningRateSchedule wsd = Schedules.create("wsd", 3e-4,
 *     Map.of("warmup_steps", 100, "decay_steps", 200, "total_steps", 1000));
 * }</pre>
 */
public final class Schedules {

  /** The {@code lr_scheduler_type} names of Hugging Face's Trainer that midtrain reproduces. */
  public static final List<String> HUGGING_FACE_TYPES =
      List.of(
          "linear",
          "cosine",
          "cosine_with_restarts",
          "polynomial",
          "constant",
          "constant_with_warmup",
          "inverse_sqrt",
          "cosine_with_min_lr",
          "cosine_warmup_with_min_lr",
          "warmup_stable_decay");

  private Schedules() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Registry {
    static final Discovered<ScheduleProvider> PROVIDERS =
        Discovered.run("schedule", () -> discover(Schedules.class.getClassLoader()));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws ScheduleException when two providers share an id or one cannot be loaded
   */
  public static Map<String, ScheduleProvider> providers() {
    return Registry.PROVIDERS.get();
  }

  /**
   * Discovers providers visible to a class loader (and, on the module path, to this module's
   * layer).
   *
   * <p>The result does not change what {@link #create}, {@link #fromSpec} and {@link #provider}
   * find: they use the providers of this module's own class loader, discovered once. A provider
   * only a child class loader sees (a plugin folder, say) is built from this index directly:
   *
   * <pre>{@code
   * ScheduleParams params = ScheduleParams.of("schedule 'my_step'", Map.of("step", 100));
   * LearningRateSchedule lr = Schedules.discover(pluginLoader).get("my_step").create(3e-4, params);
   * params.requireAllUsed(); // unknown keys fail, as in create
   * }</pre>
   *
   * @param loader the class loader to search
   * @return the providers, sorted by id
   * @throws ScheduleException when two providers share an id or one cannot be loaded
   */
  public static Map<String, ScheduleProvider> discover(ClassLoader loader) {
    return index(ServiceLoader.load(ScheduleProvider.class, loader));
  }

  static Map<String, ScheduleProvider> index(Iterable<ScheduleProvider> found) {
    Map<String, ScheduleProvider> out = new TreeMap<>();
    try {
      for (ScheduleProvider p : found) {
        ScheduleProvider prev = out.putIfAbsent(p.id(), p);
        if (prev != null && prev.getClass() != p.getClass()) {
          throw new ScheduleException(
              "two schedule providers claim id '"
                  + p.id()
                  + "': "
                  + prev.getClass().getName()
                  + " and "
                  + p.getClass().getName()
                  + "; remove one or give it another id");
        }
      }
    } catch (ScheduleException e) {
      throw e;
    } catch (ServiceConfigurationError | LinkageError e) {
      // ServiceLoader loads lazily, so a provider that cannot be loaded fails here, mid-iteration;
      // one whose superclass or interface is missing (a plugin without its dependency) is a
      // NoClassDefFoundError, which ServiceLoader passes through as is.
      throw new ScheduleException(
          "cannot load the schedule providers: "
              + (e instanceof LinkageError ? e.toString() : e.getMessage())
              + " (fix or remove the META-INF/services line or the module's 'provides' clause"
              + " that names it)",
          e);
    } catch (RuntimeException e) {
      // A provider's own code failed (its id(), say): still reported as this module's exception.
      throw new ScheduleException(
          "cannot index the schedule providers: one failed while its id was read: " + e, e);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Finds a provider by id.
   *
   * @param id the provider's id
   * @return the provider
   * @throws ScheduleException when no provider has the id
   */
  public static ScheduleProvider provider(String id) {
    Objects.requireNonNull(id, "id");
    ScheduleProvider p = providers().get(id);
    if (p == null) {
      throw new ScheduleException(
          "unknown schedule type '"
              + id
              + "' (known: "
              + String.join(", ", providers().keySet())
              + ")");
    }
    return p;
  }

  /**
   * Builds a schedule with any provider, checking that every parameter was understood.
   *
   * @param id the provider's id
   * @param peakLr the peak learning rate
   * @param params the provider's parameters
   * @return the schedule
   * @throws ScheduleException when no provider has the id, the provider refuses {@code peakLr} or a
   *     parameter, or a parameter is one the provider did not read (unknown or misspelled)
   */
  public static LearningRateSchedule create(String id, double peakLr, Map<String, ?> params) {
    ScheduleProvider provider = provider(id);
    ScheduleParams p = ScheduleParams.of("schedule '" + id + "'", params);
    LearningRateSchedule s = provider.create(peakLr, p);
    p.requireAllUsed();
    return s;
  }

  /**
   * Builds a schedule from Hugging Face Trainer arguments: {@code lr_scheduler_type}, its {@code
   * lr_scheduler_kwargs} plus {@code num_warmup_steps} and {@code num_training_steps}, and the
   * optimizer's learning rate. The values equal transformers' for the same arguments.
   *
   * @param lrSchedulerType one of {@link #HUGGING_FACE_TYPES}
   * @param kwargs the keyword arguments under their Hugging Face names
   * @param peakLr the optimizer's learning rate
   * @return the schedule
   * @throws ScheduleException when {@code lrSchedulerType} is not one of {@link
   *     #HUGGING_FACE_TYPES}, or as {@link #create} refuses the arguments
   */
  public static LearningRateSchedule huggingFace(
      String lrSchedulerType, Map<String, ?> kwargs, double peakLr) {
    if (!HUGGING_FACE_TYPES.contains(lrSchedulerType)) {
      throw new ScheduleException(
          "'lr_scheduler_type' \""
              + lrSchedulerType
              + "\" is not a supported Hugging Face scheduler (known: "
              + String.join(", ", HUGGING_FACE_TYPES)
              + ")");
    }
    return create(lrSchedulerType, peakLr, kwargs);
  }

  /**
   * Builds a schedule from a native spec (parsed JSON or YAML): {@code peak_lr}, then either {@code
   * phases} (see {@link PhasedSchedule#fromSpec}) or {@code type} naming any provider, whose
   * parameters are the spec's remaining keys.
   *
   * @param spec the spec
   * @return the schedule
   * @throws ScheduleException naming the key when {@code peak_lr} is missing or not a finite
   *     number, there is neither {@code type} nor {@code phases}, or as {@link #create} refuses the
   *     rest
   */
  public static LearningRateSchedule fromSpec(Map<String, ?> spec) {
    ScheduleParams p = ScheduleParams.of("schedule spec", spec);
    double peak = p.requireDouble("peak_lr");
    String type = p.getString("type", p.has("phases") ? "phased" : "");
    if (type.isEmpty()) {
      throw p.error("type", "is required (or give 'phases')");
    }
    Map<String, Object> rest = new java.util.LinkedHashMap<>(spec);
    rest.remove("peak_lr");
    rest.remove("type");
    rest.values().removeIf(Objects::isNull);
    return create(type, peak, rest);
  }
}
