package midtrain.data.internal.fasttext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.DataException;
import midtrain.data.fasttext.FastTextModel;
import midtrain.data.fasttext.Prediction;
import midtrain.data.rate.Rater;
import midtrain.data.rate.TextRater;
import midtrain.data.spi.RaterProvider;

/**
 * The {@code fasttext} rater: scores each document with the probability a fastText classifier gives
 * each label (DCLM's quality classifier, {@code lid.176} language identification, or a model
 * trained with {@code midtrain fasttext supervised}).
 *
 * <p>Parameters: {@code model} (path to a {@code .bin} or {@code .ftz}, required), {@code labels}
 * (comma list, with or without the {@code __label__} prefix; default every label of the model),
 * {@code k} (labels predicted per document, default -1 for all; a label outside the top k scores
 * 0). Newlines in a document count as spaces. A document in which the model knows no word or n-gram
 * gets NaN for every output.
 */
public final class FastTextRaterProvider implements RaterProvider {
  /** Creates the provider; the model is loaded in {@link #create}. */
  public FastTextRaterProvider() {}

  @Override
  public String id() {
    return "fasttext";
  }

  @Override
  public String description() {
    return "fastText classifier probabilities per label (params: model, labels, k)";
  }

  @Override
  public Set<String> parameters() {
    return Set.of("model", "labels", "k");
  }

  @Override
  public Rater create(Map<String, String> params) {
    String path = params.get("model");
    if (path == null || path.isBlank()) {
      throw new DataException(
          "rater 'fasttext': parameter model (path to a .bin or .ftz) is required");
    }
    FastTextModel model = FastTextModel.load(Path.of(path.trim()));
    int k;
    try {
      k = Integer.parseInt(params.getOrDefault("k", "-1").trim());
    } catch (NumberFormatException e) {
      throw new DataException(
          "rater 'fasttext': parameter k must be an integer, got " + params.get("k"));
    }
    if (k == 0 || k < -1) {
      throw new DataException("rater 'fasttext': k must be 1 or higher, or -1 for all, got " + k);
    }
    String prefix = model.args().label();
    List<String> chosen = new ArrayList<>();
    String ls = params.get("labels");
    if (ls == null || ls.isBlank()) {
      chosen.addAll(model.labels());
    } else {
      for (String l : ls.split(",")) {
        String x = l.trim();
        if (x.isEmpty()) {
          continue;
        }
        if (!model.labels().contains(x) && model.labels().contains(prefix + x)) {
          x = prefix + x;
        }
        if (!model.labels().contains(x)) {
          List<String> known = model.labels().subList(0, Math.min(20, model.labels().size()));
          throw new DataException(
              "rater 'fasttext': model "
                  + path
                  + " has no label '"
                  + l.trim()
                  + "' (labels: "
                  + String.join(", ", known)
                  + (model.labels().size() > 20 ? ", ..." : "")
                  + ")");
        }
        chosen.add(x);
      }
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    for (String label : chosen) {
      String name = outputName(label, prefix);
      String prev = outputs.put(name, label);
      if (prev != null && !prev.equals(label)) {
        throw new DataException(
            "rater 'fasttext': labels '"
                + prev
                + "' and '"
                + label
                + "' both become output '"
                + name
                + "'; choose one with the labels parameter");
      }
    }
    return new FastTextRater(
        model, new ArrayList<>(outputs.values()), List.copyOf(outputs.keySet()), k);
  }

  /**
   * The label without its prefix, characters outside {@code [A-Za-z0-9_-]} replaced by {@code _}.
   */
  static String outputName(String label, String prefix) {
    String s = label.startsWith(prefix) ? label.substring(prefix.length()) : label;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      sb.append(ok ? c : '_');
    }
    return sb.length() == 0 ? "_" : sb.toString();
  }

  private static final class FastTextRater extends TextRater {
    private final FastTextModel model;
    private final List<String> outputs;
    private final Map<String, Integer> index = new HashMap<>();
    private final int k;

    FastTextRater(FastTextModel model, List<String> labels, List<String> outputs, int k) {
      this.model = model;
      this.outputs = outputs;
      this.k = k;
      for (int i = 0; i < labels.size(); i++) {
        index.put(labels.get(i), i);
      }
    }

    @Override
    public String id() {
      return "fasttext";
    }

    @Override
    public List<String> outputs() {
      return outputs;
    }

    @Override
    protected void score(String text, float[] out) {
      List<Prediction> ps = model.predict(text, k, 0.0);
      if (ps.isEmpty()) {
        return; // left at NaN: the model knows nothing in this document
      }
      java.util.Arrays.fill(out, 0f);
      for (Prediction p : ps) {
        Integer i = index.get(p.label());
        if (i != null) {
          out[i] = p.probability();
        }
      }
    }
  }
}
