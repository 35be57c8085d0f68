package midtrain.it;

import java.util.Map;
import java.util.Set;
import midtrain.data.DataException;
import midtrain.data.rewrite.Rewrite;
import midtrain.data.rewrite.TextRewriter;
import midtrain.data.spi.RewriterProvider;

/**
 * A user's rewriter: masks every ASCII digit with a character, and removes a document left with
 * nothing but digits and whitespace.
 */
public final class MaskDigitsProvider implements RewriterProvider {
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
  public TextRewriter create(Map<String, String> params) {
    String mask = params.getOrDefault("mask", "#");
    if (mask.length() != 1) {
      throw new DataException("mask-digits: mask must be one character, got '" + mask + "'");
    }
    char m = mask.charAt(0);
    return new TextRewriter() {
      @Override
      public String id() {
        return "mask-digits";
      }

      @Override
      public Rewrite apply(String text) {
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
          return Rewrite.removed("only_digits");
        }
        return masked == 0 ? Rewrite.unchanged(text) : Rewrite.kept(sb.toString(), 0, masked);
      }
    };
  }
}
