package midtrain.data.internal.fasttext;

import java.util.Arrays;

/**
 * The k best (log-probability, label) pairs, kept in a binary heap exactly as libstdc++'s {@code
 * push_heap}, {@code pop_heap} and {@code sort_heap} keep fastText's, so labels with equal scores
 * come out in the binary's order.
 *
 * <p>fastText's comparator is {@code l.first > r.first}: the heap's front is the lowest score and
 * the sorted result runs from the highest score down.
 */
public final class KBest {
  float[] score = new float[16];
  int[] id = new int[16];
  int size;

  /** Returns the number of entries. */
  public int size() {
    return size;
  }

  /** Returns the log-probability of entry {@code i}. */
  public float score(int i) {
    return score[i];
  }

  /** Returns the label index of entry {@code i}. */
  public int id(int i) {
    return id[i];
  }

  /** Removes every entry. */
  public void clear() {
    size = 0;
  }

  /** Returns the front (lowest) score; only valid when not empty. */
  float front() {
    return score[0];
  }

  /**
   * {@code heap.push_back(p); push_heap(...)}; then, if over {@code k}, {@code pop_heap; pop_back}.
   */
  void offer(float s, int i, int k) {
    if (size == score.length) {
      score = Arrays.copyOf(score, size * 2);
      id = Arrays.copyOf(id, size * 2);
    }
    score[size] = s;
    id[size] = i;
    size++;
    siftUp(size - 1, 0, s, i);
    if (size > k) {
      popHeap(size);
      size--;
    }
  }

  // libstdc++ __push_heap: comp(parent, value) is score[parent] > value.
  private void siftUp(int hole, int top, float vs, int vi) {
    int parent = (hole - 1) / 2;
    while (hole > top && score[parent] > vs) {
      score[hole] = score[parent];
      id[hole] = id[parent];
      hole = parent;
      parent = (hole - 1) / 2;
    }
    score[hole] = vs;
    id[hole] = vi;
  }

  // libstdc++ __adjust_heap.
  private void adjust(int hole, int len, float vs, int vi) {
    int top = hole;
    int second = hole;
    while (second < (len - 1) / 2) {
      second = 2 * (second + 1);
      if (score[second] > score[second - 1]) {
        second--;
      }
      score[hole] = score[second];
      id[hole] = id[second];
      hole = second;
    }
    if ((len & 1) == 0 && second == (len - 2) / 2) {
      second = 2 * (second + 1);
      score[hole] = score[second - 1];
      id[hole] = id[second - 1];
      hole = second - 1;
    }
    siftUp(hole, top, vs, vi);
  }

  // libstdc++ pop_heap over [0, len): moves the front to len - 1.
  private void popHeap(int len) {
    if (len > 1) {
      int last = len - 1;
      float vs = score[last];
      int vi = id[last];
      score[last] = score[0];
      id[last] = id[0];
      adjust(0, last, vs, vi);
    }
  }

  /** libstdc++ sort_heap: leaves the entries from the highest score down. */
  void sortHeap() {
    for (int len = size; len > 1; len--) {
      popHeap(len);
    }
  }
}
