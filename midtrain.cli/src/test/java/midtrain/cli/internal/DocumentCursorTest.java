package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import midtrain.data.Document;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentCursorTest {
  @TempDir Path tmp;

  private static List<String> ids(List<Path> files) {
    List<String> out = new ArrayList<>();
    try (RootAllocator a = new RootAllocator();
        DocumentCursor c =
            new DocumentCursor(
                files, ReaderOptions.defaults(), a, new PrintWriter(new StringWriter()))) {
      for (Document d = c.next(); d != null; d = c.next()) {
        out.add(d.id());
      }
    }
    return out;
  }

  @Test
  void twoCurateOutputsPackedTogetherDoNotShareIds() throws Exception {
    List<Path> files = new ArrayList<>();
    for (String run : new String[] {"run1", "run2"}) {
      Path part = tmp.resolve(run).resolve("part-00000.jsonl");
      Files.createDirectories(part.getParent());
      Files.writeString(part, "{\"text\":\"alpha beta\"}\n{\"text\":\"gamma\"}\n");
      files.add(part);
    }
    // FIM draws are keyed on the id: with file-name ids both runs' documents drew alike.
    assertEquals(
        List.of(
            "run1/part-00000.jsonl:1",
            "run1/part-00000.jsonl:2",
            "run2/part-00000.jsonl:1",
            "run2/part-00000.jsonl:2"),
        ids(files));
    // One folder's files keep their file-name ids.
    assertEquals(List.of("part-00000.jsonl:1", "part-00000.jsonl:2"), ids(List.of(files.get(0))));
  }
}
