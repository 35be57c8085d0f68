package midtrain.data.synth;

/**
 * What a run does with a completion the server cut at {@code max_tokens} (finish reason length).
 */
public enum LengthPolicy {
  /** Keep it, noting {@code finish_reason: length} in the output's {@code meta}. */
  KEEP,
  /** Reject it with reason {@code length}: a cut rewrite is usually a worse document. */
  REJECT
}
