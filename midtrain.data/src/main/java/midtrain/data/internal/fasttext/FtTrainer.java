package midtrain.data.internal.fasttext;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import midtrain.data.DataException;
import midtrain.data.fasttext.FastTextArgs;

/**
 * Supervised training as fastText's: the same dictionary, hashing, learning-rate schedule and
 * updates (softmax, hierarchical softmax, negative sampling, one-vs-all), with our own seeded
 * random numbers, so a model trained here is a valid fastText model but not fastText's weights.
 *
 * <p>With one thread training is deterministic for a seed. With more, threads update shared weights
 * without locks as fastText does (Hogwild), each starting at its own share of the examples: results
 * then vary from run to run.
 */
public final class FtTrainer {
  private FtTrainer() {}

  /** The examples, parsed once: ids per line, labels per line, tokens read per line. */
  private static final class Examples {
    final List<int[]> words = new ArrayList<>();
    final List<int[]> labels = new ArrayList<>();
    final IntList ntokens = new IntList();
  }

  /**
   * Trains a model.
   *
   * @param args the arguments; {@code bucket} becomes 0 when there are neither word n-grams nor
   *     subwords, as fastText's command line does
   * @param input opens the labelled text (fastText format: {@code __label__x words...} per line);
   *     called twice
   * @param source names the input in messages
   * @param log receives progress when {@code args.verbose() > 0}
   * @return the model
   */
  public static FtModel train(
      FastTextArgs args, InputOpener input, String source, PrintStream log) {
    if (args.model() != FastTextArgs.ModelKind.SUPERVISED) {
      throw new DataException("only supervised models can be trained here, not " + args.model());
    }
    if (args.wordNgrams() <= 1 && args.maxn() == 0) {
      args = args.toBuilder().bucket(0).build();
    }
    final FastTextArgs a = args;
    byte[] prefix = args.label().getBytes(StandardCharsets.UTF_8);
    // Read before the (long) dictionary pass so that a wrong dimension fails at once.
    PretrainedVectors pre =
        a.pretrainedVectors().map(f -> PretrainedVectors.read(f, a.dim())).orElse(null);
    Dictionary dict = buildDictionary(args, input, source, prefix, pre);
    if (args.verbose() > 0) {
      log.println("Read " + dict.ntokens / 1_000_000 + "M words");
      log.println("Number of words:  " + dict.nwords);
      log.println("Number of labels: " + dict.nlabels);
    }
    Examples ex = parse(dict, input, source);
    DenseMatrix wi = new DenseMatrix((long) dict.nwords + args.bucket(), args.dim());
    wi.uniform((float) (1.0 / args.dim()), 0x5DEECE66DL ^ args.seed());
    if (pre != null) {
      // As fastText: the rows of the file's words (labels excluded) replace the random ones; a word
      // listed twice keeps its last vector.
      for (int i = 0; i < pre.words.size(); i++) {
        int id = dict.find(pre.words.get(i));
        if (id >= 0 && id < dict.nwords) {
          float[] b = wi.block(id);
          System.arraycopy(pre.vectors.get(i), 0, b, wi.offset(id), args.dim());
        }
      }
    }
    DenseMatrix wo = new DenseMatrix(dict.nlabels, args.dim());
    FtModel model = new FtModel(args, dict, wi, wo, false);
    run(args, dict, ex, wi, wo, log);
    return model;
  }

  /** Opens the training input afresh. */
  public interface InputOpener {
    /**
     * Opens the input.
     *
     * @return a new stream; the caller closes it
     * @throws IOException when it cannot be opened
     */
    InputStream open() throws IOException;
  }

  private static Dictionary buildDictionary(
      FastTextArgs args, InputOpener input, String source, byte[] prefix, PretrainedVectors pre) {
    // ISO-8859-1 maps every byte to one char, so the strings are the exact bytes.
    Map<String, long[]> counts = new LinkedHashMap<>();
    long ntokens = 0;
    try (InputStream in = input.open()) {
      LineScanner sc = new LineScanner(in);
      while (sc.next()) {
        byte[] b = sc.bytes;
        int i = sc.start;
        while (i < sc.end) {
          int c = b[i] & 0xFF;
          if (isSpace(c)) {
            i++;
            if (c == '\n') {
              counts.computeIfAbsent("</s>", k -> new long[1])[0]++;
              ntokens++;
            }
            continue;
          }
          int s = i;
          while (i < sc.end && !isSpace(b[i] & 0xFF)) {
            i++;
          }
          counts
              .computeIfAbsent(
                  new String(b, s, i - s, StandardCharsets.ISO_8859_1), k -> new long[1])[0]++;
          ntokens++;
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot read training input " + source + ": " + e.getMessage(), e);
    }
    String p = new String(prefix, StandardCharsets.ISO_8859_1);
    List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
    // fastText sorts words before labels, then by count, most frequent first; ties keep the order
    // of first appearance here (fastText's unstable sort leaves them in an unspecified order).
    entries.sort(
        Comparator.comparing((Map.Entry<String, long[]> e) -> e.getKey().startsWith(p) ? 1 : 0)
            .thenComparing(e -> -e.getValue()[0]));
    List<byte[]> words = new ArrayList<>();
    List<Long> cs = new ArrayList<>();
    List<Byte> types = new ArrayList<>();
    int nwords = 0;
    for (Map.Entry<String, long[]> e : entries) {
      boolean label = e.getKey().startsWith(p);
      long c = e.getValue()[0];
      if ((!label && c < args.minCount()) || (label && c < args.minCountLabel())) {
        continue;
      }
      words.add(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
      cs.add(c);
      types.add(label ? Dictionary.TYPE_LABEL : Dictionary.TYPE_WORD);
      if (!label) {
        nwords++;
      }
    }
    if (words.isEmpty()) {
      throw new DataException(
          "training input " + source + ": empty vocabulary; try a smaller -minCount value");
    }
    if (pre != null) {
      // fastText's getInputMatrixFromFile: every word of the file is added to the dictionary as a
      // token (one more count, one more token; unknown words, pruned ones included, come in with
      // count 1, and a word with the label prefix becomes a label), then the dictionary is sorted
      // again (threshold(1, 0), which drops nothing). Ties keep their order here too.
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < words.size(); i++) {
        index.put(new String(words.get(i), StandardCharsets.ISO_8859_1), i);
      }
      for (byte[] w : pre.words) {
        String k = new String(w, StandardCharsets.ISO_8859_1);
        Integer at = index.get(k);
        ntokens++;
        if (at != null) {
          cs.set(at, cs.get(at) + 1);
        } else {
          index.put(k, words.size());
          words.add(w);
          cs.add(1L);
          boolean label = k.startsWith(p);
          types.add(label ? Dictionary.TYPE_LABEL : Dictionary.TYPE_WORD);
          if (!label) {
            nwords++;
          }
        }
      }
      Integer[] order = new Integer[words.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      List<Byte> ty = types;
      List<Long> cc = cs;
      Arrays.sort(
          order, Comparator.comparing((Integer i) -> ty.get(i)).thenComparing(i -> -cc.get(i)));
      List<byte[]> w2 = new ArrayList<>();
      List<Long> c2 = new ArrayList<>();
      List<Byte> t2 = new ArrayList<>();
      for (int i : order) {
        w2.add(words.get(i));
        c2.add(cs.get(i));
        t2.add(types.get(i));
      }
      words = w2;
      cs = c2;
      types = t2;
    }
    if (nwords == words.size()) {
      throw new DataException(
          "training input "
              + source
              + ": no labels (tokens starting with '"
              + args.label()
              + "', counted at least minCountLabel times)");
    }
    long[] countArr = new long[cs.size()];
    byte[] typeArr = new byte[cs.size()];
    for (int i = 0; i < countArr.length; i++) {
      countArr[i] = cs.get(i);
      typeArr[i] = types.get(i);
    }
    return new Dictionary(
        words.toArray(new byte[0][]),
        countArr,
        typeArr,
        nwords,
        ntokens,
        -1,
        new IntIntMap(0),
        prefix,
        args.minn(),
        args.maxn(),
        args.bucket(),
        args.wordNgrams());
  }

  private static boolean isSpace(int c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0B || c == '\f' || c == 0;
  }

  private static Examples parse(Dictionary dict, InputOpener input, String source) {
    Examples ex = new Examples();
    IntList words = new IntList();
    IntList labels = new IntList();
    Dictionary.Scratch s = new Dictionary.Scratch();
    try (InputStream in = input.open()) {
      LineScanner sc = new LineScanner(in);
      while (sc.next()) {
        int pos = sc.start;
        while (pos < sc.end) {
          long r = dict.getLine(sc.bytes, pos, sc.end, words, labels, s);
          pos = (int) r;
          ex.words.add(words.toArray());
          ex.labels.add(labels.toArray());
          ex.ntokens.add((int) (r >>> 32));
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot read training input " + source + ": " + e.getMessage(), e);
    }
    return ex;
  }

  private static void run(
      FastTextArgs args,
      Dictionary dict,
      Examples ex,
      DenseMatrix wi,
      DenseMatrix wo,
      PrintStream log) {
    int threads = args.thread();
    AtomicLong tokenCount = new AtomicLong();
    long total = (long) args.epoch() * dict.ntokens;
    if (ex.words.isEmpty() || total == 0) {
      return;
    }
    long t0 = System.nanoTime();
    double[] losses = new double[threads];
    if (threads == 1) {
      losses[0] = new Worker(args, dict, ex, wi, wo, tokenCount, 0, 0).call(total);
    } else {
      List<Thread> ts = new ArrayList<>();
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int tid = t;
        Thread th =
            new Thread(
                () -> {
                  try {
                    int start = (int) ((long) tid * ex.words.size() / threads);
                    losses[tid] =
                        new Worker(args, dict, ex, wi, wo, tokenCount, tid, start).call(total);
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                },
                "fasttext-train-" + t);
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        try {
          th.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DataException("fastText training interrupted", e);
        }
      }
      if (!errors.isEmpty()) {
        throw new DataException("fastText training failed: " + errors.get(0), errors.get(0));
      }
    }
    if (args.verbose() > 0) {
      double secs = (System.nanoTime() - t0) / 1e9;
      log.printf(
          java.util.Locale.ROOT,
          "Progress: 100.0%% words/sec/thread: %.0f lr: 0.000000 avg.loss: %f%n",
          total / Math.max(secs, 1e-9) / threads,
          losses[0]);
    }
  }

  /** One training thread: fastText's trainThread over the parsed examples. */
  private static final class Worker {
    private final FastTextArgs args;
    private final Examples ex;
    private final DenseMatrix wi;
    private final DenseMatrix wo;
    private final AtomicLong tokenCount;
    private final SplittableRandom rng;
    private final int nlabels;
    private final int dim;
    private final float[] hidden;
    private final float[] grad;
    private final float[] out;
    private final int[][] paths;
    private final boolean[][] codes;
    private final double[] negCdf;
    private int next;
    private double lossSum;
    private long lossN;

    Worker(
        FastTextArgs args,
        Dictionary dict,
        Examples ex,
        DenseMatrix wi,
        DenseMatrix wo,
        AtomicLong tokenCount,
        int tid,
        int start) {
      this.args = args;
      this.ex = ex;
      this.wi = wi;
      this.wo = wo;
      this.tokenCount = tokenCount;
      this.rng = new SplittableRandom(args.seed() * 1_000_003L + tid);
      this.nlabels = dict.nlabels;
      this.dim = args.dim();
      this.hidden = new float[dim];
      this.grad = new float[dim];
      this.out = new float[nlabels];
      this.next = start;
      long[] lc = dict.labelCounts();
      if (args.loss() == FastTextArgs.Loss.HS) {
        int[][] tree = HsTree.build(lc);
        int[] parent = tree[2];
        int[] binary = tree[3];
        paths = new int[nlabels][];
        codes = new boolean[nlabels][];
        for (int i = 0; i < nlabels; i++) {
          IntList p = new IntList();
          List<Boolean> c = new ArrayList<>();
          for (int j = i; parent[j] != -1; j = parent[j]) {
            p.add(parent[j] - nlabels);
            c.add(binary[j] == 1);
          }
          paths[i] = p.toArray();
          codes[i] = new boolean[c.size()];
          for (int k = 0; k < c.size(); k++) {
            codes[i][k] = c.get(k);
          }
        }
      } else {
        paths = null;
        codes = null;
      }
      if (args.loss() == FastTextArgs.Loss.NS) {
        negCdf = new double[nlabels];
        double z = 0;
        for (int i = 0; i < nlabels; i++) {
          z += Math.sqrt(lc[i]);
          negCdf[i] = z;
        }
      } else {
        negCdf = null;
      }
    }

    double call(long total) {
      long local = 0;
      int n = ex.words.size();
      while (tokenCount.get() < total) {
        float progress = (float) tokenCount.get() / (float) total;
        float lr = (float) (args.lr() * (1.0 - progress));
        int i = next;
        next = (next + 1) % n;
        local += ex.ntokens.get(i);
        int[] line = ex.words.get(i);
        int[] labels = ex.labels.get(i);
        if (labels.length > 0 && line.length > 0) {
          if (args.loss() == FastTextArgs.Loss.OVA) {
            update(line, labels, -1, lr);
          } else {
            update(line, labels, labels[rng.nextInt(labels.length)], lr);
          }
        }
        if (local > args.lrUpdateRate()) {
          tokenCount.addAndGet(local);
          local = 0;
        }
      }
      return lossN == 0 ? 0 : lossSum / lossN;
    }

    private void update(int[] input, int[] targets, int target, float lr) {
      Arrays.fill(hidden, 0f);
      for (int id : input) {
        wi.addRowTo(hidden, id);
      }
      float inv = (float) (1.0 / input.length);
      for (int j = 0; j < dim; j++) {
        hidden[j] *= inv;
      }
      Arrays.fill(grad, 0f);
      float loss = 0f;
      switch (args.loss()) {
        case SOFTMAX:
          loss = softmax(target, lr);
          break;
        case HS:
          {
            int[] path = paths[target];
            boolean[] code = codes[target];
            for (int k = 0; k < path.length; k++) {
              loss += binaryLogistic(path[k], code[k], lr);
            }
            break;
          }
        case NS:
          loss = binaryLogistic(target, true, lr);
          for (int k = 0; k < args.neg() && nlabels > 1; k++) {
            loss += binaryLogistic(negative(target), false, lr);
          }
          break;
        case OVA:
          for (int k = 0; k < nlabels; k++) {
            loss += binaryLogistic(k, contains(targets, k), lr);
          }
          break;
      }
      lossSum += loss;
      lossN++;
      for (int j = 0; j < dim; j++) {
        grad[j] *= inv;
      }
      for (int id : input) {
        wi.addVectorToRow(grad, id, 1f);
      }
    }

    private static boolean contains(int[] a, int v) {
      for (int x : a) {
        if (x == v) {
          return true;
        }
      }
      return false;
    }

    private int negative(int target) {
      while (true) {
        double u = rng.nextDouble() * negCdf[nlabels - 1];
        int i = Arrays.binarySearch(negCdf, u);
        i = i < 0 ? -i - 1 : i + 1;
        i = Math.min(i, nlabels - 1);
        if (i != target) {
          return i;
        }
      }
    }

    private float softmax(int target, float lr) {
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < nlabels; i++) {
        out[i] = wo.dotRow(hidden, i);
        max = Math.max(max, out[i]);
      }
      float z = 0f;
      for (int i = 0; i < nlabels; i++) {
        out[i] = (float) Math.exp(out[i] - max);
        z += out[i];
      }
      for (int i = 0; i < nlabels; i++) {
        out[i] /= z;
      }
      for (int i = 0; i < nlabels; i++) {
        float label = i == target ? 1f : 0f;
        float alpha = lr * (label - out[i]);
        wo.addRowTo(grad, i, alpha);
        wo.addVectorToRow(hidden, i, alpha);
      }
      return (float) -Math.log(out[target] + 1e-5);
    }

    private float binaryLogistic(int target, boolean positive, float lr) {
      float score = FtModel.sigmoid(wo.dotRow(hidden, target));
      float alpha = lr * ((positive ? 1f : 0f) - score);
      wo.addRowTo(grad, target, alpha);
      wo.addVectorToRow(hidden, target, alpha);
      return (float) -Math.log((positive ? score : 1f - score) + 1e-5);
    }
  }
}
