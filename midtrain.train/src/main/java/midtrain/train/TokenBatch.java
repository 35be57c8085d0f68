package midtrain.train;

import java.util.Map;

/**
 * One micro-batch of training tokens: inputs and next-token labels, row-major {@code [rows,
 * seqLen]}; labels below 0 are ignored.
 *
 * @param inputs token ids
 * @param labels target ids, or -100 (any negative) to ignore a position
 * @param rows sequences in the batch
 * @param seqLen tokens per sequence
 * @param tokensBySource tokens of this batch per data source, for the metrics log
 * @param segments document number of each input position, row-major {@code [rows, seqLen]},
 *     non-decreasing along a row; empty when the rows carry no document boundaries (plain causal
 *     attention over the whole row)
 */
public record TokenBatch(
    int[] inputs,
    int[] labels,
    int rows,
    int seqLen,
    Map<String, Long> tokensBySource,
    int[] segments) {

  /**
   * Makes a batch without document boundaries.
   *
   * @param inputs token ids
   * @param labels target ids
   * @param rows sequences
   * @param seqLen tokens per sequence
   * @param tokensBySource per-source counts
   * @throws TrainException if {@code rows} or {@code seqLen} is not positive, or {@code inputs} or
   *     {@code labels} does not hold {@code rows * seqLen} ids
   */
  public TokenBatch(
      int[] inputs, int[] labels, int rows, int seqLen, Map<String, Long> tokensBySource) {
    this(inputs, labels, rows, seqLen, tokensBySource, new int[0]);
  }

  /**
   * Validates the shapes.
   *
   * @param inputs token ids, {@code rows * seqLen} of them
   * @param labels target ids, {@code rows * seqLen} of them; a negative label ignores its position
   * @param rows the number of sequences, at least 1
   * @param seqLen the tokens per sequence, at least 1
   * @param tokensBySource tokens of this batch per data source, copied into an unmodifiable map
   * @param segments the document number of each input position, {@code rows * seqLen} of them, or
   *     empty when the rows carry no document boundaries
   * @throws TrainException if {@code rows} or {@code seqLen} is not positive, or an array's length
   *     does not match {@code rows * seqLen}
   */
  public TokenBatch {
    if (rows <= 0 || seqLen <= 0) {
      throw new TrainException("a batch needs rows > 0 and seqLen > 0, got " + rows + "x" + seqLen);
    }
    if (inputs.length != rows * seqLen || labels.length != rows * seqLen) {
      throw new TrainException(
          "batch arrays hold "
              + inputs.length
              + " inputs and "
              + labels.length
              + " labels; "
              + rows
              + "x"
              + seqLen
              + " needs "
              + rows * seqLen);
    }
    tokensBySource = Map.copyOf(tokensBySource);
    if (segments.length != 0 && segments.length != rows * seqLen) {
      throw new TrainException(
          "batch segments hold "
              + segments.length
              + " entries; "
              + rows
              + "x"
              + seqLen
              + " needs "
              + rows * seqLen
              + " (or none)");
    }
  }

  /**
   * Tells whether the rows carry document boundaries.
   *
   * @return true when {@link #segments()} is not empty
   */
  public boolean hasSegments() {
    return segments.length != 0;
  }

  /**
   * Builds the causal-LM batch of packed sequences with their document boundaries: labels are the
   * inputs shifted left by one; input position {@code p} of row {@code r} belongs to the document
   * that starts at the largest {@code documentStarts[r][k] <= p}.
   *
   * @param tokens {@code rows * (seqLen + 1)} ids
   * @param rows sequences
   * @param seqLen tokens per sequence
   * @param tokensBySource per-source counts
   * @param documentStarts per row, the positions (in the row of {@code seqLen + 1}) where documents
   *     begin, ascending; 0 is implied
   * @return the batch
   * @throws TrainException if {@code tokens} does not hold {@code rows * (seqLen + 1)} ids, {@code
   *     rows} or {@code seqLen} is not positive, or {@code documentStarts} does not hold one array
   *     per row
   */
  public static TokenBatch shifted(
      int[] tokens,
      int rows,
      int seqLen,
      Map<String, Long> tokensBySource,
      java.util.List<int[]> documentStarts) {
    TokenBatch plain = shifted(tokens, rows, seqLen, tokensBySource);
    if (documentStarts.size() != rows) {
      throw new TrainException(
          "document starts given for " + documentStarts.size() + " rows, batch has " + rows);
    }
    int[] seg = new int[rows * seqLen];
    for (int r = 0; r < rows; r++) {
      int[] st = documentStarts.get(r);
      int k = 0;
      int doc = 0;
      for (int p = 0; p < seqLen; p++) {
        while (k < st.length && st[k] <= p) {
          if (st[k] > 0) {
            doc++;
          }
          k++;
        }
        seg[r * seqLen + p] = doc;
      }
    }
    return new TokenBatch(plain.inputs, plain.labels, rows, seqLen, tokensBySource, seg);
  }

  /**
   * Builds the causal-LM batch of packed sequences: labels are the inputs shifted left by one, the
   * last position of each row ignored.
   *
   * @param tokens {@code rows * (seqLen + 1)} ids, each row one token longer than the sequence
   * @param rows sequences
   * @param seqLen tokens per sequence
   * @param tokensBySource per-source counts
   * @return the batch
   * @throws TrainException if {@code tokens} does not hold {@code rows * (seqLen + 1)} ids, or
   *     {@code rows} or {@code seqLen} is not positive
   */
  public static TokenBatch shifted(
      int[] tokens, int rows, int seqLen, Map<String, Long> tokensBySource) {
    // Checked here, before the sizes below: a seqLen of -1 made an empty row length and a negative
    // array size, and large ones overflowed int.
    if (rows <= 0 || seqLen <= 0) {
      throw new TrainException(
          "shifted batch needs positive rows and seqLen, got rows " + rows + ", seqLen " + seqLen);
    }
    long needed = (long) rows * (seqLen + 1L);
    if (tokens.length != needed) {
      throw new TrainException(
          "shifted batch needs rows * (seqLen + 1) = " + needed + " tokens, got " + tokens.length);
    }
    int[] in = new int[rows * seqLen];
    int[] lab = new int[rows * seqLen];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(tokens, r * (seqLen + 1), in, r * seqLen, seqLen);
      System.arraycopy(tokens, r * (seqLen + 1) + 1, lab, r * seqLen, seqLen);
    }
    return new TokenBatch(in, lab, rows, seqLen, tokensBySource);
  }

  /**
   * Returns the number of tokens that carry a loss.
   *
   * @return labels that are not ignored
   */
  public long trainedTokens() {
    long n = 0;
    for (int l : labels) {
      if (l >= 0) {
        n++;
      }
    }
    return n;
  }
}
