package midtrain.data.dedup;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import midtrain.data.DataException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Finds documents that repeat an earlier one, in input order, keeping the first of each group.
 *
 * <p>A deduplicator is stateful and not thread-safe: the pipeline feeds it batches in input order
 * on one thread, which is what makes its output deterministic. It can write the keys it added since
 * the last {@link #writeNewKeys} so that a resumed run rebuilds its state from completed shards.
 *
 * <p>A pipeline never feeds the deduplicator it is given: each run works on an {@link #emptyCopy},
 * so one deduplicator may configure several pipelines, or several stages, and a pipeline may run
 * again, without one run's documents counting as duplicates in another.
 */
public interface Deduplicator {
  /**
   * Returns the method's id, used in statistics and lineage.
   *
   * @return {@code exact} or {@code minhash}
   */
  String id();

  /**
   * Returns the reason given to a duplicate.
   *
   * @return for example {@code exact-duplicate}
   */
  String reason();

  /**
   * Describes the method and its parameters, so that a resumed pipeline can tell whether it
   * changed.
   *
   * @return for example {@code minhash(shingle=5, bands=14, rows=8, seed=1)}
   */
  String describe();

  /**
   * Returns a new deduplicator with this one's method and settings and no keys.
   *
   * <p>A default that refuses, rather than an abstract method, so that a deduplicator written
   * before this method existed still loads and works outside a pipeline, and a pipeline names what
   * to add instead of failing with {@code AbstractMethodError}.
   *
   * @return an empty deduplicator that {@link #describe} describes as this one
   * @throws DataException when the deduplicator cannot be copied (the default)
   */
  default Deduplicator emptyCopy() {
    throw new DataException(
        getClass().getName()
            + " does not implement Deduplicator.emptyCopy(), which a pipeline needs: each run"
            + " deduplicates with an empty copy of the deduplicator it was given");
  }

  /**
   * Marks the live rows of a batch that duplicate an earlier document; live rows that are not
   * duplicates are remembered for later batches.
   *
   * @param batch the documents; still owned by the caller
   * @param alive which rows to consider; duplicates are set to false
   * @return how many rows were marked
   */
  int apply(VectorSchemaRoot batch, boolean[] alive);

  /**
   * Estimates the heap this deduplicator needs to see a number of documents, at the tables' worst
   * point (just while they grow).
   *
   * @param documents documents it will see
   * @return bytes
   */
  long estimateBytes(long documents);

  /**
   * Returns the number of keys held.
   *
   * @return keys in memory
   */
  long keys();

  /**
   * Returns the bytes the key tables take now.
   *
   * @return bytes allocated
   */
  long memoryBytes();

  /**
   * Writes the keys added since the previous call, then forgets that they are new.
   *
   * @param out the stream
   * @throws IOException when writing fails
   */
  void writeNewKeys(DataOutput out) throws IOException;

  /**
   * Adds keys written by {@link #writeNewKeys}, as when resuming after completed shards.
   *
   * @param in the stream
   * @throws IOException when reading fails or the data is not this method's
   */
  void readKeys(DataInput in) throws IOException;
}
