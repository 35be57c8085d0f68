package midtrain.train;

import java.util.Locale;

/** Element types of safetensors tensors that midtrain reads and writes. */
public enum DType {
  /** IEEE float32. */
  F32(4),
  /** IEEE float16, widened to float32 on read. */
  F16(2),
  /** bfloat16 (the top half of a float32), widened in Java because DJL's CPU build aborts on it. */
  BF16(2),
  /** IEEE float64. */
  F64(8),
  /** Signed 64-bit integers. */
  I64(8),
  /** Signed 32-bit integers. */
  I32(4),
  /** Signed 8-bit integers. */
  I8(1),
  /** Unsigned 8-bit integers. */
  U8(1),
  /** Booleans, one byte each. */
  BOOL(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /**
   * Returns the size of one element.
   *
   * @return bytes per element
   */
  public int bytes() {
    return bytes;
  }

  /**
   * Tells whether values can be widened to float32.
   *
   * @return true for the floating-point types
   */
  public boolean isFloating() {
    return this == F32 || this == F16 || this == BF16 || this == F64;
  }

  /**
   * Parses a safetensors dtype name.
   *
   * @param name for example {@code F32} or {@code BF16}
   * @param where the tensor and file, for the message
   * @return the type
   * @throws TrainException prefixed with {@code where} if {@code name}, in any case, is no dtype of
   *     this enum
   */
  public static DType parse(String name, String where) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TrainException(where + ": unknown dtype \"" + name + "\"");
    }
  }
}
