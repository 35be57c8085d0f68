package midtrain.data.rate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.spi.Discovered;
import midtrain.data.internal.spi.Registry;
import midtrain.data.spi.RaterProvider;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Finds rater providers by id, creates raters and adds their score columns to batches. */
public final class Raters {
  /** The parameter that renames a rater instance, so two of one kind can score one batch. */
  public static final String AS = "as";

  private Raters() {}

  /** Discovered once, on first use; a failed discovery is kept and reported on every call. */
  private static final class Holder {
    static final Discovered<RaterProvider> PROVIDERS =
        Discovered.run(
            "rater",
            () -> index(ServiceLoader.load(RaterProvider.class, Raters.class.getClassLoader())));
  }

  /**
   * Returns every provider found by {@link ServiceLoader}, by id.
   *
   * @return the providers, sorted by id
   * @throws DataException when two providers share an id or one cannot be loaded
   */
  public static Map<String, RaterProvider> providers() {
    return Holder.PROVIDERS.get();
  }

  /**
   * Indexes providers by id; two classes with one id fail, naming both.
   *
   * @param found the providers
   * @return the index
   */
  public static Map<String, RaterProvider> index(Iterable<RaterProvider> found) {
    return Registry.index(found, RaterProvider::id, "rater");
  }

  /**
   * Creates the rater with id {@code id}, refusing parameters it does not know by name.
   *
   * @param id the provider id
   * @param params the parameters; {@value #AS} renames the instance
   * @return the rater
   */
  public static Rater create(String id, Map<String, String> params) {
    Objects.requireNonNull(id, "id");
    RaterProvider p = Registry.require(providers(), id, "rater");
    Map<String, String> rest = new java.util.LinkedHashMap<>(params);
    String as = rest.remove(AS);
    for (String k : rest.keySet()) {
      if (!p.parameters().contains(k)) {
        throw new DataException(
            "rater '" + id + "': unknown parameter " + k + " (known: " + p.parameters() + ")");
      }
    }
    Rater r = p.create(Map.copyOf(rest));
    String description = id + describeParams(rest);
    if (as != null && !as.equals(r.id())) {
      DocumentBatch.scoreColumn(as, "x");
      r = new Renamed(as, r, description);
    }
    // Kept beside the rater (not in a wrapper) so the provider's own class stays visible.
    DESCRIPTIONS.put(r, description);
    return r;
  }

  /**
   * Returns the score column names a rater adds, in output order.
   *
   * @param rater the rater
   * @return {@code score.<id>.<output>} for each output
   */
  public static List<String> columns(Rater rater) {
    List<String> out = new ArrayList<>();
    for (String o : rater.outputs()) {
      out.add(DocumentBatch.scoreColumn(rater.id(), o));
    }
    return out;
  }

  /**
   * Rates a batch and returns a batch with the score columns added (replacing columns of the same
   * name).
   *
   * @param batch the documents; consumed: its vectors move into the returned root, so the caller
   *     closes only the result
   * @param raters the raters, run in order
   * @param allocator allocates the score vectors
   * @return a root holding the batch's columns plus the scores; the caller owns it
   */
  public static VectorSchemaRoot apply(
      VectorSchemaRoot batch, List<Rater> raters, BufferAllocator allocator) {
    int rows = batch.getRowCount();
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    try {
      for (Rater r : raters) {
        List<String> names = columns(r);
        float[][] scores = new float[names.size()][rows];
        // A row the rater leaves unwritten is "not applicable" (NaN), which fails every threshold,
        // not a score of 0 that a filter such as "x.y < 0.5" would keep.
        for (float[] out : scores) {
          Arrays.fill(out, Float.NaN);
        }
        r.rate(batch, scores);
        for (int k = 0; k < names.size(); k++) {
          Float4Vector v = new Float4Vector(DocumentBatch.scoreField(names.get(k)), allocator);
          v.allocateNew(rows);
          for (int i = 0; i < rows; i++) {
            v.set(i, scores[k][i]);
          }
          v.setValueCount(rows);
          int at = indexOf(vectors, names.get(k));
          if (at >= 0) {
            vectors.set(at, v).close();
          } else {
            int lineage = indexOf(vectors, DocumentBatch.LINEAGE);
            vectors.add(lineage >= 0 ? lineage : vectors.size(), v);
          }
        }
      }
    } catch (RuntimeException e) {
      for (FieldVector v : vectors) {
        v.close();
      }
      throw e;
    }
    VectorSchemaRoot out = new VectorSchemaRoot(vectors);
    out.setRowCount(rows);
    return out;
  }

  private static int indexOf(List<FieldVector> vectors, String name) {
    for (int i = 0; i < vectors.size(); i++) {
      if (vectors.get(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Reads a numeric parameter of a rater, for providers.
   *
   * @param rater the rater id, for messages
   * @param params the parameters
   * @param key the key
   * @param defaultValue the value when absent
   * @return the value
   */
  public static double doubleParam(
      String rater, Map<String, String> params, String key, double defaultValue) {
    String v = params.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new DataException(
          "rater '" + rater + "': parameter " + key + " must be a number, got '" + v + "'");
    }
  }

  private static final Map<Rater, String> DESCRIPTIONS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * Describes a rater's configuration for resume checks: for raters made by {@link #create}, the
   * provider id and parameters (with the size and time of any file a parameter names); otherwise
   * {@link Rater#describe()}.
   *
   * @param rater the rater
   * @return the description
   */
  public static String describe(Rater rater) {
    String d = DESCRIPTIONS.get(rater);
    return rater.id() + "=" + (d == null ? rater.describe() : d) + rater.outputs();
  }

  /** Parameters sorted by key; a value naming an existing file adds its size and time. */
  private static String describeParams(Map<String, String> params) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) {
      sb.append(sb.length() == 1 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
      try {
        java.nio.file.Path f = java.nio.file.Path.of(e.getValue());
        if (java.nio.file.Files.isRegularFile(f)) {
          sb.append(" (")
              .append(java.nio.file.Files.size(f))
              .append(" bytes, ")
              .append(java.nio.file.Files.getLastModifiedTime(f))
              .append(')');
        }
      } catch (java.io.IOException | java.nio.file.InvalidPathException ignored) {
        // Not a readable file: the value alone describes it.
      }
    }
    return sb.append('}').toString();
  }

  /** A created rater: its id (possibly renamed) and a description with its parameters. */
  private static final class Renamed implements Rater {
    private final String id;
    private final Rater inner;
    private final String description;

    Renamed(String id, Rater inner, String description) {
      this.id = id;
      this.inner = inner;
      this.description = description;
    }

    @Override
    public String describe() {
      return description;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public List<String> outputs() {
      return inner.outputs();
    }

    @Override
    public void rate(VectorSchemaRoot batch, float[][] scores) {
      inner.rate(batch, scores);
    }

    @Override
    public String verdict(float[] row) {
      return inner.verdict(row);
    }
  }
}
