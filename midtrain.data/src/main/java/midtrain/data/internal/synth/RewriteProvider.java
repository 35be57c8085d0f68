package midtrain.data.internal.synth;

import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.Document;
import midtrain.data.spi.SynthesizerProvider;
import midtrain.data.synth.Parsed;
import midtrain.data.synth.Synthesized;
import midtrain.data.synth.Synthesizer;

/**
 * {@code rewrite}: rephrases a document in one of the WRAP styles ({@code wikipedia}, {@code qa},
 * {@code easy}); the output is the rewritten text.
 */
public final class RewriteProvider implements SynthesizerProvider {
  static final Map<String, String> TEMPLATES =
      Map.of(
          "wikipedia",
          """
          Rewrite the following text as a high-quality passage in the style of a Wikipedia \
          article: clear, neutral, well-structured English. Keep every fact and add none. Reply \
          with the rewritten passage only.

          Text:
          {text}""",
          "qa",
          """
          Rewrite the following text as a conversation of questions and answers. Put each \
          question on a line starting with "Question:" and its answer on the next line, starting \
          with "Answer:". Cover all the information in the text and add none. Reply with the \
          questions and answers only.

          Text:
          {text}""",
          "easy",
          """
          Rewrite the following text in very simple language that a young child could \
          understand: short sentences and everyday words. Keep the facts and add none. Reply \
          with the rewritten text only.

          Text:
          {text}""");

  /** Creates the provider; cheap. */
  public RewriteProvider() {}

  @Override
  public String id() {
    return "rewrite";
  }

  @Override
  public String description() {
    return "rephrase a document (style=wikipedia|qa|easy, as WRAP)";
  }

  @Override
  public Set<String> parameters() {
    return PromptSynthesizer.parameters("style");
  }

  @Override
  public Synthesizer create(Map<String, String> params) {
    String style = PromptSynthesizer.choice(id(), params, "style", "wikipedia", TEMPLATES.keySet());
    return new PromptSynthesizer(id(), params, TEMPLATES.get(style), Map.of("style", style)) {
      @Override
      public Parsed parse(Document doc, int chunk, String completion) {
        String t = completion.strip();
        return t.isEmpty() ? Parsed.rejected("empty") : Parsed.of(List.of(Synthesized.of(t)));
      }
    };
  }
}
