/**
 * Document batches on Arrow and the curation stages over them; this release holds the batch schema,
 * document readers and writers (JSONL, plain text, Arrow IPC, WARC/WET; Parquet with
 * midtrain.data.parquet), benchmark decontamination, mixture planning, FIM, token shards with their
 * exports, packing and the loader.
 *
 * <p>Custom mixers and file formats plug in through {@link midtrain.data.spi.MixerProvider} and
 * {@link midtrain.data.spi.FormatProvider}.
 */
module midtrain.data {
  requires transitive org.apache.arrow.memory.core;
  requires transitive org.apache.arrow.vector;
  requires org.apache.arrow.memory.unsafe;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.github.luben.zstd_jni;
  requires jwarc;
  requires org.jsoup;
  requires jdk.incubator.vector;

  exports midtrain.data;
  exports midtrain.data.decon;
  exports midtrain.data.fim;
  exports midtrain.data.io;
  exports midtrain.data.mix;
  exports midtrain.data.pack;
  exports midtrain.data.rate;
  exports midtrain.data.spi;
  exports midtrain.data.token;

  uses midtrain.data.spi.FormatProvider;
  uses midtrain.data.spi.MixerProvider;
  uses midtrain.data.spi.RaterProvider;

  provides midtrain.data.spi.FormatProvider with
      midtrain.data.internal.io.ArrowFormat,
      midtrain.data.internal.io.JsonlFormat,
      midtrain.data.internal.io.TextFormat,
      midtrain.data.internal.io.WarcFormat;
  provides midtrain.data.spi.MixerProvider with
      midtrain.data.internal.mix.RatioMixerProvider,
      midtrain.data.internal.mix.TemperatureMixerProvider;
}
