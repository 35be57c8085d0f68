package midtrain.data.internal.modify;

import java.text.Normalizer;
import java.util.Map;
import midtrain.data.modify.Modification;
import midtrain.data.modify.TextModifier;
import midtrain.data.spi.ModifierProvider;

/**
 * {@code unicode-nfc}: puts the text in Unicode normalization form C, so that one word written with
 * precomposed or combining characters reads, hashes and deduplicates as one.
 */
public final class UnicodeNfcProvider implements ModifierProvider {
  static final String ID = "unicode-nfc";

  /** The cheap no-argument constructor ServiceLoader needs. */
  public UnicodeNfcProvider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Unicode normalization form C";
  }

  @Override
  public TextModifier create(Map<String, String> params) {
    return new TextModifier() {
      @Override
      public String id() {
        return ID;
      }

      @Override
      public Modification apply(String text) {
        // The quick check answers most texts without building a copy.
        if (Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
          return Modification.unchanged(text);
        }
        return Modification.kept(Normalizer.normalize(text, Normalizer.Form.NFC), 0, 0);
      }
    };
  }
}
