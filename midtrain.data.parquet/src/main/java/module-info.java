/**
 * Parquet documents for midtrain.data: a {@link midtrain.data.spi.FormatProvider} with id {@code
 * parquet} (suffix {@code .parquet}), read and written through Arrow Dataset's native (JNI) Parquet
 * implementation. Optional: put this module on the module path to read and write Parquet;
 * midtrain.data does not depend on it.
 */
module midtrain.data.parquet {
  requires midtrain.data;
  requires org.apache.arrow.dataset;
  requires org.apache.arrow.memory.core;
  requires org.apache.arrow.vector;

  provides midtrain.data.spi.FormatProvider with
      midtrain.data.parquet.internal.ParquetFormat;
}
