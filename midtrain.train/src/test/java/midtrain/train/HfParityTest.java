package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Logits against Hugging Face transformers' LlamaForCausalLM / MistralForCausalLM, as computed by
 * an independent PyTorch reference written from transformers' modeling code ({@code
 * midtrain.bench/scripts/hf_llama_ref.py}, float64). The expected values are hard-coded so this
 * runs without Python; {@code midtrain.bench/scripts/hf_logits_check.sh} runs the full comparison
 * (both directions, every rope type, F16/BF16, shards) where torch is installed.
 *
 * <p>To regenerate a table: write the config below to {@code config.json}, then
 *
 * <pre>
 * ./midtrain init-model --config config.json --out model --seed 7 --std 0.5
 * /usr/bin/python3 midtrain.bench/scripts/hf_llama_ref.py model 3,1,4,1,5,9,2,6
 * </pre>
 *
 * (init-model writes {@code HfCheckpoint.randomWeights(config, 7, 0.5)}, the weights used here).
 */
class HfParityTest {
  static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2, 6};

  static Map<String, Object> tiny(String type) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("model_type", type);
    c.put("vocab_size", 10);
    c.put("hidden_size", 8);
    c.put("intermediate_size", 12);
    c.put("num_hidden_layers", 2);
    c.put("num_attention_heads", 2);
    c.put("num_key_value_heads", 1);
    return c;
  }

  /** Mistral with a sliding window of 3 (positions 3 and later lose their oldest keys). */
  static Map<String, Object> mistralWindow3() {
    Map<String, Object> c = tiny("mistral");
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 32);
    c.put("sliding_window", 3);
    c.put("tie_word_embeddings", false);
    return c;
  }

  // hf_llama_ref.py on the mistralWindow3 model, tokens 3,1,4,1,5,9,2,6.
  static final double[][] MISTRAL_WINDOW_3 = {
    {
      -0.7128789019832205,
      1.3677849697395914,
      1.0835960340533743,
      0.847353910486281,
      1.5204385858828415,
      1.6879109823501972,
      -1.3545451122858299,
      0.5234788993035487,
      -0.24817769824216263,
      -0.26215220430696173
    },
    {
      -0.7965570587290226,
      -0.3707059017514931,
      0.6936204589850096,
      0.8370738262298688,
      1.8950934154216486,
      0.11088238059195976,
      -1.090424159846624,
      0.46320261879854385,
      -0.4943641983228867,
      0.21855663441225198
    },
    {
      -1.9035950478069639,
      1.9628751838780967,
      1.9161651055257263,
      2.284574889833455,
      1.05545656195929,
      -0.09099807309958496,
      -0.09163598617235408,
      -0.8310683635038443,
      -0.43597584526294686,
      -0.9263861764655138
    },
    {
      -2.626702369506463,
      1.807562084430112,
      1.2997439742866341,
      1.2291847127882427,
      0.7748219456286091,
      -0.585597971156276,
      -0.059750688129345954,
      -0.5711850813636116,
      -0.8128911127010209,
      -1.663544558461724
    },
    {
      0.5905560078888071,
      0.879310124101773,
      0.3285578537808643,
      1.702029015234646,
      1.7079289389186827,
      1.5910482200100768,
      -0.7926601044290218,
      0.19905623356431446,
      0.825760589697903,
      -0.06258159440583719
    },
    {
      -0.030127134558784366,
      1.0910208264564234,
      -0.13379319553357452,
      1.0120404446118498,
      -0.4572404085420543,
      1.8192364956255385,
      -0.46291227674443636,
      0.7238758398591728,
      2.0514023615925168,
      0.7406008087530427
    },
    {
      0.06450004503010376,
      -1.6879654828894808,
      -1.133809898562767,
      1.066901616610672,
      0.458363367114274,
      -1.418873065264483,
      1.0028964550501838,
      -0.39652678995717794,
      1.3084310744936032,
      -1.251013046749296
    },
    {
      0.1168182544175038,
      0.2683616007282333,
      1.6736172919613255,
      2.77912073288664,
      2.0779765096178284,
      0.014326144367836233,
      -0.1566755094328876,
      -0.8207237817715495,
      -0.5783325363378711,
      0.12995717200566437
    },
  };

  /** Llama with YaRN x4 past its original length, GQA, tied embeddings and head_dim 6 != 8 / 2. */
  static Map<String, Object> llamaYarn() {
    Map<String, Object> c = tiny("llama");
    c.put("head_dim", 6);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 100.0);
    c.put("max_position_embeddings", 16);
    c.put(
        "rope_scaling",
        Map.of("rope_type", "yarn", "factor", 4.0, "original_max_position_embeddings", 4));
    c.put("tie_word_embeddings", true);
    return c;
  }

  // hf_llama_ref.py on the llamaYarn model, tokens 3,1,4,1,5,9,2,6.
  static final double[][] LLAMA_YARN = {
    {
      0.11222654784089214,
      1.3088374304191641,
      1.5957820947984225,
      3.38412724536166,
      0.9328227067967381,
      -0.052289439620205935,
      -2.5895606366371338,
      1.1784960519622005,
      -0.2435105659358574,
      -0.5837811810636551
    },
    {
      1.6988984407357326,
      2.2230476553618437,
      -0.6415598546758189,
      1.140819021488227,
      0.6274280192241796,
      0.9410127493959076,
      -2.0204056043245884,
      0.54099567440263,
      2.335389085657307,
      -0.5498183765802718
    },
    {
      0.12979657877832035,
      1.7689611672704917,
      -1.538417009480749,
      0.290379440067906,
      0.6247541083920346,
      1.811086971002976,
      -0.5031823200015728,
      -1.3636688385915023,
      3.5739818939885715,
      -2.2526305492439436
    },
    {
      1.0317644767029248,
      2.768825266174195,
      0.7258807405356099,
      1.1444438342032361,
      1.2413923975254808,
      -0.5442986868113917,
      -2.4128289444804785,
      1.8491339891862626,
      -0.01233089771397955,
      0.5884943315294319
    },
    {
      -0.783045944453485,
      1.3032037818478384,
      -0.7588395804104797,
      1.0963488707395626,
      -0.1236602531052772,
      2.02095610785219,
      0.0101908325426745,
      -2.5123967300259875,
      2.199254697524733,
      -2.434683721433725
    },
    {
      -0.37471376363289877,
      -0.1676236784399462,
      0.32675681694043845,
      0.4042839111421384,
      -0.7550890867605318,
      0.9434667337678426,
      2.0095014294011264,
      -3.4221304686417753,
      -0.6737139752471364,
      0.1207526160083422
    },
    {
      0.10216153389192262,
      -0.369209623850511,
      1.8381750109818733,
      0.6018687926409667,
      1.1852442331038462,
      -2.038647281996365,
      -1.539497489340034,
      2.7912120906574596,
      -2.9160839213033523,
      1.9064793228304566
    },
    {
      -0.8198360719540575,
      0.8356908505171816,
      2.222056467113623,
      1.055836069023769,
      0.5020892978532638,
      -2.5883087773468754,
      -0.10972688326811675,
      1.6211638780386972,
      -2.3000407962654537,
      0.6321499343294682
    },
  };

  static float[] logits(Map<String, Object> raw) {
    LlamaConfig cfg = LlamaConfig.fromMap(raw);
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model = LlamaModel.of(cfg, HfCheckpoint.randomWeights(cfg, 7, 0.5), base);
        NDManager step = base.newSubManager()) {
      return model.logits(step.create(TOKENS, new Shape(1, TOKENS.length))).toFloatArray();
    }
  }

  static void assertMatches(double[][] expected, float[] got) {
    int v = expected[0].length;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < v; j++) {
        // float32 against float64: the differences seen are below 3e-6.
        assertEquals(expected[i][j], got[i * v + j], 2e-5, "position " + i + ", token " + j);
      }
    }
  }

  @Test
  void llamaMatchesTransformers() {
    assertMatches(LLAMA_YARN, logits(llamaYarn()));
  }

  @Test
  void mistralAttendsWithinItsSlidingWindowAsTransformersDoes() {
    assertMatches(MISTRAL_WINDOW_3, logits(mistralWindow3()));
  }

  @Test
  void slidingWindowFollowsMistralConfig() {
    assertEquals(3, LlamaConfig.fromMap(mistralWindow3()).slidingWindow());
    Map<String, Object> absent = mistralWindow3();
    absent.remove("sliding_window");
    assertEquals(4096, LlamaConfig.fromMap(absent).slidingWindow(), "MistralConfig's default");
    Map<String, Object> off = mistralWindow3();
    off.put("sliding_window", null);
    assertEquals(0, LlamaConfig.fromMap(off).slidingWindow());
    Map<String, Object> llama = mistralWindow3();
    llama.put("model_type", "llama");
    assertEquals(0, LlamaConfig.fromMap(llama).slidingWindow(), "LlamaForCausalLM has none");
    Map<String, Object> bad = mistralWindow3();
    bad.put("sliding_window", 0);
    TrainException e = assertThrows(TrainException.class, () -> LlamaConfig.fromMap(bad));
    assertTrue(e.getMessage().contains("sliding_window"), e.getMessage());
  }

  @Test
  void onlyTheSiluActivationIsAccepted() {
    for (String ok : new String[] {"silu", "swish"}) {
      Map<String, Object> c = new HashMap<>(llamaYarn());
      c.put("hidden_act", ok);
      assertEquals(6, LlamaConfig.fromMap(c).headDim());
    }
    // transformers would compute GELU here; SiLU would give other logits from the same weights.
    Map<String, Object> gelu = new HashMap<>(llamaYarn());
    gelu.put("hidden_act", "gelu");
    TrainException e = assertThrows(TrainException.class, () -> LlamaConfig.fromMap(gelu));
    assertTrue(e.getMessage().contains("hidden_act \"gelu\""), e.getMessage());
  }
}
