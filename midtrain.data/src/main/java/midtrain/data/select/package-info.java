/**
 * Choosing documents by their scores: threshold and boolean {@link midtrain.data.select.Selection}
 * expressions, whole-input {@link midtrain.data.select.Quantile}s, and deterministic per-domain
 * {@link midtrain.data.select.Sampler}s.
 */
package midtrain.data.select;
