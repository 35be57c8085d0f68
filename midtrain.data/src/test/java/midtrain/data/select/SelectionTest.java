package midtrain.data.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import midtrain.data.DataException;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class SelectionTest {
  static final String Q = DocumentBatch.scoreColumn("q", "score");
  static final String P = DocumentBatch.scoreColumn("gopher", "pass");

  static VectorSchemaRoot batch(RootAllocator a) {
    VectorSchemaRoot root = VectorSchemaRoot.create(DocumentBatch.schema(List.of(Q, P)), a);
    float[] q = {0.9f, 0.2f, Float.NaN, 0.5f};
    float[] p = {1, 1, 1, 0};
    String[] domain = {"web", "math", "web", ""};
    for (int i = 0; i < q.length; i++) {
      DocumentBatch.append(root, new Document("d" + i, "t", "", domain[i], "", ""));
      ((Float4Vector) root.getVector(Q)).setSafe(i, q[i]);
      ((Float4Vector) root.getVector(P)).setSafe(i, p[i]);
    }
    return root;
  }

  static boolean[] eval(String expr) {
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = batch(a)) {
      boolean[] keep = new boolean[4];
      Selection.parse(expr).test(root, keep);
      return keep;
    }
  }

  @Test
  void comparisonsBooleansAndParentheses() {
    assertArrayEquals(new boolean[] {true, false, false, true}, eval("q.score >= 0.5"));
    assertArrayEquals(new boolean[] {true, false, false, false}, eval("q.score>0.5"));
    assertArrayEquals(
        new boolean[] {true, false, false, false}, eval("q.score > 0.3 and gopher.pass == 1"));
    assertArrayEquals(
        new boolean[] {true, true, false, true}, eval("score.q.score > 0.3 or domain == math"));
    assertArrayEquals(
        new boolean[] {false, true, true, true}, eval("not (q.score > 0.6 and domain == 'web')"));
    assertArrayEquals(
        new boolean[] {true, false, true, false},
        eval("domain == web AND (gopher.pass == 1 OR q.score < 0)"));
    assertArrayEquals(new boolean[] {true, true, true, false}, eval("domain != \"\""));
  }

  @Test
  void nanNeverPassesNotEvenNotEqual() {
    assertArrayEquals(new boolean[] {true, true, false, true}, eval("q.score != 7"));
  }

  @Test
  void errorsNameThePositionOrTheColumn() {
    DataException e = assertThrows(DataException.class, () -> Selection.parse("q.score >> 1"));
    assertTrue(e.getMessage().contains("position"), e.getMessage());
    assertThrows(DataException.class, () -> Selection.parse("(q.score > 1"));
    assertThrows(DataException.class, () -> Selection.parse("q.score > high"));
    assertThrows(DataException.class, () -> Selection.parse("domain > web"));
    e = assertThrows(DataException.class, () -> eval("missing.x > 1"));
    assertTrue(e.getMessage().contains("score.missing.x"), e.getMessage());
    assertEquals(List.of(Q, "domain"), Selection.parse("q.score > 1 or domain == x").columns());
    try (RootAllocator a = new RootAllocator();
        VectorSchemaRoot root = batch(a)) {
      e =
          assertThrows(
              DataException.class, () -> Selection.parse("q.score > 1").test(root, new boolean[1]));
      assertTrue(e.getMessage().contains("1 slots for a batch of 4 rows"), e.getMessage());
    }
  }

  @Test
  void quantileThresholdKeepsTheFraction() {
    Quantile top = new Quantile("q.score", 0.25, true);
    float[] s = {5, 1, 4, 2, 3, 8, 7, 6};
    assertEquals(7, top.threshold(s.clone(), 8));
    Quantile bottom = new Quantile("q.score", 0.5, false);
    assertEquals(4, bottom.threshold(s.clone(), 8));
    // NaN counts in the population but never passes.
    float[] n = {Float.NaN, 1, 2, 3};
    assertEquals(3, new Quantile("q.score", 0.25, true).threshold(n, 4));
    assertEquals(">=", top.selection(7).expression().split(" ")[1]);
    assertThrows(DataException.class, () -> new Quantile("q", 0, true));
  }

  @Test
  void samplerIsDeterministicAndHitsTheFactorOnAverage() {
    Sampler s = Sampler.byDomain(Map.of("math", 2.5, "web", 0.3), 1.0, 17);
    Map<String, Integer> total = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      for (String d : new String[] {"math", "web", "code"}) {
        int c = s.copies(d, "doc-" + i);
        assertEquals(c, s.copies(d, "doc-" + i));
        total.merge(d, c, Integer::sum);
      }
    }
    assertEquals(2.5, total.get("math") / 20_000.0, 0.02);
    assertEquals(0.3, total.get("web") / 20_000.0, 0.02);
    assertEquals(20_000, total.get("code"));
    assertThrows(DataException.class, () -> Sampler.byDomain(Map.of("x", -1.0), 1, 0));
  }
}
