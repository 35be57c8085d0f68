package midtrain.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a safetensors file that transformers and the {@code safetensors} library load.
 *
 * <p>Tensors are laid out in name order with no gaps, the header is padded with spaces to a
 * multiple of 8 bytes (so every tensor starts aligned), and the file is written under a temporary
 * name and renamed, so a crash never leaves a truncated file under the final name.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Entry> tensors = new TreeMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  private record Entry(DType dtype, long[] shape, ByteBuffer bytes) {}

  /** Creates an empty writer. */
  public SafetensorsWriter() {}

  /**
   * Adds a float32 tensor.
   *
   * @param name a unique name
   * @param shape its shape; the product must equal {@code data.length}
   * @param data the values, row-major (copied)
   * @return this writer
   * @throws TrainException as {@link #addRaw} refuses the tensor: an empty or reserved name, a
   *     negative dimension, a shape whose product is not {@code data.length}, or a name added
   *     before
   */
  public SafetensorsWriter addFloats(String name, long[] shape, float[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return addRaw(name, DType.F32, shape, b);
  }

  /**
   * Adds float32 values stored as {@code dtype}: F32 as they are, BF16 and F16 rounded to nearest
   * with ties to even in Java (never through a BF16 NDArray, which DJL's CPU build aborts on).
   *
   * @param name a unique name
   * @param shape its shape; the product must equal {@code data.length}
   * @param data the values, row-major (converted into a copy)
   * @param dtype {@link DType#F32}, {@link DType#BF16} or {@link DType#F16}
   * @return this writer
   * @throws TrainException if {@code dtype} is another type, or as {@link #addRaw} refuses the
   *     tensor
   */
  public SafetensorsWriter addFloats(String name, long[] shape, float[] data, DType dtype) {
    if (dtype == DType.F32) {
      return addFloats(name, shape, data);
    }
    if (dtype != DType.BF16 && dtype != DType.F16) {
      throw new TrainException("tensor '" + name + "': cannot store floats as " + dtype);
    }
    ByteBuffer b = ByteBuffer.allocate(data.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < data.length; i++) {
      b.putShort(i * 2, dtype == DType.BF16 ? Narrowing.toBf16(data[i]) : Narrowing.toF16(data[i]));
    }
    return addRaw(name, dtype, shape, b);
  }

  /**
   * Adds a tensor from raw little-endian bytes.
   *
   * @param name a unique name
   * @param dtype the element type
   * @param shape the shape
   * @param bytes exactly {@code elements * dtype.bytes()} bytes, from position to limit (copied)
   * @return this writer
   * @throws TrainException if {@code name} is empty or {@code __metadata__}, a dimension is
   *     negative, the bytes remaining are not {@code elements * dtype.bytes()}, or a tensor of that
   *     name was added before
   */
  public SafetensorsWriter addRaw(String name, DType dtype, long[] shape, ByteBuffer bytes) {
    if (name.isEmpty() || name.equals("__metadata__")) {
      throw new TrainException("invalid tensor name \"" + name + "\"");
    }
    long elements = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new TrainException(
            "tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
      }
      elements = Math.multiplyExact(elements, d);
    }
    if (elements * dtype.bytes() != bytes.remaining()) {
      throw new TrainException(
          "tensor '"
              + name
              + "': "
              + dtype
              + " "
              + Arrays.toString(shape)
              + " needs "
              + elements * dtype.bytes()
              + " bytes, got "
              + bytes.remaining());
    }
    ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
    copy.put(bytes.duplicate()).flip();
    if (tensors.putIfAbsent(name, new Entry(dtype, shape.clone(), copy)) != null) {
      throw new TrainException("tensor '" + name + "' added twice");
    }
    return this;
  }

  /**
   * Adds a {@code __metadata__} entry (transformers expects {@code format: pt}).
   *
   * @param key the key
   * @param value the value
   * @return this writer
   */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /**
   * Writes the file atomically.
   *
   * @param file the destination; replaced if it exists
   * @throws TrainException naming the file if it, its folder or its temporary file cannot be
   *     written, or the temporary file cannot be renamed onto it atomically
   */
  public void write(Path file) {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, Entry> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype().name());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long len = e.getValue().bytes().remaining();
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw new TrainException("cannot encode safetensors header: " + e.getMessage(), e);
    }
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      try (OutputStream os = Files.newOutputStream(tmp);
          WritableByteChannel ch = Channels.newChannel(os)) {
        writeAll(ch, head);
        for (Entry e : tensors.values()) {
          writeAll(ch, e.bytes().duplicate());
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TrainException(file + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static void writeAll(WritableByteChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /**
   * Returns the number of tensors added so far.
   *
   * @return the count
   */
  public int size() {
    return tensors.size();
  }
}
