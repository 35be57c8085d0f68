package midtrain.data.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;
import midtrain.data.DataException;

/**
 * Where a {@link TokenLoader} stands: enough to resume exactly, and to refuse changed data.
 *
 * @param seed the loader's seed
 * @param epoch the epoch of the first row of {@code step}
 * @param step the next optimizer step to load
 * @param fingerprint the shard manifest's SHA-256
 */
public record LoaderState(long seed, long epoch, long step, String fingerprint) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Validates the fields.
   *
   * @param seed the loader's seed
   * @param epoch the epoch of the first row of {@code step}, at least 0
   * @param step the next optimizer step to load, at least 0
   * @param fingerprint the shard manifest's SHA-256
   * @throws DataException if {@code step} or {@code epoch} is negative
   */
  public LoaderState {
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (step < 0 || epoch < 0) {
      throw new DataException(
          "loader state: step and epoch must be >= 0, got " + step + ", " + epoch);
    }
  }

  /**
   * The state as a small JSON object, for {@code trainer_state.json}.
   *
   * @return a one-line JSON object with keys {@code seed}, {@code epoch}, {@code step} and {@code
   *     fingerprint}
   */
  public String toJson() {
    return JSON.createObjectNode()
        .put("seed", seed)
        .put("epoch", epoch)
        .put("step", step)
        .put("fingerprint", fingerprint)
        .toString();
  }

  /**
   * Parses {@link #toJson()} output; a missing key is named in the error.
   *
   * @param json a JSON object with keys {@code seed}, {@code epoch}, {@code step} and {@code
   *     fingerprint}; other keys are ignored
   * @return the state
   * @throws DataException if the text is not JSON, a key is missing or null, or step or epoch is
   *     negative
   */
  public static LoaderState parse(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new DataException("loader state is not JSON: " + e.getMessage(), e);
    }
    for (String k : new String[] {"seed", "epoch", "step", "fingerprint"}) {
      if (n == null || !n.hasNonNull(k)) {
        throw new DataException("loader state: missing key " + k);
      }
    }
    return new LoaderState(
        n.get("seed").asLong(),
        n.get("epoch").asLong(),
        n.get("step").asLong(),
        n.get("fingerprint").asText());
  }
}
