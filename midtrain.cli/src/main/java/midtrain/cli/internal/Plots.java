package midtrain.cli.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Writes charts as PNG files, creating the parent directory when needed. */
final class Plots {
  private Plots() {}

  static void savePng(Chart<?, ?> chart, Path out) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // To the stream, not the name: XChart adds ".png" to a name without it, and the file would
      // not be the one the command says it wrote.
      try (java.io.OutputStream o = Files.newOutputStream(out)) {
        BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG);
      }
    } catch (IOException e) {
      // Where the file cannot be (a folder's name, a folder that is a file, no permission), the
      // user can act on it: one line, not a stack trace.
      throw new UserInputException("cannot write " + out + ": " + e);
    }
  }
}
