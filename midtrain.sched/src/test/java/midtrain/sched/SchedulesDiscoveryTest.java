package midtrain.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import midtrain.sched.spi.ScheduleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery failures seen through the public entry points. Each test loads its own copy of this
 * module in a class loader of its own, so a broken registry there cannot break the other tests.
 */
class SchedulesDiscoveryTest {

  /** A user's provider. */
  public static final class StepProvider implements ScheduleProvider {
    /** Creates the provider. */
    public StepProvider() {}

    @Override
    public String id() {
      return "my_step";
    }

    @Override
    public LearningRateSchedule create(double peakLr, ScheduleParams params) {
      return PhasedSchedule.builder(peakLr).stable(1).build();
    }
  }

  /** A second jar's provider claiming the same id. */
  public static final class DupStep implements ScheduleProvider {
    /** Creates the provider. */
    public DupStep() {}

    @Override
    public String id() {
      return "my_step";
    }

    @Override
    public LearningRateSchedule create(double peakLr, ScheduleParams params) {
      return PhasedSchedule.builder(peakLr).stable(1).build();
    }
  }

  @Test
  void aDuplicateIdFailsWithTheSameScheduleExceptionOnEveryCall(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader loader =
        isolated(dir, StepProvider.class.getName(), DupStep.class.getName())) {
      Class<?> schedules = Class.forName(Schedules.class.getName(), true, loader);
      Method create = schedules.getMethod("create", String.class, double.class, Map.class);
      Method fromSpec = schedules.getMethod("fromSpec", Map.class);
      for (int attempt = 0; attempt < 3; attempt++) {
        Throwable e = failure(() -> create.invoke(null, "my_step", 1.0, Map.of()));
        assertEquals(
            ScheduleException.class.getName(), e.getClass().getName(), "attempt " + attempt);
        assertTrue(
            e.getMessage().contains("two schedule providers claim id 'my_step'")
                && e.getMessage().contains(StepProvider.class.getName())
                && e.getMessage().contains(DupStep.class.getName()),
            e.getMessage());
      }
      Throwable e = failure(() -> fromSpec.invoke(null, Map.of("type", "wsd", "peak_lr", 1.0)));
      assertEquals(ScheduleException.class.getName(), e.getClass().getName());
      assertTrue(e.getMessage().contains("'my_step'"), e.getMessage());
    }
  }

  /** A provider whose own code fails during discovery. */
  public static final class BrokenId implements ScheduleProvider {
    /** Creates the provider. */
    public BrokenId() {}

    @Override
    public String id() {
      throw new IllegalStateException("no id configured");
    }

    @Override
    public LearningRateSchedule create(double peakLr, ScheduleParams params) {
      throw new AssertionError("never created");
    }
  }

  @Test
  void aProviderWhoseIdFailsGivesAScheduleExceptionOnEveryCall(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = isolated(dir, BrokenId.class.getName())) {
      Method provider =
          Class.forName(Schedules.class.getName(), true, loader)
              .getMethod("provider", String.class);
      for (int attempt = 0; attempt < 2; attempt++) {
        Throwable e = failure(() -> provider.invoke(null, "wsd"));
        assertEquals(
            ScheduleException.class.getName(), e.getClass().getName(), "attempt " + attempt);
        assertTrue(
            e.getMessage().contains("schedule providers")
                && e.getMessage().contains("no id configured"),
            e.getMessage());
      }
    }
  }

  @Test
  void aProviderThatCannotBeLoadedFailsWithAScheduleException(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = isolated(dir, "user.gone.StaleProvider")) {
      Method providers =
          Class.forName(Schedules.class.getName(), true, loader).getMethod("providers");
      for (int attempt = 0; attempt < 2; attempt++) {
        Throwable e = failure(() -> providers.invoke(null));
        assertEquals(
            ScheduleException.class.getName(), e.getClass().getName(), "attempt " + attempt);
        assertTrue(e.getMessage().contains("user.gone.StaleProvider"), e.getMessage());
      }
    }
    try (URLClassLoader child =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      ScheduleException e = assertThrows(ScheduleException.class, () -> Schedules.discover(child));
      assertTrue(e.getMessage().contains("user.gone.StaleProvider"), e.getMessage());
    }
  }

  /** What a reflective call into the isolated copy threw. */
  private static Throwable failure(org.junit.jupiter.api.function.Executable call) {
    return assertThrows(InvocationTargetException.class, call).getCause();
  }

  /**
   * A class loader with its own copy of midtrain's classes (main and test), and a {@code
   * META-INF/services} file listing extra providers.
   */
  static URLClassLoader isolated(Path dir, String... providers) throws IOException {
    Path services = dir.resolve("META-INF/services/" + ScheduleProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.write(services, List.of(providers));
    List<URL> urls = new ArrayList<>();
    urls.add(dir.toUri().toURL());
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        if (!entry.isEmpty()) {
          urls.add(Path.of(entry).toUri().toURL());
        }
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith("midtrain.")) {
          return super.loadClass(name, resolve);
        }
        // Not through the parent: the platform loader hands a package of a module on the module
        // path to the application loader, which would return the test's own copy.
        synchronized (getClassLoadingLock(name)) {
          Class<?> c = findLoadedClass(name);
          if (c == null) {
            c = findClass(name);
          }
          if (resolve) {
            resolveClass(c);
          }
          return c;
        }
      }
    };
  }
}
