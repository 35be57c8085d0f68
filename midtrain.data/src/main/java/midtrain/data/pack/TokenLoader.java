package midtrain.data.pack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import midtrain.data.DataException;
import midtrain.data.internal.rng.Seeds;
import midtrain.data.token.TokenShard;
import midtrain.data.token.TokenShards;
import midtrain.sched.BatchSizeSchedule;

/**
 * Batches of packed rows from token shards as a pure function of (seed, epoch, step).
 *
 * <p>All documents, framed, form one stream in shard order; row {@code k} is stream positions
 * {@code [k * seqLen, k * seqLen + seqLen + 1)}. Each epoch visits every row once in a permutation
 * drawn from (seed, epoch). Global row {@code g = ((step * microBatches) + micro) * rows + r} is
 * row {@code perm_epoch[g mod N]} of epoch {@code g / N}. Memory: one permutation of N ints, two
 * shards and O(shard count) offsets.
 *
 * <p>Not thread-safe: it caches the current epoch's permutation and two shards; give each thread
 * its own loader.
 */
public final class TokenLoader {
  private final TokenShards shards;
  private final int seqLen;
  private final int rows;
  private final int microBatches;
  private final BatchSizeSchedule batchSchedule;
  private final long scheduleOffset;
  private final long sequencesBeforeOffset; // the schedule's sequences before this loader's step 0
  private final long seed;
  private final Framing framing;
  private final long startStep;
  private final long[] shardStart;
  private final int sequences;

  private long permEpoch = -1;
  private int[] perm;
  private final Loaded[] cache = new Loaded[2];
  private int cacheNext;

  private TokenLoader(Builder b) {
    this.shards = b.shards;
    this.seqLen = b.seqLen;
    this.rows = b.rows;
    this.microBatches = b.microBatches;
    this.batchSchedule = b.batchSchedule;
    this.scheduleOffset = b.scheduleOffset;
    this.sequencesBeforeOffset =
        batchSchedule == null ? 0 : batchSchedule.sequencesBefore(scheduleOffset);
    this.framing = b.framing;
    int n = shards.shardCount();
    this.shardStart = new long[n + 1];
    for (int s = 0; s < n; s++) {
      shardStart[s + 1] = shardStart[s] + load(s).length;
    }
    long total = shardStart[n];
    if (total < seqLen + 1L) {
      throw new DataException(
          "shards in "
              + shards.directory()
              + " hold "
              + total
              + " framed tokens, fewer than one row of seqLen + 1 = "
              + (seqLen + 1));
    }
    long seqs = (total - 1) / seqLen;
    if (seqs > Integer.MAX_VALUE - 8) {
      throw new DataException("too many rows for one loader: " + seqs);
    }
    this.sequences = (int) seqs;
    if (b.resume.isPresent()) {
      LoaderState st = b.resume.get();
      if (!st.fingerprint().equals(shards.fingerprint())) {
        throw new DataException(
            "cannot resume: shards in "
                + shards.directory()
                + " changed (manifest fingerprint "
                + shards.fingerprint()
                + ", loader state has "
                + st.fingerprint()
                + ")");
      }
      this.seed = st.seed();
      this.startStep = st.step();
      long epoch = epochOf(st.step());
      if (epoch != st.epoch()) {
        throw new DataException(
            "cannot resume: step "
                + st.step()
                + " falls in epoch "
                + epoch
                + " with this configuration, loader state says epoch "
                + st.epoch()
                + " (rows, microBatches or seqLen changed)");
      }
    } else {
      this.seed = b.seed;
      this.startStep = 0;
    }
  }

  /**
   * A builder over verified shards.
   *
   * @param shards the shard directory
   * @param seqLen tokens per sequence, at least 2; rows carry one more
   * @return a builder with one row, one micro-batch, seed 0 and no framing
   * @throws DataException if {@code seqLen} is below 2
   */
  public static Builder builder(TokenShards shards, int seqLen) {
    return new Builder(shards, seqLen);
  }

  /**
   * Rows per epoch.
   *
   * @return the number of rows the framed stream holds: {@code (tokens - 1) / seqLen}, at least 1
   */
  public int sequences() {
    return sequences;
  }

  /**
   * The step a resumed loader continues from (0 for a fresh one).
   *
   * @return the resumed state's step, or 0
   */
  public long startStep() {
    return startStep;
  }

  /**
   * Identifies the data: the shard manifest's SHA-256.
   *
   * @return the lower-case hex SHA-256 of the shards' {@code manifest.json}
   */
  public String fingerprint() {
    return shards.fingerprint();
  }

  /**
   * The state to save so that a later loader resumes at {@code nextStep}.
   *
   * @param nextStep the first step the resumed loader should load, at least 0
   * @return the seed, the epoch of {@code nextStep}'s first row, {@code nextStep} and the
   *     fingerprint
   */
  public LoaderState state(long nextStep) {
    return new LoaderState(seed, epochOf(nextStep), nextStep, fingerprint());
  }

  /**
   * The epoch of a step's first row.
   *
   * @param step an optimizer step, at least 0
   * @return the epoch, from 0
   */
  public long epochOf(long step) {
    return globalRow(step, 0, 0) / sequences;
  }

  /**
   * The token rows of micro-batch {@code micro} of optimizer step {@code step}: {@code rows *
   * (seqLen + 1)} ids, a pure function of (seed, step, micro) for given shards and settings.
   *
   * @param step the optimizer step, at least 0
   * @param micro the micro-batch within the step, in {@code [0, microBatches(step))}
   * @return the micro-batch with its rows' tokens, sources and document starts
   * @throws DataException if {@code step} or {@code micro} is out of range, or a shard cannot be
   *     read
   */
  public LoaderBatch batch(long step, int micro) {
    if (step < 0 || micro < 0 || micro >= microBatches(step)) {
      throw new DataException(
          "batch(step, micro) needs step >= 0 and 0 <= micro < "
              + (step < 0 ? microBatches : microBatches(step))
              + ": "
              + step
              + ", "
              + micro);
    }
    int[] out = new int[rows * (seqLen + 1)];
    Map<String, Long> bySource = new HashMap<>();
    List<int[]> starts = new ArrayList<>(rows);
    long first = globalRow(step, micro, 0);
    for (int r = 0; r < rows; r++) {
      long g = first + r;
      long epoch = g / sequences;
      int k = permutation(epoch)[(int) (g % sequences)];
      starts.add(readRow((long) k * seqLen, out, r * (seqLen + 1), bySource));
    }
    return new LoaderBatch(out, rows, seqLen, first / sequences, bySource, starts);
  }

  /**
   * Returns the micro-batches of a step: fixed, or the batch-size schedule's sequences at that step
   * divided by the rows per micro-batch.
   *
   * @param step the optimizer step
   * @return micro-batches in that step
   * @throws DataException when the scheduled batch is not a multiple of the rows
   */
  public int microBatches(long step) {
    if (batchSchedule == null) {
      return microBatches;
    }
    int size = batchSchedule.batchSize(scheduleOffset + step);
    if (size % rows != 0) {
      throw new DataException(
          "batch-size schedule asks for "
              + size
              + " sequences at step "
              + step
              + ", not a multiple of "
              + rows
              + " rows per micro-batch; make the schedule's sizes and increment multiples of the"
              + " rows");
    }
    return size / rows;
  }

  private long globalRow(long step, int micro, int r) {
    long before =
        batchSchedule == null
            ? Math.multiplyExact(Math.multiplyExact(step, microBatches), rows)
            : batchSchedule.sequencesBefore(scheduleOffset + step) - sequencesBeforeOffset;
    return Math.addExact(Math.addExact(before, Math.multiplyExact((long) micro, rows)), r);
  }

  private int[] permutation(long epoch) {
    if (epoch != permEpoch) {
      int[] p = perm == null ? new int[sequences] : perm;
      for (int i = 0; i < p.length; i++) {
        p[i] = i;
      }
      SplittableRandom rng = Seeds.stream(seed, epoch);
      for (int i = p.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      perm = p;
      permEpoch = epoch;
    }
    return perm;
  }

  /** Copies stream positions {@code [pos, pos + seqLen + 1)}; returns the document starts. */
  private int[] readRow(long pos, int[] out, int at, Map<String, Long> bySource) {
    int s = Arrays.binarySearch(shardStart, pos);
    s = s >= 0 ? s : -s - 2;
    while (shardStart[s + 1] <= pos) {
      s++;
    }
    Loaded sh = load(s);
    int local = (int) (pos - shardStart[s]);
    int d = Arrays.binarySearch(sh.docStart, local);
    d = d >= 0 ? d : -d - 2;
    while (sh.docStart[d + 1] <= local) {
      d++;
    }
    int off = local - sh.docStart[d];
    int[] starts = new int[seqLen + 1];
    int ns = 0;
    for (int i = 0; i <= seqLen; i++) {
      while (d == sh.docs() || off == sh.docStart[d + 1] - sh.docStart[d]) {
        if (d == sh.docs()) {
          sh = load(++s);
          d = 0;
        } else {
          d++;
        }
        off = 0;
      }
      if (i == 0 || off == 0) {
        starts[ns++] = i;
      }
      out[at + i] = sh.token(d, off);
      if (i > 0) {
        bySource.merge(sh.shard.source(d), 1L, Long::sum);
      }
      off++;
    }
    return Arrays.copyOf(starts, ns);
  }

  private Loaded load(int s) {
    for (Loaded l : cache) {
      if (l != null && l.index == s) {
        return l;
      }
    }
    Loaded l = new Loaded(s, shards.read(s), framing);
    cache[cacheNext] = l;
    cacheNext = (cacheNext + 1) % cache.length;
    return l;
  }

  /** A shard in memory with framed document offsets. */
  private static final class Loaded {
    final int index;
    final TokenShard shard;
    final int[] docStart;
    final int[] raw;
    final boolean[] bos;
    final int bosId;
    final int eosId;
    final long length;

    Loaded(int index, TokenShard shard, Framing framing) {
      this.index = index;
      this.shard = shard;
      int n = shard.documents();
      this.docStart = new int[n + 1];
      this.raw = shard.offsets();
      this.bos = new boolean[n];
      this.bosId = framing.bos().orElse(0);
      this.eosId = framing.eos().orElse(0);
      long at = 0;
      for (int i = 0; i < n; i++) {
        int len = shard.length(i);
        int first = len == 0 ? 0 : shard.token(raw[i]);
        int last = len == 0 ? 0 : shard.token(raw[i] + len - 1);
        bos[i] = framing.bos().isPresent() && (len == 0 || first != bosId);
        boolean eos = framing.eos().isPresent() && (len == 0 || last != eosId);
        docStart[i] = (int) at;
        at += len + (bos[i] ? 1 : 0) + (eos ? 1 : 0);
        if (at > Integer.MAX_VALUE - 8) {
          throw new DataException("shard " + index + " too large after framing");
        }
      }
      docStart[n] = (int) at;
      this.length = at;
    }

    int docs() {
      return bos.length;
    }

    int token(int d, int off) {
      if (bos[d]) {
        if (off == 0) {
          return bosId;
        }
        off--;
      }
      int len = shard.length(d);
      return off < len ? shard.token(raw[d] + off) : eosId;
    }
  }

  /** Builder for {@link TokenLoader}. */
  public static final class Builder {
    private final TokenShards shards;
    private final int seqLen;
    private int rows = 1;
    private int microBatches = 1;
    private BatchSizeSchedule batchSchedule;
    private long scheduleOffset;
    private long seed;
    private Framing framing = Framing.none();
    private Optional<LoaderState> resume = Optional.empty();

    private Builder(TokenShards shards, int seqLen) {
      this.shards = Objects.requireNonNull(shards, "shards");
      this.seqLen = Packer.checkSeqLen(seqLen);
    }

    /**
     * Makes the batch size follow a schedule (in sequences per optimizer step) instead of a fixed
     * number of micro-batches; each step has {@code batchSize(step) / rows} micro-batches, so the
     * sizes must be multiples of the rows. Data positions stay a pure function of the step.
     *
     * @param schedule the sequences per optimizer step, read from step 0
     * @return this builder
     */
    public Builder batchSchedule(BatchSizeSchedule schedule) {
      return batchSchedule(schedule, 0);
    }

    /**
     * Like {@link #batchSchedule(BatchSizeSchedule)} for a loader whose step 0 is step {@code
     * firstStep} of the run (a later training stage): the schedule is read at {@code firstStep +
     * step}, and this loader's data starts at its own beginning.
     *
     * @param schedule the sequences per optimizer step of the whole run
     * @param firstStep the run's step that is this loader's step 0, at least 0
     * @return this builder
     * @throws DataException if {@code firstStep} is negative
     */
    public Builder batchSchedule(BatchSizeSchedule schedule, long firstStep) {
      if (firstStep < 0) {
        throw new DataException("firstStep must be at least 0, got " + firstStep);
      }
      this.batchSchedule = java.util.Objects.requireNonNull(schedule, "schedule");
      this.scheduleOffset = firstStep;
      return this;
    }

    /**
     * Rows per micro-batch (default 1).
     *
     * @param rows the rows, at least 1
     * @return this builder
     * @throws DataException if {@code rows} is below 1
     */
    public Builder rows(int rows) {
      if (rows < 1) {
        throw new DataException("rows must be at least 1, got " + rows);
      }
      this.rows = rows;
      return this;
    }

    /**
     * Micro-batches per optimizer step, i.e. gradient accumulation (default 1).
     *
     * @param n the micro-batches, at least 1; ignored when a batch schedule is set
     * @return this builder
     * @throws DataException if {@code n} is below 1
     */
    public Builder microBatches(int n) {
      if (n < 1) {
        throw new DataException("microBatches must be at least 1, got " + n);
      }
      this.microBatches = n;
      return this;
    }

    /**
     * The permutation seed (default 0); a resumed loader takes the state's seed.
     *
     * @param seed any value; each epoch's row order is drawn from it
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * BOS/EOS added to documents that lack them (default none).
     *
     * @param framing the framing; {@link Framing#none()} for shards written from a {@link
     *     StreamPacker}'s pieces
     * @return this builder
     */
    public Builder framing(Framing framing) {
      this.framing = Objects.requireNonNull(framing, "framing");
      return this;
    }

    /**
     * Resume from a saved state; refused at {@link #build} when the shards changed.
     *
     * @param state a state from {@link TokenLoader#state(long)}
     * @return this builder
     */
    public Builder resume(LoaderState state) {
      this.resume = Optional.of(state);
      return this;
    }

    /**
     * Builds the loader (reads each shard once to size the framed stream).
     *
     * @return the loader
     * @throws DataException if the shards hold less than one row, too many rows, cannot be read, or
     *     the resume state's fingerprint or epoch does not match
     */
    public TokenLoader build() {
      return new TokenLoader(this);
    }
  }
}
