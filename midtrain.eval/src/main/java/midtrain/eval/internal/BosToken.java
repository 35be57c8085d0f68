package midtrain.eval.internal;

import java.util.OptionalInt;

/** Puts the optional beginning-of-sequence token before an encoding, as the scorers all do. */
public final class BosToken {
  private BosToken() {}

  /**
   * Returns the ids with the BOS token in front, or the ids themselves when there is none.
   *
   * @param bos the BOS token, if the model takes one
   * @param ids the encoded text
   * @return a new array one longer, or {@code ids}
   */
  public static int[] prepend(OptionalInt bos, int[] ids) {
    if (bos.isEmpty()) {
      return ids;
    }
    int[] all = new int[ids.length + 1];
    all[0] = bos.getAsInt();
    System.arraycopy(ids, 0, all, 1, ids.length);
    return all;
  }
}
