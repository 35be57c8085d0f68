/**
 * The synthesis engine and built-in synthesizers; not exported: the OpenAI-compatible client, the
 * journal, the run, and the providers behind {@link midtrain.data.spi.SynthesizerProvider}.
 */
package midtrain.data.internal.synth;
