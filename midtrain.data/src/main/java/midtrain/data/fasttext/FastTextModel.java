package midtrain.data.fasttext;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.internal.fasttext.CFormat;
import midtrain.data.internal.fasttext.Dictionary;
import midtrain.data.internal.fasttext.FtModel;
import midtrain.data.internal.fasttext.IntList;
import midtrain.data.internal.fasttext.KBest;
import midtrain.data.internal.fasttext.LineScanner;

/**
 * A fastText classifier loaded from a {@code .bin} or quantized {@code .ftz} file (or trained by
 * {@link FastTextTrainer}); predicts exactly what fastText 0.9.2 predicts.
 *
 * <p>Immutable and safe to share between threads: each thread predicts with its own buffers.
 */
public final class FastTextModel {
  private final FtModel model;
  private final List<String> labels;
  private final ThreadLocal<FtModel.State> state;

  FastTextModel(FtModel model) {
    this.model = model;
    List<String> ls = new ArrayList<>();
    Dictionary d = model.dictionary();
    for (int i = 0; i < d.nlabels(); i++) {
      ls.add(new String(d.label(i), StandardCharsets.UTF_8));
    }
    this.labels = Collections.unmodifiableList(ls);
    this.state = ThreadLocal.withInitial(model::newState);
  }

  /**
   * Loads a fastText model file ({@code .bin} or {@code .ftz}, versions 11 and 12).
   *
   * @param file the model
   * @return the model
   * @throws DataException naming the file and what is wrong: not a fastText model (magic),
   *     unsupported version, truncated, inconsistent shapes
   */
  public static FastTextModel load(Path file) {
    Objects.requireNonNull(file, "file");
    return new FastTextModel(FtModel.load(file));
  }

  /**
   * Returns the labels, in the model's order (most frequent in training first).
   *
   * @return the labels, prefix included
   */
  public List<String> labels() {
    return labels;
  }

  /**
   * Returns the hyper-parameters stored in the model (the others at fastText's defaults).
   *
   * @return the arguments
   */
  public FastTextArgs args() {
    return model.args();
  }

  /**
   * Tells whether the model is product-quantized (an {@code .ftz} model).
   *
   * @return true when quantized
   */
  public boolean quantized() {
    return model.quantized();
  }

  /**
   * Predicts the most likely label with no threshold, as {@code fasttext predict MODEL - 1}.
   *
   * @param text one line of text
   * @return at most one prediction
   */
  public List<Prediction> predict(String text) {
    return predict(text, 1, 0.0);
  }

  /**
   * Predicts the {@code k} most likely labels of a text, best first, as fastText's {@code
   * predict-prob} on that text as one line. Newlines in the text count as spaces (fastText would
   * split the text into lines; its Python binding refuses them), and the end-of-line token is added
   * as fastText adds it for every input line.
   *
   * @param text the text
   * @param k how many labels; -1 for all
   * @param threshold the lowest probability reported
   * @return the predictions, best first; empty when the text has no known word or n-gram
   */
  public List<Prediction> predict(String text, int k, double threshold) {
    byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length - 1; i++) {
      if (b[i] == '\n') {
        b[i] = ' ';
      }
    }
    FtModel.State st = state.get();
    model.dictionary().getLine(b, 0, b.length, st.words, null, st.scratch);
    model.predict(st, k, (float) threshold);
    KBest heap = st.heap;
    List<Prediction> out = new ArrayList<>(heap.size());
    for (int i = 0; i < heap.size(); i++) {
      out.add(new Prediction(labels.get(heap.id(i)), FtModel.probability(heap.score(i))));
    }
    return List.copyOf(out);
  }

  /**
   * Predicts every line of a stream and writes what {@code fasttext predict} (or {@code
   * predict-prob}) prints: per input line, the labels (with their probabilities) separated by
   * spaces, and an empty line where nothing is predicted. Bytes are read as fastText reads them,
   * without decoding.
   *
   * @param in the input; not closed
   * @param out the output; flushed, not closed
   * @param k how many labels per line; -1 for all
   * @param threshold the lowest probability reported
   * @param probabilities whether to print probabilities ({@code predict-prob})
   * @throws UncheckedIOException when reading or writing fails
   */
  public void predict(
      InputStream in, OutputStream out, int k, double threshold, boolean probabilities) {
    FtModel.State st = model.newState();
    Dictionary dict = model.dictionary();
    float th = (float) threshold;
    byte[][] labelBytes = new byte[labels.size()][];
    for (int i = 0; i < labelBytes.length; i++) {
      labelBytes[i] = dict.label(i);
    }
    try {
      OutputStream o = new BufferedOutputStream(out, 1 << 16);
      LineScanner sc = new LineScanner(in);
      KBest heap = st.heap;
      while (sc.next()) {
        int pos = sc.start;
        while (pos < sc.end) {
          pos = (int) dict.getLine(sc.bytes, pos, sc.end, st.words, null, st.scratch);
          model.predict(st, k, th);
          for (int i = 0; i < heap.size(); i++) {
            if (i > 0) {
              o.write(' ');
            }
            o.write(labelBytes[heap.id(i)]);
            if (probabilities) {
              o.write(' ');
              o.write(
                  CFormat.g(FtModel.probability(heap.score(i)), 6)
                      .getBytes(StandardCharsets.US_ASCII));
            }
          }
          o.write('\n');
        }
      }
      o.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Computes precision and recall at {@code k} over a labelled stream, as {@code fasttext test}.
   *
   * @param in the labelled lines; not closed
   * @param k how many labels per line; -1 for all
   * @param threshold the lowest probability counted as a prediction
   * @return the counts
   * @throws UncheckedIOException when reading fails
   */
  public TestResult test(InputStream in, int k, double threshold) {
    FtModel.State st = model.newState();
    Dictionary dict = model.dictionary();
    long n = 0;
    long gold = 0;
    long predicted = 0;
    long correct = 0;
    IntList labelIds = st.labels;
    try {
      LineScanner sc = new LineScanner(in);
      while (sc.next()) {
        int pos = sc.start;
        while (pos < sc.end) {
          pos = (int) dict.getLine(sc.bytes, pos, sc.end, st.words, labelIds, st.scratch);
          if (labelIds.size() == 0 || st.words.size() == 0) {
            continue;
          }
          model.predict(st, k, (float) threshold);
          n++;
          gold += labelIds.size();
          predicted += st.heap.size();
          for (int i = 0; i < st.heap.size(); i++) {
            int id = st.heap.id(i);
            for (int j = 0; j < labelIds.size(); j++) {
              if (labelIds.get(j) == id) {
                correct++;
                break;
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestResult(
        n,
        k,
        predicted == 0 ? Double.NaN : correct / (double) predicted,
        gold == 0 ? Double.NaN : correct / (double) gold);
  }

  /**
   * Writes the model in fastText's format (version 12); quantized models stay quantized.
   *
   * @param file the target, replaced
   * @throws DataException when it cannot be written
   */
  public void save(Path file) {
    model.save(file);
  }

  /**
   * Writes the word vectors as fastText's {@code .vec}: a {@code count dim} header, then each word
   * and its vector, five significant digits per value, each value followed by a space.
   *
   * @param file the target, replaced
   * @throws DataException when it cannot be written
   */
  public void saveVectors(Path file) {
    Dictionary d = model.dictionary();
    int dim = model.args().dim();
    float[] vec = new float[dim];
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      o.write((d.nwords() + " " + dim + "\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < d.nwords(); i++) {
        model.wordVector(d.word(i), vec);
        o.write(d.word(i));
        sb.setLength(0);
        sb.append(' ');
        for (float v : vec) {
          sb.append(CFormat.g(v, 5)).append(' ');
        }
        sb.append('\n');
        o.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
    } catch (IOException e) {
      throw new DataException("cannot write word vectors " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the output matrix as fastText's {@code -saveOutput} writes {@code PREFIX.output}: a
   * {@code nlabels dim} header, then each label and its output row, five significant digits per
   * value, each value followed by a space (the {@code .vec} layout).
   *
   * @param file the target, replaced
   * @throws DataException for a quantized model (fastText: "Option -saveOutput is not supported for
   *     quantized models.") or when the file cannot be written
   */
  public void saveOutput(Path file) {
    if (quantized()) {
      throw new DataException(
          "cannot write the output matrix to "
              + file
              + ": -saveOutput is not supported for quantized models (as in fastText)");
    }
    Dictionary d = model.dictionary();
    int dim = model.args().dim();
    float[] vec = new float[dim];
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      o.write((d.nlabels() + " " + dim + "\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < d.nlabels(); i++) {
        model.outputRow(i, vec);
        o.write(d.label(i));
        sb.setLength(0);
        sb.append(' ');
        for (float v : vec) {
          sb.append(CFormat.g(v, 5)).append(' ');
        }
        sb.append('\n');
        o.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
    } catch (IOException e) {
      throw new DataException("cannot write output matrix " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "FastTextModel["
        + labels.size()
        + " labels, "
        + model.dictionary().nwords()
        + " words, "
        + model.args()
        + (quantized() ? ", quantized" : "")
        + "]";
  }
}
