package midtrain.data.pack;

import java.util.OptionalInt;

/**
 * Tokens put around every document before packing.
 *
 * @param bos prepended to each document unless it already starts with it
 * @param eos appended to each document unless it already ends with it
 */
public record Framing(OptionalInt bos, OptionalInt eos) {
  /**
   * Rejects nulls.
   *
   * @param bos the token id prepended to each document unless it already starts with it, or empty
   *     for none
   * @param eos the token id appended to each document unless it already ends with it, or empty for
   *     none
   */
  public Framing {
    java.util.Objects.requireNonNull(bos, "bos");
    java.util.Objects.requireNonNull(eos, "eos");
  }

  /**
   * Documents packed as they are.
   *
   * @return a framing with neither BOS nor EOS
   */
  public static Framing none() {
    return new Framing(OptionalInt.empty(), OptionalInt.empty());
  }

  /**
   * Only an end-of-sequence token after each document (GPT style).
   *
   * @param eos the EOS token id
   * @return a framing with that EOS and no BOS
   */
  public static Framing eos(int eos) {
    return new Framing(OptionalInt.empty(), OptionalInt.of(eos));
  }

  /**
   * Begin- and end-of-sequence tokens around each document (Llama style).
   *
   * @param bos the BOS token id
   * @param eos the EOS token id
   * @return a framing with both
   */
  public static Framing of(int bos, int eos) {
    return new Framing(OptionalInt.of(bos), OptionalInt.of(eos));
  }

  /**
   * The document with the framing tokens it lacks added.
   *
   * @param doc the document's token ids, possibly none
   * @return {@code doc} itself when it needs no token added, otherwise a new array one or two ids
   *     longer; an empty document gets both the BOS and the EOS that are configured
   */
  public int[] frame(int[] doc) {
    boolean addBos = bos.isPresent() && (doc.length == 0 || doc[0] != bos.getAsInt());
    boolean addEos = eos.isPresent() && (doc.length == 0 || doc[doc.length - 1] != eos.getAsInt());
    if (!addBos && !addEos) {
      return doc;
    }
    int[] out = new int[doc.length + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
    int at = 0;
    if (addBos) {
      out[at++] = bos.getAsInt();
    }
    System.arraycopy(doc, 0, out, at, doc.length);
    if (addEos) {
      out[out.length - 1] = eos.getAsInt();
    }
    return out;
  }
}
