package midtrain.data.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;

/** One step of a pipeline; {@link #parallel()} stages run on worker threads, the rest in order. */
abstract class Stage {
  final String name;
  final String kind;

  Stage(String name, String kind) {
    this.name = name;
    this.kind = kind;
  }

  /** Whether batches may pass through this stage on several threads at once, in any order. */
  abstract boolean parallel();

  /** A stable description, part of the run's fingerprint for resuming. */
  abstract String describe();

  /**
   * Returns the stage for one run: a new copy where the stage gathers state while it runs, else
   * this one.
   */
  Stage forRun() {
    return this;
  }

  /** Starts a shard; a stage that gathers state per shard drops what a failed shard gathered. */
  void startShard() {}

  /**
   * Commits a shard: adds what the stage gathered in it to the run and, under {@code state} (null
   * without an output folder), saves it for a resumed run.
   *
   * @param index the stage's place in the pipeline, which names its saved files
   */
  void commitShard(Path state, String part, int index) throws IOException {}

  /** Adds what {@link #commitShard} saved for a shard that a resumed run skips. */
  void reloadShard(Path state, String part, int index) {}

  /** Whether a done shard lacks what {@link #reloadShard} needs. */
  boolean lacksShardState(Path state, String part, int index) {
    return false;
  }

  /** The stage as a user names it in messages. */
  String label() {
    return kind + " '" + name + "'";
  }

  /** The columns this stage reads, which an earlier stage or the input must provide. */
  List<String> reads() {
    return List.of();
  }

  /** The columns this stage adds to the batch. */
  List<String> adds() {
    return List.of();
  }

  /**
   * Processes the live rows of a batch: kills rows, replaces the root, or records side results.
   *
   * @param w the batch
   * @param index this stage's index
   * @param allocator for new vectors
   */
  abstract void process(Work w, int index, BufferAllocator allocator);

  /** Runs the stage and records its statistics in the batch. */
  final void run(Work w, int index, BufferAllocator allocator) {
    long in = 0;
    long bytesIn = 0;
    for (int i = 0; i < w.rows(); i++) {
      if (w.alive[i]) {
        in++;
        bytesIn += w.textBytes(i);
      }
    }
    process(w, index, allocator);
    long out = 0;
    long bytesOut = 0;
    Map<String, Long> removed = new TreeMap<>();
    for (int i = 0; i < w.rows(); i++) {
      if (w.alive[i]) {
        out++;
        bytesOut += w.textBytes(i);
      } else if (w.diedAt[i] == index) {
        removed.merge(w.reason[i], 1L, Long::sum);
      }
    }
    w.stats[index] =
        new StageStats(name, kind, in, bytesIn, out, bytesOut, removed, counts(w, index));
  }

  /** What the stage counted in the batch besides documents, for {@link StageStats#counts()}. */
  Map<String, Long> counts(Work w, int index) {
    return Map.of();
  }
}
