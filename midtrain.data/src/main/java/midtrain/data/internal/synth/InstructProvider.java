package midtrain.data.internal.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.Document;
import midtrain.data.spi.SynthesizerProvider;
import midtrain.data.synth.Parsed;
import midtrain.data.synth.Synthesized;
import midtrain.data.synth.Synthesizer;

/**
 * {@code instruct}: instruction-response pairs grounded in a document, one output per pair: the
 * text is the instruction, a blank line and the response, and {@code meta} holds {@code
 * instruction} and {@code response} apart for chat formatting; no pair is {@code unparseable}.
 */
public final class InstructProvider implements SynthesizerProvider {
  static final String TEMPLATE =
      """
      Using only the text below as your source, write {pairs} instruction-response pairs that a \
      user might ask an assistant about its subject: explanations, summaries, comparisons, \
      calculations or how-to requests. Each response must be complete, correct and grounded in \
      the text, without mentioning "the text". Write every pair exactly as:
      Instruction: <instruction>
      Response: <response>

      Text:
      {text}""";

  static final Pairs PAIRS = new Pairs(List.of("instruction"), List.of("response"));

  /** Creates the provider; cheap. */
  public InstructProvider() {}

  @Override
  public String id() {
    return "instruct";
  }

  @Override
  public String description() {
    return "instruction-response pairs grounded in a document (pairs=N)";
  }

  @Override
  public Set<String> parameters() {
    return PromptSynthesizer.parameters("pairs");
  }

  @Override
  public Synthesizer create(Map<String, String> params) {
    int pairs = PromptSynthesizer.intParam(id(), params, "pairs", 3, 1);
    return new PromptSynthesizer(id(), params, TEMPLATE, Map.of("pairs", "" + pairs)) {
      @Override
      Map<String, String> placeholders(Document doc) {
        return Map.of("pairs", Integer.toString(pairs));
      }

      @Override
      public Parsed parse(Document doc, int chunk, String completion) {
        List<Pairs.Pair> found = PAIRS.parse(completion);
        if (found.isEmpty()) {
          return Parsed.rejected("unparseable");
        }
        List<Synthesized> out = new ArrayList<>();
        for (Pairs.Pair p : found) {
          out.add(
              new Synthesized(
                  p.first() + "\n\n" + p.second(),
                  Map.of("instruction", p.first(), "response", p.second())));
        }
        return Parsed.of(out);
      }
    };
  }
}
