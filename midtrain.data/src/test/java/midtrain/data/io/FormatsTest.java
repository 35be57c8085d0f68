package midtrain.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import midtrain.data.DataException;
import midtrain.data.spi.FormatProvider;
import org.junit.jupiter.api.Test;

class FormatsTest {

  /** A provider claiming the given suffixes; never opened. */
  private static FormatProvider claiming(String id, String... suffixes) {
    return new FormatProvider() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public List<String> suffixes() {
        return Arrays.asList(suffixes);
      }

      @Override
      public DocumentReader openReader(Path file, ReaderOptions options) {
        throw new AssertionError("never opened");
      }
    };
  }

  @Test
  void suffixesThatForPathCouldNeverMatchFailDiscoveryNamingTheProvider() {
    for (String bad : new String[] {".JSONL", "jsonl", ".", "", ".Txt.gz"}) {
      DataException e =
          assertThrows(
              DataException.class, () -> Formats.index(List.of(claiming("mine", ".ok", bad))));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("(id 'mine')"), e.getMessage());
      assertTrue(e.getMessage().contains("lower case and start with a dot"), e.getMessage());
    }
    DataException e =
        assertThrows(
            DataException.class,
            () -> Formats.index(List.of(claiming("mine", ".ok", (String) null))));
    assertTrue(e.getMessage().contains("claims the file suffix null"), e.getMessage());
  }

  @Test
  void wellFormedSuffixesAreIndexedAndMatchUpperCaseFileNames() {
    assertEquals(2, Formats.index(List.of(claiming("a", ".a"), claiming("b", ".b.gz"))).size());
    // The built-in formats: the file name's case does not matter, the longest suffix wins.
    assertEquals("jsonl", Formats.forPath(Path.of("DATA.JSONL")).id());
    assertEquals(
        Formats.forPath(Path.of("x.jsonl.zst")).id(), Formats.forPath(Path.of("X.JSONL.ZST")).id());
  }
}
