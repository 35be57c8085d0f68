package midtrain.data.pipeline;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import midtrain.data.DataException;
import midtrain.data.decon.Benchmark;
import midtrain.data.decon.BenchmarkIndex;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.Decontaminator;
import midtrain.data.decon.Normalization;
import midtrain.data.dedup.Dedup;
import midtrain.data.io.ReaderOptions;
import midtrain.data.modify.Modifiers;
import midtrain.data.modify.TextModifier;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import midtrain.data.select.Quantile;
import midtrain.data.select.Sampler;
import midtrain.data.select.Selection;

/**
 * Builds a {@link Pipeline} from a parsed YAML or JSON configuration, so a pipeline can be kept in
 * a file and run with {@code midtrain curate --config pipeline.yaml}.
 *
 * <pre>{@code
 * input: [raw/*.jsonl.zst]            # files or globs, relative to the config file
 * reader: {text_field: text, id_field: metadata.id, source: fineweb}
 * output: {dir: curated, suffix: .jsonl.zst, keep_removed: true}   # or {file: out.jsonl}
 * threads: 2                           # default: all cores
 * batch_size: 1024
 * expected_documents: 50000000        # optional: size the dedup memory check without sampling
 * check_ids: true                     # count repeated input ids (default; memory: see Builder)
 * stages:
 *   - modify: [pii, {id: c4-lines, min_words_per_line: 3}, symbol-lines]
 *   - rate: [gopher-quality, gopher-repetition, c4, fineweb]
 *   - rate: [{id: fasttext, model: quality.bin, as: dclm}]
 *   - keep_passing: [gopher-quality, gopher-repetition]
 *   - filter: {name: quality, expr: "dclm.hq > 0.2 or domain == math"}
 *   - quantile: {name: top-half, column: dclm.hq, keep: 0.5}
 *   - dedup: {name: exact, method: exact}
 *   - dedup: {name: near, method: minhash, shingle: 5, bands: 14, rows: 8, seed: 1}
 *   - decontaminate: {name: decon, benchmarks: [mmlu.jsonl], n: 13, mode: drop}
 *   - sample: {name: balance, by: domain, factors: {math: 2.0, web: 0.5}, seed: 7}
 * }</pre>
 *
 * <p>Unknown keys are refused by name, so a misspelled option never silently does nothing.
 */
public final class PipelineConfig {
  private PipelineConfig() {}

  /**
   * Parses a configuration into a builder, ready for {@link Pipeline.Builder#build()} or further
   * changes.
   *
   * @param config the parsed document
   * @param baseDir the directory relative paths are resolved against (the config file's)
   * @return the builder
   * @throws DataException naming the key at fault
   */
  public static Pipeline.Builder parse(Map<String, ?> config, Path baseDir) {
    Node root = new Node("pipeline config", config);
    Pipeline.Builder b = Pipeline.builder();
    b.inputs(inputs(root.strings("input"), baseDir));
    root.opt("reader").ifPresent(r -> b.readerOptions(reader(r)));
    Node out = root.require("output");
    if (out.has("dir") == out.has("file")) {
      throw new DataException("pipeline config: output needs exactly one of 'dir' and 'file'");
    }
    if (out.has("dir")) {
      b.outputDir(baseDir.resolve(out.string("dir")), out.string("suffix", ".jsonl.zst"));
      b.keepRemoved(out.bool("keep_removed", false));
    } else {
      b.outputFile(baseDir.resolve(out.string("file")));
    }
    out.done();
    if (root.has("threads")) {
      b.threads((int) root.number("threads"));
    }
    if (root.has("batch_size")) {
      b.batchSize((int) root.number("batch_size"));
    }
    if (root.has("check_ids")) {
      b.checkIds(root.bool("check_ids", true));
    }
    if (root.has("expected_documents")) {
      b.expectedDocuments((long) root.number("expected_documents"));
    }
    Map<String, Rater> raters = new LinkedHashMap<>();
    for (Node st : root.list("stages")) {
      try {
        stage(b, st, raters, baseDir);
      } catch (DataException e) {
        if (e.getMessage().startsWith(st.where)) {
          throw e;
        }
        throw new DataException(st.where + ": " + e.getMessage(), e);
      }
    }
    root.done();
    return b;
  }

  private static void stage(Pipeline.Builder b, Node st, Map<String, Rater> raters, Path baseDir) {
    if (st.keys().size() != 1) {
      throw new DataException(
          st.where
              + " must have exactly one key (rate, keep_passing, filter, quantile, sample, dedup,"
              + " decontaminate, modify), got "
              + st.keys());
    }
    String kind = st.keys().iterator().next();
    switch (kind) {
      case "rate":
        {
          List<Rater> list = new ArrayList<>();
          for (Object spec : st.rawList("rate")) {
            Rater r = rater(spec, st.where + ".rate", baseDir);
            if (raters.put(r.id(), r) != null) {
              throw new DataException(
                  st.where + ": rater '" + r.id() + "' is used twice; rename one with 'as'");
            }
            list.add(r);
          }
          b.rate(list.toArray(new Rater[0]));
          break;
        }
      case "modify":
        {
          List<TextModifier> list = new ArrayList<>();
          for (Object spec : st.rawList("modify")) {
            list.add(modifier(spec, st.where + ".modify", baseDir));
          }
          b.modify(list.toArray(new TextModifier[0]));
          break;
        }
      case "keep_passing":
        for (String id : st.strings("keep_passing")) {
          Rater r = raters.get(id);
          if (r != null) {
            b.filterPassing(r);
          } else {
            // Scores an earlier run wrote; build() checks that the input carries them.
            b.filterPassingFromInput(id);
          }
        }
        break;
      case "filter":
        {
          Node f = st.require("filter");
          String expr = f.string("expr");
          b.filter(f.string("name", expr), Selection.parse(expr));
          f.done();
          break;
        }
      case "quantile":
        {
          Node q = st.require("quantile");
          String column = q.string("column");
          b.quantile(
              q.string("name", "quantile:" + column),
              new Quantile(column, q.number("keep"), q.bool("highest", true)));
          q.done();
          break;
        }
      case "sample":
        {
          Node s = st.require("sample");
          Map<String, Double> factors = new TreeMap<>();
          s.opt("factors")
              .ifPresent(
                  f -> {
                    for (String k : f.keys()) {
                      factors.put(k, f.number(k));
                    }
                    f.done();
                  });
          String by = s.string("by", "domain");
          double dflt = s.number("default", 1.0);
          long seed = (long) s.number("seed", 0);
          Sampler sampler;
          if (by.equals("domain")) {
            sampler = Sampler.byDomain(factors, dflt, seed);
          } else if (by.equals("source")) {
            sampler = Sampler.bySource(factors, dflt, seed);
          } else {
            throw new DataException(s.where + ".by must be domain or source, got '" + by + "'");
          }
          b.sample(s.string("name", "sample:" + by), sampler);
          s.done();
          break;
        }
      case "dedup":
        {
          Node d = st.require("dedup");
          String method = d.string("method", "exact");
          String name = d.string("name", "dedup:" + method);
          if (method.equals("exact")) {
            b.dedup(name, Dedup.exact());
          } else if (method.equals("minhash")) {
            b.dedup(
                name,
                Dedup.minHash(
                    (int) d.number("shingle", 5),
                    (int) d.number("bands", 14),
                    (int) d.number("rows", 8),
                    (long) d.number("seed", 0)));
          } else {
            throw new DataException(
                d.where + ".method must be exact or minhash, got '" + method + "'");
          }
          d.done();
          break;
        }
      case "decontaminate":
        {
          Node d = st.require("decontaminate");
          BenchmarkIndex.Builder ib =
              BenchmarkIndex.builder()
                  .n((int) d.number("n", 13))
                  .normalization(
                      Normalization.parse(
                          d.string("normalize", "janitor").toLowerCase(Locale.ROOT)));
          List<String> fields = d.has("fields") ? d.strings("fields") : List.of();
          for (String f : d.strings("benchmarks")) {
            ib.add(Benchmark.load(baseDir.resolve(f), fields));
          }
          Decontaminator.Builder db =
              Decontaminator.builder(ib.build())
                  .mode(DeconMode.parse(d.string("mode", "drop").toLowerCase(Locale.ROOT)));
          if (d.has("threshold")) {
            db.dropThreshold(d.number("threshold"));
          }
          if (d.has("lcs_threshold")) {
            db.lcsThreshold(d.number("lcs_threshold"));
          }
          b.decontaminate(d.string("name", "decontaminate"), db.build());
          d.done();
          break;
        }
      default:
        throw new DataException(
            st.where
                + ": unknown stage '"
                + kind
                + "' (known: rate, keep_passing, filter, quantile, sample, dedup, decontaminate,"
                + " modify)");
    }
  }

  private static Rater rater(Object spec, String where, Path baseDir) {
    // "model" is a rater's file too (a fastText model), beside the *_path and *_file keys.
    return fromSpec(spec, "rater", where, baseDir, true, Raters::create);
  }

  /** A modifier: an id, or {@code {id: ..., params...}} with lists joined by commas. */
  private static TextModifier modifier(Object spec, String where, Path baseDir) {
    return fromSpec(spec, "modifier", where, baseDir, false, Modifiers::create);
  }

  /**
   * Reads a rater's or modifier's spec, an id or {@code {id: ..., params...}}, and creates it: the
   * two share one reading so that their parameters are checked, joined and resolved alike. {@code
   * noun} names the kind in messages; {@code modelIsFile} says whether a {@code model} key is a
   * file resolved against {@code baseDir}, as the *_path and *_file keys always are.
   */
  private static <T> T fromSpec(
      Object spec,
      String noun,
      String where,
      Path baseDir,
      boolean modelIsFile,
      BiFunction<String, Map<String, String>, T> create) {
    if (spec instanceof String) {
      return create.apply((String) spec, Map.of());
    }
    if (!(spec instanceof Map)) {
      throw new DataException(where + ": each " + noun + " is an id or {id: ..., params...}");
    }
    Map<String, String> params = new TreeMap<>();
    String id = null;
    for (Map.Entry<?, ?> e : ((Map<?, ?>) spec).entrySet()) {
      String k = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (k.equals("id")) {
        id = String.valueOf(v);
      } else if (v == null || v instanceof Map) {
        // String.valueOf would read a key left empty as the text "null" (a fastText label
        // "null", a model file named null, "null" spliced into documents by symbol-lines'
        // replace_char) and a map as "{a=b}".
        throw new DataException(
            where
                + ": "
                + noun
                + " parameter "
                + k
                + " needs a number, true/false, text or a list");
      } else if (v instanceof List) {
        List<String> parts = new ArrayList<>();
        for (Object o : (List<?>) v) {
          if (o == null || o instanceof Map || o instanceof List) {
            throw new DataException(
                where
                    + ": "
                    + noun
                    + " parameter "
                    + k
                    + " lists a value that is not a number or text");
          }
          parts.add(String.valueOf(o));
        }
        params.put(k, String.join(",", parts));
      } else if ((modelIsFile && k.equals("model")) || k.endsWith("_path") || k.endsWith("_file")) {
        params.put(k, baseDir.resolve(String.valueOf(v)).toString());
      } else {
        params.put(k, String.valueOf(v));
      }
    }
    if (id == null) {
      throw new DataException(where + ": " + noun + " needs an 'id'");
    }
    return create.apply(id, params);
  }

  private static ReaderOptions reader(Node r) {
    ReaderOptions.Builder o = ReaderOptions.builder();
    if (r.has("id_field")) {
      o.idField(r.string("id_field"));
    }
    if (r.has("text_field")) {
      o.textField(r.string("text_field"));
    }
    if (r.has("source_field")) {
      o.sourceField(r.string("source_field"));
    }
    if (r.has("domain_field")) {
      o.domainField(r.string("domain_field"));
    }
    if (r.has("lang_field")) {
      o.langField(r.string("lang_field"));
    }
    if (r.has("source")) {
      o.defaultSource(r.string("source"));
    }
    if (r.has("domain")) {
      o.defaultDomain(r.string("domain"));
    }
    if (r.has("max_document_bytes")) {
      o.maxDocumentBytes((int) r.number("max_document_bytes"));
    }
    if (r.has("max_decompressed_bytes")) {
      o.maxDecompressedBytes((long) r.number("max_decompressed_bytes"));
    }
    if (r.has("keep_meta")) {
      o.keepMeta(r.bool("keep_meta", true));
    }
    r.done();
    return o.build();
  }

  /**
   * Expands files and globs ({@code *}, {@code **}, {@code ?}, {@code [..]}, {@code {a,b}}) against
   * a base directory, sorted within each pattern so runs are reproducible.
   *
   * @param patterns the patterns, in order
   * @param baseDir resolves relative patterns
   * @return the files; a pattern matching nothing fails, naming it
   */
  public static List<Path> inputs(List<String> patterns, Path baseDir) {
    List<Path> out = new ArrayList<>();
    for (String pat : patterns) {
      if (!pat.contains("*") && !pat.contains("?") && !pat.contains("[") && !pat.contains("{")) {
        out.add(baseDir.resolve(pat));
        continue;
      }
      Path abs = baseDir.resolve(pat).toAbsolutePath().normalize();
      // The fixed directory prefix before the first wildcard is where the walk starts.
      Path dir = abs.getRoot() == null ? Path.of("") : abs.getRoot();
      for (Path part : abs.getRoot() == null ? abs : abs.getRoot().relativize(abs)) {
        String s = part.toString();
        if (s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{")) {
          break;
        }
        dir = dir.resolve(s);
      }
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + abs.toString());
      Set<Path> found = new TreeSet<>();
      if (Files.isDirectory(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.filter(p -> Files.isRegularFile(p) && m.matches(p)).forEach(found::add);
        } catch (IOException e) {
          throw new DataException(dir + ": cannot list input files (" + e.getMessage() + ")", e);
        }
      }
      if (found.isEmpty()) {
        throw new DataException("input pattern '" + pat + "' matches no file under " + dir);
      }
      out.addAll(found);
    }
    return out;
  }

  /** A config object whose keys are remembered as read, to refuse unknown ones. */
  private static final class Node {
    final String where;
    final Map<String, Object> values = new LinkedHashMap<>();
    final Set<String> used = new TreeSet<>();

    Node(String where, Map<?, ?> map) {
      this.where = where;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() != null) {
          values.put(String.valueOf(e.getKey()), e.getValue());
        }
      }
    }

    Set<String> keys() {
      return values.keySet();
    }

    boolean has(String k) {
      return values.containsKey(k);
    }

    Object raw(String k) {
      used.add(k);
      Object v = values.get(k);
      if (v == null) {
        throw new DataException(where + ": '" + k + "' is required");
      }
      return v;
    }

    Node require(String k) {
      Object v = raw(k);
      if (!(v instanceof Map)) {
        throw new DataException(where + "." + k + " must be an object");
      }
      return new Node(where + "." + k, (Map<?, ?>) v);
    }

    java.util.Optional<Node> opt(String k) {
      return has(k) ? java.util.Optional.of(require(k)) : java.util.Optional.empty();
    }

    String string(String k) {
      Object v = raw(k);
      if (v instanceof Map || v instanceof List) {
        throw new DataException(where + "." + k + " must be a string");
      }
      return String.valueOf(v);
    }

    String string(String k, String dflt) {
      return has(k) ? string(k) : dflt;
    }

    double number(String k) {
      Object v = raw(k);
      try {
        return v instanceof Number ? ((Number) v).doubleValue() : Double.parseDouble(v.toString());
      } catch (NumberFormatException e) {
        throw new DataException(where + "." + k + " must be a number, got '" + v + "'");
      }
    }

    double number(String k, double dflt) {
      return has(k) ? number(k) : dflt;
    }

    boolean bool(String k, boolean dflt) {
      if (!has(k)) {
        return dflt;
      }
      Object v = raw(k);
      if (v instanceof Boolean) {
        return (Boolean) v;
      }
      throw new DataException(where + "." + k + " must be true or false, got '" + v + "'");
    }

    List<Object> rawList(String k) {
      Object v = raw(k);
      if (v instanceof List) {
        return new ArrayList<>((List<?>) v);
      }
      return List.of(v);
    }

    List<String> strings(String k) {
      List<String> out = new ArrayList<>();
      for (Object o : rawList(k)) {
        if (o instanceof Map || o instanceof List) {
          throw new DataException(where + "." + k + " must be a string or a list of strings");
        }
        out.add(String.valueOf(o));
      }
      return out;
    }

    List<Node> list(String k) {
      List<Node> out = new ArrayList<>();
      List<Object> l = rawList(k);
      for (int i = 0; i < l.size(); i++) {
        if (!(l.get(i) instanceof Map)) {
          throw new DataException(where + "." + k + "[" + i + "] must be an object");
        }
        out.add(new Node(where + "." + k + "[" + i + "]", (Map<?, ?>) l.get(i)));
      }
      return out;
    }

    void done() {
      List<String> unknown = new ArrayList<>();
      for (String k : values.keySet()) {
        if (!used.contains(k)) {
          unknown.add(k);
        }
      }
      if (!unknown.isEmpty()) {
        throw new DataException(where + ": unknown key(s) " + unknown);
      }
    }
  }
}
