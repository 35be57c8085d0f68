package midtrain.data.internal.fasttext;

import java.util.Arrays;

/** A growable int array, reused across lines to keep prediction allocation-free. */
public final class IntList {
  int[] a = new int[64];
  int size;

  /** Returns the number of values. */
  public int size() {
    return size;
  }

  /** Returns value {@code i}. */
  public int get(int i) {
    return a[i];
  }

  /** Removes every value. */
  public void clear() {
    size = 0;
  }

  /** Appends a value. */
  public void add(int v) {
    if (size == a.length) {
      a = Arrays.copyOf(a, size * 2);
    }
    a[size++] = v;
  }

  /** Appends values. */
  public void addAll(int[] v) {
    if (size + v.length > a.length) {
      a = Arrays.copyOf(a, Math.max(a.length * 2, size + v.length));
    }
    System.arraycopy(v, 0, a, size, v.length);
    size += v.length;
  }

  /** Returns a copy of the values. */
  public int[] toArray() {
    return Arrays.copyOf(a, size);
  }
}
