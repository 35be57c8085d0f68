/**
 * The curation pipeline: read, rate, filter, sample, deduplicate and decontaminate documents on all
 * cores in bounded memory, deterministically and resumably, with every record accounted for.
 */
package midtrain.data.pipeline;
