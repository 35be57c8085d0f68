package midtrain.data.internal.synth;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import midtrain.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path tmp;

  private static ObjectNode header(String model) {
    ObjectNode h = OpenAiClient.JSON.createObjectNode();
    h.put("journal", Journal.FORMAT);
    h.put("model", model);
    return h;
  }

  @Test
  void aSecondRunOnTheSameJournalIsRefusedWhileTheFirstHoldsIt() {
    Path file = tmp.resolve("out.jsonl.journal");
    Journal first = new Journal(file, header("m"));
    try {
      DataException e = assertThrows(DataException.class, () -> new Journal(file, header("m")));
      assertTrue(e.getMessage().contains("in use by another synthesize run"), e.getMessage());
    } finally {
      first.close();
    }
    // Released with the first: the same settings resume.
    new Journal(file, header("m")).close();
  }

  @Test
  void aRefusedResumeReleasesTheJournal() {
    Path file = tmp.resolve("out.jsonl.journal");
    new Journal(file, header("m")).close();
    DataException e = assertThrows(DataException.class, () -> new Journal(file, header("other")));
    assertTrue(e.getMessage().contains("was written with model"), e.getMessage());
    // The refused open kept neither the file nor its lock: the right settings still open it.
    new Journal(file, header("m")).close();
  }
}
