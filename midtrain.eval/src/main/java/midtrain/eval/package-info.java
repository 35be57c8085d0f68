/**
 * Evaluation API: {@link midtrain.eval.LanguageModel} (implemented on the training side, so this
 * module knows nothing of DJL), {@link midtrain.eval.Perplexity}, and benchmark scoring with
 * lm-evaluation-harness semantics: {@link midtrain.eval.MultipleChoiceScorer} ({@code acc}, {@code
 * acc_norm}), {@link midtrain.eval.ExactMatch} and {@link midtrain.eval.Metrics} (standard errors,
 * pass@k). {@code docs/eval.md} describes which harness rules are followed.
 */
package midtrain.eval;
