package midtrain.data.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.MixtureSchedule;
import midtrain.sched.Schedules;
import org.junit.jupiter.api.Test;

class PhasedPlanTest {
  static LearningRateSchedule wsd() {
    return Schedules.huggingFace(
        "warmup_stable_decay",
        Map.of("num_warmup_steps", 10, "num_decay_steps", 30, "num_training_steps", 100),
        3e-4);
  }

  static MixtureSchedule mixture() {
    return MixtureSchedule.builder(wsd())
        .fromStep(0, Map.of("web", 3.0, "code", 1.0))
        .phase("decay", Map.of("hq", 1.0, "code", 1.0))
        .build();
  }

  @Test
  void phaseBoundaryIsTheStepWhereDecayStarts() {
    PhasedPlan plan =
        PhasedPlan.builder(Mixers.create("ratio", Map.of()), mixture())
            .tokensPerStep(1000)
            .steps(100)
            .available("web", 1_000_000)
            .available("code", 1_000_000)
            .available("hq", 1_000_000)
            .build();
    assertEquals(2, plan.phases().size());
    PhasedPlan.Phase a = plan.phases().get(0);
    PhasedPlan.Phase b = plan.phases().get(1);
    assertEquals(0, a.startStep());
    assertEquals(70, a.endStep());
    assertEquals("decay", b.name());
    assertEquals(70, b.startStep());
    assertEquals(100, b.endStep());
    // 70 steps * 1000 tokens split 3:1; then 30 steps * 1000 split 1:1 (hq has weight 0 before).
    assertEquals(Map.of("code", 17_500L, "hq", 0L, "web", 52_500L), a.plan().tokens());
    assertEquals(Map.of("code", 15_000L, "hq", 15_000L, "web", 0L), b.plan().tokens());
    assertEquals(100_000, plan.totalTokens());
    assertEquals(Map.of("code", 32_500L, "hq", 15_000L, "web", 52_500L), plan.tokensBySource());
  }

  @Test
  void capsHoldOverTheWholeRun() {
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                PhasedPlan.builder(Mixers.create("ratio", Map.of()), mixture())
                    .tokensPerStep(1000)
                    .steps(100)
                    .available("web", 1_000_000)
                    .available("code", 10_000)
                    .available("hq", 1_000_000)
                    .maxEpochs("code", 3)
                    .build());
    // Each phase alone fits in 30000, together they need 32500.
    assertTrue(e.getMessage().contains("source 'code' is short by 2500 tokens"), e.getMessage());
  }

  @Test
  void tokensPastALongAreRefusedNamingThePhase() {
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                PhasedPlan.builder(
                        Mixers.create("ratio", Map.of()),
                        MixtureSchedule.builder(
                                Schedules.huggingFace(
                                    "warmup_stable_decay",
                                    Map.of(
                                        "num_warmup_steps", 10,
                                        "num_decay_steps", 30,
                                        "num_training_steps", 1L << 40),
                                    3e-4))
                            .fromStep(0, Map.of("web", 3.0, "code", 1.0))
                            .phase("decay", Map.of("hq", 1.0, "code", 1.0))
                            .build())
                    .tokensPerStep(1L << 30)
                    .steps(1L << 40)
                    .available("web", Long.MAX_VALUE / 4)
                    .available("code", Long.MAX_VALUE / 4)
                    .available("hq", Long.MAX_VALUE / 4)
                    .build());
    assertTrue(e.getMessage().contains("more than 2^63 tokens"), e.getMessage());
  }

  @Test
  void phasesThatFitAloneButNotTogetherAreRefused() {
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                PhasedPlan.builder(
                        Mixers.create("ratio", Map.of()),
                        MixtureSchedule.builder(
                                Schedules.huggingFace(
                                    "warmup_stable_decay",
                                    Map.of(
                                        "num_warmup_steps", 10,
                                        "num_decay_steps", 1L << 31,
                                        "num_training_steps", 1L << 32),
                                    3e-4))
                            .fromStep(0, Map.of("web", 3.0, "code", 1.0))
                            .phase("decay", Map.of("hq", 1.0, "code", 1.0))
                            .build())
                    .tokensPerStep(1L << 31)
                    .steps(1L << 32)
                    .available("web", Long.MAX_VALUE / 2)
                    .available("code", Long.MAX_VALUE / 2)
                    .available("hq", Long.MAX_VALUE / 2)
                    .build());
    assertTrue(e.getMessage().contains("more than 2^63 tokens in all"), e.getMessage());
  }

  @Test
  void reportRendersPlanAndRealised() throws Exception {
    MixtureReport r =
        new MixtureReport(
            List.of(
                new RealisedMixture(
                    "stable",
                    0,
                    70,
                    Map.of("web", 750L, "code", 250L),
                    Map.of("web", 700L, "code", 300L))));
    String table = r.table();
    assertTrue(table.contains("realised"), table);
    assertTrue(
        table.contains("75.00%") && table.contains("70.00%") && table.contains("-5.00%"), table);
    JsonNode j = new ObjectMapper().readTree(r.toJson());
    assertEquals(300, j.at("/phases/0/realised/code").asLong());
    assertEquals(1000, j.at("/phases/0/planned_total").asLong());
    assertEquals(70, j.at("/phases/0/end_step").asLong());
  }
}
