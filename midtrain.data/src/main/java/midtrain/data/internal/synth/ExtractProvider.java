package midtrain.data.internal.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import midtrain.data.Document;
import midtrain.data.spi.SynthesizerProvider;
import midtrain.data.synth.Parsed;
import midtrain.data.synth.Synthesized;
import midtrain.data.synth.Synthesizer;

/**
 * {@code extract}: the knowledge in a document, as Nemotron-CC's prompts: {@code knowledge} (a
 * textbook-like passage), {@code distill} (a shorter version keeping the information) or {@code
 * knowledge-list} (a bullet list, normalised to {@code - } items; none is {@code unparseable}).
 */
public final class ExtractProvider implements SynthesizerProvider {
  static final Map<String, String> TEMPLATES =
      Map.of(
          "knowledge",
          """
          Rewrite the text below as a clear, concise passage of the knowledge it holds, as a \
          textbook would put it. Keep facts, figures, definitions and explanations; drop \
          advertising, navigation, boilerplate and anything uninformative. Reply with the \
          passage only.

          Text:
          {text}""",
          "distill",
          """
          Condense the text below into a shorter, well-written version that keeps all of its \
          important information and none of its filler. Reply with the condensed text only.

          Text:
          {text}""",
          "knowledge-list",
          """
          List the facts, definitions and relationships the text below states, one \
          self-contained item per line, each line starting with "- ". Reply with the list only.

          Text:
          {text}""");

  private static final Pattern ITEM = Pattern.compile("^\\s*(?:[-*•]|\\d+[.)])\\s+(.*\\S)\\s*$");

  /** Creates the provider; cheap. */
  public ExtractProvider() {}

  @Override
  public String id() {
    return "extract";
  }

  @Override
  public String description() {
    return "extract or distill a document's knowledge (style=knowledge|distill|knowledge-list)";
  }

  @Override
  public Set<String> parameters() {
    return PromptSynthesizer.parameters("style");
  }

  @Override
  public Synthesizer create(Map<String, String> params) {
    String style = PromptSynthesizer.choice(id(), params, "style", "knowledge", TEMPLATES.keySet());
    boolean list = style.equals("knowledge-list");
    return new PromptSynthesizer(id(), params, TEMPLATES.get(style), Map.of("style", style)) {
      @Override
      public Parsed parse(Document doc, int chunk, String completion) {
        String t = completion.strip();
        if (t.isEmpty()) {
          return Parsed.rejected("empty");
        }
        if (!list) {
          return Parsed.of(List.of(Synthesized.of(t)));
        }
        List<String> items = new ArrayList<>();
        for (String line : t.split("\\R")) {
          var m = ITEM.matcher(line);
          if (m.matches()) {
            items.add("- " + m.group(1));
          }
        }
        if (items.isEmpty()) {
          return Parsed.rejected("unparseable");
        }
        return Parsed.of(
            List.of(new Synthesized(String.join("\n", items), Map.of("items", "" + items.size()))));
      }
    };
  }
}
