package midtrain.data.spi;

import java.nio.file.Path;
import java.util.List;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.ReaderOptions;

/**
 * Reads (and optionally writes) documents in one file format, found by {@link
 * java.util.ServiceLoader} and chosen by {@link #id()} or by file name suffix.
 *
 * <p>Formats with heavy dependencies (Parquet) live in their own modules, so users who do not need
 * them do not pay for them. The constructor must be cheap; two providers with one id fail
 * discovery.
 */
public interface FormatProvider {
  /**
   * The stable id, for example {@code jsonl}, {@code text}, {@code arrow}, {@code parquet}.
   *
   * @return the id, unique among the providers found; users name the format by it
   */
  String id();

  /**
   * The file name suffixes this format claims, lower case with the dot ({@code .jsonl.zst}); the
   * longest matching suffix across all providers wins, and two providers claiming one suffix fail
   * discovery.
   *
   * @return the suffixes
   */
  List<String> suffixes();

  /**
   * Opens a reader over one file.
   *
   * @param file the input
   * @param options field mapping and limits
   * @return the reader; the caller closes it
   * @throws midtrain.data.DataException when the file cannot be opened, naming it
   */
  DocumentReader openReader(Path file, ReaderOptions options);

  /**
   * Tells whether {@link #openWriter} is supported.
   *
   * @return true when this format can be written
   */
  default boolean canWrite() {
    return false;
  }

  /**
   * Opens a writer to one file; compression follows the suffix where the format has several.
   *
   * @param file the target, created on close
   * @return the writer; the caller closes or aborts it
   * @throws midtrain.data.DataException when the format cannot be written or the file not created
   */
  default DocumentWriter openWriter(Path file) {
    throw new midtrain.data.DataException("format '" + id() + "' cannot be written: " + file);
  }
}
