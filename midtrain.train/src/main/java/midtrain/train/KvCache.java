package midtrain.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import midtrain.rope.PositionEncoding;
import midtrain.rope.RopeTable;

/**
 * The keys and values of one sequence's earlier positions, per layer, for incremental decoding with
 * {@link LlamaModel#prefill} and {@link LlamaModel#step} (a batch of one).
 *
 * <p>Keys are kept after rotary encoding and before the grouped-query repeat, {@code [1, kvHeads,
 * length, headDim]}, at absolute positions {@code 0 .. length - 1}. Every array lives in the
 * cache's own manager, which {@link #close()} frees; each step replaces the layers' arrays, closing
 * the previous ones, so the manager holds a fixed number of arrays however long the decoding runs.
 * Not thread-safe.
 */
final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final PositionEncoding rope;
  private final int capacity;
  private final int rotaryDim;
  private final NDArray cos;
  private final NDArray sin;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  KvCache(NDManager manager, PositionEncoding rope, int layers, RopeTable table) {
    this.manager = manager;
    this.rope = rope;
    this.capacity = table.positions();
    this.rotaryDim = table.rotaryDim();
    try {
      this.cos =
          LlamaModel.owned(manager.create(table.cosBuffer(), new Shape(capacity, rotaryDim)));
      this.sin =
          LlamaModel.owned(manager.create(table.sinBuffer(), new Shape(capacity, rotaryDim)));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Tokens cached so far: the position the next step writes. */
  int length() {
    return length;
  }

  /** The most tokens this cache holds. */
  int capacity() {
    return capacity;
  }

  /** The cache's manager (its arrays, for tests counting them). */
  NDManager manager() {
    return manager;
  }

  int rotaryDim() {
    return rotaryDim;
  }

  /** Cos rows of positions {@code 0 .. capacity - 1}, {@code [capacity, rotaryDim]}. */
  NDArray cos() {
    return cos;
  }

  /** Sin rows of positions {@code 0 .. capacity - 1}, {@code [capacity, rotaryDim]}. */
  NDArray sin() {
    return sin;
  }

  NDArray keys(int layer) {
    return keys[layer];
  }

  NDArray values(int layer) {
    return values[layer];
  }

  /** Refuses a closed cache, or one whose rotary tables are not the model's current ones. */
  void checkUsable(PositionEncoding current) {
    if (!manager.isOpen()) {
      throw new TrainException("the KV cache is closed");
    }
    if (current != rope) {
      // extendContext changed the encoding: the cached keys carry the old rotations.
      throw new TrainException(
          "the KV cache was built for another rotary encoding; start a new one after"
              + " extendContext");
    }
  }

  /**
   * Lends every cached array to a step's manager, so that what is computed from them belongs to the
   * step and closes with it.
   */
  void visit(NDManager step) {
    LlamaModel.visit(cos, step);
    LlamaModel.visit(sin, step);
    for (int i = 0; i < keys.length; i++) {
      LlamaModel.visit(keys[i], step);
      LlamaModel.visit(values[i], step);
    }
  }

  /** Takes a prefill's keys and values (computed in its step manager) into the cache. */
  void keep(NDArray[] newKeys, NDArray[] newValues, int newLength) {
    for (int i = 0; i < keys.length; i++) {
      newKeys[i].attach(manager);
      newValues[i].attach(manager);
      keys[i] = newKeys[i];
      values[i] = newValues[i];
    }
    length = newLength;
  }

  /**
   * Swaps in a step's grown keys and values, closing the ones they extend (which the step borrowed,
   * see {@link #visit}); the step's manager then has nothing of the cache left to return.
   */
  void replace(NDArray[] newKeys, NDArray[] newValues, int newLength) {
    for (int i = 0; i < keys.length; i++) {
      keys[i].close();
      values[i].close();
    }
    keep(newKeys, newValues, newLength);
  }

  /** Frees every cached array. */
  @Override
  public void close() {
    manager.close();
  }
}
