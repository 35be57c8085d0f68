package midtrain.data.pack;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import midtrain.data.Document;
import midtrain.data.fim.Fim;
import midtrain.data.token.Tokenization;

/**
 * Documents to packed tokens: optional fill-in-the-middle on the text, tokenization in batches,
 * then a {@link StreamPacker}. Memory is one batch of documents plus the packer's.
 *
 * <p>FIM works on characters per document ({@link Fim}); the sentinel strings must be tokens of the
 * tokenizer, which is checked when the packer is built.
 */
public final class DocumentPacker {
  private final Tokenization tokenization;
  private final StreamPacker packer;
  private final Optional<Fim> fim;
  private final int batchDocuments;

  private final List<String> labels = new ArrayList<>();
  private final List<String> texts = new ArrayList<>();
  private long documents;
  private long fimDocuments;
  private long tokens;

  private DocumentPacker(Builder b) {
    this.tokenization = b.tokenization;
    this.packer = b.packer;
    this.fim = b.fim;
    this.batchDocuments = b.batchDocuments;
    fim.ifPresent(f -> f.sentinels().requireTokensOf(tokenization.tokenizer()));
  }

  /**
   * A builder feeding {@code packer} with documents tokenized by {@code tokenization}.
   *
   * @param tokenization encodes the documents' texts, adding the BOS and EOS it is set up with
   * @param packer receives each document's ids under its source label
   * @return a builder without FIM and with batches of 1024 documents
   */
  public static Builder builder(Tokenization tokenization, StreamPacker packer) {
    return new Builder(tokenization, packer);
  }

  /**
   * Adds a document under a source label; tokenized when the batch is full.
   *
   * @param label the mixture source it counts toward
   * @param doc the document
   */
  public void add(String label, Document doc) {
    Objects.requireNonNull(label, "label");
    String text = doc.text();
    if (fim.isPresent()) {
      String t = fim.get().apply(doc.id(), text);
      if (!t.equals(text)) {
        fimDocuments++;
      }
      text = t;
    }
    labels.add(label);
    texts.add(text);
    documents++;
    if (texts.size() >= batchDocuments) {
      flush();
    }
  }

  /** Tokenizes and packs the buffered documents. */
  public void flush() {
    if (texts.isEmpty()) {
      return;
    }
    List<int[]> ids = tokenization.encodeAll(texts);
    for (int i = 0; i < ids.size(); i++) {
      tokens += ids.get(i).length;
      packer.add(labels.get(i), ids.get(i));
    }
    labels.clear();
    texts.clear();
  }

  /**
   * Flushes and finishes the packer.
   *
   * @return the packer's statistics, final
   * @throws IllegalStateException if the packer was already finished
   */
  public PackStats finish() {
    flush();
    return packer.finish();
  }

  /**
   * The packer (for its realised mixture).
   *
   * @return the packer passed to {@link #builder}
   */
  public StreamPacker packer() {
    return packer;
  }

  /**
   * Documents added.
   *
   * @return the number of documents passed to {@link #add}, flushed or not
   */
  public long documents() {
    return documents;
  }

  /**
   * Documents FIM rearranged.
   *
   * @return the number of added documents whose text FIM changed; 0 without FIM
   */
  public long fimDocuments() {
    return fimDocuments;
  }

  /**
   * Tokens produced by tokenization, framing included.
   *
   * @return the token ids of the documents tokenized so far; buffered documents count after they
   *     are flushed
   */
  public long tokens() {
    return tokens;
  }

  /** Builder for {@link DocumentPacker}. */
  public static final class Builder {
    private final Tokenization tokenization;
    private final StreamPacker packer;
    private Optional<Fim> fim = Optional.empty();
    private int batchDocuments = 1024;

    private Builder(Tokenization tokenization, StreamPacker packer) {
      this.tokenization = Objects.requireNonNull(tokenization, "tokenization");
      this.packer = Objects.requireNonNull(packer, "packer");
    }

    /**
     * Applies fill-in-the-middle to each document's text before tokenization.
     *
     * @param fim the transform, applied per document id; its sentinels must be tokens of the
     *     tokenizer
     * @return this builder
     */
    public Builder fim(Fim fim) {
      this.fim = Optional.of(fim);
      return this;
    }

    /**
     * Documents buffered per tokenization call (default 1024).
     *
     * @param n the number of documents, at least 1
     * @return this builder
     * @throws midtrain.data.DataException if {@code n} is below 1
     */
    public Builder batchDocuments(int n) {
      if (n < 1) {
        throw new midtrain.data.DataException("batch documents must be at least 1, got " + n);
      }
      this.batchDocuments = n;
      return this;
    }

    /**
     * Checks the FIM sentinels against the tokenizer and builds.
     *
     * @return the document packer
     * @throws midtrain.data.DataException if FIM is set and the tokenizer lacks one of its
     *     sentinels as a token
     */
    public DocumentPacker build() {
      return new DocumentPacker(this);
    }
  }
}
