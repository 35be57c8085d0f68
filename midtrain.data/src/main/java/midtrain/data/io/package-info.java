/**
 * Reading and writing document batches: JSONL, plain text, Arrow IPC, web crawl archives and, with
 * the {@code midtrain.data.parquet} module, Parquet; formats plug in through {@link
 * midtrain.data.spi.FormatProvider}.
 */
package midtrain.data.io;
