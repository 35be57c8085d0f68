package midtrain.data.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reads the lineage a document came with, so that a later step adds to it instead of losing it. */
public final class Lineage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Lineage() {}

  /**
   * The entries of a lineage cell: its elements when it holds a JSON array, else its whole text as
   * one entry (a columnar input may hold any text there: it is kept, not lost).
   *
   * @param cell the cell's UTF-8 bytes
   * @return a new array of the entries
   */
  public static ArrayNode entries(byte[] cell) {
    ArrayNode out = JSON.createArrayNode();
    JsonNode before;
    try {
      before = JSON.readTree(cell);
    } catch (IOException e) {
      before = null;
    }
    if (before != null && before.isArray()) {
      out.addAll((ArrayNode) before);
    } else {
      out.add(new String(cell, StandardCharsets.UTF_8));
    }
    return out;
  }
}
