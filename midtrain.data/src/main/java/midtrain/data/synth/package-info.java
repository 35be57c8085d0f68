/**
 * Synthetic data: documents rewritten or derived by a generator model served behind an
 * OpenAI-compatible HTTP API (vLLM, TGI, llama.cpp server, OpenAI).
 *
 * <p>A {@link midtrain.data.synth.Synthesizer} turns a document into prompts and a completion into
 * output documents; {@link midtrain.data.synth.Synthesizers} finds them by id ({@code rewrite},
 * {@code qa}, {@code extract}, {@code instruct}, {@code evolve}, or a user's {@link
 * midtrain.data.spi.SynthesizerProvider}). A {@link midtrain.data.synth.SynthesisRun} sends the
 * prompts with bounded concurrency and retries, keeps an append-only journal so that a crashed run
 * resumes without asking again for finished inputs, and writes outputs in input order with derived
 * ids ({@code <parent id>#<synthesizer id>-<k>}); every input is output or rejected with a reason.
 */
package midtrain.data.synth;
