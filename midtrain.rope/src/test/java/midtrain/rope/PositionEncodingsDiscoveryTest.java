package midtrain.rope;

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
import midtrain.rope.spi.PositionEncodingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery failures seen through the public entry points. Each test loads its own copy of this
 * module in a class loader of its own, so a broken registry there cannot break the other tests.
 */
class PositionEncodingsDiscoveryTest {

  /** A user's provider claiming a built-in id. */
  public static final class MyYarn implements PositionEncodingProvider {
    /** Creates the provider. */
    public MyYarn() {}

    @Override
    public String id() {
      return "yarn";
    }

    @Override
    public PositionEncoding create(RopeConfig config, RopeParams params) {
      return PositionEncoding.fixed(id(), config, RopeFrequencies.of(config.unscaledInvFreq(), 1));
    }
  }

  @Test
  void aDuplicateIdFailsWithTheSameRopeExceptionOnEveryCall(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = isolated(dir, MyYarn.class.getName())) {
      Class<?> encodings = Class.forName(PositionEncodings.class.getName(), true, loader);
      Method fromModelConfig = encodings.getMethod("fromModelConfig", Map.class);
      Map<String, Object> config =
          Map.of(
              "hidden_size", 4096,
              "num_attention_heads", 32,
              "max_position_embeddings", 4096,
              "rope_theta", 10000.0);
      for (int attempt = 0; attempt < 3; attempt++) {
        Throwable e = failure(() -> fromModelConfig.invoke(null, config));
        assertEquals(RopeException.class.getName(), e.getClass().getName(), "attempt " + attempt);
        assertTrue(
            e.getMessage().contains("two position-encoding providers claim id 'yarn'")
                && e.getMessage().contains("BuiltinProviders$Yarn")
                && e.getMessage().contains(MyYarn.class.getName()),
            e.getMessage());
      }
    }
  }

  @Test
  void aProviderThatCannotBeLoadedFailsWithARopeException(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = isolated(dir, "user.gone.StaleRope")) {
      Method provider =
          Class.forName(PositionEncodings.class.getName(), true, loader)
              .getMethod("provider", String.class);
      for (int attempt = 0; attempt < 2; attempt++) {
        Throwable e = failure(() -> provider.invoke(null, "default"));
        assertEquals(RopeException.class.getName(), e.getClass().getName(), "attempt " + attempt);
        assertTrue(e.getMessage().contains("user.gone.StaleRope"), e.getMessage());
      }
    }
    try (URLClassLoader child =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      RopeException e = assertThrows(RopeException.class, () -> PositionEncodings.discover(child));
      assertTrue(e.getMessage().contains("user.gone.StaleRope"), e.getMessage());
    }
  }

  /** What a reflective call into the isolated copy threw. */
  private static Throwable failure(Executable call) {
    return assertThrows(InvocationTargetException.class, call).getCause();
  }

  /**
   * A class loader with its own copy of midtrain's classes (main and test), and a {@code
   * META-INF/services} file listing extra providers.
   */
  static URLClassLoader isolated(Path dir, String... providers) throws IOException {
    Path services = dir.resolve("META-INF/services/" + PositionEncodingProvider.class.getName());
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
