/**
 * The Parquet format provider; not exported, provided through {@link
 * midtrain.data.spi.FormatProvider}.
 */
package midtrain.data.parquet.internal;
