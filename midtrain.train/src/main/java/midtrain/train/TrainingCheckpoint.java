package midtrain.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A resumable training checkpoint: the model in Hugging Face layout ({@code config.json}, float32
 * {@code model.safetensors} or its shards, and the base model's tokenizer and generation files, so
 * that the directory is a standalone model), the optimizer state ({@code optimizer.safetensors}),
 * the trainer state ({@code trainer_state.json}: step, optimizer step and whatever the loader and
 * RNG need) and a {@code manifest.json} with the SHA-256 of every file, written last.
 *
 * <p>Checkpoints live in a run directory as {@code checkpoint-<step>}; each is written under a
 * temporary name and renamed, so a directory with that name is complete or absent.
 *
 * @param dir the checkpoint directory
 * @param step the number of optimizer updates the checkpoint has seen
 * @param optimizerStep the optimizer's own step count (bias correction)
 * @param state further trainer state (schedule position, loader state, RNG), as JSON values
 */
public record TrainingCheckpoint(
    Path dir, long step, long optimizerStep, Map<String, Object> state) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

  /**
   * Copies the state.
   *
   * @param dir the checkpoint directory, {@code checkpoint-<step>} in its run directory
   * @param step the number of optimizer updates the checkpoint has seen
   * @param optimizerStep the optimizer's own step count, used for bias correction
   * @param state further trainer state as JSON values, copied into an unmodifiable map
   */
  public TrainingCheckpoint {
    state = Map.copyOf(state);
  }

  /**
   * Writes a checkpoint of a model and its optimizer into a run directory, the weights in one
   * float32 {@code model.safetensors}.
   *
   * @param runDir the run's output directory
   * @param step the number of updates taken
   * @param model the model
   * @param optimizer its optimizer
   * @param state further trainer state, JSON-serialisable
   * @return the checkpoint written
   * @throws TrainException if {@code checkpoint-<step>} exists already in the run directory, or a
   *     file of the checkpoint cannot be written or the directory renamed into place
   */
  public static TrainingCheckpoint save(
      Path runDir, long step, LlamaModel model, AdamW optimizer, Map<String, Object> state) {
    return save(runDir, step, model, optimizer, state, SaveOptions.DEFAULT, List.of());
  }

  /**
   * Writes a checkpoint of a model and its optimizer into a run directory, a standalone model
   * directory besides: the tokenizer and generation files of {@code filesFrom} are copied in and
   * covered by the manifest like the weights.
   *
   * @param runDir the run's output directory
   * @param step the number of updates taken
   * @param model the model
   * @param optimizer its optimizer
   * @param state further trainer state, JSON-serialisable
   * @param options how the weights are written; the dtype must be float32, as resuming continues
   *     from these weights and must see them unrounded
   * @param filesFrom model directories whose tokenizer and generation files are copied (see {@link
   *     HfCheckpoint#copyModelFiles}), a later one's file replacing an earlier one's
   * @return the checkpoint written
   * @throws TrainException if the options' dtype is not float32, {@code checkpoint-<step>} exists
   *     already in the run directory, or a file of the checkpoint cannot be written or copied or
   *     the directory renamed into place
   */
  public static TrainingCheckpoint save(
      Path runDir,
      long step,
      LlamaModel model,
      AdamW optimizer,
      Map<String, Object> state,
      SaveOptions options,
      List<Path> filesFrom) {
    if (options.dtype() != DType.F32) {
      throw new TrainException(
          "training checkpoints keep float32 weights (a resumed run continues from them exactly);"
              + " write "
              + options.torchDtype()
              + " copies with HfCheckpoint.export instead");
    }
    Path target = runDir.resolve("checkpoint-" + step);
    Path staging = runDir.resolve(".tmp-checkpoint-" + step);
    try {
      deleteRecursively(staging);
      Files.createDirectories(staging);
      HfCheckpoint.save(staging, model.config(), model.weights(), options);
      HfCheckpoint.copyModelFiles(filesFrom, staging);
      SafetensorsWriter opt =
          new SafetensorsWriter().metadata("step", Long.toString(optimizer.stepCount()));
      Map<String, long[]> shapes = model.config().expectedTensors();
      for (Map.Entry<String, float[]> e : optimizer.exportState().entrySet()) {
        String param = e.getKey().substring(e.getKey().indexOf('.') + 1);
        opt.addFloats(e.getKey(), shapes.get(param), e.getValue());
      }
      opt.write(staging.resolve("optimizer.safetensors"));
      Map<String, Object> ts = new LinkedHashMap<>();
      ts.put("global_step", step);
      ts.put("optimizer_step", optimizer.stepCount());
      ts.put("state", state);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(staging.resolve("trainer_state.json").toFile(), ts);
    } catch (IOException e) {
      throw new TrainException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
    CheckpointManifest.commit(staging, target);
    return new TrainingCheckpoint(target, step, optimizer.stepCount(), state);
  }

  /**
   * Reads and verifies a checkpoint's trainer state (the manifest is checked first).
   *
   * @param dir a checkpoint directory
   * @return the checkpoint
   * @throws TrainException if the directory does not verify against its manifest (naming the
   *     missing or corrupt file), or its {@code trainer_state.json} is missing, not a JSON object,
   *     or lacks a numeric {@code global_step} or {@code optimizer_step}
   */
  public static TrainingCheckpoint read(Path dir) {
    CheckpointManifest.verify(dir);
    Map<String, Object> ts = HfCheckpoint.readJson(dir.resolve("trainer_state.json"));
    Object step = ts.get("global_step");
    Object opt = ts.get("optimizer_step");
    if (!(step instanceof Number) || !(opt instanceof Number)) {
      throw new TrainException(
          dir.resolve("trainer_state.json") + ": needs 'global_step' and 'optimizer_step'");
    }
    Map<String, Object> state =
        ts.get("state") instanceof Map<?, ?> m
            ? JSON.convertValue(m, new TypeReference<Map<String, Object>>() {})
            : Map.of();
    return new TrainingCheckpoint(
        dir, ((Number) step).longValue(), ((Number) opt).longValue(), state);
  }

  /**
   * Restores the optimizer state saved with this checkpoint.
   *
   * @param optimizer an optimizer built over a model loaded from this checkpoint
   * @throws TrainException if {@code optimizer.safetensors} is missing or not valid safetensors, or
   *     its arrays do not fit the optimizer's parameters (see {@link AdamW#importState})
   */
  public void restoreOptimizer(AdamW optimizer) {
    Map<String, float[]> state = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("optimizer.safetensors"))) {
      for (String name : f.tensors().keySet()) {
        state.put(name, f.readFloats(name));
      }
    }
    optimizer.importState(optimizerStep, state);
  }

  /**
   * Lists a run's checkpoints, newest first.
   *
   * @param runDir the run directory
   * @return checkpoint directories by descending step
   * @throws TrainException if the run directory exists but cannot be listed
   */
  public static List<Path> list(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(runDir)) {
      return s.filter(
              p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
          .sorted(Comparator.comparingLong(TrainingCheckpoint::stepOf).reversed())
          .toList();
    } catch (IOException e) {
      throw new TrainException("cannot list " + runDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Finds the newest checkpoint that verifies, skipping broken ones and saying why on {@code
   * skipped}.
   *
   * @param runDir the run directory
   * @param skipped receives one line per checkpoint skipped
   * @return the newest good checkpoint, or null when there is none
   * @throws TrainException if the run directory exists but cannot be listed; a checkpoint that does
   *     not read or verify is skipped, not thrown
   */
  public static TrainingCheckpoint latestGood(Path runDir, List<String> skipped) {
    for (Path p : list(runDir)) {
      try {
        return read(p);
      } catch (TrainException e) {
        skipped.add(e.getMessage());
      }
    }
    return null;
  }

  /**
   * Renames every checkpoint newer than {@code step} to {@code checkpoint-<n>.corrupt} (or {@code
   * .corrupt-2}, ...). A run resumed from {@code step} writes those names again and refuses to
   * overwrite; the broken ones are kept as evidence, under names {@link #list} ignores.
   *
   * @param runDir the run directory
   * @param step the step being resumed from (the newest checkpoint that verified)
   * @return each directory moved, mapped to its new name, newest first
   * @throws TrainException if the run directory cannot be listed or a checkpoint cannot be moved
   *     aside; those moved before it stay moved
   */
  public static Map<Path, Path> setAsideNewerThan(Path runDir, long step) {
    Map<Path, Path> moved = new LinkedHashMap<>();
    for (Path p : list(runDir)) {
      if (stepOf(p) <= step) {
        continue;
      }
      Path target = p.resolveSibling(p.getFileName() + ".corrupt");
      for (int i = 2; Files.exists(target); i++) {
        target = p.resolveSibling(p.getFileName() + ".corrupt-" + i);
      }
      try {
        Files.move(p, target);
      } catch (IOException e) {
        throw new TrainException("cannot move " + p + " aside to " + target + ": " + e, e);
      }
      moved.put(p, target);
    }
    return moved;
  }

  /**
   * Deletes all but the newest {@code keep} checkpoints.
   *
   * @param runDir the run directory
   * @param keep how many to keep, at least 1
   * @return the directories deleted
   * @throws TrainException if {@code keep} is less than 1, or the run directory cannot be listed or
   *     a checkpoint deleted
   */
  public static List<Path> prune(Path runDir, int keep) {
    if (keep < 1) {
      throw new TrainException("keep-last must be at least 1, got " + keep);
    }
    List<Path> all = list(runDir);
    List<Path> deleted = new ArrayList<>();
    for (Path p : all.subList(Math.min(keep, all.size()), all.size())) {
      deleteRecursively(p);
      deleted.add(p);
    }
    return deleted;
  }

  static long stepOf(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  static void deleteRecursively(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    } catch (IOException e) {
      throw new TrainException("cannot delete " + p + ": " + e.getMessage(), e);
    }
  }
}
