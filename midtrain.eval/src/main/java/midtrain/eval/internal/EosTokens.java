package midtrain.eval.internal;

import java.util.Arrays;
import midtrain.eval.EvalException;

/** A set of end-of-sequence token ids, as a sorted array without repeats. */
public final class EosTokens {
  private EosTokens() {}

  /**
   * Returns the ids sorted, without repeats.
   *
   * @param ids the ids, none negative
   * @return a new array
   * @throws EvalException if {@code ids} is null or holds a negative id
   */
  public static int[] of(int... ids) {
    if (ids == null) {
      throw new EvalException("EOS token ids are null");
    }
    for (int id : ids) {
      if (id < 0) {
        throw new EvalException("EOS token id " + id + " is negative");
      }
    }
    return Arrays.stream(ids).sorted().distinct().toArray();
  }

  /**
   * Returns whether a token is one of the ids.
   *
   * @param eos ids as {@link #of} returns them
   * @param token the token
   * @return whether it ends a generation
   */
  public static boolean contains(int[] eos, int token) {
    return Arrays.binarySearch(eos, token) >= 0;
  }
}
