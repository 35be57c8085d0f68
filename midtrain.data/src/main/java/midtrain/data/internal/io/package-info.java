/**
 * The built-in file formats (JSONL, plain text, Arrow IPC, WARC/WET) and the byte-level machinery
 * they share: bounded line reading, strict UTF-8 checks, capped decompression; not exported,
 * provided through {@link midtrain.data.spi.FormatProvider}.
 */
package midtrain.data.internal.io;
