/** Document I/O benchmarks: a seeded JSONL corpus generator and the single-thread ingest runner. */
package midtrain.bench.io;
