package midtrain.data.internal.rewrite;

import java.text.Normalizer;
import java.util.Map;
import midtrain.data.rewrite.Rewrite;
import midtrain.data.rewrite.TextRewriter;
import midtrain.data.spi.RewriterProvider;

/**
 * {@code unicode-nfc}: puts the text in Unicode normalization form C, so that one word written with
 * precomposed or combining characters reads, hashes and deduplicates as one.
 */
public final class UnicodeNfcProvider implements RewriterProvider {
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
  public TextRewriter create(Map<String, String> params) {
    return new TextRewriter() {
      @Override
      public String id() {
        return ID;
      }

      @Override
      public Rewrite apply(String text) {
        // The quick check answers most texts without building a copy.
        if (Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
          return Rewrite.unchanged(text);
        }
        return Rewrite.kept(Normalizer.normalize(text, Normalizer.Form.NFC), 0, 0);
      }
    };
  }
}
