package midtrain.data.pack;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What packing did: row counts and the document length distribution.
 *
 * @param documents documents packed
 * @param rows rows produced
 * @param singleDocumentRows rows that hold one document (or one piece of one) and nothing else
 * @param paddedTokens pad tokens added to fill the last row
 * @param droppedTokens tokens after the last full row, dropped when no pad id is set
 * @param lengthHistogram framed document lengths: key {@code 2^k} counts lengths in {@code
 *     (2^(k-1), 2^k]}, key 0 counts empty documents
 */
public record PackStats(
    long documents,
    long rows,
    long singleDocumentRows,
    long paddedTokens,
    long droppedTokens,
    SortedMap<Integer, Long> lengthHistogram) {
  /**
   * Copies the histogram.
   *
   * @param documents documents packed
   * @param rows rows produced
   * @param singleDocumentRows rows that hold one document (or one piece of one) and nothing else
   * @param paddedTokens pad tokens added to fill the last row
   * @param droppedTokens tokens after the last full row, dropped when no pad id is set
   * @param lengthHistogram framed document lengths by {@link #bucket(int)}, copied
   */
  public PackStats {
    lengthHistogram = Collections.unmodifiableSortedMap(new TreeMap<>(lengthHistogram));
  }

  /**
   * The histogram bucket of a length: the smallest power of two at least {@code length}.
   *
   * @param length a framed document length in tokens, at least 0
   * @return 0 for 0, 1 for 1, otherwise the smallest power of two at least {@code length}
   */
  public static int bucket(int length) {
    return length <= 1 ? length : Integer.highestOneBit(length - 1) << 1;
  }
}
