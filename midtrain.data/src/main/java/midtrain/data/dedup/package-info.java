/**
 * Exact and near-duplicate (MinHash LSH) document deduplication, in input order, with memory
 * estimated before a run.
 */
package midtrain.data.dedup;
