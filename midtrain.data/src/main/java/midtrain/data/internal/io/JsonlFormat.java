package midtrain.data.internal.io;

import java.nio.file.Path;
import java.util.List;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.ReaderOptions;
import midtrain.data.spi.FormatProvider;

/** JSON Lines, plain or gzip/zstd compressed: read and written. */
public final class JsonlFormat implements FormatProvider {
  /** Creates the provider; cheap, as {@link java.util.ServiceLoader} requires. */
  public JsonlFormat() {}

  @Override
  public String id() {
    return "jsonl";
  }

  @Override
  public List<String> suffixes() {
    return List.of(
        ".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.zstd", ".json.gz", ".ndjson", ".ndjson.gz");
  }

  @Override
  public DocumentReader openReader(Path file, ReaderOptions options) {
    return new JsonlReader(file, options);
  }

  @Override
  public boolean canWrite() {
    return true;
  }

  @Override
  public DocumentWriter openWriter(Path file) {
    return new JsonlWriter(file);
  }
}
