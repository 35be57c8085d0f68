package midtrain.data.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import midtrain.data.internal.io.Compression;

/**
 * Opens a file for reading, decompressing it by its name as the document readers do: {@code .gz}
 * (gzip, concatenated members too), {@code .zst} or {@code .zstd} (Zstandard, several frames too),
 * anything else as is.
 *
 * <p>For small side files other modules read (benchmark items, few-shot examples) that should
 * accept the same compressions as the corpus. Unlike the document readers it applies no cap on how
 * far a file inflates, so it is not meant for untrusted inputs of unbounded size.
 */
public final class CompressedFiles {
  private CompressedFiles() {}

  /**
   * Opens a file's decoded bytes.
   *
   * @param file the file; its name chooses the decoder
   * @return the decoded stream, which the caller closes (closing it closes the file)
   * @throws IOException when the file cannot be opened, or a compressed file's header is bad (a
   *     {@code .gz} that is not gzip fails here; a bad {@code .zst} may fail on the first read)
   */
  public static InputStream open(Path file) throws IOException {
    if (file == null) {
      throw new NullPointerException("file");
    }
    InputStream in = Files.newInputStream(file);
    try {
      return Compression.of(file).decode(in);
    } catch (IOException | RuntimeException e) {
      in.close(); // a bad header: the file would otherwise stay open
      throw e;
    }
  }

  /**
   * Opens a file's decoded text as UTF-8 lines.
   *
   * @param file the file; its name chooses the decoder
   * @return a reader, which the caller closes; malformed UTF-8 reads as U+FFFD
   * @throws IOException as {@link #open}
   */
  public static BufferedReader reader(Path file) throws IOException {
    return new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8), 1 << 16);
  }

  /**
   * Returns a file name without the compression suffix {@link #open} recognizes.
   *
   * @param fileName a file name, for example {@code test.jsonl.zst}
   * @return the name without {@code .gz}, {@code .zst} or {@code .zstd} (any case), for example
   *     {@code test.jsonl}; the name itself when it has none, or is nothing but the suffix
   */
  public static String stripCompression(String fileName) {
    if (fileName == null) {
      throw new NullPointerException("fileName");
    }
    int suffix = Compression.suffixLength(fileName);
    return suffix > 0 && fileName.length() > suffix
        ? fileName.substring(0, fileName.length() - suffix)
        : fileName;
  }
}
