package midtrain.data.io;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import midtrain.data.DataException;
import midtrain.data.internal.spi.Discovered;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.FormatProvider;

/** Finds file formats by id or file name and opens readers and writers through them. */
public final class Formats {
  private Formats() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Holder {
    static final Discovered<FormatProvider> PROVIDERS =
        Discovered.run(
            "format",
            () -> index(ServiceLoader.load(FormatProvider.class, Formats.class.getClassLoader())));
  }

  /** Indexes formats by id; two classes with one id, or with one file suffix, fail naming both. */
  static Map<String, FormatProvider> index(Iterable<FormatProvider> found) {
    Map<String, FormatProvider> byId = Registry.index(found, FormatProvider::id, "format");
    // forPath picks the longest matching suffix; two formats with the same one would leave the
    // choice to the order of their ids, one overriding the other without a word.
    Map<String, FormatProvider> bySuffix = new HashMap<>();
    for (FormatProvider p : byId.values()) {
      for (String suffix : p.suffixes()) {
        // forPath matches the lower-cased file name: a suffix with upper case, or without its
        // dot (".jsonl" would then match "xjsonl"), would never match or match too much, silently.
        if (suffix == null
            || suffix.length() < 2
            || suffix.charAt(0) != '.'
            || !suffix.equals(suffix.toLowerCase(Locale.ROOT))) {
          throw new DataException(
              "format provider "
                  + p.getClass().getName()
                  + " (id '"
                  + p.id()
                  + "') claims the file suffix "
                  + (suffix == null ? "null" : "'" + suffix + "'")
                  + "; suffixes must be lower case and start with a dot, as '.jsonl.zst'");
        }
        FormatProvider prev = bySuffix.putIfAbsent(suffix, p);
        if (prev != null && prev != p) {
          throw new DataException(
              "two format providers claim the file suffix '"
                  + suffix
                  + "': "
                  + prev.getClass().getName()
                  + " (id '"
                  + prev.id()
                  + "') and "
                  + p.getClass().getName()
                  + " (id '"
                  + p.id()
                  + "'); remove one or drop the suffix from one of them");
        }
      }
    }
    return byId;
  }

  /**
   * Returns every format found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws DataException when two providers share an id or a file suffix, or one cannot be loaded
   */
  public static Map<String, FormatProvider> providers() {
    return Holder.PROVIDERS.get();
  }

  /**
   * Returns the format with an id.
   *
   * @param id the id
   * @return the provider
   * @throws DataException naming the known ids when there is none
   */
  public static FormatProvider get(String id) {
    return Registry.require(providers(), id, "format");
  }

  /**
   * Returns the format whose longest suffix matches the file name.
   *
   * @param file the file
   * @return the provider
   * @throws DataException naming the file and the known suffixes when none matches
   */
  public static FormatProvider forPath(Path file) {
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    FormatProvider best = null;
    int bestLen = -1;
    StringBuilder known = new StringBuilder();
    for (FormatProvider p : providers().values()) {
      for (String s : p.suffixes()) {
        known.append(known.length() == 0 ? "" : ", ").append(s);
        if (name.endsWith(s) && s.length() > bestLen) {
          best = p;
          bestLen = s.length();
        }
      }
    }
    if (best == null) {
      throw new DataException(
          file + ": no reader for this file name (known suffixes: " + known + ")");
    }
    return best;
  }

  /**
   * Opens a reader chosen by the file name.
   *
   * @param file the input
   * @param options field mapping and limits
   * @return the reader; the caller closes it
   */
  public static DocumentReader openReader(Path file, ReaderOptions options) {
    return forPath(file).openReader(file, options);
  }

  /**
   * Opens a writer chosen by the file name.
   *
   * @param file the target
   * @return the writer; the caller closes or aborts it
   */
  public static DocumentWriter openWriter(Path file) {
    FormatProvider p = forPath(file);
    if (!p.canWrite()) {
      throw new DataException(file + ": format '" + p.id() + "' cannot be written");
    }
    return p.openWriter(file);
  }
}
