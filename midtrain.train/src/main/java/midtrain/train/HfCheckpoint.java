package midtrain.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Hugging Face model directory: {@code config.json} plus {@code model.safetensors}, or shards
 * listed by {@code model.safetensors.index.json}.
 *
 * <p>Opening checks everything before any weight is read: each file's header (see {@link
 * SafetensorsFile}), that the index names only existing shards, and that the tensors are exactly
 * those the config implies, with the right shapes. Pickled checkpoints ({@code .bin}, {@code .pt})
 * are refused, as loading them can run arbitrary code.
 */
public final class HfCheckpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final LlamaConfig config;
  private final Map<String, SafetensorsFile> byTensor;
  private final List<SafetensorsFile> files;

  private HfCheckpoint(
      Path dir,
      LlamaConfig config,
      Map<String, SafetensorsFile> byTensor,
      List<SafetensorsFile> files) {
    this.dir = dir;
    this.config = config;
    this.byTensor = byTensor;
    this.files = files;
  }

  /**
   * Opens and validates a model directory.
   *
   * @param dir the directory
   * @return the checkpoint; close it to release its files
   * @throws TrainException naming the file when {@code config.json} is missing, not a JSON object
   *     or not a valid Llama config; the directory has neither {@code model.safetensors} nor {@code
   *     model.safetensors.index.json} (saying so when it holds pickled weights instead); the
   *     index's {@code weight_map} is not an object or names a shard that is not a file name in the
   *     directory or is missing; a shard is not valid safetensors; a tensor is in another shard
   *     than the index says or in two shards; or the tensors are not those the config implies (a
   *     name missing or unexpected, a shape differing, a dtype that is not floating)
   */
  public static HfCheckpoint open(Path dir) {
    LlamaConfig config = LlamaConfig.fromMap(readJson(dir.resolve("config.json")));
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    List<Path> shards = new ArrayList<>();
    Map<String, String> weightMap = null;
    if (Files.isRegularFile(index)) {
      Object wm = readJson(index).get("weight_map");
      if (!(wm instanceof Map<?, ?> m)) {
        throw new TrainException(index + ": 'weight_map' must be an object");
      }
      weightMap = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String shard = String.valueOf(e.getValue());
        if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
          throw new TrainException(
              index + ": shard \"" + shard + "\" is not a file name in the model directory");
        }
        Path p = dir.resolve(shard);
        if (!shards.contains(p)) {
          shards.add(p);
        }
        weightMap.put(String.valueOf(e.getKey()), p.getFileName().toString());
      }
    } else if (Files.isRegularFile(single)) {
      shards.add(single);
    } else {
      throw new TrainException(
          dir + ": no model.safetensors or model.safetensors.index.json" + pickleHint(dir));
    }
    Map<String, SafetensorsFile> byTensor = new TreeMap<>();
    List<SafetensorsFile> open = new ArrayList<>();
    try {
      for (Path p : shards) {
        if (!Files.isRegularFile(p)) {
          throw new TrainException(
              dir + ": shard " + p.getFileName() + " named by the index is missing");
        }
        SafetensorsFile f = SafetensorsFile.open(p);
        open.add(f);
        for (String name : f.tensors().keySet()) {
          if (weightMap != null && !p.getFileName().toString().equals(weightMap.get(name))) {
            throw new TrainException(
                p
                    + ": holds tensor '"
                    + name
                    + "' that the index places in "
                    + weightMap.get(name));
          }
          if (byTensor.put(name, f) != null) {
            throw new TrainException(dir + ": tensor '" + name + "' appears in two shards");
          }
        }
      }
      checkAgainstConfig(dir, config, byTensor);
      return new HfCheckpoint(dir, config, byTensor, open);
    } catch (RuntimeException e) {
      open.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  private static void checkAgainstConfig(
      Path dir, LlamaConfig config, Map<String, SafetensorsFile> byTensor) {
    Map<String, long[]> expected = config.expectedTensors();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      SafetensorsFile f = byTensor.get(e.getKey());
      if (f == null) {
        problems.add("missing " + e.getKey());
        continue;
      }
      TensorInfo t = f.info(e.getKey());
      if (!Arrays.equals(t.shape(), e.getValue())) {
        problems.add(
            e.getKey()
                + " has shape "
                + Arrays.toString(t.shape())
                + ", config implies "
                + Arrays.toString(e.getValue()));
      }
      if (!t.dtype().isFloating()) {
        problems.add(e.getKey() + " has dtype " + t.dtype());
      }
    }
    for (String name : byTensor.keySet()) {
      // Rotary caches are derived data that some exporters include; everything else must be known.
      if (!expected.containsKey(name) && !name.endsWith("rotary_emb.inv_freq")) {
        problems.add("unexpected tensor " + name);
      }
    }
    if (!problems.isEmpty()) {
      throw new TrainException(
          dir
              + ": weights do not match config.json: "
              + String.join("; ", problems.subList(0, Math.min(8, problems.size())))
              + (problems.size() > 8 ? " (and " + (problems.size() - 8) + " more)" : ""));
    }
  }

  private static String pickleHint(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      boolean pickled =
          s.map(p -> p.getFileName().toString())
              .anyMatch(n -> n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth"));
      return pickled
          ? " (pickled checkpoints are refused because loading them can run code: convert to"
              + " safetensors with transformers' save_pretrained(safe_serialization=True))"
          : "";
    } catch (IOException e) {
      return "";
    }
  }

  static Map<String, Object> readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TrainException(file + ": missing");
    }
    try {
      Map<String, Object> m = JSON.readValue(file.toFile(), new TypeReference<>() {});
      if (m == null) {
        throw new TrainException(file + ": empty");
      }
      return m;
    } catch (IOException e) {
      throw new TrainException(file + ": not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the architecture.
   *
   * @return the config
   */
  public LlamaConfig config() {
    return config;
  }

  /**
   * Returns the directory.
   *
   * @return the model directory
   */
  public Path dir() {
    return dir;
  }

  /**
   * Reads a weight as float32 (F16 and BF16 are widened in Java).
   *
   * @param name the Hugging Face tensor name
   * @return the values, row-major
   * @throws TrainException if no tensor has that name, or as {@link SafetensorsFile#readFloats}
   *     refuses it
   */
  public float[] readFloats(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new TrainException(dir + ": no tensor named '" + name + "'");
    }
    return f.readFloats(name);
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }

  /**
   * Writes a model directory transformers loads: {@code config.json} and one {@code
   * model.safetensors} of float32 weights.
   *
   * @param dir the directory to create or fill
   * @param config the architecture
   * @param weights every expected tensor by name
   * @throws TrainException if {@code weights} lacks a tensor the config implies or holds one whose
   *     length does not match its shape, or {@code config.json} or {@code model.safetensors} cannot
   *     be written
   */
  public static void save(Path dir, LlamaConfig config, Map<String, float[]> weights) {
    Map<String, long[]> expected = config.expectedTensors();
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      float[] v = weights.get(e.getKey());
      if (v == null) {
        throw new TrainException("cannot save " + dir + ": weight '" + e.getKey() + "' is missing");
      }
      w.addFloats(e.getKey(), e.getValue(), v);
    }
    try {
      Files.createDirectories(dir);
      Map<String, Object> cfg = new LinkedHashMap<>(config.raw());
      cfg.put("torch_dtype", "float32");
      if (cfg.containsKey("dtype")) {
        cfg.put("dtype", "float32"); // transformers' newer name for it
      }
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), cfg);
    } catch (IOException e) {
      throw new TrainException(dir + ": cannot write config.json: " + e.getMessage(), e);
    }
    w.write(dir.resolve("model.safetensors"));
  }

  /**
   * Makes randomly initialised weights: normal(0, std) for matrices, ones for norm weights, from a
   * seed, so tests and demos start from the same model everywhere.
   *
   * @param config the architecture
   * @param seed the random seed
   * @param std the standard deviation (Llama uses 0.02)
   * @return weights by tensor name
   */
  public static Map<String, float[]> randomWeights(LlamaConfig config, long seed, double std) {
    Random r = new Random(seed);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : config.expectedTensors().entrySet()) {
      int n = Math.toIntExact(Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact));
      float[] v = new float[n];
      if (e.getKey().endsWith("norm.weight")) {
        Arrays.fill(v, 1f);
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = (float) (r.nextGaussian() * std);
        }
      }
      out.put(e.getKey(), v);
    }
    return out;
  }
}
