package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchScheduleTrainerTest {
  @TempDir Path tmp;

  @Test
  void aScheduledSourceSetsTheMicroBatchesOfEachStep() {
    List<String> calls = new ArrayList<>();
    BatchSource inner = TrainerTest.source("d", -1);
    BatchSource growing =
        new BatchSource() {
          @Override
          public TokenBatch batch(long step, int micro) {
            calls.add(step + ":" + micro);
            return inner.batch(step, micro);
          }

          @Override
          public String fingerprint() {
            return "growing";
          }

          @Override
          public int microBatches(long step) {
            return (int) step + 1;
          }
        };
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model =
            LlamaModel.of(
                TrainerTest.CFG, HfCheckpoint.randomWeights(TrainerTest.CFG, 9, 0.02), base);
        Trainer t =
            Trainer.builder(model, growing, TrainerTest.lr(), tmp)
                .accumulation(5)
                .checkpoints(100, 1)
                .build()) {
      t.train(3);
    }
    // The source's micro-batch count wins over the fixed accumulation of 5.
    assertEquals(List.of("0:0", "1:0", "1:1", "2:0", "2:1", "2:2"), calls);
  }
}
