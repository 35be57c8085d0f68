package midtrain.data.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import midtrain.data.DocumentBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class RatersTest {
  /** Scores only the first row, as a rater that has nothing to say about the others would. */
  static final class FirstRowOnly implements Rater {
    @Override
    public String id() {
      return "first";
    }

    @Override
    public List<String> outputs() {
      return List.of("score");
    }

    @Override
    public void rate(VectorSchemaRoot batch, float[][] scores) {
      scores[0][0] = 0.25f;
    }

    @Override
    public String verdict(float[] row) {
      return "";
    }
  }

  @Test
  void aRowTheRaterLeavesUnwrittenIsNotApplicable() {
    try (BufferAllocator a = new RootAllocator()) {
      VectorSchemaRoot batch = DocumentBatch.create(a);
      DocumentBatch.append(batch, "d0", "one");
      DocumentBatch.append(batch, "d1", "two");
      try (VectorSchemaRoot rated = Raters.apply(batch, List.of(new FirstRowOnly()), a)) {
        Float4Vector v =
            (Float4Vector) rated.getVector(DocumentBatch.scoreColumn("first", "score"));
        assertEquals(0.25f, v.get(0));
        assertTrue(Float.isNaN(v.get(1)), "unwritten row: " + v.get(1));
      }
    }
  }
}
