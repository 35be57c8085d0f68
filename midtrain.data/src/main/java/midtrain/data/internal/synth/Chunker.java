package midtrain.data.internal.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a long text into chunks of at most a character budget, at paragraph breaks where it can,
 * then at sentence ends, then at spaces, and only last inside a word.
 */
final class Chunker {
  private static final Pattern PARAGRAPHS = Pattern.compile("\\n\\s*\\n");
  private static final Pattern SENTENCES = Pattern.compile("(?<=[.!?。！？])\\s+");

  private Chunker() {}

  /**
   * The chunks of {@code text}, in order; joined back they hold every non-space character of it.
   */
  static List<String> split(String text, int max) {
    List<String> out = new ArrayList<>();
    if (text.length() <= max) {
      out.add(text);
      return out;
    }
    pack(PARAGRAPHS.split(text), "\n\n", max, out, true);
    return out;
  }

  private static void pack(String[] parts, String sep, int max, List<String> out, boolean para) {
    StringBuilder cur = new StringBuilder();
    for (String raw : parts) {
      String p = raw.strip();
      if (p.isEmpty()) {
        continue;
      }
      if (p.length() > max) {
        flush(cur, out);
        if (para) {
          pack(SENTENCES.split(p), " ", max, out, false);
        } else {
          hardSplit(p, max, out);
        }
        continue;
      }
      if (cur.length() > 0 && cur.length() + sep.length() + p.length() > max) {
        flush(cur, out);
      }
      if (cur.length() > 0) {
        cur.append(sep);
      }
      cur.append(p);
    }
    flush(cur, out);
  }

  private static void hardSplit(String s, int max, List<String> out) {
    int from = 0;
    while (s.length() - from > max) {
      int end = from + max;
      int space = s.lastIndexOf(' ', end);
      if (space > from + max / 2) {
        end = space;
      } else if (Character.isHighSurrogate(s.charAt(end - 1))) {
        end--; // never cut a surrogate pair in two
      }
      String piece = s.substring(from, end).strip();
      if (!piece.isEmpty()) {
        // A cut inside a run of tabs or other non-space whitespace can leave nothing.
        out.add(piece);
      }
      from = end;
      while (from < s.length() && s.charAt(from) == ' ') {
        from++;
      }
    }
    if (from < s.length() && !s.substring(from).isBlank()) {
      out.add(s.substring(from).strip());
    }
  }

  private static void flush(StringBuilder cur, List<String> out) {
    if (cur.length() > 0) {
      out.add(cur.toString());
      cur.setLength(0);
    }
  }
}
