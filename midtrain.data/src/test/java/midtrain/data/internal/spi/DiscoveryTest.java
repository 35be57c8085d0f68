package midtrain.data.internal.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
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
import java.util.ServiceLoader;
import midtrain.data.DataException;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.ReaderOptions;
import midtrain.data.mix.Mixer;
import midtrain.data.modify.Modification;
import midtrain.data.modify.TextModifier;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import midtrain.data.spi.FormatProvider;
import midtrain.data.spi.MixerProvider;
import midtrain.data.spi.ModifierProvider;
import midtrain.data.spi.RaterProvider;
import midtrain.data.spi.TokenizerProvider;
import midtrain.data.token.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery failures of the data module's registries, seen through their public entry points. Each
 * test loads its own copy of midtrain in a class loader of its own, so a broken registry there
 * cannot break the other tests.
 */
class DiscoveryTest {

  /** A rater claiming a built-in id. */
  public static final class MyGopher implements RaterProvider {
    /** Creates the provider. */
    public MyGopher() {}

    @Override
    public String id() {
      return "gopher-quality";
    }

    @Override
    public Rater create(Map<String, String> params) {
      throw new AssertionError("never created");
    }
  }

  /** A mixer claiming a built-in id. */
  public static final class MyRatio implements MixerProvider {
    /** Creates the provider. */
    public MyRatio() {}

    @Override
    public String id() {
      return "ratio";
    }

    @Override
    public Mixer create(Map<String, Double> params) {
      throw new AssertionError("never created");
    }
  }

  /** A format claiming a built-in id (and no suffix, so only the id clashes). */
  public static final class MyJsonl implements FormatProvider {
    /** Creates the provider. */
    public MyJsonl() {}

    @Override
    public String id() {
      return "jsonl";
    }

    @Override
    public List<String> suffixes() {
      return List.of();
    }

    @Override
    public DocumentReader openReader(Path file, ReaderOptions options) {
      throw new AssertionError("never opened");
    }
  }

  /** A format with an id of its own claiming a built-in suffix. */
  public static final class ZJsonl implements FormatProvider {
    /** Creates the provider. */
    public ZJsonl() {}

    @Override
    public String id() {
      return "zjsonl";
    }

    @Override
    public List<String> suffixes() {
      return List.of(".jsonl");
    }

    @Override
    public DocumentReader openReader(Path file, ReaderOptions options) {
      throw new AssertionError("never opened");
    }
  }

  /** A user's tokenizer. */
  public static class MyTokenizer implements TokenizerProvider {
    /** Creates the provider. */
    public MyTokenizer() {}

    @Override
    public String id() {
      return "my_tok";
    }

    @Override
    public TextTokenizer open(Path file, Map<String, String> options) {
      throw new AssertionError("never opened");
    }
  }

  /** A second jar's tokenizer claiming the same id. */
  public static final class DupTokenizer extends MyTokenizer {
    /** Creates the provider. */
    public DupTokenizer() {}
  }

  /** A modifier claiming a built-in id. */
  public static final class MyPii implements ModifierProvider {
    /** Creates the provider. */
    public MyPii() {}

    @Override
    public String id() {
      return "pii";
    }

    @Override
    public TextModifier create(Map<String, String> params) {
      throw new AssertionError("never created");
    }
  }

  /** A user's modifier with an id of its own. */
  public static final class Shout implements ModifierProvider {
    /** Creates the provider. */
    public Shout() {}

    @Override
    public String id() {
      return "shout";
    }

    @Override
    public TextModifier create(Map<String, String> params) {
      return new TextModifier() {
        @Override
        public String id() {
          return "shout";
        }

        @Override
        public Modification apply(String text) {
          return Modification.kept(text.toUpperCase(java.util.Locale.ROOT), 0, 1);
        }
      };
    }
  }

  @Test
  void aDuplicateModifierIdFailsWithTheSameDataExceptionOnEveryCall(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader loader = isolated(dir, ModifierProvider.class, MyPii.class.getName())) {
      Method create =
          method(loader, "midtrain.data.modify.Modifiers", "create", String.class, Map.class);
      assertFailsEveryTime(
          () -> create.invoke(null, "pii", Map.of()),
          "two modifier providers claim id 'pii'",
          "midtrain.data.internal.modify.PiiProvider",
          MyPii.class.getName());
    }
  }

  @Test
  void aUsersModifierIsFoundByServiceLoaderBesideTheBuiltIns(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = isolated(dir, ModifierProvider.class, Shout.class.getName())) {
      Method providers = method(loader, "midtrain.data.modify.Modifiers", "providers");
      Map<?, ?> found = (Map<?, ?>) providers.invoke(null);
      assertEquals(
          List.of("c4-lines", "pii", "shout", "symbol-lines", "unicode-nfc"),
          new ArrayList<>(found.keySet()));
      Method create =
          method(loader, "midtrain.data.modify.Modifiers", "create", String.class, Map.class);
      Object shout = create.invoke(null, "shout", Map.of());
      Object result =
          method(loader, "midtrain.data.modify.TextModifier", "apply", String.class)
              .invoke(shout, "quiet words");
      assertEquals(
          "QUIET WORDS",
          method(loader, "midtrain.data.modify.Modification", "text").invoke(result));
    }
  }

  @Test
  void aDuplicateRaterIdFailsWithTheSameDataExceptionOnEveryCall(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader loader = isolated(dir, RaterProvider.class, MyGopher.class.getName())) {
      Method create =
          method(loader, "midtrain.data.rate.Raters", "create", String.class, Map.class);
      assertFailsEveryTime(
          () -> create.invoke(null, "gopher-quality", Map.of()),
          "two rater providers claim id 'gopher-quality'",
          "GopherQualityProvider",
          MyGopher.class.getName());
    }
  }

  @Test
  void aDuplicateMixerIdFailsWithTheSameDataExceptionOnEveryCall(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader loader = isolated(dir, MixerProvider.class, MyRatio.class.getName())) {
      Method create = method(loader, "midtrain.data.mix.Mixers", "create", String.class, Map.class);
      assertFailsEveryTime(
          () -> create.invoke(null, "ratio", Map.of()),
          "two mixer providers claim id 'ratio'",
          "RatioMixerProvider",
          MyRatio.class.getName());
    }
  }

  @Test
  void aDuplicateFormatIdFailsWithTheSameDataExceptionOnEveryCall(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader loader = isolated(dir, FormatProvider.class, MyJsonl.class.getName())) {
      Method forPath = method(loader, "midtrain.data.io.Formats", "forPath", Path.class);
      assertFailsEveryTime(
          () -> forPath.invoke(null, Path.of("x.jsonl")),
          "two format providers claim id 'jsonl'",
          "JsonlFormat",
          MyJsonl.class.getName());
    }
  }

  @Test
  void twoFormatsClaimingOneSuffixFailNamingBothAndTheSuffix(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = isolated(dir, FormatProvider.class, ZJsonl.class.getName())) {
      Method forPath = method(loader, "midtrain.data.io.Formats", "forPath", Path.class);
      assertFailsEveryTime(
          () -> forPath.invoke(null, Path.of("x.jsonl")),
          "two format providers claim the file suffix '.jsonl'",
          "JsonlFormat",
          ZJsonl.class.getName());
    }
  }

  @Test
  void aDuplicateTokenizerIdFailsWithTheSameDataExceptionOnEveryCall(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader loader =
        isolated(
            dir,
            TokenizerProvider.class,
            MyTokenizer.class.getName(),
            DupTokenizer.class.getName())) {
      Method open =
          method(
              loader,
              "midtrain.data.token.Tokenizers",
              "open",
              String.class,
              Path.class,
              Map.class);
      assertFailsEveryTime(
          () -> open.invoke(null, "my_tok", Path.of("tok.json"), Map.of()),
          "two tokenizer providers claim id 'my_tok'",
          MyTokenizer.class.getName(),
          DupTokenizer.class.getName());
    }
  }

  @Test
  void aProviderThatCannotBeLoadedFailsWithADataException(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = isolated(dir, RaterProvider.class, "user.gone.StaleRater")) {
      Method create =
          method(loader, "midtrain.data.rate.Raters", "create", String.class, Map.class);
      assertFailsEveryTime(
          () -> create.invoke(null, "c4", Map.of()),
          "cannot load the rater providers",
          "user.gone.StaleRater");
    }
    try (URLClassLoader child =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      DataException e =
          assertThrows(
              DataException.class,
              () -> Raters.index(ServiceLoader.load(RaterProvider.class, child)));
      assertTrue(e.getMessage().contains("user.gone.StaleRater"), e.getMessage());
    }
  }

  /**
   * Writes {@code public class user.plug.Impl extends user.plug.Base {}} without its superclass, as
   * a plugin jar whose dependency is missing: loading it throws NoClassDefFoundError, which
   * ServiceLoader passes through as is (it wraps only a class it cannot find).
   */
  private static void writeClassWithoutItsSuperclass(Path dir) throws IOException {
    Path file = dir.resolve("user/plug/Impl.class");
    Files.createDirectories(file.getParent());
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(0xCAFEBABE);
      out.writeShort(0); // minor version
      out.writeShort(52); // Java 8 class file
      out.writeShort(5); // constant pool count: four entries
      out.writeByte(7); // #1 Class #2
      out.writeShort(2);
      out.writeByte(1); // #2 Utf8
      out.writeUTF("user/plug/Impl");
      out.writeByte(7); // #3 Class #4
      out.writeShort(4);
      out.writeByte(1); // #4 Utf8
      out.writeUTF("user/plug/Base");
      out.writeShort(0x0021); // public, super
      out.writeShort(1); // this class
      out.writeShort(3); // its superclass, which no loader has
      out.writeShort(0); // interfaces
      out.writeShort(0); // fields
      out.writeShort(0); // methods
      out.writeShort(0); // attributes
    }
  }

  @Test
  void aProviderWhoseSuperclassIsMissingFailsWithADataException(@TempDir Path dir)
      throws Exception {
    writeClassWithoutItsSuperclass(dir);
    try (URLClassLoader loader = isolated(dir, RaterProvider.class, "user.plug.Impl")) {
      Method create =
          method(loader, "midtrain.data.rate.Raters", "create", String.class, Map.class);
      assertFailsEveryTime(
          () -> create.invoke(null, "c4", Map.of()),
          "cannot load the rater providers",
          "NoClassDefFoundError",
          "user/plug/Base");
    }
  }

  /** Calls three times, expecting a DataException whose message holds every part each time. */
  private static void assertFailsEveryTime(Executable call, String... parts) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Throwable e = assertThrows(InvocationTargetException.class, call).getCause();
      assertEquals(DataException.class.getName(), e.getClass().getName(), "attempt " + attempt);
      for (String part : parts) {
        assertTrue(e.getMessage().contains(part), e.getMessage());
      }
    }
  }

  private static Method method(
      ClassLoader loader, String className, String name, Class<?>... parameters)
      throws ReflectiveOperationException {
    return Class.forName(className, true, loader).getMethod(name, parameters);
  }

  /**
   * A class loader with its own copy of midtrain's classes (main and test), and a {@code
   * META-INF/services} file listing extra providers of a service.
   */
  static URLClassLoader isolated(Path dir, Class<?> service, String... providers)
      throws IOException {
    Path services = dir.resolve("META-INF/services/" + service.getName());
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
