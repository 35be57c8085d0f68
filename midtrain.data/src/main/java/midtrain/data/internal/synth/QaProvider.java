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
 * {@code qa}: diverse question-answer pairs about a document (as Nemotron-CC's diverse QA). The
 * pairs of one completion make one output ({@code Question: ...\nAnswer: ...} blocks) unless {@code
 * split=true}, which makes one output per pair; a completion with no pair is {@code unparseable}.
 */
public final class QaProvider implements SynthesizerProvider {
  static final String TEMPLATE =
      """
      Read the text below and write {pairs} diverse questions about it, each with its answer. \
      Mix the kinds of question: yes/no, open-ended, multiple choice (with the options in the \
      question), and questions that need reasoning over several facts. Every answer must follow \
      from the text alone. Write every pair exactly as:
      Question: <question>
      Answer: <answer>

      Text:
      {text}""";

  static final Pairs PAIRS = new Pairs(List.of("question", "q"), List.of("answer", "a"));

  /** Creates the provider; cheap. */
  public QaProvider() {}

  @Override
  public String id() {
    return "qa";
  }

  @Override
  public String description() {
    return "question-answer pairs from a document (pairs=N, split=true|false)";
  }

  @Override
  public Set<String> parameters() {
    return PromptSynthesizer.parameters("pairs", "split");
  }

  @Override
  public Synthesizer create(Map<String, String> params) {
    int pairs = PromptSynthesizer.intParam(id(), params, "pairs", 5, 1);
    boolean split = PromptSynthesizer.boolParam(id(), params, "split", false);
    Map<String, String> own = Map.of("pairs", Integer.toString(pairs), "split", "" + split);
    return new PromptSynthesizer(id(), params, TEMPLATE, own) {
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
        if (split) {
          for (Pairs.Pair p : found) {
            out.add(new Synthesized(block(p), Map.of("question", p.first(), "answer", p.second())));
          }
        } else {
          StringBuilder sb = new StringBuilder();
          for (Pairs.Pair p : found) {
            sb.append(sb.length() == 0 ? "" : "\n\n").append(block(p));
          }
          out.add(new Synthesized(sb.toString(), Map.of("qa_pairs", "" + found.size())));
        }
        return Parsed.of(out);
      }
    };
  }

  private static String block(Pairs.Pair p) {
    return "Question: " + p.first() + "\nAnswer: " + p.second();
  }
}
