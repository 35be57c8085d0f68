package midtrain.train;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a model directory is written: the element type of its weights and the largest safetensors
 * file, past which the weights are split into {@code model-00001-of-0000N.safetensors} shards
 * listed by {@code model.safetensors.index.json}, as transformers' {@code save_pretrained} does.
 *
 * @param dtype {@link DType#F32} (the default), {@link DType#BF16} or {@link DType#F16}
 * @param maxShardBytes the largest shard in bytes of tensor data; {@link Long#MAX_VALUE} writes one
 *     {@code model.safetensors}
 */
public record SaveOptions(DType dtype, long maxShardBytes) {
  /** Float32 weights in one {@code model.safetensors}. */
  public static final SaveOptions DEFAULT = new SaveOptions(DType.F32, Long.MAX_VALUE);

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]i?B|[KMGT]b|B)?", Pattern.CASE_INSENSITIVE);

  /**
   * Checks the settings.
   *
   * @param dtype {@link DType#F32}, {@link DType#BF16} or {@link DType#F16}
   * @param maxShardBytes at least 1
   * @throws TrainException if {@code dtype} is null or another type, or {@code maxShardBytes} is
   *     less than 1
   */
  public SaveOptions {
    if (dtype != DType.F32 && dtype != DType.BF16 && dtype != DType.F16) {
      throw new TrainException("save dtype must be float32, bfloat16 or float16, got " + dtype);
    }
    if (maxShardBytes < 1) {
      throw new TrainException("max shard size must be at least 1 byte, got " + maxShardBytes);
    }
  }

  /**
   * Returns these options with another dtype.
   *
   * @param d the dtype
   * @return the new options
   * @throws TrainException as the constructor refuses {@code d}
   */
  public SaveOptions withDtype(DType d) {
    return new SaveOptions(d, maxShardBytes);
  }

  /**
   * Returns these options with another shard limit.
   *
   * @param bytes the largest shard
   * @return the new options
   * @throws TrainException if {@code bytes} is less than 1
   */
  public SaveOptions withMaxShardBytes(long bytes) {
    return new SaveOptions(dtype, bytes);
  }

  /**
   * Returns the name transformers' {@code config.json} uses for the dtype ({@code torch_dtype}).
   *
   * @return {@code float32}, {@code bfloat16} or {@code float16}
   */
  public String torchDtype() {
    return switch (dtype) {
      case BF16 -> "bfloat16";
      case F16 -> "float16";
      default -> "float32";
    };
  }

  /**
   * Parses a dtype as transformers names it ({@code float32}, {@code bfloat16}, {@code float16}),
   * or as safetensors does ({@code F32}, {@code BF16}, {@code F16}).
   *
   * @param name the name, in any case
   * @return the dtype
   * @throws TrainException naming the accepted values if {@code name} is none of them
   */
  public static DType parseDtype(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "float32", "f32", "fp32" -> DType.F32;
      case "bfloat16", "bf16" -> DType.BF16;
      case "float16", "f16", "fp16", "half" -> DType.F16;
      default ->
          throw new TrainException(
              "unknown save dtype \"" + name + "\": use float32, bfloat16 or float16");
    };
  }

  /**
   * Parses a size as transformers' {@code max_shard_size} reads it: a byte count, or a number with
   * a decimal unit ({@code KB}, {@code MB}, {@code GB}, {@code TB}: powers of 1000), a binary one
   * ({@code KiB} ... {@code TiB}: powers of 1024), or a decimal unit in bits ({@code Gb}: an
   * eighth).
   *
   * @param size for example {@code 5GB}, {@code 500MiB} or {@code 1000000}
   * @return the size in bytes
   * @throws TrainException if {@code size} is not such a size, is below one byte, or is 2^63 bytes
   *     or more
   */
  public static long parseSize(String size) {
    Matcher m = SIZE.matcher(size.strip());
    if (!m.matches()) {
      throw new TrainException(
          "max shard size \"" + size + "\" is not a size: use bytes or e.g. 5GB, 500MB, 2GiB");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    String u = unit.toUpperCase(Locale.ROOT);
    double scale =
        switch (u.charAt(0)) {
          case 'K' -> u.contains("I") ? 0x1p10 : 1e3;
          case 'M' -> u.contains("I") ? 0x1p20 : 1e6;
          case 'G' -> u.contains("I") ? 0x1p30 : 1e9;
          case 'T' -> u.contains("I") ? 0x1p40 : 1e12;
          default -> 1;
        };
    if (unit.length() == 2 && unit.endsWith("b")) {
      scale /= 8; // bits, as transformers reads "5Gb"
    }
    double bytes = n * scale;
    if (!(bytes >= 1)) {
      throw new TrainException("max shard size \"" + size + "\" must be at least one byte");
    }
    if (bytes >= 0x1p63) {
      throw new TrainException(
          "max shard size \"" + size + "\" is too large: leave max_shard_size out for no limit");
    }
    return (long) bytes;
  }
}
