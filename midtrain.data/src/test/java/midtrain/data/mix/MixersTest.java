package midtrain.data.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import midtrain.data.DataException;
import midtrain.data.spi.MixerProvider;
import org.junit.jupiter.api.Test;

/** Mixer discovery, the built-in mixers, rounding, repetition caps and shortfall errors. */
class MixersTest {
  @Test
  void builtInsAreDiscoveredByStableIds() {
    assertTrue(Mixers.providers().keySet().containsAll(List.of("ratio", "temperature")));
    DataException e = assertThrows(DataException.class, () -> Mixers.create("nope", Map.of()));
    assertTrue(e.getMessage().contains("ratio"), e.getMessage());
    e = assertThrows(DataException.class, () -> Mixers.create("ratio", Map.of("temperature", 2.0)));
    assertTrue(e.getMessage().contains("temperature"), e.getMessage());
  }

  @Test
  void duplicateIdsFailNamingBothClasses() {
    MixerProvider a = Mixers.providers().get("ratio");
    MixerProvider b =
        new MixerProvider() {
          @Override
          public String id() {
            return "ratio";
          }

          @Override
          public Mixer create(Map<String, Double> params) {
            return a.create(params);
          }
        };
    DataException e = assertThrows(DataException.class, () -> Mixers.index(List.of(a, b)));
    assertTrue(e.getMessage().contains(a.getClass().getName()), e.getMessage());
    assertTrue(e.getMessage().contains(b.getClass().getName()), e.getMessage());
    assertTrue(e.getMessage().endsWith("; remove one or give it another id"), e.getMessage());
  }

  @Test
  void ratioPlanSumsExactlyAndFollowsTheWeights() {
    Random r = new Random(4);
    for (int trial = 0; trial < 200; trial++) {
      Map<String, Double> w =
          Map.of("a", r.nextDouble(), "b", r.nextDouble() + 0.01, "c", r.nextDouble());
      long total = 1 + r.nextInt(1_000_000);
      MixturePlan p =
          MixturePlan.builder(Mixers.create("ratio", Map.of()))
              .weights(w)
              .available("a", total)
              .available("b", total)
              .available("c", total)
              .totalTokens(total)
              .build();
      assertEquals(total, p.tokens().values().stream().mapToLong(Long::longValue).sum());
      double sum = w.values().stream().mapToDouble(Double::doubleValue).sum();
      for (String k : w.keySet()) {
        assertEquals(total * w.get(k) / sum, p.tokens().get(k), 1.0, k);
        assertEquals(p.tokens().get(k) / (double) total, p.epochs().get(k), 1e-12);
      }
    }
  }

  @Test
  void temperatureFlattensTowardsUniform() {
    Map<String, Double> w = Map.of("big", 1.0, "small", 1.0);
    Map<String, Long> n = Map.of("big", 900L, "small", 100L);
    Map<String, Double> t1 = Mixers.create("temperature", Map.of()).proportions(w, n);
    assertEquals(0.9, t1.get("big"), 1e-12);
    Map<String, Double> t2 =
        Mixers.create("temperature", Map.of("temperature", 2.0)).proportions(w, n);
    assertEquals(30.0 / 40.0, t2.get("big"), 1e-12); // sqrt(900) : sqrt(100) = 30 : 10
    assertThrows(
        DataException.class, () -> Mixers.create("temperature", Map.of("temperature", 0.0)));
  }

  @Test
  void aShortSourceIsNamedWithItsShortfall() {
    MixturePlan.Builder b =
        MixturePlan.builder(Mixers.create("ratio", Map.of()))
            .weights(Map.of("web", 1.0, "code", 1.0))
            .available("web", 10_000)
            .available("code", 1_000)
            .maxEpochs("code", 2)
            .totalTokens(8_000);
    DataException e = assertThrows(DataException.class, b::build);
    assertTrue(e.getMessage().contains("'code' is short by 2000 tokens"), e.getMessage());
    assertTrue(!e.getMessage().contains("'web'"), e.getMessage());
    MixturePlan ok = b.maxEpochs("code", 4).build();
    assertEquals(4.0, ok.epochs().get("code"), 1e-12);
    assertThrows(
        DataException.class,
        () ->
            MixturePlan.builder(Mixers.create("ratio", Map.of()))
                .weights(Map.of("a", 0.0))
                .totalTokens(1)
                .build());
    assertThrows(
        DataException.class,
        () -> MixturePlan.builder(Mixers.create("ratio", Map.of())).weights(Map.of("a", -1.0)));
  }

  @Test
  void aFloorKeepsGeneralDataAtItsShare() {
    Mixer ratio = Mixers.create("ratio", Map.of());
    Mixer guarded = Mixers.withFloor(ratio, java.util.Set.of("web", "books"), 0.5);
    Map<String, Long> have = Map.of("web", 100L, "books", 100L, "math", 100L, "code", 100L);
    // Ratio weights give general data 0.1 + 0.1 = 0.2; the floor lifts it to 0.5.
    Map<String, Double> p =
        guarded.proportions(Map.of("web", 0.1, "books", 0.1, "math", 0.4, "code", 0.4), have);
    org.junit.jupiter.api.Assertions.assertEquals(0.25, p.get("web"), 1e-12);
    org.junit.jupiter.api.Assertions.assertEquals(0.25, p.get("books"), 1e-12);
    org.junit.jupiter.api.Assertions.assertEquals(0.25, p.get("math"), 1e-12);
    org.junit.jupiter.api.Assertions.assertEquals(0.25, p.get("code"), 1e-12);
    // Already above the floor: unchanged.
    Map<String, Double> w = Map.of("web", 0.6, "books", 0.1, "math", 0.3, "code", 0.0);
    org.junit.jupiter.api.Assertions.assertEquals(
        ratio.proportions(w, have), guarded.proportions(w, have));
    org.junit.jupiter.api.Assertions.assertThrows(
        midtrain.data.DataException.class, () -> guarded.proportions(Map.of("math", 1.0), have));
    org.junit.jupiter.api.Assertions.assertThrows(
        midtrain.data.DataException.class,
        () -> Mixers.withFloor(ratio, java.util.Set.of("web"), 1.5));
  }
}
