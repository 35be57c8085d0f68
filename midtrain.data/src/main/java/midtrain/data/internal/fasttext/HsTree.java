package midtrain.data.internal.fasttext;

/** fastText's Huffman tree over label counts (sorted from the most frequent down). */
final class HsTree {
  private HsTree() {}

  /**
   * Builds the tree: leaves {@code 0..n-1}, inner nodes {@code n..2n-2}, the root last.
   *
   * @param counts the label counts, most frequent first
   * @return {left, right, parent, binary} per node
   */
  static int[][] build(long[] counts) {
    int osz = counts.length;
    int nodes = 2 * osz - 1;
    int[] left = new int[nodes];
    int[] right = new int[nodes];
    int[] parent = new int[nodes];
    int[] binary = new int[nodes];
    long[] count = new long[nodes];
    for (int i = 0; i < nodes; i++) {
      left[i] = -1;
      right[i] = -1;
      parent[i] = -1;
      count[i] = 1_000_000_000_000_000L / 1000; // fastText: 1e15
    }
    for (int i = 0; i < osz; i++) {
      count[i] = counts[i];
    }
    int leaf = osz - 1;
    int node = osz;
    for (int i = osz; i < nodes; i++) {
      int[] mini = new int[2];
      for (int j = 0; j < 2; j++) {
        if (leaf >= 0 && count[leaf] < count[node]) {
          mini[j] = leaf--;
        } else {
          mini[j] = node++;
        }
      }
      left[i] = mini[0];
      right[i] = mini[1];
      count[i] = count[mini[0]] + count[mini[1]];
      parent[mini[0]] = i;
      parent[mini[1]] = i;
      binary[mini[1]] = 1;
    }
    return new int[][] {left, right, parent, binary};
  }
}
