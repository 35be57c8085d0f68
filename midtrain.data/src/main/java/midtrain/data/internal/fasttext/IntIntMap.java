package midtrain.data.internal.fasttext;

import java.util.Arrays;

/** An open-addressing map from non-negative ints to non-negative ints; -1 means absent. */
final class IntIntMap {
  private int[] keys;
  private int[] values;
  private int size;
  private int max = -1;

  IntIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 + 1)) << 1;
    keys = new int[cap];
    values = new int[cap];
    Arrays.fill(keys, -1);
  }

  /** Integer mixing so that consecutive buckets spread over the table. */
  private static int mix(int k) {
    int h = k * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  void put(int k, int v) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int m = keys.length - 1;
    int s = mix(k) & m;
    while (keys[s] != -1 && keys[s] != k) {
      s = (s + 1) & m;
    }
    if (keys[s] == -1) {
      size++;
    }
    keys[s] = k;
    values[s] = v;
    max = Math.max(max, v);
  }

  int get(int k) {
    int m = keys.length - 1;
    int s = mix(k) & m;
    while (true) {
      int kk = keys[s];
      if (kk == k) {
        return values[s];
      }
      if (kk == -1) {
        return -1;
      }
      s = (s + 1) & m;
    }
  }

  int maxValue() {
    return max;
  }

  interface Visitor {
    void visit(int k, int v);
  }

  void forEach(Visitor v) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != -1) {
        v.visit(keys[i], values[i]);
      }
    }
  }

  private void grow() {
    int[] ok = keys;
    int[] ov = values;
    keys = new int[ok.length * 2];
    values = new int[ok.length * 2];
    Arrays.fill(keys, -1);
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != -1) {
        put(ok[i], ov[i]);
      }
    }
  }
}
