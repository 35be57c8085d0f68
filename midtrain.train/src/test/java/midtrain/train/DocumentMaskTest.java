package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentMaskTest {
  static final int A = 5;
  static final int B = 6;

  /** Logits of the second document of a packed row, and of that document alone. */
  static float[][] secondDocument(LlamaConfig cfg, boolean mask, boolean reset) {
    Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 21, 0.3);
    int[] a = LlamaModelTest.tokens(1, A, cfg.vocabSize());
    int[] b = LlamaModelTest.tokens(2, B, cfg.vocabSize());
    int[] row = new int[A + B];
    System.arraycopy(a, 0, row, 0, A);
    System.arraycopy(b, 0, row, A, B);
    int[] seg = new int[A + B];
    for (int i = A; i < A + B; i++) {
      seg[i] = 1;
    }
    int v = cfg.vocabSize();
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(cfg, w, base);
        NDManager step = base.newSubManager()) {
      float[] packed =
          model
              .logits(
                  step.create(row, new Shape(1, A + B)),
                  mask ? step.create(seg, new Shape(1, A + B)) : null,
                  reset)
              .toFloatArray();
      float[] alone = model.logits(step.create(b, new Shape(1, B))).toFloatArray();
      float[] tail = new float[B * v];
      System.arraycopy(packed, A * v, tail, 0, B * v);
      return new float[][] {tail, alone};
    }
  }

  static double maxDiff(float[][] p) {
    double m = 0;
    for (int i = 0; i < p[0].length; i++) {
      m = Math.max(m, Math.abs(p[0][i] - p[1][i]));
    }
    return m;
  }

  @Test
  void aMaskedDocumentSeesOnlyItself() {
    LlamaConfig cfg = LlamaModelTest.config(2, false, Map.of());
    // RoPE scores depend on relative positions only, so masking alone reproduces the lone
    // document; restarting positions must agree too.
    assertEquals(0, maxDiff(secondDocument(cfg, true, false)), 2e-5);
    assertEquals(0, maxDiff(secondDocument(cfg, true, true)), 2e-5);
    // Negative control: unmasked, the second document attends to the first.
    assertTrue(maxDiff(secondDocument(cfg, false, false)) > 1e-3);
  }

  @Test
  void restartedPositionsSizeLengthDependentRopeByTheLongestDocument() {
    // transformers sizes dynamic NTK and LongRoPE frequencies by max(position_ids) + 1. With
    // positions restarting per document that is the longest document, here the second (B tokens,
    // within LongRoPE's original 8 and past dynamic's 4), which so gets the logits it gets alone;
    // the row itself (A + B = 11) is longer than both.
    LlamaConfig dynamic =
        LlamaModelTest.config(
            2,
            false,
            Map.of(
                "max_position_embeddings",
                4,
                "rope_scaling",
                Map.of("rope_type", "dynamic", "factor", 2.0)));
    LlamaConfig longRope =
        LlamaModelTest.config(
            2,
            false,
            Map.of(
                "max_position_embeddings",
                32,
                "original_max_position_embeddings",
                8,
                "rope_scaling",
                Map.of(
                    "rope_type",
                    "longrope",
                    "original_max_position_embeddings",
                    8,
                    "short_factor",
                    List.of(1.0, 1.5),
                    "long_factor",
                    List.of(3.0, 9.0))));
    for (LlamaConfig cfg : List.of(dynamic, longRope)) {
      assertEquals(0, maxDiff(secondDocument(cfg, true, true)), 2e-5, cfg.raw().toString());
      // Negative control: positions running on across the row reach 11, which rescales them.
      assertTrue(maxDiff(secondDocument(cfg, true, false)) > 1e-3, cfg.raw().toString());
    }
  }

  @Test
  void positionsRestartAtEachDocument() {
    int[] seg = {0, 0, 0, 1, 1, 2, 0, 1, 1, 1, 1, 1};
    assertArrayEquals(
        new int[] {0, 1, 2, 0, 1, 0, 0, 0, 1, 2, 3, 4},
        LlamaModel.positionsWithinDocuments(seg, 2, 6));
  }

  @Test
  void shiftedBatchesNumberDocumentsFromTheirStarts() {
    // Rows of seqLen + 1 = 6 tokens; documents start at 0 and 3 in row 0, at 0 only in row 1.
    int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    TokenBatch b =
        TokenBatch.shifted(tokens, 2, 5, Map.of(), List.of(new int[] {0, 3}, new int[] {0}));
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 0, 0, 0, 0, 0}, b.segments());
    assertTrue(b.hasSegments());
    assertArrayEquals(new int[] {2, 3, 4, 5, 6, 8, 9, 10, 11, 12}, b.labels());
    assertThrows(
        TrainException.class,
        () -> new TokenBatch(new int[4], new int[4], 2, 2, Map.of(), new int[3]));
    assertThrows(
        TrainException.class,
        () -> TokenBatch.shifted(tokens, 2, 5, Map.of(), List.of(new int[] {0})));
  }

  @Test
  void shiftedBatchesRefuseSizesThatAreNotPositiveOrOverflow() {
    // seqLen -1 made rows of 0 tokens and then a negative array size; the product overflowed int.
    for (int[] rowsAndSeq : new int[][] {{2, -1}, {0, 5}, {-2, 5}, {65536, 65535}}) {
      TrainException e =
          assertThrows(
              TrainException.class,
              () -> TokenBatch.shifted(new int[0], rowsAndSeq[0], rowsAndSeq[1], Map.of()));
      assertTrue(e.getMessage().contains("shifted batch needs"), e.getMessage());
    }
  }
}
