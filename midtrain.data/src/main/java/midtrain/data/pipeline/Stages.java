package midtrain.data.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.decon.DeconMode;
import midtrain.data.decon.DeconReport;
import midtrain.data.decon.Decontaminator;
import midtrain.data.decon.DocumentResult;
import midtrain.data.dedup.Deduplicator;
import midtrain.data.internal.decon.ReportParts;
import midtrain.data.internal.io.RowBytes;
import midtrain.data.rate.Rater;
import midtrain.data.rate.Raters;
import midtrain.data.select.Quantile;
import midtrain.data.select.Sampler;
import midtrain.data.select.Selection;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The built-in stages. */
final class Stages {
  private Stages() {}

  /** Removes the live rows a selection rejects, giving the stage name as the reason. */
  static void kill(Work w, int index, Selection selection, String name) {
    boolean[] keep = new boolean[w.rows()];
    selection.test(w.root, keep);
    for (int i = 0; i < keep.length; i++) {
      if (w.alive[i] && !keep[i]) {
        w.kill(i, index, name);
      }
    }
  }

  /** Adds score columns. */
  static final class Rate extends Stage {
    final List<Rater> raters;

    Rate(String name, List<Rater> raters) {
      super(name, "rate");
      this.raters = List.copyOf(raters);
    }

    @Override
    boolean parallel() {
      return true;
    }

    @Override
    String describe() {
      List<String> ids = new ArrayList<>();
      for (Rater r : raters) {
        ids.add(Raters.describe(r));
      }
      return "rate " + ids;
    }

    @Override
    List<String> adds() {
      List<String> out = new ArrayList<>();
      for (Rater r : raters) {
        out.addAll(Raters.columns(r));
      }
      return out;
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      w.root = Raters.apply(w.root, raters, allocator);
    }
  }

  /**
   * Stands for a rule rater whose {@code pass} score the input already carries (rated in an earlier
   * run), so a verdict stage can select on it. It cannot rate, and its verdict names only the
   * rater: the input does not say which thresholds rated it.
   */
  static Rater carried(String id) {
    return new Rater() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public List<String> outputs() {
        return List.of("pass");
      }

      @Override
      public void rate(VectorSchemaRoot batch, float[][] scores) {
        throw new IllegalStateException("rater '" + id + "' is read from the input, not run");
      }

      @Override
      public String describe() {
        return "from input";
      }
    };
  }

  /** Keeps rows a selection accepts. */
  static final class Filter extends Stage {
    final Selection selection;

    Filter(String name, Selection selection) {
      super(name, "filter");
      this.selection = selection;
    }

    @Override
    boolean parallel() {
      return true;
    }

    @Override
    String describe() {
      return "filter " + name + ": " + selection.expression();
    }

    @Override
    List<String> reads() {
      return selection.columns();
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      kill(w, index, selection, name);
    }
  }

  /** Keeps rows a rule rater passed, naming the failed rule for the others. */
  static final class Verdict extends Stage {
    final Rater rater;
    private final List<String> cols;
    private final int pass;

    Verdict(String name, Rater rater) {
      super(name, "filter");
      if (!rater.outputs().contains("pass")) {
        throw new DataException(
            "filter on rater '"
                + rater.id()
                + "' needs a 'pass' output; it has "
                + rater.outputs());
      }
      this.rater = rater;
      this.cols = Raters.columns(rater);
      this.pass = rater.outputs().indexOf("pass");
    }

    @Override
    boolean parallel() {
      return true;
    }

    @Override
    String describe() {
      return "verdict " + Raters.describe(rater);
    }

    @Override
    String label() {
      return "keep_passing '" + rater.id() + "'";
    }

    @Override
    List<String> reads() {
      return cols;
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      FloatingPointVector[] v = new FloatingPointVector[cols.size()];
      for (int k = 0; k < v.length; k++) {
        FieldVector f = w.root.getVector(cols.get(k));
        if (!(f instanceof FloatingPointVector)) {
          throw new DataException(
              "filter on rater '"
                  + rater.id()
                  + "' needs column "
                  + cols.get(k)
                  + ": rate with it before filtering");
        }
        v[k] = (FloatingPointVector) f;
      }
      float[] row = new float[v.length];
      for (int i = 0; i < w.rows(); i++) {
        if (!w.alive[i]) {
          continue;
        }
        if (!v[pass].isNull(i) && v[pass].getValueAsDouble(i) == 1.0) {
          continue;
        }
        for (int k = 0; k < v.length; k++) {
          row[k] = v[k].isNull(i) ? Float.NaN : (float) v[k].getValueAsDouble(i);
        }
        String why = rater.verdict(row);
        w.kill(i, index, why.isEmpty() ? rater.id() : why);
      }
    }
  }

  /** Keeps the top or bottom fraction by a score, once calibrated. */
  static final class QuantileFilter extends Stage {
    final Quantile quantile;
    Selection fixed;
    double threshold = Double.NaN;

    QuantileFilter(String name, Quantile quantile) {
      super(name, "quantile");
      this.quantile = quantile;
    }

    @Override
    Stage forRun() {
      return new QuantileFilter(name, quantile); // each run fixes (or reloads) its threshold
    }

    void fix(double t) {
      threshold = t;
      fixed = quantile.selection(t);
    }

    @Override
    boolean parallel() {
      return true;
    }

    @Override
    String describe() {
      return "quantile " + name + ": " + quantile;
    }

    @Override
    List<String> reads() {
      return List.of(quantile.column());
    }

    /** Collects the live rows' scores for calibration. */
    void collect(Work w) {
      FieldVector f = w.root.getVector(quantile.column());
      if (!(f instanceof FloatingPointVector)) {
        throw new DataException(
            "quantile '"
                + name
                + "' reads column "
                + quantile.column()
                + ", which no earlier stage adds");
      }
      FloatingPointVector v = (FloatingPointVector) f;
      float[] out = new float[w.rows()];
      int n = 0;
      for (int i = 0; i < w.rows(); i++) {
        if (w.alive[i]) {
          out[n++] = v.isNull(i) ? Float.NaN : (float) v.getValueAsDouble(i);
        }
      }
      w.calibration = out;
      w.calibrated = n;
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      if (fixed == null) {
        throw new IllegalStateException("quantile " + name + " not calibrated");
      }
      kill(w, index, fixed, name);
    }
  }

  /** Drops or repeats rows by a per-domain or per-source factor. */
  static final class Sample extends Stage {
    final Sampler sampler;

    Sample(String name, Sampler sampler) {
      super(name, "sample");
      this.sampler = sampler;
    }

    @Override
    boolean parallel() {
      return true;
    }

    @Override
    String describe() {
      return "sample "
          + (sampler.bySource() ? "source " : "domain ")
          + sampler.factors()
          + " default "
          + sampler.defaultFactor()
          + " seed "
          + sampler.seed();
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      VarCharVector key =
          DocumentBatch.utf8(
              w.root, sampler.bySource() ? DocumentBatch.SOURCE : DocumentBatch.DOMAIN);
      VarCharVector ids = DocumentBatch.utf8(w.root, DocumentBatch.ID);
      List<int[]> plan = new ArrayList<>(); // {source row, copy number, copies}
      for (int i = 0; i < w.rows(); i++) {
        if (!w.alive[i]) {
          plan.add(new int[] {i, 0, -1});
          continue;
        }
        String id = DocumentBatch.string(ids, i);
        int c = sampler.copies(DocumentBatch.string(key, i), id);
        if (c == 0) {
          plan.add(new int[] {i, 0, 0});
        }
        for (int k = 0; k < c; k++) {
          plan.add(new int[] {i, k, c});
        }
      }
      // Every row contributes at least one entry, so the sizes match only when no row is copied.
      if (plan.size() == w.rows()) {
        for (int[] p : plan) {
          if (p[2] == 0) {
            w.kill(p[0], index, name);
          }
        }
        return;
      }
      int[] rows = new int[plan.size()];
      String[] newIds = new String[plan.size()];
      boolean[] alive = new boolean[plan.size()];
      int[] diedAt = new int[plan.size()];
      String[] reason = new String[plan.size()];
      for (int r = 0; r < rows.length; r++) {
        int[] p = plan.get(r);
        rows[r] = p[0];
        if (p[1] > 0) {
          newIds[r] = DocumentBatch.string(ids, p[0]) + "#" + p[1];
        }
        if (p[2] == -1) {
          alive[r] = false;
          diedAt[r] = w.diedAt[p[0]];
          reason[r] = w.reason[p[0]];
        } else if (p[2] == 0) {
          alive[r] = false;
          diedAt[r] = index;
          reason[r] = name;
        } else {
          alive[r] = true;
          diedAt[r] = -1;
        }
      }
      VectorSchemaRoot copy = Work.copyRows(w.root, rows, newIds, null, allocator);
      w.root.close();
      w.root = copy;
      w.alive = alive;
      w.diedAt = diedAt;
      w.reason = reason;
    }
  }

  /** Removes duplicates of earlier documents, in input order. */
  static final class Dedup extends Stage {
    final Deduplicator dedup;

    Dedup(String name, Deduplicator dedup) {
      super(name, "dedup");
      this.dedup = dedup;
    }

    @Override
    Stage forRun() {
      Deduplicator copy = dedup.emptyCopy();
      // A user's deduplicator returning itself, or one with keys, would bring back the sharing
      // the copy is for.
      if (copy == null || copy == dedup || copy.keys() != 0) {
        throw new DataException(
            "dedup stage '"
                + name
                + "': "
                + dedup.getClass().getName()
                + ".emptyCopy() must return a new deduplicator with no keys");
      }
      return new Dedup(name, copy);
    }

    @Override
    boolean parallel() {
      return false;
    }

    @Override
    String describe() {
      return "dedup " + name + " " + dedup.describe();
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      boolean[] before = w.alive.clone();
      dedup.apply(w.root, w.alive);
      for (int i = 0; i < before.length; i++) {
        if (before[i] && !w.alive[i]) {
          w.alive[i] = true;
          w.kill(i, index, dedup.reason());
        }
      }
    }
  }

  /** Drops, flags or only reports documents that contain benchmark n-grams. */
  static final class Decon extends Stage {
    final Decontaminator decon;

    /** The run's report: the shards' parts, added in input order as each commits or is skipped. */
    final DeconReport report;

    /** What the shard being processed found, added to the report when it commits. */
    private DeconReport shard;

    Decon(String name, Decontaminator decon) {
      super(name, "decontaminate");
      if (decon.mode() == DeconMode.JANITOR) {
        // Janitor mode cuts a document into pieces, which the pipeline's one-row-per-record
        // accounting (in = out + rejected + removed) cannot express.
        throw new DataException(
            "decontamination stage '"
                + name
                + "': mode janitor is not available in the pipeline (use report, flag, drop or"
                + " hybrid; janitor runs with `midtrain decontaminate`)");
      }
      this.decon = decon;
      // Without rejected records, which the readers reject before any stage (the pipeline counts
      // them): the stage has no count of them to give.
      this.report = ReportParts.get().forStage(decon);
    }

    @Override
    Stage forRun() {
      return new Decon(name, decon); // a new report, as a new process starts with
    }

    /** Starts the part of the report for a shard, dropping what a failed shard recorded. */
    @Override
    void startShard() {
      shard = new DeconReport(decon);
    }

    /**
     * Adds the shard's part to the report and, with an output folder, saves it: a resumed run reads
     * it back to report the shards it skips.
     */
    @Override
    void commitShard(Path state, String part, int index) throws IOException {
      byte[] saved = ReportParts.get().save(shard);
      // Added through the saved form, as a skipped shard's is, so that both give the same report.
      ReportParts.get().merge(report, saved);
      shard = null;
      if (state != null) {
        Pipeline.writeAtomically(partFile(state, part, index), saved);
      }
    }

    @Override
    void reloadShard(Path state, String part, int index) {
      Path file = partFile(state, part, index);
      try {
        ReportParts.get().merge(report, Files.readAllBytes(file));
      } catch (IOException e) {
        // Without it the report would leave out the shard's documents, unnoticed.
        throw new DataException(
            file
                + ": cannot reload what "
                + label()
                + " reported for "
                + part
                + " ("
                + (e instanceof NoSuchFileException ? "missing" : e.getMessage())
                + "); delete "
                + state.resolve(part + ".done.json")
                + " to redo that shard",
            e);
      }
    }

    @Override
    boolean lacksShardState(Path state, String part, int index) {
      return !Files.exists(partFile(state, part, index));
    }

    private static Path partFile(Path state, String part, int index) {
      return state.resolve(part + ".decon-" + index + ".json");
    }

    /** Records a drained batch's results in input order. */
    void record(Work w, int index) {
      Object[] out = w.side[index];
      if (out == null) {
        return;
      }
      // Results were kept with their ids, since a later stage may rebuild the rows.
      for (int i = 0; i < out.length; i += 2) {
        shard.record((String) out[i], false, (DocumentResult) out[i + 1]);
      }
    }

    @Override
    boolean parallel() {
      return true;
    }

    @Override
    String describe() {
      return "decontaminate "
          + name
          + " "
          + decon.mode()
          + " n="
          + decon.index().n()
          + " ngrams="
          + decon.index().distinctNgrams();
    }

    @Override
    List<String> adds() {
      return decon.mode() == DeconMode.FLAG ? Decontaminator.FLAG_COLUMNS : List.of();
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      VarCharVector text = DocumentBatch.utf8(w.root, DocumentBatch.TEXT);
      VarCharVector ids = DocumentBatch.utf8(w.root, DocumentBatch.ID);
      List<Object> out = new ArrayList<>();
      RowBytes row = new RowBytes();
      boolean flag = decon.mode() == DeconMode.FLAG;
      List<Optional<DocumentResult>> flags = new ArrayList<>();
      for (int i = 0; i < w.rows(); i++) {
        if (!w.alive[i]) {
          flags.add(Optional.empty());
          continue;
        }
        row.load(text, i);
        DocumentResult d = decon.scan(row.bytes, 0, row.length);
        out.add(DocumentBatch.string(ids, i));
        out.add(d);
        flags.add(Optional.of(d));
        if (d.dropped() && decon.mode() != DeconMode.REPORT) {
          w.kill(i, index, "contaminated");
        }
      }
      if (flag) {
        VectorSchemaRoot flagged = decon.flag(w.root, allocator, flags);
        w.root.close();
        w.root = flagged;
      }
      w.side[index] = out.toArray();
    }
  }

  /**
   * Modifies the text of live documents with text modifiers, in order; a modifier's removal, or a
   * text it leaves blank, removes the document, naming the modifier.
   */
  static final class ModifyText extends Stage {
    final List<midtrain.data.modify.TextModifier> modifiers;

    ModifyText(String name, List<midtrain.data.modify.TextModifier> modifiers) {
      super(name, "modify");
      this.modifiers = List.copyOf(modifiers);
    }

    @Override
    boolean parallel() {
      return true;
    }

    @Override
    String describe() {
      List<String> d = new ArrayList<>();
      for (midtrain.data.modify.TextModifier r : modifiers) {
        d.add(r.describe());
      }
      return "modify " + d;
    }

    @Override
    void process(Work w, int index, BufferAllocator allocator) {
      VarCharVector text = DocumentBatch.utf8(w.root, DocumentBatch.TEXT);
      VarCharVector ids = DocumentBatch.utf8(w.root, DocumentBatch.ID);
      int k = modifiers.size();
      // Per modifier: documents changed, lines removed, replacements; summed over batches, so the
      // totals do not depend on how batches meet the threads.
      long[] counts = new long[3 * k];
      byte[][] modified = new byte[w.rows()][];
      boolean any = false;
      for (int i = 0; i < w.rows(); i++) {
        if (!w.alive[i] || text.isNull(i)) {
          continue;
        }
        String original = DocumentBatch.string(text, i);
        String current = original;
        for (int j = 0; j < k && w.alive[i]; j++) {
          midtrain.data.modify.TextModifier r = modifiers.get(j);
          midtrain.data.modify.Modification result = r.apply(current);
          if (result == null) {
            throw new DataException(
                label()
                    + ": modifier '"
                    + r.id()
                    + "' returned null for document '"
                    + DocumentBatch.string(ids, i)
                    + "'; it must return Modification.unchanged(text) for a text it keeps as is");
          }
          if (result.isRemoved()) {
            w.kill(i, index, r.id() + ": " + result.reason());
          } else if (!result.text().equals(current)) {
            counts[3 * j]++;
            counts[3 * j + 1] += result.linesRemoved();
            counts[3 * j + 2] += result.replacements();
            current = result.text();
            if (current.isBlank()) {
              w.kill(i, index, r.id() + ": empty");
            }
          }
        }
        if (w.alive[i] && !current.equals(original)) {
          modified[i] = current.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          any = true;
        }
      }
      w.side[index] = new Object[] {counts};
      if (any) {
        replaceText(w, text, modified, allocator);
      }
    }

    /** Swaps the batch's text column for one holding the modified texts. */
    private static void replaceText(
        Work w, VarCharVector text, byte[][] modified, BufferAllocator allocator) {
      int rows = w.rows();
      VarCharVector fresh = (VarCharVector) text.getField().createVector(allocator);
      try {
        fresh.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
          if (modified[i] != null) {
            fresh.setSafe(i, modified[i]);
          } else {
            fresh.copyFromSafe(i, i, text);
          }
        }
        fresh.setValueCount(rows);
      } catch (RuntimeException e) {
        fresh.close();
        throw e;
      }
      List<FieldVector> vectors = new ArrayList<>(w.root.getFieldVectors());
      vectors.set(vectors.indexOf(text), fresh);
      text.close();
      VectorSchemaRoot root = new VectorSchemaRoot(vectors);
      root.setRowCount(rows);
      w.root = root;
    }

    @Override
    java.util.Map<String, Long> counts(Work w, int index) {
      java.util.Map<String, Long> out = new java.util.TreeMap<>();
      long[] counts = (long[]) w.side[index][0];
      for (int j = 0; j < modifiers.size(); j++) {
        String id = modifiers.get(j).id();
        out.put(id + ".documents_changed", counts[3 * j]);
        out.put(id + ".lines_removed", counts[3 * j + 1]);
        out.put(id + ".replacements", counts[3 * j + 2]);
      }
      return out;
    }
  }
}
