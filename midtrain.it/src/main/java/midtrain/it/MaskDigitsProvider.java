package midtrain.it;

import java.util.Map;
import java.util.Set;
import midtrain.data.DataException;
import midtrain.data.modify.Modification;
import midtrain.data.modify.TextModifier;
import midtrain.data.spi.ModifierProvider;

/**
 * A user's modifier: masks every ASCII digit with a character, and removes a document left with
 * nothing but digits and whitespace.
 */
public final class MaskDigitsProvider implements ModifierProvider {
  /** Creates the provider; ServiceLoader needs a public no-argument constructor. */
  public MaskDigitsProvider() {}

  @Override
  public String id() {
    return "mask-digits";
  }

  @Override
  public String description() {
    return "replaces ASCII digits with a mask character";
  }

  @Override
  public Set<String> parameters() {
    return Set.of("mask");
  }

  @Override
  public TextModifier create(Map<String, String> params) {
    String mask = params.getOrDefault("mask", "#");
    if (mask.length() != 1) {
      throw new DataException("mask-digits: mask must be one character, got '" + mask + "'");
    }
    char m = mask.charAt(0);
    return new TextModifier() {
      @Override
      public String id() {
        return "mask-digits";
      }

      @Override
      public Modification apply(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        long masked = 0;
        boolean other = false;
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          if (c >= '0' && c <= '9') {
            sb.append(m);
            masked++;
          } else {
            sb.append(c);
            other |= !Character.isWhitespace(c);
          }
        }
        if (!other && masked > 0) {
          return Modification.removed("only_digits");
        }
        return masked == 0
            ? Modification.unchanged(text)
            : Modification.kept(sb.toString(), 0, masked);
      }
    };
  }
}
