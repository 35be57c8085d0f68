package midtrain.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A safetensors file, opened read-only with its header validated before any tensor is read.
 *
 * <p>Validation follows the format's rules and refuses anything that could make a reader go out of
 * bounds: the header length is capped, every dtype is known, every tensor's byte range matches its
 * shape and dtype, lies inside the file, and the ranges tile the data section without gaps or
 * overlaps. Tensors are read through memory maps, so opening a file reads only its header.
 * Thread-safe; close it to release the file.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Largest header accepted, as in the reference implementation (100 MB). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens and validates a file.
   *
   * @param path the {@code .safetensors} file
   * @return the open file
   * @throws TrainException naming the file and the problem when the file is not valid safetensors
   */
  public static SafetensorsFile open(Path path) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new TrainException(path + ": cannot open: " + e.getMessage(), e);
    }
    try {
      return parse(path, ch);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static SafetensorsFile parse(Path path, FileChannel ch) {
    try {
      long size = ch.size();
      if (size < 8) {
        throw new TrainException(path + ": " + size + " bytes is too short for a safetensors file");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES) {
        throw new TrainException(
            path + ": header length " + headerLen + " is outside (0, " + MAX_HEADER_BYTES + "]");
      }
      if (8 + headerLen > size) {
        throw new TrainException(
            path + ": header of " + headerLen + " bytes runs past the end of the file");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      String header = new String(hb.array(), StandardCharsets.UTF_8);
      JsonNode root;
      try {
        root = JSON.readTree(header);
      } catch (JsonProcessingException e) {
        throw new TrainException(path + ": header is not valid JSON: " + e.getOriginalMessage());
      }
      if (root == null || !root.isObject()) {
        throw new TrainException(path + ": header must be a JSON object");
      }
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<TensorInfo> list = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        String name = e.getKey();
        JsonNode v = e.getValue();
        if (name.equals("__metadata__")) {
          if (!v.isObject()) {
            throw new TrainException(path + ": __metadata__ must be an object of strings");
          }
          for (Map.Entry<String, JsonNode> m : v.properties()) {
            if (!m.getValue().isTextual()) {
              throw new TrainException(
                  path + ": __metadata__ value '" + m.getKey() + "' is not a string");
            }
            metadata.put(m.getKey(), m.getValue().asText());
          }
          continue;
        }
        list.add(tensor(path, name, v, dataLen));
      }
      // The byte ranges must tile the data section exactly: no gaps, no overlaps.
      list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
      long expect = 0;
      for (TensorInfo t : list) {
        if (t.begin() != expect) {
          throw new TrainException(
              path
                  + ": tensor '"
                  + t.name()
                  + "' starts at "
                  + t.begin()
                  + " but the previous one ends at "
                  + expect
                  + (t.begin() < expect ? " (overlap)" : " (gap)"));
        }
        expect = t.end();
      }
      if (expect != dataLen) {
        throw new TrainException(
            path + ": tensors cover " + expect + " bytes but the data section has " + dataLen);
      }
      Map<String, TensorInfo> byName = new TreeMap<>();
      for (TensorInfo t : list) {
        byName.put(t.name(), t);
      }
      return new SafetensorsFile(
          path,
          ch,
          dataStart,
          Collections.unmodifiableMap(byName),
          Collections.unmodifiableMap(metadata));
    } catch (IOException e) {
      throw new TrainException(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static TensorInfo tensor(Path path, String name, JsonNode v, long dataLen) {
    String where = path + ": tensor '" + name + "'";
    if (!v.isObject()) {
      throw new TrainException(where + " must be an object");
    }
    JsonNode dt = v.get("dtype");
    JsonNode sh = v.get("shape");
    JsonNode off = v.get("data_offsets");
    if (dt == null || !dt.isTextual()) {
      throw new TrainException(where + " has no 'dtype'");
    }
    if (sh == null || !sh.isArray()) {
      throw new TrainException(where + " has no 'shape' array");
    }
    if (off == null || !off.isArray() || off.size() != 2) {
      throw new TrainException(where + " needs 'data_offsets' [begin, end]");
    }
    DType dtype = DType.parse(dt.asText(), where);
    long[] shape = new long[sh.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new TrainException(where + ": shape entry " + i + " is not a non-negative integer");
      }
      shape[i] = d.asLong();
      try {
        elements = Math.multiplyExact(elements, shape[i]);
      } catch (ArithmeticException e) {
        throw new TrainException(where + ": shape overflows");
      }
    }
    if (!off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
      throw new TrainException(where + ": data_offsets must be integers");
    }
    long begin = off.get(0).asLong();
    long end = off.get(1).asLong();
    if (begin < 0 || end < begin || end > dataLen) {
      throw new TrainException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] are outside the data section of "
              + dataLen
              + " bytes");
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(elements, (long) dtype.bytes());
    } catch (ArithmeticException e) {
      throw new TrainException(where + ": size overflows");
    }
    if (end - begin != bytes) {
      throw new TrainException(
          where
              + ": "
              + dtype
              + " "
              + java.util.Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes but data_offsets span "
              + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /**
   * Returns the file's path.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Returns every tensor's header entry.
   *
   * @return tensors by name, sorted
   */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /**
   * Returns the header's {@code __metadata__}.
   *
   * @return the metadata, possibly empty
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Returns a tensor's entry.
   *
   * @param name the tensor's name
   * @return the entry
   * @throws TrainException naming the file if no tensor has that name
   */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new TrainException(path + ": no tensor named '" + name + "'");
    }
    return t;
  }

  /**
   * Maps a tensor's raw little-endian bytes.
   *
   * @param name the tensor's name
   * @return a read-only little-endian buffer over its bytes
   * @throws TrainException naming the file if no tensor has that name, the tensor is over 2 GiB, or
   *     it cannot be mapped
   */
  public ByteBuffer raw(String name) {
    TensorInfo t = info(name);
    long len = t.end() - t.begin();
    if (len > Integer.MAX_VALUE) {
      throw new TrainException(
          path + ": tensor '" + name + "' is over 2 GiB; shard the checkpoint");
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), len)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new TrainException(path + ": cannot map tensor '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * Reads a floating-point tensor as float32, widening F16 and BF16 and narrowing F64.
   *
   * @param name the tensor's name
   * @return its values, row-major
   * @throws TrainException naming the file if no tensor has that name, its dtype is not floating,
   *     it has more elements than a float[] holds or is over 2 GiB, or it cannot be mapped
   */
  public float[] readFloats(String name) {
    TensorInfo t = info(name);
    if (!t.dtype().isFloating()) {
      throw new TrainException(path + ": tensor '" + name + "' is " + t.dtype() + ", not floating");
    }
    long n = t.elements();
    if (n > Integer.MAX_VALUE - 8) {
      throw new TrainException(
          path + ": tensor '" + name + "' has too many elements for a float[]");
    }
    ByteBuffer b = raw(name);
    float[] out = new float[(int) n];
    switch (t.dtype()) {
      case F32:
        b.asFloatBuffer().get(out);
        break;
      case F64:
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) b.getDouble(i * 8);
        }
        break;
      case BF16:
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
        }
        break;
      default:
        for (int i = 0; i < out.length; i++) {
          out[i] = halfToFloat(b.getShort(i * 2));
        }
    }
    return out;
  }

  /**
   * Widens an IEEE half-precision value (the JDK's {@code Float.float16ToFloat} arrives in 20).
   *
   * @param h the 16 bits
   * @return the value as a float
   */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal half: value = mant * 2^-24.
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Nothing useful to do: the file was only read.
    }
  }
}
