/** Deduplicator implementations and their primitive key tables. */
package midtrain.data.internal.dedup;
