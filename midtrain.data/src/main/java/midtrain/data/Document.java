package midtrain.data;

import java.util.Objects;

/**
 * One document as plain Java values: what readers produce and writers consume one row at a time.
 *
 * <p>{@code source}, {@code domain}, {@code lang} and {@code meta} are empty strings when absent;
 * in a {@link DocumentBatch} an empty value is stored as null. {@code meta} is a JSON object of the
 * input fields midtrain has no column for, passed through unchanged.
 *
 * @param id the document id, unique within a run
 * @param text the document text
 * @param source the dataset, crawl or file it came from, or empty
 * @param domain its domain ({@code web}, {@code code}, {@code math}, ...), or empty
 * @param lang its language code, or empty
 * @param meta a JSON object of pass-through fields, or empty
 */
public record Document(
    String id, String text, String source, String domain, String lang, String meta) {
  /**
   * Checks that no component is null.
   *
   * @param id the document id, unique within a run
   * @param text the document text
   * @param source the dataset, crawl or file it came from, or empty
   * @param domain its domain, or empty
   * @param lang its language code, or empty
   * @param meta a JSON object of pass-through fields, or empty
   */
  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(lang, "lang");
    Objects.requireNonNull(meta, "meta");
  }

  /**
   * Makes a document with only an id and a text.
   *
   * @param id the id
   * @param text the text
   * @return the document
   */
  public static Document of(String id, String text) {
    return new Document(id, text, "", "", "", "");
  }

  /**
   * Returns a copy with another source.
   *
   * @param newSource the source
   * @return the copy
   */
  public Document withSource(String newSource) {
    return new Document(id, text, newSource, domain, lang, meta);
  }

  /**
   * Returns a copy with another domain.
   *
   * @param newDomain the domain
   * @return the copy
   */
  public Document withDomain(String newDomain) {
    return new Document(id, text, source, newDomain, lang, meta);
  }

  /**
   * Returns a copy with another language.
   *
   * @param newLang the language code
   * @return the copy
   */
  public Document withLang(String newLang) {
    return new Document(id, text, source, domain, newLang, meta);
  }

  /**
   * Returns a copy with other pass-through fields.
   *
   * @param newMeta a JSON object, or empty
   * @return the copy
   */
  public Document withMeta(String newMeta) {
    return new Document(id, text, source, domain, lang, newMeta);
  }
}
