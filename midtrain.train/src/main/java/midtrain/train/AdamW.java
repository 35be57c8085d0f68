package midtrain.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * AdamW with decoupled weight decay and bias correction, as {@code torch.optim.AdamW} computes it,
 * with its state held as tensors so a checkpoint can save and restore it exactly.
 *
 * <p>Update per parameter: {@code p *= 1 - lr * wd} (skipped for parameters without decay), {@code
 * m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2}, {@code p -= lr / (1 - b1^t) * m /
 * (sqrt(v) / sqrt(1 - b2^t) + eps)}. By default norms and biases (1-D parameters) get no decay.
 */
public final class AdamW implements AutoCloseable {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final Set<String> noDecay;
  private final NDManager manager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private long step;

  /**
   * Creates the optimizer for a set of parameters.
   *
   * @param params parameters by name
   * @param beta1 first-moment decay, in [0, 1)
   * @param beta2 second-moment decay, in [0, 1)
   * @param eps denominator guard, positive
   * @param weightDecay decoupled decay, at least 0
   * @param parent manager under which the state is allocated
   * @throws TrainException if a beta is not in [0, 1), {@code eps} is not positive, or {@code
   *     weightDecay} is negative (NaN fails each check)
   */
  public AdamW(
      Map<String, NDArray> params,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      NDManager parent) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new TrainException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(eps > 0) || !(weightDecay >= 0)) {
      throw new TrainException("AdamW needs eps > 0 and weight_decay >= 0");
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.manager = parent.newSubManager();
    java.util.HashSet<String> nd = new java.util.HashSet<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      m.put(e.getKey(), manager.zeros(e.getValue().getShape()));
      v.put(e.getKey(), manager.zeros(e.getValue().getShape()));
      if (e.getValue().getShape().dimension() < 2) {
        nd.add(e.getKey());
      }
    }
    this.noDecay = Set.copyOf(nd);
  }

  /**
   * Applies one update from the parameters' gradients. Temporaries belong to {@code scope}.
   *
   * @param params the parameters (the same names as at construction)
   * @param lr the learning rate for this step
   * @param scope a manager closed after the step
   * @throws TrainException if {@code params} names a parameter the optimizer was not created for;
   *     nothing has been updated then, and the step count is unchanged
   */
  public void step(Map<String, NDArray> params, double lr, NDManager scope) {
    // Every name first: a refusal halfway would leave some parameters and moments updated and the
    // step counted, a state no checkpoint could describe.
    for (String name : params.keySet()) {
      if (!m.containsKey(name)) {
        throw new TrainException("AdamW has no state for parameter '" + name + "'");
      }
    }
    step++;
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2 = 1 - Math.pow(beta2, step);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray mm = m.get(e.getKey());
      NDArray vv = v.get(e.getKey());
      NDArray p = e.getValue();
      // Long-lived arrays visit the step's scope, so every temporary they produce closes with it.
      LlamaModel.visit(p, scope);
      LlamaModel.visit(mm, scope);
      LlamaModel.visit(vv, scope);
      NDArray g = p.getGradient();
      if (weightDecay > 0 && !noDecay.contains(e.getKey())) {
        p.muli((float) (1 - lr * weightDecay));
      }
      mm.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      vv.muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
      NDArray denom = vv.sqrt().div((float) Math.sqrt(bc2)).add((float) eps);
      p.subi(mm.div(denom).mul((float) (lr / bc1)));
    }
  }

  /**
   * Returns the number of updates applied.
   *
   * @return the step count (bias correction uses it)
   */
  public long stepCount() {
    return step;
  }

  /**
   * Returns the first-moment state.
   *
   * @return first moments by parameter name
   */
  public Map<String, NDArray> firstMoments() {
    return m;
  }

  /**
   * Returns the second-moment state.
   *
   * @return second moments by parameter name
   */
  public Map<String, NDArray> secondMoments() {
    return v;
  }

  /**
   * Copies the state out for a checkpoint.
   *
   * @return {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} arrays, as torch names them
   */
  public Map<String, float[]> exportState() {
    Map<String, float[]> out = new LinkedHashMap<>();
    m.forEach((k, a) -> out.put("exp_avg." + k, a.toFloatArray()));
    v.forEach((k, a) -> out.put("exp_avg_sq." + k, a.toFloatArray()));
    return out;
  }

  /**
   * Restores state saved by {@link #exportState()}, exactly.
   *
   * @param stepCount the number of updates already applied
   * @param state the arrays by name
   * @throws TrainException if {@code stepCount} is negative, or {@code state} lacks a parameter's
   *     {@code exp_avg.} or {@code exp_avg_sq.} array or holds one of another size than the
   *     parameter
   */
  public void importState(long stepCount, Map<String, float[]> state) {
    if (stepCount < 0) {
      throw new TrainException("optimizer step count must be >= 0, got " + stepCount);
    }
    restore("exp_avg.", m, state);
    restore("exp_avg_sq.", v, state);
    this.step = stepCount;
  }

  private void restore(String prefix, Map<String, NDArray> into, Map<String, float[]> state) {
    for (Map.Entry<String, NDArray> e : into.entrySet()) {
      float[] saved = state.get(prefix + e.getKey());
      if (saved == null) {
        throw new TrainException("optimizer state has no '" + prefix + e.getKey() + "'");
      }
      if (saved.length != e.getValue().size()) {
        throw new TrainException(
            "optimizer state '"
                + prefix
                + e.getKey()
                + "' has "
                + saved.length
                + " values, the"
                + " parameter has "
                + e.getValue().size());
      }
      e.getValue().set(saved);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
