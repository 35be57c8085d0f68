package midtrain.data.internal.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import midtrain.data.DataException;

/** SHA-256 and rename-into-place, so a reader never sees a half-written file under its name. */
public final class Files2 {
  private Files2() {}

  /** A fresh SHA-256 digest; every JDK provides it. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** Lower-case hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Lower-case hex SHA-256 of bytes. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** The temporary sibling a file is written under before {@link #moveIntoPlace}. */
  public static Path temporary(Path target) {
    return target.resolveSibling(target.getFileName() + ".tmp");
  }

  /** Renames the temporary sibling onto {@code target}, atomically where the file system can. */
  public static void moveIntoPlace(Path target) {
    moveIntoPlace(temporary(target), target);
  }

  /** Renames {@code tmp} onto {@code target}, atomically where the file system can. */
  public static void moveIntoPlace(Path tmp, Path target) {
    try {
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DataException("cannot rename " + tmp + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Why a file could not be written, in words a user can act on: a missing folder is named as such,
   * where the exception's message is only the path of the temporary file that could not be created.
   */
  public static String why(Path target, IOException e) {
    Path folder = target.toAbsolutePath().getParent();
    if (e instanceof NoSuchFileException && folder != null && !Files.isDirectory(folder)) {
      return "the folder " + folder + " does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    return e.getMessage();
  }

  /** Deletes a file if present, reporting failure as a {@link DataException}. */
  public static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new DataException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }
}
