package midtrain.data.io;

import java.util.Objects;
import midtrain.data.DataException;

/**
 * How a reader maps input records to documents and what it refuses.
 *
 * <p>Field paths are dot-separated names into a JSON object ({@code metadata.url}), as Dolma,
 * RedPajama and FineWeb dumps nest them; formats without named fields ignore them. An absent id
 * field makes the id {@code <file name>:<line>}, which is stable across runs; where two inputs of a
 * run share a file name, {@link InputNames} gives each the {@link #inputName() name} that tells
 * them apart.
 */
public final class ReaderOptions {
  private final String idField;
  private final String textField;
  private final String sourceField;
  private final String domainField;
  private final String langField;
  private final String defaultSource;
  private final String defaultDomain;
  private final int maxDocumentBytes;
  private final long maxDecompressedBytes;
  private final int maxCompressionRatio;
  private final boolean keepMeta;
  private final String inputName;

  private ReaderOptions(Builder b) {
    this.idField = b.idField;
    this.textField = b.textField;
    this.sourceField = b.sourceField;
    this.domainField = b.domainField;
    this.langField = b.langField;
    this.defaultSource = b.defaultSource;
    this.defaultDomain = b.defaultDomain;
    this.maxDocumentBytes = b.maxDocumentBytes;
    this.maxDecompressedBytes = b.maxDecompressedBytes;
    this.maxCompressionRatio = b.maxCompressionRatio;
    this.keepMeta = b.keepMeta;
    this.inputName = b.inputName;
  }

  /**
   * Returns the defaults: {@code id}, {@code text}, {@code source}, {@code domain}, {@code lang};
   * documents up to 16 MiB; decompression capped at 1 TiB and a ratio of 1000.
   *
   * @return the default options
   */
  public static ReaderOptions defaults() {
    return builder().build();
  }

  /**
   * Starts a builder from the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The path of the id field.
   *
   * @return the dot-separated path, {@code id} by default; a record without it gets the id {@code
   *     <file name>:<line>}
   */
  public String idField() {
    return idField;
  }

  /**
   * The path of the text field.
   *
   * @return the dot-separated path, {@code text} by default; a record without it is rejected as
   *     {@code missing-field}
   */
  public String textField() {
    return textField;
  }

  /**
   * The path of the source field.
   *
   * @return the dot-separated path, {@code source} by default; a record without it gets {@link
   *     #defaultSource()}
   */
  public String sourceField() {
    return sourceField;
  }

  /**
   * The path of the domain field.
   *
   * @return the dot-separated path, {@code domain} by default; a record without it gets {@link
   *     #defaultDomain()}
   */
  public String domainField() {
    return domainField;
  }

  /**
   * The path of the language field.
   *
   * @return the dot-separated path, {@code lang} by default; a record without it gets an empty
   *     language
   */
  public String langField() {
    return langField;
  }

  /**
   * The source given to documents whose record has none; empty means the input's file name.
   *
   * @return the source, or empty (the default) for the input's file name
   */
  public String defaultSource() {
    return defaultSource;
  }

  /**
   * The domain given to documents whose record has none; may be empty.
   *
   * @return the domain, or empty (the default) to leave such documents without one
   */
  public String defaultDomain() {
    return defaultDomain;
  }

  /**
   * The largest document text, in UTF-8 bytes; larger ones are rejected as {@code oversized}.
   *
   * @return the limit in bytes, at least 1; 16 MiB by default
   */
  public int maxDocumentBytes() {
    return maxDocumentBytes;
  }

  /**
   * The most bytes one compressed input may inflate to before it is cut off.
   *
   * @return the limit in bytes, at least 1; 1 TiB by default
   */
  public long maxDecompressedBytes() {
    return maxDecompressedBytes;
  }

  /**
   * The largest ratio of inflated to compressed bytes, checked once 64 MiB have been inflated, that
   * a compressed input may reach before it is treated as a decompression bomb.
   *
   * @return the ratio, at least 1; 1000 by default
   */
  public int maxCompressionRatio() {
    return maxCompressionRatio;
  }

  /**
   * Whether fields with no column are kept in {@code meta} as a JSON object.
   *
   * @return true (the default) to keep them, false to leave {@code meta} empty
   */
  public boolean keepMeta() {
    return keepMeta;
  }

  /**
   * The name default ids begin with, {@code <name>:<line>}, in place of the input's file name.
   *
   * @return the name, or empty (the default) for the input's file name
   */
  public String inputName() {
    return inputName;
  }

  /**
   * Starts a builder from these options.
   *
   * @return a builder holding every setting of these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.idField = idField;
    b.textField = textField;
    b.sourceField = sourceField;
    b.domainField = domainField;
    b.langField = langField;
    b.defaultSource = defaultSource;
    b.defaultDomain = defaultDomain;
    b.maxDocumentBytes = maxDocumentBytes;
    b.maxDecompressedBytes = maxDecompressedBytes;
    b.maxCompressionRatio = maxCompressionRatio;
    b.keepMeta = keepMeta;
    b.inputName = inputName;
    return b;
  }

  @Override
  public String toString() {
    return "ReaderOptions[id="
        + idField
        + ", text="
        + textField
        + ", source="
        + sourceField
        + ", domain="
        + domainField
        + ", lang="
        + langField
        + ", defaultSource="
        + defaultSource
        + ", defaultDomain="
        + defaultDomain
        + ", maxDocumentBytes="
        + maxDocumentBytes
        + ", maxDecompressedBytes="
        + maxDecompressedBytes
        + ", maxCompressionRatio="
        + maxCompressionRatio
        + ", keepMeta="
        + keepMeta
        // Only when set: a curate run's fingerprint prints these options, and folders written
        // before the setting existed must still resume.
        + (inputName.isEmpty() ? "" : ", inputName=" + inputName)
        + "]";
  }

  /** Builds {@link ReaderOptions}. */
  public static final class Builder {
    private String idField = "id";
    private String textField = "text";
    private String sourceField = "source";
    private String domainField = "domain";
    private String langField = "lang";
    private String defaultSource = "";
    private String defaultDomain = "";
    private int maxDocumentBytes = 16 << 20;
    private long maxDecompressedBytes = 1L << 40;
    private int maxCompressionRatio = 1000;
    private boolean keepMeta = true;
    private String inputName = "";

    private Builder() {}

    /**
     * Sets the id field path.
     *
     * @param path a dot-separated field path, such as {@code metadata.id}
     * @return this builder
     * @throws DataException if the path is empty, starts or ends with a dot, or has an empty
     *     segment
     */
    public Builder idField(String path) {
      this.idField = path(path, "idField");
      return this;
    }

    /**
     * Sets the text field path.
     *
     * @param path a dot-separated field path, such as {@code content}
     * @return this builder
     * @throws DataException if the path is empty, starts or ends with a dot, or has an empty
     *     segment
     */
    public Builder textField(String path) {
      this.textField = path(path, "textField");
      return this;
    }

    /**
     * Sets the source field path.
     *
     * @param path a dot-separated field path
     * @return this builder
     * @throws DataException if the path is empty, starts or ends with a dot, or has an empty
     *     segment
     */
    public Builder sourceField(String path) {
      this.sourceField = path(path, "sourceField");
      return this;
    }

    /**
     * Sets the domain field path.
     *
     * @param path a dot-separated field path
     * @return this builder
     * @throws DataException if the path is empty, starts or ends with a dot, or has an empty
     *     segment
     */
    public Builder domainField(String path) {
      this.domainField = path(path, "domainField");
      return this;
    }

    /**
     * Sets the language field path.
     *
     * @param path a dot-separated field path
     * @return this builder
     * @throws DataException if the path is empty, starts or ends with a dot, or has an empty
     *     segment
     */
    public Builder langField(String path) {
      this.langField = path(path, "langField");
      return this;
    }

    /**
     * Sets the source of documents whose record names none (empty: the file name).
     *
     * @param source the source label, or empty for the input's file name
     * @return this builder
     */
    public Builder defaultSource(String source) {
      this.defaultSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets the domain of documents whose record names none.
     *
     * @param domain the domain, such as {@code web}, or empty for none
     * @return this builder
     */
    public Builder defaultDomain(String domain) {
      this.defaultDomain = Objects.requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Sets the largest document, in UTF-8 bytes.
     *
     * @param bytes the limit, at least 1; longer texts are rejected as {@code oversized}
     * @return this builder
     * @throws DataException if {@code bytes} is below 1
     */
    public Builder maxDocumentBytes(int bytes) {
      if (bytes < 1) {
        throw new DataException("maxDocumentBytes must be at least 1, got " + bytes);
      }
      this.maxDocumentBytes = bytes;
      return this;
    }

    /**
     * Sets the most bytes one compressed input may inflate to.
     *
     * @param bytes the limit, at least 1
     * @return this builder
     * @throws DataException if {@code bytes} is below 1
     */
    public Builder maxDecompressedBytes(long bytes) {
      if (bytes < 1) {
        throw new DataException("maxDecompressedBytes must be at least 1, got " + bytes);
      }
      this.maxDecompressedBytes = bytes;
      return this;
    }

    /**
     * Sets the largest inflate ratio tolerated once 64 MiB have been inflated.
     *
     * @param ratio inflated bytes per compressed byte, at least 1
     * @return this builder
     * @throws DataException if {@code ratio} is below 1
     */
    public Builder maxCompressionRatio(int ratio) {
      if (ratio < 1) {
        throw new DataException("maxCompressionRatio must be at least 1, got " + ratio);
      }
      this.maxCompressionRatio = ratio;
      return this;
    }

    /**
     * Keeps (default) or drops fields with no column.
     *
     * @param keep true to keep them in {@code meta} as a JSON object, false to drop them
     * @return this builder
     */
    public Builder keepMeta(boolean keep) {
      this.keepMeta = keep;
      return this;
    }

    /**
     * Sets the name default ids begin with, in place of the input's file name.
     *
     * @param name the name, such as {@code a/part-0.jsonl} from {@link InputNames#of}, or empty for
     *     the file name
     * @return this builder
     */
    public Builder inputName(String name) {
      this.inputName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options; later changes to the builder do not reach them
     */
    public ReaderOptions build() {
      return new ReaderOptions(this);
    }

    private static String path(String p, String what) {
      Objects.requireNonNull(p, what);
      if (p.isEmpty() || p.startsWith(".") || p.endsWith(".") || p.contains("..")) {
        throw new DataException(what + " must be a dot-separated field path, got '" + p + "'");
      }
      return p;
    }
  }
}
