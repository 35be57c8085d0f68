package midtrain.data.internal;

import java.util.List;
import java.util.Objects;

/** Argument checks the public builders share, so that their messages name a null the same way. */
public final class Args {
  private Args() {}

  /**
   * Returns {@code list} when neither it nor any element is null; otherwise throws a {@link
   * NullPointerException} naming the setting and the element ({@code "inputs: file 2 of 3 is
   * null"}), before the caller has taken any of them.
   *
   * @param <T> the element type
   * @param list the argument
   * @param setting the builder method's name, such as {@code inputs}
   * @param noun what one element is, such as {@code file}; its plural with an added "s" names the
   *     list
   * @return {@code list}
   */
  public static <T> List<T> noNulls(List<T> list, String setting, String noun) {
    Objects.requireNonNull(list, setting + ": " + noun + "s is null");
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw new NullPointerException(
            setting + ": " + noun + " " + (i + 1) + " of " + list.size() + " is null");
      }
    }
    return list;
  }
}
