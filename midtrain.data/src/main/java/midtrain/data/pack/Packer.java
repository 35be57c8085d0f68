package midtrain.data.pack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import midtrain.data.DataException;

/**
 * Packs tokenized documents into rows of {@code seqLen + 1} tokens, consecutive rows overlapping by
 * one token (row {@code k} starts at stream position {@code k * seqLen}) so every token but the
 * first is a label exactly once, as Megatron's GPT dataset does.
 */
public final class Packer {
  private final int seqLen;
  private final Framing framing;
  private final PackMode mode;
  private final OptionalInt pad;

  private Packer(Builder b) {
    this.seqLen = b.seqLen;
    this.framing = b.framing;
    this.mode = b.mode;
    this.pad = b.pad;
  }

  /**
   * A builder for rows of {@code seqLen + 1} tokens.
   *
   * @param seqLen the model's sequence length, at least 2
   * @return a builder without framing or padding, in {@link PackMode#CONCAT} mode
   * @throws DataException if {@code seqLen} is below 2
   */
  public static Builder builder(int seqLen) {
    return new Builder(seqLen);
  }

  /**
   * A document with its source label, as packing takes it.
   *
   * @param source the source label its tokens count toward
   * @param tokens the document's token ids, before framing; not copied
   */
  public record Document(String source, int[] tokens) {
    /**
     * Rejects nulls.
     *
     * @param source the source label its tokens count toward
     * @param tokens the document's token ids, before framing; not copied
     */
    public Document {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(tokens, "tokens");
    }
  }

  /**
   * The rows and the statistics of one packing run.
   *
   * @param rows the packed rows, in stream order
   * @param stats what packing did: counts, padding, dropped tokens and the length histogram
   */
  public record Result(List<PackedRow> rows, PackStats stats) {
    /**
     * Copies the rows.
     *
     * @param rows the packed rows, in stream order; copied
     * @param stats what packing did
     */
    public Result {
      rows = List.copyOf(rows);
    }
  }

  /**
   * Packs the documents in order.
   *
   * @param documents the documents in stream order, framed here
   * @return the rows of {@code seqLen + 1} tokens and the statistics; the last partial row is
   *     padded when a pad id is set, otherwise dropped
   */
  public Result pack(List<Document> documents) {
    Map<Integer, Long> hist = new TreeMap<>();
    Stream pool = new Stream();
    List<PackedRow> rows = new ArrayList<>();
    for (Document d : documents) {
      int[] framed = framing.frame(d.tokens());
      hist.merge(PackStats.bucket(framed.length), 1L, Long::sum);
      if (mode == PackMode.LONG_CONTEXT && framed.length >= seqLen + 1) {
        Stream alone = new Stream();
        alone.add(framed, 0, framed.length, d.source());
        int m = (framed.length - 1) / seqLen;
        for (int k = 0; k < m; k++) {
          rows.add(alone.row(k * seqLen, seqLen + 1));
        }
        int used = m * seqLen + 1;
        pool.add(framed, used, framed.length - used, d.source());
      } else {
        pool.add(framed, 0, framed.length, d.source());
      }
    }
    long padded = 0;
    long dropped = 0;
    int full = pool.size() < seqLen + 1 ? 0 : (pool.size() - 1) / seqLen;
    for (int k = 0; k < full; k++) {
      rows.add(pool.row(k * seqLen, seqLen + 1));
    }
    int consumed = full == 0 ? 0 : full * seqLen + 1;
    int rest = pool.size() - consumed;
    if (rest > 0) {
      if (pad.isPresent()) {
        int from = full == 0 ? 0 : full * seqLen;
        int have = pool.size() - from;
        padded = seqLen + 1 - have;
        pool.addPad(pad.getAsInt(), (int) padded);
        rows.add(pool.row(from, seqLen + 1));
      } else {
        dropped = rest;
      }
    }
    long single = rows.stream().filter(r -> r.documentStarts().length == 1).count();
    return new Result(
        rows,
        new PackStats(documents.size(), rows.size(), single, padded, dropped, new TreeMap<>(hist)));
  }

  /** A flat token stream with per-token segment labels; in memory, as packing is. */
  private static final class Stream {
    private int[] tokens = new int[16];
    private int[] segment = new int[16];
    private final List<String> sources = new ArrayList<>();
    private int n;

    void add(int[] src, int from, int len, String source) {
      if (len <= 0) {
        return;
      }
      grow(len);
      sources.add(source);
      int seg = sources.size() - 1;
      System.arraycopy(src, from, tokens, n, len);
      Arrays.fill(segment, n, n + len, seg);
      n += len;
    }

    void addPad(int padId, int len) {
      grow(len);
      Arrays.fill(tokens, n, n + len, padId);
      Arrays.fill(segment, n, n + len, -1);
      n += len;
    }

    private void grow(int len) {
      if (n + len > tokens.length) {
        int cap = Math.max(tokens.length * 2, n + len);
        tokens = Arrays.copyOf(tokens, cap);
        segment = Arrays.copyOf(segment, cap);
      }
    }

    int size() {
      return n;
    }

    PackedRow row(int from, int len) {
      int[] t = Arrays.copyOfRange(tokens, from, from + len);
      List<Integer> starts = new ArrayList<>();
      Map<String, Long> bySource = new HashMap<>();
      for (int i = 0; i < len; i++) {
        int seg = segment[from + i];
        // Any change of segment is a boundary: a long document's tail still differs from its
        // neighbour, and pad must not attend to real tokens.
        if (i == 0 || seg != segment[from + i - 1]) {
          starts.add(i);
        }
        if (i > 0 && seg >= 0) {
          bySource.merge(sources.get(seg), 1L, Long::sum);
        }
      }
      return new PackedRow(t, starts.stream().mapToInt(Integer::intValue).toArray(), bySource);
    }
  }

  /** Builder for {@link Packer}. */
  public static final class Builder {
    private final int seqLen;
    private Framing framing = Framing.none();
    private PackMode mode = PackMode.CONCAT;
    private OptionalInt pad = OptionalInt.empty();

    private Builder(int seqLen) {
      this.seqLen = checkSeqLen(seqLen);
    }

    /**
     * BOS/EOS handling (default: none).
     *
     * @param framing the tokens added to each document that lacks them
     * @return this builder
     */
    public Builder framing(Framing framing) {
      this.framing = Objects.requireNonNull(framing, "framing");
      return this;
    }

    /**
     * Concatenation or long-context preference (default: concatenation).
     *
     * @param mode how documents are placed in rows
     * @return this builder
     */
    public Builder mode(PackMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Pads the last partial row with this id instead of dropping it.
     *
     * @param padId the pad token id
     * @return this builder
     */
    public Builder pad(int padId) {
      this.pad = OptionalInt.of(padId);
      return this;
    }

    /**
     * Builds the packer.
     *
     * @return the packer; it keeps no state between {@link #pack} calls
     */
    public Packer build() {
      return new Packer(this);
    }
  }

  static int checkSeqLen(int seqLen) {
    if (seqLen < 2) {
      throw new DataException("sequence length (seqLen) must be at least 2, got " + seqLen);
    }
    return seqLen;
  }
}
