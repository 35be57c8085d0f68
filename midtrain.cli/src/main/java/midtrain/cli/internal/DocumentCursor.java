package midtrain.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.Formats;
import midtrain.data.io.InputNames;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Documents of a list of files, one at a time, through {@code Formats.openReader}; can start over
 * (a repeated source). Rejected records are counted and reported once per file on {@code err}, on
 * the first pass only. Default ids are {@code <name>:<line>} with names from {@link InputNames}, so
 * same-named files in different folders do not share ids.
 */
final class DocumentCursor implements AutoCloseable {
  private final List<Path> files;
  private final List<String> names;
  private final ReaderOptions options;
  private final PrintWriter err;
  private final VectorSchemaRoot root;
  private DocumentReader reader;
  private int file = -1;
  private int row;
  private long fileRejects;
  private final midtrain.data.io.RejectSink sink;
  private boolean firstPass = true;

  DocumentCursor(
      List<Path> files, ReaderOptions options, BufferAllocator allocator, PrintWriter err) {
    this(files, options, allocator, err, r -> {});
  }

  /**
   * A cursor that also hands every rejected record (file, line, reason) to a sink, on the first
   * pass over the files only.
   */
  DocumentCursor(
      List<Path> files,
      ReaderOptions options,
      BufferAllocator allocator,
      PrintWriter err,
      midtrain.data.io.RejectSink sink) {
    this(files, InputNames.of(files), options, allocator, err, sink);
  }

  /**
   * A cursor whose inputs have names given by the caller: {@link InputNames} over every input of
   * the run (all of a mix's sources), for ids unique across the run.
   */
  DocumentCursor(
      List<Path> files,
      List<String> names,
      ReaderOptions options,
      BufferAllocator allocator,
      PrintWriter err,
      midtrain.data.io.RejectSink sink) {
    if (names.size() != files.size()) {
      throw new IllegalArgumentException(names.size() + " names for " + files.size() + " files");
    }
    this.names = List.copyOf(names);
    this.files = List.copyOf(files);
    this.options = options;
    this.err = err;
    this.sink = sink;
    this.root = DocumentBatch.create(allocator);
  }

  /** The next document, or null after the last file. */
  Document next() {
    while (true) {
      if (row < root.getRowCount()) {
        return DocumentBatch.get(root, row++);
      }
      root.clear();
      row = 0;
      if (reader != null) {
        int n =
            reader.read(
                root,
                1024,
                r -> {
                  fileRejects++;
                  if (firstPass) {
                    sink.reject(r);
                  }
                });
        if (n > 0) {
          continue;
        }
        closeReader();
      }
      if (file + 1 >= files.size()) {
        return null;
      }
      file++;
      Path p = files.get(file);
      String name = names.get(file);
      reader =
          Formats.openReader(
              p,
              p.getFileName() != null && name.equals(p.getFileName().toString())
                  ? options
                  : options.toBuilder().inputName(name).build());
    }
  }

  /** Starts again at the first file. */
  void restart() {
    closeReader();
    firstPass = false;
    root.clear();
    row = 0;
    file = -1;
  }

  private void closeReader() {
    if (reader != null) {
      // A repeated source reads its files again: their rejects are reported once.
      if (fileRejects > 0 && firstPass) {
        err.println(
            "midtrain: " + reader.name() + ": " + fileRejects + " records rejected (unreadable)");
      }
      fileRejects = 0;
      reader.close();
      reader = null;
    }
  }

  @Override
  public void close() {
    closeReader();
    root.close();
  }
}
