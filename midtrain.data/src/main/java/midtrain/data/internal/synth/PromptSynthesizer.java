package midtrain.data.internal.synth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.synth.PromptTemplate;
import midtrain.data.synth.Synthesizer;

/**
 * The built-ins' common part: a template (built-in or from the {@code template} parameter), the
 * {@code max-input-chars} budget, and one prompt per chunk of the document text.
 */
abstract class PromptSynthesizer implements Synthesizer {
  /** The parameter naming a template file. */
  static final String TEMPLATE = "template";

  /** The parameter giving the most document characters one prompt carries. */
  static final String MAX_INPUT_CHARS = "max-input-chars";

  /** Roughly 1,500 tokens of English: room for the answer in a 4k-context generator. */
  static final int DEFAULT_MAX_INPUT_CHARS = 6000;

  /** The parameters every built-in takes. */
  static final Set<String> COMMON = Set.of(TEMPLATE, MAX_INPUT_CHARS);

  /** A built-in's parameters: {@link #COMMON} and its own. */
  static Set<String> parameters(String... own) {
    Set<String> s = new HashSet<>(COMMON);
    s.addAll(Arrays.asList(own));
    return s;
  }

  private final String id;
  private final PromptTemplate template;
  private final int maxInputChars;
  private final Map<String, String> settings;

  PromptSynthesizer(
      String id, Map<String, String> params, String builtIn, Map<String, String> own) {
    this.id = id;
    String file = params.get(TEMPLATE);
    this.template = file == null ? PromptTemplate.of(builtIn) : PromptTemplate.load(Path.of(file));
    this.maxInputChars = intParam(id, params, MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_CHARS, 100);
    Map<String, String> s = new TreeMap<>(own);
    s.put(MAX_INPUT_CHARS, Integer.toString(maxInputChars));
    // The path is where the template was, not what it said: the hash stands for it.
    s.put(TEMPLATE, file == null ? "built-in" : "file");
    this.settings = Collections.unmodifiableMap(s);
  }

  static int intParam(String id, Map<String, String> params, String name, int dflt, int min) {
    String v = params.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < min) {
        throw new DataException(
            "synthesizer '" + id + "': " + name + " must be at least " + min + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new DataException(
          "synthesizer '" + id + "': " + name + " must be a whole number, got '" + v + "'");
    }
  }

  static boolean boolParam(String id, Map<String, String> params, String name, boolean dflt) {
    String v = params.get(name);
    if (v == null) {
      return dflt;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new DataException(
        "synthesizer '" + id + "': " + name + " must be true or false, got '" + v + "'");
  }

  static String choice(
      String id, Map<String, String> params, String name, String dflt, Set<String> allowed) {
    String v = params.getOrDefault(name, dflt);
    if (!allowed.contains(v)) {
      throw new DataException(
          "synthesizer '"
              + id
              + "': "
              + name
              + " must be one of "
              + new java.util.TreeSet<>(allowed)
              + ", got '"
              + v
              + "'");
    }
    return v;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Map<String, String> settings() {
    return settings;
  }

  @Override
  public final String templateHash() {
    return template.hash();
  }

  int maxInputChars() {
    return maxInputChars;
  }

  /** The text the prompts are made of; the document text unless the synthesizer reads a field. */
  String input(Document doc) {
    return doc.text();
  }

  /** Placeholders other than {@code {text}} for this document. */
  Map<String, String> placeholders(Document doc) {
    return Map.of();
  }

  @Override
  public List<String> prompts(Document doc) {
    String in = input(doc).strip();
    if (in.isEmpty()) {
      return List.of();
    }
    Map<String, String> values = placeholders(doc);
    List<String> out = new ArrayList<>();
    for (String chunk : Chunker.split(in, maxInputChars)) {
      out.add(template.render(chunk, values));
    }
    return out;
  }
}
