package midtrain.data.synth;

/** Which OpenAI-compatible endpoint a run calls. */
public enum Api {
  /**
   * {@code POST <base>/chat/completions}: the prompt is a user message (after the system prompt,
   * when set) and the server applies the model's chat template.
   */
  CHAT,
  /**
   * {@code POST <base>/completions}: the prompt is sent as it is (the system prompt, when set,
   * first), for base models without a chat template.
   */
  COMPLETIONS
}
