package midtrain.data.internal.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The JSON factory the formats share, so field names are canonicalized across files. */
final class Json {
  /**
   * Jackson's default string limit (20 M chars) is below the largest document midtrain accepts;
   * lines are already bounded by the line reader, so the parser need not bound strings again.
   */
  static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
              .build());

  static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {}

  /** A byte sink whose buffer can be read without a copy. */
  static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }

  /** Up to 120 characters of a line for a reject's detail, invalid bytes replaced. */
  static String snippet(byte[] b, int off, int len) {
    int n = Math.min(len, 120);
    String s = new String(b, off, n, StandardCharsets.UTF_8);
    s = s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    return n < len ? s + "..." : s;
  }
}
