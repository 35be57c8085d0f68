package midtrain.cli.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Writes charts as PNG files, creating the parent directory when needed. */
final class Plots {
  private Plots() {}

  static void savePng(Chart<?, ?> chart, Path out) {
    writePng(BitmapEncoder.getBufferedImage(chart), out);
  }

  /** Writes charts one below the other in one PNG, as panels sharing their x axis. */
  static void savePngStack(List<? extends Chart<?, ?>> charts, Path out) {
    List<BufferedImage> images = new ArrayList<>();
    int width = 0;
    int height = 0;
    for (Chart<?, ?> c : charts) {
      BufferedImage image = BitmapEncoder.getBufferedImage(c);
      images.add(image);
      width = Math.max(width, image.getWidth());
      height += image.getHeight();
    }
    BufferedImage all = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      int y = 0;
      for (BufferedImage image : images) {
        g.drawImage(image, 0, y, null);
        y += image.getHeight();
      }
    } finally {
      g.dispose();
    }
    writePng(all, out);
  }

  private static void writePng(BufferedImage image, Path out) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // To the stream, not the name: the file is `out` whatever its suffix (XChart's own writer
      // adds ".png" to a name without it, and the file would not be the one the command names).
      try (java.io.OutputStream o = Files.newOutputStream(out)) {
        if (!ImageIO.write(image, "png", o)) {
          throw new IOException("no PNG writer in this JDK");
        }
      }
    } catch (IOException e) {
      // Where the file cannot be (a folder's name, a folder that is a file, no permission), the
      // user can act on it: one line, not a stack trace.
      throw new UserInputException("cannot write " + out + ": " + e);
    }
  }
}
