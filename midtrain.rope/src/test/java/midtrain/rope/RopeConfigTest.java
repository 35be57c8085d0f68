package midtrain.rope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Reading config.json the way transformers does, and rejecting what it cannot mean. */
class RopeConfigTest {

  private static Map<String, Object> llama() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("hidden_size", 4096);
    c.put("num_attention_heads", 32);
    c.put("max_position_embeddings", 131072);
    c.put("rope_theta", 500000.0);
    return c;
  }

  private static String error(Map<String, Object> config) {
    return assertThrows(RopeException.class, () -> PositionEncodings.fromModelConfig(config))
        .getMessage();
  }

  @Test
  void headDimFallsBackToHiddenSizeOverHeads() {
    RopeConfig c = RopeConfig.fromModelConfig(llama());
    assertEquals(128, c.headDim());
    assertEquals(128, c.rotaryDim());
    assertEquals("default", c.ropeType());
    assertEquals(OptionalInt.of(131072), c.originalContextLength());
    Map<String, Object> withHeadDim = llama();
    withHeadDim.put("head_dim", 256); // Gemma: head_dim need not be hidden_size / heads
    assertEquals(256, RopeConfig.fromModelConfig(withHeadDim).headDim());
  }

  @Test
  void llama31ConfigGivesTheLlama3Encoding() {
    Map<String, Object> c = llama();
    c.put(
        "rope_scaling",
        Map.of(
            "factor", 8.0,
            "low_freq_factor", 1.0,
            "high_freq_factor", 4.0,
            "original_max_position_embeddings", 8192,
            "rope_type", "llama3"));
    PositionEncoding e = PositionEncodings.fromModelConfig(c);
    assertEquals("llama3", e.ropeType());
    assertEquals(OptionalInt.of(8192), e.config().originalMaxPositionEmbeddings());
    assertEquals(OptionalInt.of(8192), e.config().originalContextLength());
    double[] base = e.config().unscaledInvFreq();
    double[] inv = e.invFreq();
    // High frequencies are untouched, the lowest are divided by the factor.
    assertEquals(base[0], inv[0]);
    assertEquals(base[63] / 8, inv[63], 1e-25);
  }

  @Test
  void partialRotaryFactorTruncatesLikePythonInt() {
    Map<String, Object> c = llama();
    c.put("head_dim", 80);
    c.put("partial_rotary_factor", 0.4); // 80 * 0.4 = 32.00000000000001
    RopeConfig r = RopeConfig.fromModelConfig(c);
    assertEquals(32, r.rotaryDim());
    assertEquals(16, PositionEncodings.create(r).invFreq().length);
  }

  @Test
  void yarnFactorIsDerivedFromTheContextLengthsWhenAbsent() {
    Map<String, Object> c = llama();
    c.put("max_position_embeddings", 163840);
    c.put("rope_theta", 10000.0);
    c.put("head_dim", 64);
    Map<String, Object> scaling = new HashMap<>();
    scaling.put("type", "yarn");
    scaling.put("original_max_position_embeddings", 4096);
    c.put("rope_scaling", scaling);
    PositionEncoding derived = PositionEncodings.fromModelConfig(c);
    scaling.put("factor", 40.0);
    PositionEncoding explicit = PositionEncodings.fromModelConfig(c);
    assertArrayEquals(explicit.invFreq(), derived.invFreq());
    assertEquals(RopeTemperature.yarnAttentionFactor(40), derived.attentionFactor(), 1e-15);
  }

  @Test
  void yarnExplicitFactorWinsOverTheRatioAsInTransformers() {
    // Qwen2.5 ships factor 4 with max_position_embeddings equal to the original length.
    Map<String, Object> c = llama();
    c.put("max_position_embeddings", 32768);
    c.put("rope_theta", 1000000.0);
    c.put(
        "rope_scaling",
        Map.of("factor", 4.0, "original_max_position_embeddings", 32768, "type", "yarn"));
    PositionEncoding e = PositionEncodings.fromModelConfig(c);
    assertEquals(0.1 * Math.log(4) + 1, e.attentionFactor(), 1e-15);
  }

  @Test
  void yarnTruncateFalseKeepsFractionalCorrectionRange() {
    Map<String, Object> c = llama();
    c.put("rope_theta", 10000.0);
    Map<String, Object> s = new HashMap<>();
    s.put("rope_type", "yarn");
    s.put("factor", 4.0);
    s.put("original_max_position_embeddings", 4096);
    c.put("rope_scaling", s);
    double[] truncated = PositionEncodings.fromModelConfig(c).invFreq();
    s.put("truncate", false);
    double[] exact = PositionEncodings.fromModelConfig(c).invFreq();
    // low = 20.93..., high = 45.03...: with truncation the ramp starts at 20 and ends at 46.
    double low = 128 * Math.log(4096 / (32 * 2 * Math.PI)) / (2 * Math.log(10000));
    double high = 128 * Math.log(4096 / (1 * 2 * Math.PI)) / (2 * Math.log(10000));
    double[] base = RopeConfig.fromModelConfig(c).unscaledInvFreq();
    for (int k = 0; k < 64; k++) {
      double ramp = Math.min(1, Math.max(0, (k - low) / (high - low)));
      double expected = base[k] / 4 * ramp + base[k] * (1 - ramp);
      assertEquals(expected, exact[k], 1e-15 * base[k], "k=" + k);
    }
    for (int k = 0; k < 64; k++) {
      double ramp = Math.min(1, Math.max(0, (k - 20) / 26.0));
      double expected = base[k] / 4 * ramp + base[k] * (1 - ramp);
      assertEquals(expected, truncated[k], 1e-15 * base[k], "truncated k=" + k);
    }
    assertTrue(exact[30] != truncated[30], "truncate must change the ramp");
  }

  @Test
  void yarnExplicitAttentionFactorAndMscaleRules() {
    Map<String, Object> c = llama();
    Map<String, Object> s = new HashMap<>();
    s.put("rope_type", "yarn");
    s.put("factor", 16.0);
    s.put("original_max_position_embeddings", 8192);
    c.put("rope_scaling", s);
    s.put("mscale", 0.707);
    // Only mscale set: transformers falls back to get_mscale(factor) with mscale 1.
    assertEquals(
        0.1 * Math.log(16) + 1, PositionEncodings.fromModelConfig(c).attentionFactor(), 1e-15);
    s.put("mscale_all_dim", 0.707);
    assertEquals(1.0, PositionEncodings.fromModelConfig(c).attentionFactor(), 1e-15);
    s.put("attention_factor", 1.25);
    assertEquals(1.25, PositionEncodings.fromModelConfig(c).attentionFactor());
  }

  @Test
  void ropeParametersMayBeKeyedByLayerType() {
    Map<String, Object> c = llama();
    c.remove("rope_theta");
    c.put(
        "rope_parameters",
        Map.of(
            "full_attention",
            Map.of("rope_type", "linear", "factor", 8.0, "rope_theta", 1000000.0),
            "sliding_attention",
            Map.of("rope_type", "default", "rope_theta", 10000.0)));
    String msg =
        assertThrows(RopeException.class, () -> RopeConfig.fromModelConfig(c)).getMessage();
    assertTrue(msg.contains("keyed by layer type"), msg);
    assertTrue(msg.contains("fromModelConfig(config, layerType)"), "names the way out: " + msg);
    RopeConfig full = RopeConfig.fromModelConfig(c, "full_attention");
    assertEquals("linear", full.ropeType());
    assertEquals(1000000.0, full.ropeTheta());
    assertEquals("rope_parameters.full_attention", full.source());
    assertEquals(10000.0, RopeConfig.fromModelConfig(c, "sliding_attention").ropeTheta());
    msg =
        assertThrows(RopeException.class, () -> RopeConfig.fromModelConfig(c, "global"))
            .getMessage();
    assertTrue(msg.contains("rope_parameters.global"), msg);
  }

  @Test
  void unknownRopeTypeIsAnErrorNamingTheKey() {
    Map<String, Object> c = llama();
    c.put("rope_scaling", Map.of("rope_type", "su", "factor", 2.0));
    String msg = error(c);
    assertTrue(msg.startsWith("rope_scaling.rope_type 'su' is not a known rope type"), msg);
    assertTrue(msg.contains("yarn"), msg);
  }

  @Test
  void missingKeysAreErrorsNamingTheKey() {
    Map<String, Object> c = llama();
    c.put("rope_scaling", Map.of("rope_type", "linear"));
    assertEquals("rope_scaling.factor is required for rope_type 'linear'", error(c));

    c.put("rope_scaling", Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0));
    assertTrue(error(c).startsWith("rope_scaling.high_freq_factor is required"), error(c));

    Map<String, Object> noTheta = llama();
    noTheta.remove("rope_theta");
    assertTrue(error(noTheta).startsWith("rope_theta is missing"), error(noTheta));

    Map<String, Object> noDims = llama();
    noDims.remove("num_attention_heads");
    assertTrue(error(noDims).contains("num_attention_heads"), error(noDims));

    Map<String, Object> dyn = llama();
    dyn.remove("max_position_embeddings");
    dyn.put("rope_scaling", Map.of("type", "dynamic", "factor", 2.0));
    assertTrue(error(dyn).startsWith("max_position_embeddings is required"), error(dyn));

    Map<String, Object> yarn = llama();
    yarn.remove("max_position_embeddings");
    yarn.put("rope_scaling", Map.of("type", "yarn", "factor", 2.0));
    assertTrue(
        error(yarn).startsWith("rope_scaling.original_max_position_embeddings is required"),
        error(yarn));

    Map<String, Object> noType = llama();
    noType.put("rope_scaling", Map.of("factor", 2.0));
    assertTrue(error(noType).startsWith("rope_scaling.rope_type is missing"), error(noType));
  }

  @Test
  void contradictoryKeysAreErrorsNamingThem() {
    Map<String, Object> c = llama();
    c.put("rope_scaling", Map.of("rope_type", "linear", "type", "dynamic", "factor", 2.0));
    assertTrue(error(c).contains("rope_scaling.rope_type"), error(c));
    assertTrue(error(c).contains("rope_scaling.type"), error(c));

    c.put("rope_scaling", Map.of("rope_type", "default", "rope_theta", 10000.0));
    assertTrue(
        error(c).startsWith("rope_theta is 500000.0 at the top level but 10000.0"), error(c));

    c.put(
        "rope_scaling",
        Map.of(
            "rope_type",
            "longrope",
            "original_max_position_embeddings",
            4096,
            "short_factor",
            List.of(1.0),
            "long_factor",
            List.of(1.0)));
    c.put("original_max_position_embeddings", 8192);
    assertTrue(error(c).startsWith("original_max_position_embeddings is 8192.0"), error(c));

    Map<String, Object> both = llama();
    both.put("rope_scaling", Map.of("rope_type", "linear", "factor", 2.0));
    both.put("rope_parameters", Map.of("rope_type", "linear", "factor", 4.0));
    assertTrue(error(both).contains("rope_scaling and rope_parameters"), error(both));
    both.put("rope_parameters", Map.of("rope_type", "linear", "factor", 2.0));
    assertEquals("linear", PositionEncodings.fromModelConfig(both).ropeType());

    Map<String, Object> bands = llama();
    bands.put(
        "rope_scaling",
        Map.of(
            "rope_type", "llama3",
            "factor", 8.0,
            "low_freq_factor", 4.0,
            "high_freq_factor", 4.0,
            "original_max_position_embeddings", 8192));
    assertTrue(error(bands).startsWith("rope_scaling.high_freq_factor"), error(bands));
  }

  @Test
  void malformedValuesAreErrorsNamingTheKey() {
    Map<String, Object> c = llama();
    c.put("rope_scaling", Map.of("rope_type", "linear", "factor", "four"));
    assertEquals("rope_scaling.factor must be a number, got the string \"four\"", error(c));
    Map<String, Object> quoted = llama();
    quoted.put("hidden_size", "64");
    assertEquals("hidden_size must be a finite number, got the string \"64\"", error(quoted));
    c.put("rope_scaling", Map.of("rope_type", "linear", "factor", -2.0));
    assertEquals("rope_scaling.factor must be > 0, got -2.0", error(c));
    c.put("rope_scaling", Map.of("rope_type", "linear", "factor", 2.0, "beta_fast", 32));
    assertTrue(error(c).startsWith("rope_scaling.beta_fast is not a parameter of rope_type"));
    c.put(
        "rope_scaling",
        Map.of(
            "rope_type",
            "longrope",
            "original_max_position_embeddings",
            4096,
            "short_factor",
            List.of(1.0, 1.0),
            "long_factor",
            List.of(1.0, 1.0)));
    assertEquals(
        "rope_scaling.short_factor must have rotary_dim / 2 = 64 entries, got 2", error(c));
    Map<String, Object> odd = llama();
    odd.put("head_dim", 127);
    assertTrue(error(odd).contains("must be even"), error(odd));
    Map<String, Object> frac = llama();
    frac.put("max_position_embeddings", 4096.5);
    assertTrue(error(frac).startsWith("max_position_embeddings must be a whole number"));
  }

  @Test
  void builderMatchesParsedConfigAndRejectsCommonKeysAsParameters() {
    RopeConfig built =
        RopeConfig.builder()
            .ropeType("linear")
            .ropeTheta(500000.0)
            .headDim(128)
            .maxPositionEmbeddings(131072)
            .parameter("factor", 8.0)
            .source("rope_scaling")
            .build();
    Map<String, Object> c = llama();
    c.put("rope_scaling", Map.of("rope_type", "linear", "factor", 8.0));
    assertEquals(RopeConfig.fromModelConfig(c), built);
    assertEquals(built, built.toBuilder().build());
    assertThrows(
        RopeException.class,
        () -> RopeConfig.builder().parameter("rope_theta", 1.0).ropeTheta(1).headDim(2).build());
    assertThrows(RopeException.class, () -> RopeConfig.builder().headDim(64).build());
  }
}
