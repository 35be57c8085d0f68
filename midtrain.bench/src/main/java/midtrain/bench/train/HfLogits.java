package midtrain.bench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import midtrain.train.HfCheckpoint;
import midtrain.train.LlamaModel;

/**
 * midtrain's side of {@code scripts/hf_logits_check.py}: loads Hugging Face model directories
 * through the public API ({@link HfCheckpoint#open}, {@link LlamaModel#load}) and writes the logits
 * of fixed token ids as JSON, for comparison with an independent PyTorch reference of transformers'
 * LlamaForCausalLM. Several models are handled in one JVM, because starting the PyTorch engine
 * costs more than a small model's forward pass.
 *
 * <p>Arguments: triples {@code MODEL_DIR IDS_FILE OUT_FILE}. {@code IDS_FILE} holds one row of
 * comma-separated token ids per line (all rows the same length); {@code OUT_FILE} receives {@code
 * {"shape": [batch, seq, vocab], "logits": [...]}} with the float32 values row-major.
 */
public final class HfLogits {
  private HfLogits() {}

  /**
   * Runs the comparison's Java side.
   *
   * @param args {@code MODEL_DIR IDS_FILE OUT_FILE}, repeated
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0 || args.length % 3 != 0) {
      System.err.println(
          "usage: HfLogits MODEL_DIR IDS_FILE OUT_FILE [MODEL_DIR IDS_FILE OUT_FILE ...]");
      System.exit(2);
    }
    try (NDManager base = NDManager.newBaseManager()) {
      for (int i = 0; i < args.length; i += 3) {
        run(Path.of(args[i]), Path.of(args[i + 1]), Path.of(args[i + 2]), base);
      }
    }
  }

  private static void run(Path modelDir, Path idsFile, Path outFile, NDManager base)
      throws IOException {
    List<int[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(idsFile, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        String[] parts = line.trim().split(",");
        int[] row = new int[parts.length];
        for (int j = 0; j < parts.length; j++) {
          row[j] = Integer.parseInt(parts[j].trim());
        }
        rows.add(row);
      }
    }
    int seq = rows.get(0).length;
    int[] flat = new int[rows.size() * seq];
    for (int r = 0; r < rows.size(); r++) {
      if (rows.get(r).length != seq) {
        throw new IllegalArgumentException(idsFile + ": rows differ in length");
      }
      System.arraycopy(rows.get(r), 0, flat, r * seq, seq);
    }
    try (HfCheckpoint ckpt = HfCheckpoint.open(modelDir);
        LlamaModel model = LlamaModel.load(ckpt, base);
        NDManager step = model.manager().newSubManager()) {
      NDArray logits = model.logits(step.create(flat, new Shape(rows.size(), seq)));
      write(outFile, logits.getShape().getShape(), logits.toFloatArray());
    }
  }

  private static void write(Path out, long[] shape, float[] values) {
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write("{\"shape\": [");
      for (int i = 0; i < shape.length; i++) {
        w.write((i > 0 ? ", " : "") + shape[i]);
      }
      w.write("], \"logits\": [");
      for (int i = 0; i < values.length; i++) {
        // Float.toString is the shortest text that reads back to the same float32.
        w.write((i > 0 ? "," : "") + Float.toString(values[i]));
      }
      w.write("]}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
