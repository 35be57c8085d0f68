package midtrain.data.internal.synth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.spi.SynthesizerProvider;
import midtrain.data.synth.Parsed;
import midtrain.data.synth.Synthesized;
import midtrain.data.synth.Synthesizer;

/**
 * {@code evolve}: one Evol-Instruct step over an instruction (the text, or the {@code meta} field
 * named by {@code field}): in depth ({@code constraints}, {@code deepen}, {@code concretize},
 * {@code reasoning}) or in breadth ({@code breadth}); {@code method=random} picks one per document
 * from its id, so a rerun picks the same. As Evol-Instruct's elimination step, an evolution equal
 * to the original is rejected as {@code unchanged} and a refusal as {@code refused}. Instructions
 * are not chunked: one longer than {@code max-input-chars} is rejected as {@code too-long}.
 */
public final class EvolveProvider implements SynthesizerProvider {
  static final String TEMPLATE =
      """
      You rewrite an instruction into a new one for training an assistant. {method} The new \
      instruction must be self-contained, reasonable and answerable by a person without seeing \
      the original. Do not answer it. Reply with the new instruction only.

      Instruction:
      {text}""";

  static final Map<String, String> METHODS =
      Map.of(
          "constraints",
          "Make it harder by adding one more constraint or requirement.",
          "deepen",
          "Make it harder by asking for more depth and breadth on the issue it raises.",
          "concretize",
          "Make it harder by replacing general concepts in it with more specific ones.",
          "reasoning",
          "Make it harder by requiring explicit reasoning in several steps to answer it.",
          "breadth",
          "Write a brand-new instruction in the same domain but on a rarer topic, of similar"
              + " length and difficulty.");

  /** Method names in a fixed order, for {@code random}. */
  static final List<String> ORDER =
      List.of("constraints", "deepen", "concretize", "reasoning", "breadth");

  private static final Pattern LABEL =
      Pattern.compile(
          "^\\s*(?:#+\\s*)?(?:\\*\\*)?(?:new|rewritten|evolved)\\s+(?:instruction|prompt)"
              + "\\s*#*\\s*(?:\\*\\*)?\\s*:?\\s*(?:\\*\\*)?\\s*",
          Pattern.CASE_INSENSITIVE);

  private static final List<String> REFUSALS =
      List.of("i'm sorry", "i am sorry", "sorry,", "i cannot", "i can't", "as an ai");

  /** Creates the provider; cheap. */
  public EvolveProvider() {}

  @Override
  public String id() {
    return "evolve";
  }

  @Override
  public String description() {
    return "an Evol-Instruct step over an instruction (method=constraints|deepen|concretize|"
        + "reasoning|breadth|random, field=F)";
  }

  @Override
  public Set<String> parameters() {
    return PromptSynthesizer.parameters("method", "field");
  }

  @Override
  public Synthesizer create(Map<String, String> params) {
    Set<String> allowed = new HashSet<>(METHODS.keySet());
    allowed.add("random");
    String method = PromptSynthesizer.choice(id(), params, "method", "random", allowed);
    String field = params.getOrDefault("field", "text");
    if (field.isBlank()) {
      throw new DataException("synthesizer 'evolve': field is blank");
    }
    Map<String, String> own = new TreeMap<>();
    own.put("method", method);
    own.put("field", field);
    return new PromptSynthesizer(id(), params, TEMPLATE, own) {
      @Override
      String input(Document doc) {
        return instruction(doc, field);
      }

      @Override
      Map<String, String> placeholders(Document doc) {
        return Map.of("method", METHODS.get(methodOf(doc, method)));
      }

      @Override
      public String check(Document doc) {
        return input(doc).strip().length() > maxInputChars() ? "too-long" : "";
      }

      @Override
      public Parsed parse(Document doc, int chunk, String completion) {
        String t = LABEL.matcher(completion.strip()).replaceFirst("").strip();
        if (t.isEmpty()) {
          return Parsed.rejected("empty");
        }
        String low = t.toLowerCase(Locale.ROOT);
        for (String r : REFUSALS) {
          if (low.startsWith(r)) {
            return Parsed.rejected("refused");
          }
        }
        String original = instruction(doc, field).strip();
        if (normal(t).equals(normal(original))) {
          return Parsed.rejected("unchanged");
        }
        Map<String, String> fields = new TreeMap<>();
        fields.put("evol_method", methodOf(doc, method));
        if (!field.equals("text")) {
          fields.put(field, t);
        }
        return Parsed.of(List.of(new Synthesized(t, fields)));
      }
    };
  }

  static String methodOf(Document doc, String method) {
    return method.equals("random")
        ? ORDER.get(Math.floorMod(doc.id().hashCode(), ORDER.size()))
        : method;
  }

  static String instruction(Document doc, String field) {
    if (field.equals("text")) {
      return doc.text();
    }
    if (doc.meta().isEmpty()) {
      return "";
    }
    try {
      JsonNode v = OpenAiClient.JSON.readTree(doc.meta()).get(field);
      return v != null && v.isTextual() ? v.asText() : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String normal(String s) {
    return s.replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
  }
}
