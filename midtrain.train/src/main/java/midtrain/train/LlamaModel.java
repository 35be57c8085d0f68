package midtrain.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import midtrain.rope.PositionEncoding;
import midtrain.rope.PositionEncodings;
import midtrain.rope.RopeLayout;
import midtrain.rope.RopeTable;

/**
 * A Llama-architecture decoder on DJL's PyTorch engine: token embedding, blocks of RMSNorm, causal
 * grouped-query self-attention with rotary encoding (within Mistral's sliding window where the
 * config has one, see {@link LlamaConfig#slidingWindow()}), SwiGLU MLP, final norm and LM head.
 *
 * <p>Parameters are kept under their Hugging Face names and layouts ({@code [out, in]} matrices),
 * so loading and saving need no renaming or transposition. Rotary cos/sin tables come from {@code
 * midtrain.rope} (any rope type the config names) in the {@code rotate_half} layout that Hugging
 * Face Llama checkpoints use. The model owns its parameters' manager; close it to free them. Not
 * thread-safe.
 */
public final class LlamaModel implements AutoCloseable {
  private LlamaConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> params;
  private PositionEncoding rope;
  // Rotary tables and the causal mask depend only on the sequence length: built once per length.
  private int cachedLength = -1;
  private RopeTable cachedTable;
  private float[] cachedMask;
  // The reset-positions branch's table, sized by the batch's longest document; kept like the row's.
  private int cachedResetLength = -1;
  private RopeTable cachedResetTable;

  private LlamaModel(
      LlamaConfig config, NDManager manager, Map<String, NDArray> params, PositionEncoding rope) {
    this.config = config;
    this.manager = manager;
    this.params = Collections.unmodifiableMap(params);
    this.rope = rope;
  }

  /**
   * Builds a model from weights in Hugging Face names.
   *
   * @param config the architecture
   * @param weights every expected tensor, float32, row-major
   * @param parent the manager under which the model's own manager is created
   * @return the model, with gradients enabled on every parameter
   */
  public static LlamaModel of(LlamaConfig config, Map<String, float[]> weights, NDManager parent) {
    PositionEncoding rope = encoding(config);
    NDManager m = parent.newSubManager();
    Map<String, NDArray> p = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, long[]> e : config.expectedTensors().entrySet()) {
        float[] v = weights.get(e.getKey());
        if (v == null) {
          throw new TrainException("weight '" + e.getKey() + "' is missing");
        }
        long n = Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact);
        if (v.length != n) {
          throw new TrainException(
              "weight '"
                  + e.getKey()
                  + "' has "
                  + v.length
                  + " values, shape "
                  + Arrays.toString(e.getValue())
                  + " needs "
                  + n);
        }
        NDArray a = owned(m.create(v, new Shape(e.getValue())));
        a.setRequiresGradient(true);
        p.put(e.getKey(), a);
      }
    } catch (RuntimeException ex) {
      m.close();
      throw ex;
    }
    return new LlamaModel(config, m, p, rope);
  }

  /**
   * Loads a model from a Hugging Face checkpoint directory.
   *
   * @param checkpoint the opened checkpoint
   * @param parent the parent manager
   * @return the model
   */
  public static LlamaModel load(HfCheckpoint checkpoint, NDManager parent) {
    Map<String, float[]> w = new LinkedHashMap<>();
    for (String name : checkpoint.config().expectedTensors().keySet()) {
      w.put(name, checkpoint.readFloats(name));
    }
    return of(checkpoint.config(), w, parent);
  }

  /**
   * Returns the architecture.
   *
   * @return the config
   */
  public LlamaConfig config() {
    return config;
  }

  /**
   * Switches the rotary encoding for context extension (for example YaRN x4 for a long-context
   * stage): the config's {@code rope_scaling} and {@code max_position_embeddings} are replaced, so
   * checkpoints saved afterwards carry the new settings. Weights are unchanged.
   *
   * @param ropeScaling the new {@code rope_scaling} object (as in a Hugging Face config)
   * @param maxPositionEmbeddings the new {@code max_position_embeddings}
   */
  public void extendContext(Map<String, Object> ropeScaling, int maxPositionEmbeddings) {
    LlamaConfig next = contextConfig(config, ropeScaling, maxPositionEmbeddings);
    this.rope = encoding(next);
    this.config = next;
    this.cachedLength = -1;
    this.cachedResetLength = -1;
  }

  /**
   * Returns the config {@link #extendContext} would give, checked the same way (rope type, its
   * parameters, the rotary dimension) but without a model, so a recipe's later stages can be
   * checked before the first one trains.
   *
   * @param config the config before the change
   * @param ropeScaling the new {@code rope_scaling} object
   * @param maxPositionEmbeddings the new {@code max_position_embeddings}
   * @return the config after the change
   */
  public static LlamaConfig withContext(
      LlamaConfig config, Map<String, Object> ropeScaling, int maxPositionEmbeddings) {
    LlamaConfig next = contextConfig(config, ropeScaling, maxPositionEmbeddings);
    encoding(next);
    return next;
  }

  /** The config with new context settings, its rotary encoding not yet built. */
  private static LlamaConfig contextConfig(
      LlamaConfig config, Map<String, Object> ropeScaling, int maxPositionEmbeddings) {
    Map<String, Object> raw = new LinkedHashMap<>(config.raw());
    raw.remove("rope_parameters");
    raw.put("rope_scaling", new LinkedHashMap<>(ropeScaling));
    raw.put("max_position_embeddings", maxPositionEmbeddings);
    return LlamaConfig.fromMap(raw);
  }

  /** The config's rotary encoding, which must fit in a head. */
  private static PositionEncoding encoding(LlamaConfig config) {
    PositionEncoding rope = PositionEncodings.fromModelConfig(config.raw());
    if (rope.frequencies().rotaryDim() > config.headDim()) {
      throw new TrainException(
          "config.json: rotary dimension "
              + rope.frequencies().rotaryDim()
              + " exceeds head_dim "
              + config.headDim());
    }
    return rope;
  }

  /**
   * Returns the parameters by Hugging Face name, in model order.
   *
   * @return the parameters (owned by this model)
   */
  public Map<String, NDArray> parameters() {
    return params;
  }

  /**
   * Returns the model's manager, which owns the parameters.
   *
   * @return the manager
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * Copies the current weights out, for saving.
   *
   * @return float32 weights by Hugging Face name
   */
  public Map<String, float[]> weights() {
    Map<String, float[]> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  /**
   * Lends an array to a short-lived scope: arrays computed from it then belong to the scope and
   * close with it, while the array itself returns to its own manager.
   *
   * @param array a long-lived array (a parameter or optimizer state)
   * @param scope the step's manager
   */
  static void visit(NDArray array, NDManager scope) {
    if (array.getManager() != scope) {
      array.tempAttach(scope);
    }
  }

  /**
   * Computes next-token logits. Every parameter visits {@code tokens}' manager for the call, so all
   * intermediates belong to it: callers scope a step in a sub-manager and close it afterwards.
   *
   * @param tokens int32 or int64 token ids, shape {@code [batch, seq]}
   * @return logits, shape {@code [batch, seq, vocab]}
   */
  public NDArray logits(NDArray tokens) {
    return logits(tokens, null, false);
  }

  /**
   * Computes next-token logits for packed rows, attending only within each document.
   *
   * <p>Position {@code i} attends to {@code j <= i} only when both belong to the same document
   * ({@code segments[i] == segments[j]}), so documents packed into one row do not see each other.
   * With {@code resetPositions} each document's rotary positions restart at 0, as if it began the
   * row; RoPE depends only on relative positions, so masking alone already gives each document the
   * logits it would have on its own, and resetting matters only for length-dependent scaling
   * (dynamic NTK, LongRoPE) or numerics at large offsets. Those scalings then follow transformers
   * given the same {@code position_ids}: they are sized by the largest position + 1, that is by the
   * longest document in the batch, instead of by the row length.
   *
   * @param tokens token ids, {@code [batch, seq]}
   * @param segments document number of each position, {@code [batch, seq]}, non-decreasing along a
   *     row; null for plain causal attention over the whole row
   * @param resetPositions whether rotary positions restart at each document (needs segments)
   * @return logits, shape {@code [batch, seq, vocab]}
   */
  public NDArray logits(NDArray tokens, NDArray segments, boolean resetPositions) {
    return forward(tokens, segments, resetPositions, null);
  }

  /**
   * The forward pass. With {@code fill} (a single row, plain causal attention) each layer's keys
   * and values are handed to the cache and only the last position's logits are computed.
   */
  private NDArray forward(NDArray tokens, NDArray segments, boolean resetPositions, KvCache fill) {
    NDManager sm = tokens.getManager();
    params.values().forEach(p -> visit(p, sm));
    long b = tokens.getShape().get(0);
    int t = Math.toIntExact(tokens.getShape().get(1));
    int h = config.hiddenSize();
    int nh = config.numHeads();
    int nkv = config.numKvHeads();
    int hd = config.headDim();
    if (t != cachedLength) {
      cachedTable = rope.frequencies(t).table(RopeLayout.ROTATE_HALF, 0, t);
      cachedMask = causalMask(t, config.slidingWindow());
      cachedLength = t;
    }
    RopeTable table = cachedTable;
    int rows = t;
    int[] within = null;
    NDArray mask = owned(sm.create(cachedMask, new Shape(t, t)));
    if (segments != null) {
      // Pairs from different documents get a large finite penalty (not -inf: 0 * -inf is NaN);
      // the diagonal always stays open, so no row is fully masked.
      NDArray seg = segments.toType(DataType.INT32, false);
      NDArray other =
          seg.expandDims(2).eq(seg.expandDims(1)).logicalNot().toType(DataType.FLOAT32, false);
      mask = mask.add(other.mul(scalar(sm, -1e30f))).expandDims(1);
      if (resetPositions) {
        within = positionsWithinDocuments(seg.toIntArray(), (int) b, t);
        // transformers sizes dynamic and LongRoPE frequencies by the largest position id + 1 (the
        // longest document in the batch), not by the row: a table for the row's length would
        // scale a batch of short documents as if it held one long one.
        rows = Arrays.stream(within).max().orElse(0) + 1;
        if (rows != t) {
          table = resetTable(rows);
        }
      }
    } else if (resetPositions) {
      throw new TrainException("resetting positions needs document segments");
    }
    int rd = table.rotaryDim();
    NDArray cos = owned(sm.create(table.cosBuffer(), new Shape(rows, rd)));
    NDArray sin = owned(sm.create(table.sinBuffer(), new Shape(rows, rd)));
    if (within != null) {
      NDArray pos = owned(sm.create(within, new Shape(b * t, 1)));
      NDArray idx = pos.toType(DataType.INT64, false).repeat(1, rd);
      cos = cos.gather(idx, 0).reshape(b, 1, t, rd);
      sin = sin.gather(idx, 0).reshape(b, 1, t, rd);
    }
    NDArray scale = scalar(sm, (float) (1 / Math.sqrt(hd)));

    // Embedding lookup as a gather along the vocabulary axis: its backward is a plain scatter-add.
    NDArray ids = tokens.toType(DataType.INT64, false).reshape(b * t, 1).repeat(1, h);
    NDArray x = p("model.embed_tokens.weight").gather(ids, 0).reshape(b, t, h);
    NDArray[] keptKeys = new NDArray[config.numLayers()];
    NDArray[] keptValues = new NDArray[config.numLayers()];
    for (int i = 0; i < config.numLayers(); i++) {
      String pre = "model.layers." + i + ".";
      NDArray n = rmsNorm(x, p(pre + "input_layernorm.weight"));
      NDArray q =
          linear(n, p(pre + "self_attn.q_proj.weight")).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
      NDArray k =
          linear(n, p(pre + "self_attn.k_proj.weight"))
              .reshape(b, t, nkv, hd)
              .transpose(0, 2, 1, 3);
      NDArray v =
          linear(n, p(pre + "self_attn.v_proj.weight"))
              .reshape(b, t, nkv, hd)
              .transpose(0, 2, 1, 3);
      q = rotate(q, cos, sin, rd, hd);
      k = rotate(k, cos, sin, rd, hd);
      keptKeys[i] = k;
      keptValues[i] = v;
      if (nkv != nh) {
        // Grouped-query attention: kv head j serves query heads j*g .. j*g+g-1, as in HF repeat_kv.
        k = k.repeat(1, nh / nkv);
        v = v.repeat(1, nh / nkv);
      }
      NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask);
      NDArray attn =
          scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) nh * hd);
      x = x.add(linear(attn, p(pre + "self_attn.o_proj.weight")));
      x = mlpBlock(x, pre);
    }
    if (fill != null) {
      // Only the next token is wanted: a [1, vocab] head instead of [t, vocab].
      x = x.get(new NDIndex(":, -1:, :"));
    }
    NDArray out = lmHead(x);
    if (fill != null) {
      // Attached only now: ops on an array run in its manager, so the layers above must have
      // finished with these before they move to the cache's.
      fill.keep(keptKeys, keptValues, t);
    }
    return out;
  }

  /** A layer's SwiGLU MLP with its pre-norm and residual, shared by the full forward and a step. */
  private NDArray mlpBlock(NDArray x, String pre) {
    NDArray n2 = rmsNorm(x, p(pre + "post_attention_layernorm.weight"));
    NDArray gate = linear(n2, p(pre + "mlp.gate_proj.weight"));
    NDArray up = linear(n2, p(pre + "mlp.up_proj.weight"));
    NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
    return x.add(linear(act, p(pre + "mlp.down_proj.weight")));
  }

  /** The final norm and LM head (tied to the embedding where the config says so). */
  private NDArray lmHead(NDArray x) {
    NDArray n = rmsNorm(x, p("model.norm.weight"));
    NDArray head =
        config.tieWordEmbeddings() ? p("model.embed_tokens.weight") : p("lm_head.weight");
    return linear(n, head);
  }

  /**
   * Starts an incremental decoding cache for one sequence of up to {@code capacity} tokens, for
   * {@link #prefill} and {@link #step}.
   *
   * <p>The cache's arrays live in its own sub-manager of this model's manager; close the cache to
   * free them. It serves positions {@code 0 .. capacity - 1} with the rotary tables the full
   * forward ({@link #logits(NDArray)}) uses for sequences of those lengths, so it refuses a
   * capacity beyond {@link #cacheablePositions()}.
   *
   * @param capacity the most tokens (prompt and generated) the cache will hold, at least 1
   * @return an empty cache
   * @throws TrainException if {@code capacity} is below 1 or beyond {@link #cacheablePositions()}
   */
  KvCache newCache(int capacity) {
    if (capacity < 1 || capacity > cacheablePositions()) {
      throw new TrainException(
          "a KV cache of "
              + capacity
              + " positions; this model's rotary encoding ("
              + rope.ropeType()
              + ") allows 1 to "
              + cacheablePositions());
    }
    // One table for every position the cache will see. Within cacheablePositions() the frequencies
    // do not depend on the length, so each row equals that of the full forward's table.
    RopeTable table = rope.frequencies(capacity).table(RopeLayout.ROTATE_HALF, 0, capacity);
    return new KvCache(manager.newSubManager(), rope, config.numLayers(), table);
  }

  /**
   * Returns how many positions a KV cache can serve with the rotary tables of the full forward.
   *
   * <p>Dynamic NTK and LongRoPE rescale every position's frequencies once the sequence is longer
   * than {@link PositionEncoding#originalLength()}, so keys cached before that would carry stale
   * rotations. transformers keeps them anyway when it decodes with a cache (its outputs then differ
   * from its own uncached forward); here a cache stops at that length instead, and callers
   * recompute beyond it to match {@link #logits(NDArray)}.
   *
   * @return {@link Integer#MAX_VALUE} for encodings that do not depend on the sequence length, else
   *     the encoding's original length
   */
  int cacheablePositions() {
    return rope.dependsOnSequenceLength() ? rope.originalLength() : Integer.MAX_VALUE;
  }

  /**
   * Runs a prompt through the model at positions {@code 0 .. n - 1}, keeping every layer's keys
   * (after rotary encoding, before the grouped-query repeat) and values in the cache.
   *
   * @param cache an empty cache from {@link #newCache} of this model
   * @param tokens the prompt, at least 1 and at most the cache's capacity
   * @return the next-token logits of the last position, {@code vocabSize} of them, as {@link
   *     #logits(NDArray)} gives them for the whole prompt
   * @throws TrainException if the cache is not empty, is closed, belongs to another encoding (the
   *     context was extended since), or the prompt does not fit
   */
  float[] prefill(KvCache cache, int[] tokens) {
    cache.checkUsable(rope);
    if (cache.length() != 0) {
      throw new TrainException("prefill needs an empty cache; it holds " + cache.length());
    }
    if (tokens.length < 1 || tokens.length > cache.capacity()) {
      throw new TrainException(
          "a prompt of " + tokens.length + " tokens for a cache of " + cache.capacity());
    }
    try (NDManager sm = manager.newSubManager()) {
      NDArray in = sm.create(tokens, new Shape(1, tokens.length));
      return forward(in, null, false, cache).toFloatArray();
    }
  }

  /**
   * Appends one token at the next position and returns the logits that follow it, attending to the
   * cached keys and values (the last {@link LlamaConfig#slidingWindow()} of them where the config
   * has a window).
   *
   * @param cache a cache that {@link #prefill} filled, with room for one more position
   * @param token the token at position {@code cache.length()}
   * @return the next-token logits, as the last row of {@link #logits(NDArray)} over the whole
   *     sequence
   * @throws TrainException if the cache is empty, full, closed or belongs to another encoding
   */
  float[] step(KvCache cache, int token) {
    cache.checkUsable(rope);
    int pos = cache.length();
    if (pos == 0 || pos >= cache.capacity()) {
      throw new TrainException(
          "a decoding step at position " + pos + " of a cache of " + cache.capacity());
    }
    int h = config.hiddenSize();
    int nh = config.numHeads();
    int nkv = config.numKvHeads();
    int hd = config.headDim();
    int window = config.slidingWindow();
    // Keys before this position that the query may see: all, or within Mistral's sliding window.
    int from = window > 0 ? Math.max(0, pos - window + 1) : 0;
    try (NDManager sm = manager.newSubManager()) {
      params.values().forEach(p -> visit(p, sm));
      cache.visit(sm);
      int rd = cache.rotaryDim();
      NDArray cos = cache.cos().get(new NDIndex("{}:{}", pos, pos + 1));
      NDArray sin = cache.sin().get(new NDIndex("{}:{}", pos, pos + 1));
      NDArray scale = scalar(sm, (float) (1 / Math.sqrt(hd)));
      NDArray x =
          p("model.embed_tokens.weight")
              .get(new NDIndex("{}:{}", token, token + 1))
              .reshape(1, 1, h);
      NDArray[] keys = new NDArray[config.numLayers()];
      NDArray[] values = new NDArray[config.numLayers()];
      for (int i = 0; i < config.numLayers(); i++) {
        String pre = "model.layers." + i + ".";
        NDArray n = rmsNorm(x, p(pre + "input_layernorm.weight"));
        NDArray q = linear(n, p(pre + "self_attn.q_proj.weight")).reshape(1, nh, 1, hd);
        NDArray k = linear(n, p(pre + "self_attn.k_proj.weight")).reshape(1, nkv, 1, hd);
        NDArray v = linear(n, p(pre + "self_attn.v_proj.weight")).reshape(1, nkv, 1, hd);
        q = rotate(q, cos, sin, rd, hd);
        k = rotate(k, cos, sin, rd, hd);
        keys[i] = cache.keys(i).concat(k, 2);
        values[i] = cache.values(i).concat(v, 2);
        NDArray kw = keys[i];
        NDArray vw = values[i];
        if (from > 0) {
          kw = kw.get(new NDIndex(":, :, {}:, :", from));
          vw = vw.get(new NDIndex(":, :, {}:, :", from));
        }
        // Grouped-query attention without the repeat: query heads j*g .. j*g+g-1 share kv head j,
        // so [1, nh, 1, hd] regrouped as [1, nkv, g, hd] meets each kv head's keys once.
        NDArray scores =
            q.reshape(1, nkv, nh / nkv, hd).matMul(kw.transpose(0, 1, 3, 2)).mul(scale);
        NDArray attn = scores.softmax(-1).matMul(vw).reshape(1, 1, (long) nh * hd);
        x = x.add(linear(attn, p(pre + "self_attn.o_proj.weight")));
        x = mlpBlock(x, pre);
      }
      float[] out = lmHead(x).toFloatArray();
      cache.replace(keys, values, pos + 1);
      return out;
    }
  }

  /**
   * Computes the mean next-token cross-entropy: position {@code i} predicts {@code labels[i]};
   * labels below 0 are ignored (Hugging Face's -100).
   *
   * @param tokens inputs, {@code [batch, seq]}
   * @param labels targets, {@code [batch, seq]}
   * @return a scalar loss
   */
  public NDArray loss(NDArray tokens, NDArray labels) {
    return loss(tokens, labels, null, false);
  }

  /**
   * Computes the mean next-token cross-entropy of packed rows with document-boundary masking (see
   * {@link #logits(NDArray, NDArray, boolean)}).
   *
   * @param tokens inputs, {@code [batch, seq]}
   * @param labels targets, {@code [batch, seq]}
   * @param segments document number per position, or null for plain causal attention
   * @param resetPositions whether rotary positions restart at each document
   * @return a scalar loss
   */
  public NDArray loss(NDArray tokens, NDArray labels, NDArray segments, boolean resetPositions) {
    NDArray logp = logits(tokens, segments, resetPositions).logSoftmax(-1);
    long v = config.vocabSize();
    NDArray flat = logp.reshape(-1, v);
    NDArray lab = labels.toType(DataType.INT64, false).reshape(-1, 1);
    NDArray valid = lab.gte(0);
    NDArray picked = flat.gather(lab.maximum(0), 1);
    NDArray weights = valid.toType(DataType.FLOAT32, false);
    float count = weights.sum().getFloat();
    if (count == 0) {
      throw new TrainException("every label in the batch is ignored (< 0)");
    }
    return picked.mul(weights).sum().neg().div(scalar(tokens.getManager(), count));
  }

  /**
   * Copies an array created from Java memory into memory PyTorch owns. Arrays that autograd saves
   * for the backward pass must not depend on a Java buffer's lifetime.
   */
  static NDArray owned(NDArray fromJava) {
    // DJL's PyTorch engine creates such arrays over a direct ByteBuffer (from_blob), and its
    // Number overloads (x.div(2.0)) close theirs right after the op: autograd may still hold the
    // tensor and read freed memory in backward, giving random NaN gradients. Copies avoid both.
    NDArray copy = fromJava.duplicate();
    fromJava.close();
    return copy;
  }

  /** A scalar in PyTorch-owned memory, safe to use in differentiable operations. */
  static NDArray scalar(NDManager m, float value) {
    return owned(m.create(value));
  }

  private NDArray p(String name) {
    return params.get(name);
  }

  private static NDArray linear(NDArray x, NDArray w) {
    return x.matMul(w.transpose());
  }

  private NDArray rmsNorm(NDArray x, NDArray w) {
    NDArray var = x.square().mean(new int[] {-1}, true);
    return x.div(var.add(scalar(x.getManager(), (float) config.rmsNormEps())).sqrt()).mul(w);
  }

  /** Applies rotate_half rotary encoding to the first {@code rd} lanes of each head. */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin, int rd, int hd) {
    NDArray rot = rd == hd ? x : x.get(new NDIndex("..., :" + rd));
    int half = rd / 2;
    NDArray x1 = rot.get(new NDIndex("..., :" + half));
    NDArray x2 = rot.get(new NDIndex("..., " + half + ":"));
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    NDArray out = rot.mul(cos).add(rotated.mul(sin));
    if (rd == hd) {
      return out;
    }
    return NDArrays.concat(new NDList(out, x.get(new NDIndex("..., " + rd + ":"))), -1);
  }

  /** Position of each token within its document: 0 at each segment change. */
  static int[] positionsWithinDocuments(int[] segments, int rows, int t) {
    int[] pos = new int[rows * t];
    for (int r = 0; r < rows; r++) {
      int start = 0;
      for (int i = 0; i < t; i++) {
        if (i > 0 && segments[r * t + i] != segments[r * t + i - 1]) {
          start = i;
        }
        pos[r * t + i] = i - start;
      }
    }
    return pos;
  }

  /** The table for reset positions up to {@code length}, rebuilt only when the length changes. */
  private RopeTable resetTable(int length) {
    if (length != cachedResetLength) {
      cachedResetTable = rope.frequencies(length).table(RopeLayout.ROTATE_HALF, 0, length);
      cachedResetLength = length;
    }
    return cachedResetTable;
  }

  /** Position i attends to j <= i, and with a sliding window (> 0) only to j > i - window. */
  private static float[] causalMask(int t, int window) {
    float[] mask = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        if (j > i || (window > 0 && j <= i - window)) {
          mask[i * t + j] = Float.NEGATIVE_INFINITY;
        }
      }
    }
    return mask;
  }

  @Override
  public void close() {
    manager.close();
  }
}
