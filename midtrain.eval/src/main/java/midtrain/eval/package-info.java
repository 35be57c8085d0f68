/**
 * Evaluation API: {@link midtrain.eval.LanguageModel} and {@link midtrain.eval.GenerativeModel}
 * (implemented on the training side, so this module knows nothing of DJL), {@link
 * midtrain.eval.Perplexity}, and benchmark scoring with lm-evaluation-harness semantics: {@link
 * midtrain.eval.MultipleChoiceScorer} ({@code acc}, {@code acc_norm}), {@link
 * midtrain.eval.GenerativeScorer} (exact match after greedy generation, with {@link
 * midtrain.eval.AnswerFilter}s), {@link midtrain.eval.ExactMatch} and {@link midtrain.eval.Metrics}
 * (standard errors, pass@k); long context by {@link midtrain.eval.PasskeyTest}; and tasks by id
 * through {@link midtrain.eval.Tasks}. {@code docs/eval.md} describes which harness rules are
 * followed.
 */
package midtrain.eval;
