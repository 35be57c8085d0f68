package midtrain.data.synth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.internal.token.Files2;

/**
 * A prompt template: text in which {@code {text}} marks where the document (or chunk) goes.
 *
 * <p>Other placeholders a synthesizer documents (such as {@code {method}} for {@code evolve}) are
 * filled the same way; every other brace is literal, so templates may hold JSON examples.
 */
public final class PromptTemplate {
  /** The placeholder every template must hold. */
  public static final String TEXT = "{text}";

  private final String text;
  private final String hash;
  private final String origin;

  private PromptTemplate(String text, String origin) {
    this.text = text;
    this.origin = origin;
    this.hash = Files2.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Makes a template from its text.
   *
   * @param text the template, holding {@code {text}}
   * @return the template
   * @throws DataException when {@code {text}} is missing
   */
  public static PromptTemplate of(String text) {
    Objects.requireNonNull(text, "text");
    return checked(text, "template");
  }

  /**
   * Reads a template file (UTF-8).
   *
   * @param file the file
   * @return the template
   * @throws DataException when the file cannot be read or lacks {@code {text}}
   */
  public static PromptTemplate load(Path file) {
    Objects.requireNonNull(file, "file");
    String t;
    try {
      t = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new DataException("template " + file + ": no such file");
    } catch (IOException e) {
      throw new DataException("template " + file + ": cannot read it: " + e.getMessage(), e);
    }
    return checked(t, "template " + file);
  }

  private static PromptTemplate checked(String t, String origin) {
    if (!t.contains(TEXT)) {
      throw new DataException(
          origin + " has no " + TEXT + " placeholder: add it where the document text goes");
    }
    return new PromptTemplate(t, origin);
  }

  /**
   * Fills the template: {@code {text}} with the document text, and each other {@code {name}} in
   * {@code values} with its value. The document text is inserted last, so braces in it are never
   * taken as placeholders.
   *
   * @param document the document (or chunk) text
   * @param values other placeholders by name, without braces
   * @return the prompt
   */
  public String render(String document, Map<String, String> values) {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(values, "values");
    String t = text;
    for (Map.Entry<String, String> e : values.entrySet()) {
      t = t.replace("{" + e.getKey() + "}", e.getValue());
    }
    int at = t.indexOf(TEXT);
    StringBuilder sb = new StringBuilder(t.length() + document.length());
    int from = 0;
    while (at >= 0) {
      sb.append(t, from, at).append(document);
      from = at + TEXT.length();
      at = t.indexOf(TEXT, from);
    }
    return sb.append(t, from, t.length()).toString();
  }

  /**
   * The template's text.
   *
   * @return the text
   */
  public String text() {
    return text;
  }

  /**
   * The SHA-256 of the template's UTF-8 bytes, in hex.
   *
   * @return the hash
   */
  public String hash() {
    return hash;
  }

  /**
   * Where the template came from, for messages: {@code template} or {@code template FILE}.
   *
   * @return the origin
   */
  public String origin() {
    return origin;
  }

  @Override
  public String toString() {
    return origin + " (sha256 " + hash.substring(0, 12) + ")";
  }
}
