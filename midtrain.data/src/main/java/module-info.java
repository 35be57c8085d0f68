/**
 * Document batches on Arrow and the curation stages over them; this release holds the batch schema,
 * document readers and writers (JSONL, plain text, Arrow IPC, WARC/WET; Parquet with
 * midtrain.data.parquet), benchmark decontamination, mixture planning, FIM, token shards with their
 * exports, packing and the loader; synthetic data from a generator model behind an
 * OpenAI-compatible server.
 *
 * <p>Custom mixers, file formats, synthesizers and tokenizers plug in through {@link
 * midtrain.data.spi.MixerProvider}, {@link midtrain.data.spi.FormatProvider}, {@link
 * midtrain.data.spi.SynthesizerProvider} and {@link midtrain.data.spi.TokenizerProvider} (the
 * Hugging Face tokenizer is in midtrain.tokenizers, Parquet in midtrain.data.parquet).
 *
 * <p>Text modifiers (PII masking, C4 line cleaning, symbol lines) plug in through {@link
 * midtrain.data.spi.ModifierProvider}.
 */
module midtrain.data {
  requires transitive org.apache.arrow.memory.core;
  requires transitive org.apache.arrow.vector;
  requires org.apache.arrow.memory.unsafe;
  requires transitive midtrain.sched;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.github.luben.zstd_jni;
  requires jwarc;
  requires org.jsoup;
  requires jdk.incubator.vector;
  requires java.net.http;

  exports midtrain.data;
  exports midtrain.data.decon;
  exports midtrain.data.dedup;
  exports midtrain.data.fasttext;
  exports midtrain.data.fim;
  exports midtrain.data.io;
  exports midtrain.data.mix;
  exports midtrain.data.pack;
  exports midtrain.data.pipeline;
  exports midtrain.data.rate;
  exports midtrain.data.modify;
  exports midtrain.data.select;
  exports midtrain.data.spi;
  exports midtrain.data.synth;
  exports midtrain.data.token;

  // Jackson writes and reads the run statistics (records) reflectively.
  opens midtrain.data.pipeline to
      com.fasterxml.jackson.databind;

  uses midtrain.data.spi.FormatProvider;
  uses midtrain.data.spi.MixerProvider;
  uses midtrain.data.spi.RaterProvider;
  uses midtrain.data.spi.ModifierProvider;
  uses midtrain.data.spi.SynthesizerProvider;
  uses midtrain.data.spi.TokenizerProvider;

  provides midtrain.data.spi.FormatProvider with
      midtrain.data.internal.io.ArrowFormat,
      midtrain.data.internal.io.JsonlFormat,
      midtrain.data.internal.io.TextFormat,
      midtrain.data.internal.io.WarcFormat;
  provides midtrain.data.spi.MixerProvider with
      midtrain.data.internal.mix.RatioMixerProvider,
      midtrain.data.internal.mix.TemperatureMixerProvider;
  provides midtrain.data.spi.RaterProvider with
      midtrain.data.internal.fasttext.FastTextRaterProvider,
      midtrain.data.internal.rate.GopherQualityProvider,
      midtrain.data.internal.rate.GopherRepetitionProvider,
      midtrain.data.internal.rate.C4Provider,
      midtrain.data.internal.rate.FineWebProvider;
  provides midtrain.data.spi.ModifierProvider with
      midtrain.data.internal.modify.PiiProvider,
      midtrain.data.internal.modify.C4LinesProvider,
      midtrain.data.internal.modify.SymbolLinesProvider,
      midtrain.data.internal.modify.UnicodeNfcProvider;
  provides midtrain.data.spi.SynthesizerProvider with
      midtrain.data.internal.synth.RewriteProvider,
      midtrain.data.internal.synth.QaProvider,
      midtrain.data.internal.synth.ExtractProvider,
      midtrain.data.internal.synth.InstructProvider,
      midtrain.data.internal.synth.EvolveProvider;
}
