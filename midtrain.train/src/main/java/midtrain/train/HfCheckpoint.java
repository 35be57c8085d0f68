package midtrain.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
    save(dir, config, weights, SaveOptions.DEFAULT);
  }

  /**
   * Writes a model directory transformers loads: {@code config.json} (its {@code torch_dtype} the
   * dtype written) and the weights in the options' dtype, in one {@code model.safetensors} or, when
   * they exceed the shard limit, in {@code model-00001-of-0000N.safetensors} shards with a {@code
   * model.safetensors.index.json} ({@code metadata.total_size}, {@code weight_map}).
   *
   * <p>Shards are filled as transformers' {@code save_pretrained} fills them: tensors in model
   * order, a new shard started when the next tensor would overflow the current one, and a tensor
   * larger than the limit in a shard of its own. Weight files left in the directory by an earlier
   * save are removed first, so its index and shards always agree.
   *
   * @param dir the directory to create or fill
   * @param config the architecture
   * @param weights every expected tensor by name
   * @param options the dtype and the largest shard
   * @throws TrainException if {@code weights} lacks a tensor the config implies or holds one whose
   *     length does not match its shape, or a file cannot be written or an old weight file removed
   */
  public static void save(
      Path dir, LlamaConfig config, Map<String, float[]> weights, SaveOptions options) {
    Map<String, long[]> expected = config.expectedTensors();
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      float[] v = weights.get(e.getKey());
      if (v == null) {
        throw new TrainException("cannot save " + dir + ": weight '" + e.getKey() + "' is missing");
      }
      long elements = Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact);
      if (v.length != elements) {
        throw new TrainException(
            "cannot save "
                + dir
                + ": weight '"
                + e.getKey()
                + "' has "
                + v.length
                + " values, its shape "
                + Arrays.toString(e.getValue())
                + " needs "
                + elements);
      }
      sizes.put(e.getKey(), elements * options.dtype().bytes());
    }
    long total = sizes.values().stream().mapToLong(Long::longValue).sum();
    List<List<String>> shards = planShards(sizes, options.maxShardBytes());
    try {
      Files.createDirectories(dir);
      removeWeightFiles(dir);
      Map<String, Object> cfg = new LinkedHashMap<>(config.raw());
      cfg.put("torch_dtype", options.torchDtype());
      if (cfg.containsKey("dtype")) {
        cfg.put("dtype", options.torchDtype()); // transformers' newer name for it
      }
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), cfg);
    } catch (IOException e) {
      throw new TrainException(dir + ": cannot write config.json: " + e.getMessage(), e);
    }
    Map<String, String> weightMap = new TreeMap<>();
    for (int i = 0; i < shards.size(); i++) {
      String file =
          shards.size() == 1
              ? "model.safetensors"
              : String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      // One writer per shard, so that only one shard's bytes are held at a time.
      SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
      for (String name : shards.get(i)) {
        w.addFloats(name, expected.get(name), weights.get(name), options.dtype());
        weightMap.put(name, file);
      }
      w.write(dir.resolve(file));
    }
    if (shards.size() > 1) {
      Map<String, Object> index = new LinkedHashMap<>();
      index.put("metadata", Map.of("total_size", total));
      index.put("weight_map", weightMap);
      Path indexFile = dir.resolve("model.safetensors.index.json");
      try {
        JSON.writerWithDefaultPrettyPrinter().writeValue(indexFile.toFile(), index);
      } catch (IOException e) {
        throw new TrainException(indexFile + ": cannot write: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Splits tensors into shards as transformers does: in the given order, a new shard when the next
   * tensor would take the current one past {@code max}, a tensor larger than {@code max} in a shard
   * of its own (added when it comes, so it can precede the shard being filled).
   */
  static List<List<String>> planShards(Map<String, Long> sizes, long max) {
    List<List<String>> shards = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long currentBytes = 0;
    for (Map.Entry<String, Long> e : sizes.entrySet()) {
      long bytes = e.getValue();
      if (bytes > max) {
        shards.add(List.of(e.getKey()));
        continue;
      }
      if (currentBytes + bytes > max) {
        shards.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(e.getKey());
      currentBytes += bytes;
    }
    if (!current.isEmpty() || shards.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  private static final Pattern WEIGHT_FILE =
      Pattern.compile("model\\.safetensors(\\.index\\.json)?|model-\\d+-of-\\d+\\.safetensors");

  private static void removeWeightFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (WEIGHT_FILE.matcher(p.getFileName().toString()).matches()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * The tokenizer files of a Hugging Face model directory, those that exist being copied along with
   * the weights so that a trained model opens with its own tokenizer.
   */
  public static final List<String> TOKENIZER_FILES =
      List.of(
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "added_tokens.json",
          "tokenizer.model",
          "vocab.json",
          "merges.txt",
          "vocab.txt",
          "chat_template.jinja",
          "chat_template.json");

  /** The generation settings (EOS ids, sampling defaults) of a Hugging Face model directory. */
  public static final String GENERATION_CONFIG = "generation_config.json";

  /**
   * Copies a model directory's tokenizer files ({@link #TOKENIZER_FILES}) and {@link
   * #GENERATION_CONFIG}, those it has, into another directory, replacing copies there.
   *
   * @param from the model directory the files come from (a base model or a checkpoint)
   * @param to the directory they go to
   * @return the names copied, in {@link #TOKENIZER_FILES} order, the generation config last
   * @throws TrainException naming the file if one cannot be copied
   */
  public static List<String> copyModelFiles(Path from, Path to) {
    return copyModelFiles(List.of(from), to);
  }

  /**
   * Copies each tokenizer and generation file from the last of {@code from} that has it, so that a
   * file several directories hold is copied once rather than copied and then replaced.
   */
  static List<String> copyModelFiles(List<Path> from, Path to) {
    List<String> names = new ArrayList<>(TOKENIZER_FILES);
    names.add(GENERATION_CONFIG);
    List<String> copied = new ArrayList<>();
    for (String name : names) {
      for (int i = from.size() - 1; i >= 0; i--) {
        Path src = from.get(i).resolve(name);
        if (Files.isRegularFile(src)) {
          try {
            Files.createDirectories(to);
            Files.copy(src, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
          } catch (IOException e) {
            throw new TrainException("cannot copy " + src + " to " + to + ": " + e.getMessage(), e);
          }
          copied.add(name);
          break;
        }
      }
    }
    return copied;
  }

  /**
   * Writes a standalone model directory (weights, {@code config.json}, the tokenizer and generation
   * files of {@code filesFrom}) under a temporary name, adds its {@code manifest.json} and renames
   * it to {@code target}, replacing an earlier model directory of that name.
   *
   * @param target the directory to write
   * @param config the architecture
   * @param weights every expected tensor by name
   * @param options the dtype and the largest shard
   * @param filesFrom model directories whose tokenizer and generation files are copied, a later
   *     one's file replacing an earlier one's
   * @throws TrainException if {@code target} exists and is not a model directory (no {@code
   *     config.json}), or as {@link #save(Path, LlamaConfig, Map, SaveOptions)}, {@link
   *     #copyModelFiles} and {@link CheckpointManifest#commit} fail
   */
  public static void export(
      Path target,
      LlamaConfig config,
      Map<String, float[]> weights,
      SaveOptions options,
      List<Path> filesFrom) {
    if (Files.exists(target) && !Files.isRegularFile(target.resolve("config.json"))) {
      throw new TrainException(
          target + " exists and is not a model directory; refusing to replace it");
    }
    Path staging = target.resolveSibling(".tmp-" + target.getFileName());
    TrainingCheckpoint.deleteRecursively(staging);
    save(staging, config, weights, options);
    copyModelFiles(filesFrom, staging);
    // The old directory goes only once the new one is complete; a crash between the two leaves
    // the staging directory, which the next export replaces.
    TrainingCheckpoint.deleteRecursively(target);
    CheckpointManifest.commit(staging, target);
  }

  /**
   * Returns the element types of the weights.
   *
   * @return the dtypes found, in enum order
   */
  public Set<DType> dtypes() {
    Set<DType> out = EnumSet.noneOf(DType.class);
    byTensor.forEach((name, f) -> out.add(f.info(name).dtype()));
    return out;
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
