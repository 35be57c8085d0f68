package midtrain.data.parquet.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import midtrain.data.DataException;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.ReaderOptions;
import midtrain.data.spi.FormatProvider;

/**
 * Parquet ({@code .parquet}), read and written with Arrow Dataset (JNI).
 *
 * <p>Reading maps columns to documents as {@link midtrain.data.spi.ColumnarReader} describes (field
 * paths reach into struct columns; other columns go to {@code meta}). Writing keeps every column of
 * the batch, scores and lineage included.
 */
public final class ParquetFormat implements FormatProvider {
  /** Creates the provider; cheap: the native library loads on the first file opened. */
  public ParquetFormat() {}

  @Override
  public String id() {
    return "parquet";
  }

  @Override
  public List<String> suffixes() {
    return List.of(".parquet");
  }

  @Override
  public DocumentReader openReader(Path file, ReaderOptions options) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": no such file");
    }
    return new ParquetReader(file, options);
  }

  @Override
  public boolean canWrite() {
    return true;
  }

  @Override
  public DocumentWriter openWriter(Path file) {
    return new ParquetWriter(file);
  }
}
