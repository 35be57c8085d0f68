/**
 * Evaluation for mid-training over any {@link midtrain.eval.LanguageModel}: perplexity and the
 * forgetting gate, and benchmark scoring with lm-evaluation-harness semantics (multiple-choice
 * {@code acc} and {@code acc_norm} with their standard errors, exact match, pass@k).
 */
module midtrain.eval {
  exports midtrain.eval;
}
