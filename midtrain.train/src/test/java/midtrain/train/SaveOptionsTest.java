package midtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SaveOptionsTest {
  @Test
  void sizesReadAsTransformersReadsMaxShardSize() {
    assertEquals(5_000_000_000L, SaveOptions.parseSize("5GB"));
    assertEquals(5L << 30, SaveOptions.parseSize("5GiB"));
    assertEquals(200_000_000L, SaveOptions.parseSize("200MB"));
    assertEquals(3L << 20, SaveOptions.parseSize("3MiB"));
    assertEquals(625_000_000L, SaveOptions.parseSize("5Gb")); // bits
    assertEquals(1_500_000_000L, SaveOptions.parseSize("1.5GB"));
    assertEquals(4096, SaveOptions.parseSize("4096"));
    assertEquals(10, SaveOptions.parseSize("10B"));
    assertEquals(2_000, SaveOptions.parseSize("2kb".toUpperCase()));
    assertEquals(250, SaveOptions.parseSize("2kb")); // a lowercase b is bits, as in transformers
    // Past what a long holds: said so, not that the size is below one byte.
    TrainException big =
        assertThrows(TrainException.class, () -> SaveOptions.parseSize("99999999999TB"));
    assertTrue(big.getMessage().contains("too large"), big.getMessage());
    for (String bad : new String[] {"five", "5XB", "0", "-3MB", ""}) {
      TrainException e = assertThrows(TrainException.class, () -> SaveOptions.parseSize(bad));
      assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }
  }

  @Test
  void dtypesByEitherName() {
    assertEquals(DType.BF16, SaveOptions.parseDtype("bfloat16"));
    assertEquals(DType.F16, SaveOptions.parseDtype("float16"));
    assertEquals(DType.F32, SaveOptions.parseDtype("F32"));
    assertEquals("bfloat16", SaveOptions.DEFAULT.withDtype(DType.BF16).torchDtype());
    TrainException e = assertThrows(TrainException.class, () -> SaveOptions.parseDtype("int8"));
    assertTrue(e.getMessage().contains("float32, bfloat16 or float16"), e.getMessage());
    assertThrows(TrainException.class, () -> SaveOptions.DEFAULT.withDtype(DType.I8));
    assertThrows(TrainException.class, () -> SaveOptions.DEFAULT.withMaxShardBytes(0));
  }
}
