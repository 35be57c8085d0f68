package midtrain.it;

import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.DataException;
import midtrain.data.rate.Rater;
import midtrain.data.rate.TextRater;
import midtrain.data.spi.RaterProvider;

/** A user's rater: the share of characters that are digits, with a pass threshold. */
public final class DigitShareProvider implements RaterProvider {
  /** Creates the provider; ServiceLoader needs a public no-argument constructor. */
  public DigitShareProvider() {}

  @Override
  public String id() {
    return "digit-share";
  }

  @Override
  public String description() {
    return "share of digit characters; pass when at most max_share";
  }

  @Override
  public Set<String> parameters() {
    return Set.of("max_share");
  }

  @Override
  public Rater create(Map<String, String> params) {
    double max = Double.parseDouble(params.getOrDefault("max_share", "0.2"));
    if (!(max >= 0 && max <= 1)) {
      throw new DataException("digit-share: max_share must be in [0, 1], got " + max);
    }
    return new TextRater() {
      @Override
      public String id() {
        return "digit-share";
      }

      @Override
      public List<String> outputs() {
        return List.of("share", "pass");
      }

      @Override
      protected void score(String text, float[] out) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
          digits += Character.isDigit(text.charAt(i)) ? 1 : 0;
        }
        float share = text.isEmpty() ? 0 : (float) digits / text.length();
        out[0] = share;
        out[1] = share <= max ? 1 : 0;
      }

      @Override
      public String verdict(float[] row) {
        return row[1] == 1 ? "" : "too_many_digits";
      }
    };
  }
}
