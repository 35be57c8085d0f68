/**
 * Decontamination internals: the packed n-gram index, the benchmark file reader, and the report in
 * parts that the pipeline saves per shard.
 */
package midtrain.data.internal.decon;
