package midtrain.data.modify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.DataException;
import midtrain.data.spi.ModifierProvider;
import org.junit.jupiter.api.Test;

class ModifiersTest {
  /** A provider of one kind. */
  public static class Upper implements ModifierProvider {
    /** Creates the provider. */
    public Upper() {}

    @Override
    public String id() {
      return "upper";
    }

    @Override
    public TextModifier create(Map<String, String> params) {
      throw new AssertionError("never created");
    }
  }

  /** Another class claiming the same id. */
  public static final class OtherUpper extends Upper {
    /** Creates the provider. */
    public OtherUpper() {}
  }

  @Test
  void theBuiltInsAreFoundByTheirIds() {
    assertEquals(
        Set.of("c4-lines", "pii", "symbol-lines", "unicode-nfc"), Modifiers.providers().keySet());
    for (Map.Entry<String, ModifierProvider> e : Modifiers.providers().entrySet()) {
      assertEquals(e.getKey(), Modifiers.create(e.getKey(), Map.of()).id());
    }
  }

  @Test
  void twoClassesWithOneIdFailNamingBoth() {
    DataException e =
        assertThrows(
            DataException.class, () -> Modifiers.index(List.of(new Upper(), new OtherUpper())));
    assertTrue(e.getMessage().contains("two modifier providers claim id 'upper'"), e.getMessage());
    assertTrue(e.getMessage().contains(Upper.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(OtherUpper.class.getName()), e.getMessage());
    // The same class found twice (two class-path entries listing it) is one provider.
    assertEquals(Set.of("upper"), Modifiers.index(List.of(new Upper(), new Upper())).keySet());
  }

  @Test
  void mistakesAreNamed() {
    DataException unknown =
        assertThrows(DataException.class, () -> Modifiers.create("pi", Map.of()));
    assertTrue(
        unknown.getMessage().contains("unknown modifier 'pi' (known: c4-lines, pii,"),
        unknown.getMessage());
    DataException param =
        assertThrows(
            DataException.class, () -> Modifiers.create("pii", Map.of("remove_email", "no")));
    assertTrue(param.getMessage().contains("unknown parameter remove_email"), param.getMessage());
    assertTrue(param.getMessage().contains("remove_emails"), param.getMessage());
    DataException bool =
        assertThrows(
            DataException.class, () -> Modifiers.create("pii", Map.of("remove_ips", "maybe")));
    assertTrue(
        bool.getMessage().contains("parameter remove_ips must be true or false, got 'maybe'"),
        bool.getMessage());
    DataException number =
        assertThrows(
            DataException.class,
            () -> Modifiers.create("c4-lines", Map.of("min_words_per_line", "2.5")));
    assertTrue(number.getMessage().contains("min_words_per_line must be an integer"));
    DataException low =
        assertThrows(
            DataException.class,
            () -> Modifiers.create("c4-lines", Map.of("max_word_length", "-2")));
    assertTrue(low.getMessage().contains("must be at least -1"), low.getMessage());
    DataException empty =
        assertThrows(
            DataException.class, () -> Modifiers.create("pii", Map.of("ip_replacement", "a,,b")));
    assertTrue(empty.getMessage().contains("ip_replacement"), empty.getMessage());
  }

  @Test
  void theDescriptionHoldsTheParametersSorted() {
    assertEquals(
        "pii{ip_replacement=IP, remove_emails=false}",
        Modifiers.create("pii", Map.of("remove_emails", "false", "ip_replacement", "IP"))
            .describe());
    assertEquals("symbol-lines{}", Modifiers.create("symbol-lines", Map.of()).describe());
  }

  @Test
  void aModificationIsKeptOrRemovedNeverBoth() {
    Modification kept = Modification.kept("x", 1, 2);
    assertEquals("x", kept.text());
    assertThrows(IllegalStateException.class, kept::reason);
    Modification removed = Modification.removed("why");
    assertEquals("why", removed.reason());
    assertThrows(IllegalStateException.class, removed::text);
    assertThrows(NullPointerException.class, () -> Modification.kept(null, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Modification.kept("x", -1, 0));
    assertThrows(IllegalArgumentException.class, () -> Modification.removed(" "));
    assertEquals(Modification.unchanged("x"), Modification.kept("x", 0, 0));
  }

  @Test
  void unicodeNfcComposes() {
    TextModifier nfc = Modifiers.create("unicode-nfc", Map.of());
    // U+0065 U+0301 composes to U+00E9; the Angstrom sign's canonical form is U+00C5.
    assertEquals("caf\u00e9 \u00c5", nfc.apply("cafe\u0301 \u212b").text());
    String composed = "caf\u00e9 \uD83D\uDE00 \r\n";
    assertEquals(Modification.unchanged(composed), nfc.apply(composed));
    assertEquals(Modification.unchanged(""), nfc.apply(""));
    // A compatibility character is not NFC's business: the ligature stays.
    assertEquals(Modification.unchanged("\ufb01"), nfc.apply("\ufb01"));
  }
}
