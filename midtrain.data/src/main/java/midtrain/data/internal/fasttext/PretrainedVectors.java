package midtrain.data.internal.fasttext;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import midtrain.data.DataException;

/**
 * Word vectors in fastText's {@code .vec} text format, as {@code -pretrainedVectors} reads them: a
 * header {@code n dim}, then {@code n} entries of a word and {@code dim} numbers, all separated by
 * any whitespace (fastText reads the file with {@code >>}, so line breaks carry no meaning).
 *
 * <p>Unlike fastText, which reads garbage past a short or malformed file, a missing or non-numeric
 * value and content after the {@code n}-th entry are errors naming the file and line.
 */
final class PretrainedVectors {
  final List<byte[]> words;
  final List<float[]> vectors;

  private PretrainedVectors(List<byte[]> words, List<float[]> vectors) {
    this.words = words;
    this.vectors = vectors;
  }

  /**
   * Reads a {@code .vec} file whose dimension must be {@code dim}.
   *
   * @param file the file
   * @param dim the model's {@code -dim}
   * @return the words, in file order, and their vectors
   * @throws DataException naming the file (and line) when it cannot be read, is malformed or has
   *     another dimension
   */
  static PretrainedVectors read(Path file, int dim) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      Tokens t = new Tokens(in, file);
      long n = t.nextLong("the number of vectors");
      long d = t.nextLong("the dimension");
      if (d != dim) {
        throw new DataException(
            "pretrained vectors "
                + file
                + " have dimension "
                + d
                + " but -dim is "
                + dim
                + " (fastText: \"Dimension of pretrained vectors ("
                + d
                + ") does not match dimension ("
                + dim
                + ")!\"); train with -dim "
                + d
                + " or use vectors of dimension "
                + dim);
      }
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw t.error("impossible number of vectors " + n);
      }
      List<byte[]> words = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      for (long i = 0; i < n; i++) {
        byte[] w = t.next("the word of vector " + (i + 1) + " of " + n);
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
          v[j] = t.nextFloat("value " + (j + 1) + " of vector " + (i + 1) + " ('" + str(w) + "')");
        }
        words.add(w);
        vectors.add(v);
      }
      byte[] extra = t.nextOrNull();
      if (extra != null) {
        throw t.error(
            "unexpected '" + str(extra) + "' after the " + n + " vectors the header announces");
      }
      return new PretrainedVectors(words, vectors);
    } catch (NoSuchFileException e) {
      throw new DataException("pretrained vectors " + file + ": no such file", e);
    } catch (IOException e) {
      throw new DataException("cannot read pretrained vectors " + file + ": " + e.getMessage(), e);
    }
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Whitespace-separated tokens (C's {@code isspace}: space, tab, LF, VT, FF, CR) with lines. */
  private static final class Tokens {
    private final InputStream in;
    private final Path file;
    private long line = 1;
    private long tokenLine = 1;
    private byte[] buf = new byte[64];

    Tokens(InputStream in, Path file) {
      this.in = in;
      this.file = file;
    }

    private static boolean space(int c) {
      return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    byte[] nextOrNull() throws IOException {
      int c = in.read();
      while (c >= 0 && space(c)) {
        if (c == '\n') {
          line++;
        }
        c = in.read();
      }
      if (c < 0) {
        return null;
      }
      tokenLine = line;
      int len = 0;
      while (c >= 0 && !space(c)) {
        if (len == buf.length) {
          buf = Arrays.copyOf(buf, len * 2);
        }
        buf[len++] = (byte) c;
        c = in.read();
      }
      if (c == '\n') {
        line++;
      }
      return Arrays.copyOf(buf, len);
    }

    byte[] next(String what) throws IOException {
      byte[] b = nextOrNull();
      if (b == null) {
        throw new DataException(
            "pretrained vectors " + file + " line " + line + ": ends before " + what);
      }
      return b;
    }

    long nextLong(String what) throws IOException {
      byte[] b = next(what);
      String s = new String(b, StandardCharsets.ISO_8859_1);
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw error(what + " should be an integer, got '" + str(b) + "'");
      }
    }

    float nextFloat(String what) throws IOException {
      byte[] b = next(what);
      // Float.parseFloat also takes "NaN", "Infinity", hex and a trailing f or d, which C++'s
      // stream extraction does not; only decimal numbers pass.
      for (byte x : b) {
        if (!((x >= '0' && x <= '9') || x == '.' || x == '-' || x == '+' || x == 'e' || x == 'E')) {
          throw error(what + " should be a number, got '" + str(b) + "'");
        }
      }
      try {
        return Float.parseFloat(new String(b, StandardCharsets.ISO_8859_1));
      } catch (NumberFormatException e) {
        throw error(what + " should be a number, got '" + str(b) + "'");
      }
    }

    DataException error(String msg) {
      return new DataException("pretrained vectors " + file + " line " + tokenLine + ": " + msg);
    }
  }
}
