package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataParallelTest {
  @TempDir Path tmp;

  static float[] train(Path dir, List<Device> devices) {
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model =
            LlamaModel.of(
                TrainerTest.CFG, HfCheckpoint.randomWeights(TrainerTest.CFG, 9, 0.02), base)) {
      Trainer.Builder b =
          Trainer.builder(model, TrainerTest.source("d", -1), TrainerTest.lr(), dir)
              .accumulation(4)
              .checkpoints(100, 1);
      if (!devices.isEmpty()) {
        b.devices(devices);
      }
      try (Trainer t = b.build()) {
        assertEquals(Math.max(1, devices.size()), t.dataParallel());
        t.train(4);
      }
      return TrainerTest.weights(model);
    }
  }

  @Test
  void replicasGiveTheSameUpdatesAsOneDevice() {
    float[] one = train(tmp.resolve("one"), List.of());
    // Two and three model copies (CPU stands in for GPUs): micro-batches spread round robin.
    for (int width : new int[] {2, 3}) {
      Device[] d = new Device[width];
      java.util.Arrays.fill(d, Device.cpu());
      float[] many = train(tmp.resolve("w" + width), List.of(d));
      double max = 0;
      for (int i = 0; i < one.length; i++) {
        max = Math.max(max, Math.abs(one[i] - many[i]));
      }
      // Only the order of float additions differs.
      assertEquals(0, max, 1e-6, "width " + width);
    }
  }

  @Test
  void theFirstDeviceMustBeTheModels() {
    try (NDManager base = NDManager.newBaseManager();
        LlamaModel model =
            LlamaModel.of(
                TrainerTest.CFG, HfCheckpoint.randomWeights(TrainerTest.CFG, 9, 0.02), base)) {
      Trainer.Builder b =
          Trainer.builder(model, TrainerTest.source("d", -1), TrainerTest.lr(), tmp);
      assertThrows(TrainException.class, () -> b.devices(List.of(Device.gpu(0))));
      assertThrows(TrainException.class, () -> b.devices(List.of()));
      // A GPU the engine does not see is named before any replica is made.
      TrainException e =
          assertThrows(
              TrainException.class, () -> b.devices(List.of(Device.cpu(), Device.gpu(99))));
      assertTrue(
          e.getMessage().contains("gpu(99)") && e.getMessage().contains("sees"), e.getMessage());
    }
  }
}
