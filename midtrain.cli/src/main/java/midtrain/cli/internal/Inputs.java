package midtrain.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/** Reads JSON/YAML arguments and files into plain maps, with errors that name the source. */
public final class Inputs {
  /** Shared JSON mapper; thread-safe once configured. */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Shared YAML mapper. */
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private Inputs() {}

  /**
   * Reads an object given inline ({@code {...}}) or as a path to a {@code .json}, {@code .yaml} or
   * {@code .yml} file.
   *
   * @param option the option the value came from, for messages
   * @param value inline JSON or a file path
   * @return the parsed object
   */
  public static Map<String, Object> objectArg(String option, String value) {
    String v = value.trim();
    if (v.startsWith("{")) {
      try {
        return JSON.readValue(v, MAP);
      } catch (JsonProcessingException e) {
        throw new UserInputException(
            option
                + ": invalid JSON at column "
                + e.getLocation().getColumnNr()
                + ": "
                + e.getOriginalMessage());
      }
    }
    if (v.isEmpty()) {
      throw new UserInputException(option + " is empty: give a file, or inline JSON {...}");
    }
    if (v.startsWith("[")) {
      throw new UserInputException(option + ": inline JSON must be an object {...}, not an array");
    }
    Path file;
    try {
      file = Path.of(v);
    } catch (java.nio.file.InvalidPathException e) {
      throw new UserInputException(option + ": neither a file nor inline JSON {...}: " + v);
    }
    if (!Files.exists(file)) {
      throw new UserInputException(
          option + ": no such file: " + v + " (inline JSON is an object, starting with '{')");
    }
    return objectFile(option, file);
  }

  /**
   * Checks, before any work, that a file can be written at {@code out}: it is not a folder, and its
   * folder is not a file (a missing folder is made when the file is written).
   *
   * @param option the option the path came from, for messages
   * @param out the file to write
   */
  public static void outputFile(String option, Path out) {
    if (Files.isDirectory(out)) {
      throw new UserInputException(option + ": " + out + " is a folder; give a file name");
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      outputFolder(option, parent);
    }
  }

  /**
   * Converts an option naming a file to write, refusing a name that ends in a separator: {@code
   * Path.of} drops the separator, so {@code --out newdir/} would otherwise write a file named
   * {@code newdir} where the user asked for a folder.
   */
  static final class OutputFileName implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      if (value.endsWith("/") || value.endsWith(java.io.File.separator)) {
        throw new CommandLine.TypeConversionException(
            value + " ends in a separator, so it names a folder; give a file name");
      }
      return Path.of(value);
    }
  }

  /**
   * Checks, before any work, that a folder can be written at {@code out}: it is not a file, and no
   * folder on the way to it is one (missing folders are made).
   *
   * @param option the option the path came from, for messages
   * @param out the folder to write into
   */
  public static void outputFolder(String option, Path out) {
    for (Path p = out.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new UserInputException(option + ": " + p + " is a file, not a folder");
        }
        return;
      }
    }
  }

  /**
   * Checks, before any work, that a model can be written into the folder {@code --out}: {@link
   * #outputFolder}, and none of {@code files} is there already.
   *
   * @param out the folder
   * @param files the model's files, each refused when present
   */
  public static void newModelFolder(Path out, String... files) {
    outputFolder("--out", out);
    for (String file : files) {
      if (Files.exists(out.resolve(file))) {
        throw new UserInputException(out + " already holds a " + file + "; choose another --out");
      }
    }
  }

  /**
   * Writes text to a file checked with {@link #outputFile}, making its folder when missing.
   *
   * @param option the option the path came from, for messages
   * @param out the file
   * @param text the text, written as UTF-8
   */
  public static void writeText(String option, Path out, String text) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, text, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserInputException(option + ": cannot write " + out + ": " + e);
    }
  }

  /**
   * Reads a JSON or YAML file holding one object; the format follows the file's extension.
   *
   * @param option the option the path came from, for messages
   * @param file the file
   * @return the parsed object
   */
  public static Map<String, Object> objectFile(String option, Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
    try {
      Map<String, Object> m = mapper.readValue(file.toFile(), MAP);
      if (m == null) {
        throw new UserInputException(option + ": " + file + " is empty");
      }
      return m;
    } catch (JsonProcessingException e) {
      throw new UserInputException(
          option
              + ": "
              + file
              + ": invalid "
              + (mapper == YAML ? "YAML" : "JSON")
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      if (!Files.exists(file) || e instanceof NoSuchFileException) {
        throw new UserInputException(option + ": no such file: " + file);
      }
      throw new UserInputException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * Parses the steps to evaluate: a comma list ({@code 0,10,100}) or a range {@code START:END:STEP}
   * whose END is included.
   *
   * @param steps the comma list, or null
   * @param range the range, or null
   * @return the steps in order
   */
  public static List<Long> steps(String steps, String range) {
    if ((steps == null) == (range == null)) {
      throw new UserInputException("give exactly one of --steps and --range");
    }
    List<Long> out = new ArrayList<>();
    if (steps != null) {
      for (String s : steps.split(",")) {
        out.add(nonNegative("--steps", s.trim()));
      }
      return out;
    }
    String[] parts = range.split(":");
    if (parts.length != 3) {
      throw new UserInputException("--range must be START:END:STEP, got \"" + range + "\"");
    }
    long start = nonNegative("--range START", parts[0].trim());
    long end = nonNegative("--range END", parts[1].trim());
    long inc = nonNegative("--range STEP", parts[2].trim());
    if (inc == 0 || end < start) {
      throw new UserInputException(
          "--range needs STEP > 0 and END >= START, got \"" + range + "\"");
    }
    if ((end - start) / inc > 10_000_000) {
      throw new UserInputException(
          "--range asks for more than 10 million steps: \"" + range + "\"");
    }
    for (long s = start; s <= end; s += inc) {
      out.add(s);
    }
    return out;
  }

  private static long nonNegative(String what, String s) {
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw new UserInputException(what + " must be >= 0, got " + s);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new UserInputException(what + " must be a whole number, got \"" + s + "\"");
    }
  }

  /**
   * Expands input arguments: a file stays itself, a folder gives its files that midtrain can read
   * (by name, not recursing, so a curate output's parts but not its state), a glob its matches.
   *
   * @param args the arguments, in order
   * @return the files
   */
  public static List<java.nio.file.Path> files(List<String> args) {
    List<java.nio.file.Path> out = new java.util.ArrayList<>();
    java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
    for (String a : args) {
      java.nio.file.Path p = java.nio.file.Path.of(a);
      if (java.nio.file.Files.isDirectory(p)) {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(p)) {
          List<java.nio.file.Path> found =
              s.filter(java.nio.file.Files::isRegularFile)
                  .filter(Inputs::readable)
                  .sorted()
                  .toList();
          if (found.isEmpty()) {
            throw new UserInputException(
                "--input " + a + ": the folder has no file midtrain reads");
          }
          out.addAll(found);
        } catch (java.io.IOException e) {
          throw new UserInputException("--input " + a + ": cannot list it: " + e.getMessage());
        }
      } else if (a.contains("*") || a.contains("?") || a.contains("[") || a.contains("{")) {
        out.addAll(midtrain.data.pipeline.PipelineConfig.inputs(List.of(a), cwd));
      } else {
        // As given, so that messages and document ids name the file as the user did.
        out.add(p);
      }
    }
    return out;
  }

  private static boolean readable(java.nio.file.Path p) {
    try {
      midtrain.data.io.Formats.forPath(p);
      return true;
    } catch (midtrain.data.DataException e) {
      return false;
    }
  }
}
