package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @Test
  void updatesMatchTheFormulaStepByStep() {
    // Loss = sum(w * c): the gradient is c, so torch.optim.AdamW's update can be replayed in
    // double.
    float[] w0 = {0.5f, -1.0f, 2.0f};
    float[] c = {0.3f, -0.7f, 1.1f};
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double wd = 0.1;
    double[] w = {0.5, -1.0, 2.0};
    double[] m = new double[3];
    double[] v = new double[3];
    try (NDManager base = NDManager.newBaseManager()) {
      NDArray p = LlamaModel.owned(base.create(w0, new Shape(1, 3)));
      p.setRequiresGradient(true);
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w", p);
      try (AdamW opt = new AdamW(params, b1, b2, eps, wd, base)) {
        for (int t = 1; t <= 5; t++) {
          try (NDManager step = base.newSubManager()) {
            LlamaModel.visit(p, step);
            NDArray cc = LlamaModel.owned(step.create(c, new Shape(1, 3)));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              gc.zeroGradients();
              gc.backward(p.mul(cc).sum());
            }
            opt.step(params, lr, step);
          }
          for (int i = 0; i < 3; i++) {
            w[i] *= 1 - lr * wd;
            m[i] = b1 * m[i] + (1 - b1) * c[i];
            v[i] = b2 * v[i] + (1 - b2) * c[i] * c[i];
            double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
            w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
          }
          float[] got = p.toFloatArray();
          for (int i = 0; i < 3; i++) {
            assertEquals(w[i], got[i], 1e-6, "weight " + i + " after step " + t);
          }
        }
        assertEquals(5, opt.stepCount());
      }
    }
  }

  @Test
  void aStepNamingAnUnknownParameterChangesNothing() {
    try (NDManager base = NDManager.newBaseManager()) {
      NDArray p = LlamaModel.owned(base.create(new float[] {0.5f, -1.0f}, new Shape(1, 2)));
      p.setRequiresGradient(true);
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w", p);
      try (AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0.1, base);
          NDManager step = base.newSubManager()) {
        LlamaModel.visit(p, step);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.zeroGradients();
          gc.backward(p.mul(3f).sum());
        }
        // "w" comes first, so a check inside the update loop would have updated it already.
        Map<String, NDArray> withStranger = new LinkedHashMap<>(params);
        withStranger.put("stranger", LlamaModel.owned(step.create(new float[] {1f})));
        TrainException e =
            assertThrows(TrainException.class, () -> opt.step(withStranger, 0.01, step));
        assertTrue(e.getMessage().contains("'stranger'"), e.getMessage());
        assertArrayEquals(new float[] {0.5f, -1.0f}, p.toFloatArray());
        assertArrayEquals(new float[] {0f, 0f}, opt.firstMoments().get("w").toFloatArray());
        assertEquals(0, opt.stepCount());
      }
    }
  }

  /** Runs AdamW steps on a fixed repeating batch; returns the losses. */
  static List<Float> train(LlamaConfig cfg, int steps) {
    Map<String, float[]> w = HfCheckpoint.randomWeights(cfg, 7, 0.02);
    int b = 4;
    int t = 12;
    int[] in = new int[b * t];
    int[] lab = new int[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        in[i * t + j] = (i + j) % 5;
        lab[i * t + j] = (i + j + 1) % 5;
      }
    }
    List<Float> losses = new ArrayList<>();
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(cfg, w, base);
        AdamW opt = new AdamW(model.parameters(), 0.9, 0.95, 1e-8, 0.1, base)) {
      for (int s = 0; s < steps; s++) {
        try (NDManager step = base.newSubManager()) {
          NDArray x = step.create(in, new Shape(b, t));
          NDArray y = step.create(lab, new Shape(b, t));
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.zeroGradients();
            NDArray loss = model.loss(x, y);
            gc.backward(loss);
            losses.add(loss.getFloat());
          }
          opt.step(model.parameters(), 1e-2, step);
        }
      }
    }
    return losses;
  }

  @Test
  void trainingLearnsAPatternWithoutNanAndIsDeterministic() {
    LlamaConfig cfg = LlamaModelTest.config(2, false, Map.of());
    // Several runs: the NaN this guards against (freed scalar memory read in backward) was random.
    List<Float> first = train(cfg, 40);
    for (int run = 0; run < 3; run++) {
      List<Float> again = run == 0 ? first : train(cfg, 40);
      assertTrue(
          again.stream().allMatch(Float::isFinite) && again.get(39) < again.get(0) * 0.3f,
          "loss should fall well below its start without NaN: " + again);
      float[] a = new float[40];
      float[] b = new float[40];
      for (int i = 0; i < 40; i++) {
        a[i] = first.get(i);
        b[i] = again.get(i);
      }
      assertArrayEquals(a, b, "the same seed and data must give bit-identical losses on CPU");
    }
  }
}
