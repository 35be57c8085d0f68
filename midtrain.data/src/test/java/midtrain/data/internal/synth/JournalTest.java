package midtrain.data.internal.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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

  private static ObjectNode entry(int i) {
    ObjectNode e = OpenAiClient.JSON.createObjectNode();
    e.put("i", i);
    e.put("id", "doc" + i);
    e.put("reason", "empty");
    return e;
  }

  /** A journal with entries 0..n-1, closed. */
  private Path written(int n) {
    Path file = tmp.resolve("out.jsonl.journal");
    try (Journal j = new Journal(file, header("m"))) {
      for (int i = 0; i < n; i++) {
        j.append(i, "doc" + i, Journal.Outcome.DONE, entry(i));
      }
    }
    return file;
  }

  @Test
  void aTornLastLineIsCutOffAndCountedAndTheEntriesBeforeItKept() throws Exception {
    Path file = written(3);
    long good = Files.size(file);
    Files.writeString(file, "{\"i\":3,\"id\":\"do", StandardOpenOption.APPEND);
    try (Journal j = new Journal(file, header("m"))) {
      assertEquals(1, j.droppedLines());
      assertEquals(good, Files.size(file), "the torn bytes are truncated");
      for (int i = 0; i < 3; i++) {
        assertTrue(j.done(i));
        assertEquals("doc" + i, j.read(i).get("id").asText());
      }
      assertFalse(j.has(3), "the torn entry's input is asked for again");
      // Appends after the cut start on a line of their own.
      j.append(3, "doc3", Journal.Outcome.DONE, entry(3));
    }
    try (Journal j = new Journal(file, header("m"))) {
      assertEquals(0, j.droppedLines());
      assertEquals("doc3", j.read(3).get("id").asText());
    }
  }

  @Test
  void aTailOfUnwrittenBytesIsDroppedButABadLineBeforeGoodOnesIsRefusedNamingIt() throws Exception {
    // A power loss can leave the new length without its data: NUL bytes, newlines included.
    Path file = written(2);
    long good = Files.size(file);
    Files.write(file, new byte[] {0, 0, 0, '\n', 0, 0}, StandardOpenOption.APPEND);
    try (Journal j = new Journal(file, header("m"))) {
      assertEquals(2, j.droppedLines());
      assertEquals(good, Files.size(file));
      assertTrue(j.done(1));
    }
    // Written by hand, not by a crash: a bad line with a good entry after it.
    Files.writeString(
        file,
        "not json\n" + OpenAiClient.JSON.writeValueAsString(entry(2)) + "\n",
        StandardOpenOption.APPEND);
    DataException e = assertThrows(DataException.class, () -> new Journal(file, header("m")));
    assertTrue(e.getMessage().contains("line 4 is not JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("line 5"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aJournalCutInsideItsHeaderStartsOver() throws Exception {
    Path file = tmp.resolve("out.jsonl.journal");
    Files.writeString(file, "{\"journal\":\"midtrain-synth-jou");
    try (Journal j = new Journal(file, header("m"))) {
      assertEquals(1, j.droppedLines());
      j.append(0, "doc0", Journal.Outcome.DONE, entry(0));
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).contains("\"model\":\"m\""), lines.get(0));
  }

  @Test
  void theChannelIsForcedEveryFewRecordsAndOnClose() throws Exception {
    Path file = tmp.resolve("out.jsonl.journal");
    try (Journal j = new Journal(file, header("m"))) {
      assertEquals(0, j.unsynced(), "the header is forced");
      for (int i = 0; i < Journal.SYNC_EVERY_RECORDS - 1; i++) {
        j.append(i, "doc" + i, Journal.Outcome.DONE, entry(i));
      }
      // Unless the clock passed SYNC_EVERY in between, nothing was forced yet.
      assertTrue(j.unsynced() <= Journal.SYNC_EVERY_RECORDS - 1);
      int n = Journal.SYNC_EVERY_RECORDS - 1;
      j.append(n, "doc" + n, Journal.Outcome.DONE, entry(n));
      assertEquals(0, j.unsynced(), "forced at the record count at the latest");
      j.append(n + 1, "doc", Journal.Outcome.DONE, entry(n + 1));
      assertEquals(1, j.unsynced());
      j.sync();
      assertEquals(0, j.unsynced());
    }
  }

  @Test
  void permanentFailuresAreFinishedUnlessFailedInputsAreRetried() {
    Path file = tmp.resolve("out.jsonl.journal");
    try (Journal j = new Journal(file, header("m"))) {
      ObjectNode failed = entry(0).put("reason", "http-400").put("permanent", true);
      j.append(0, "doc0", Journal.Outcome.FAILED, failed);
      ObjectNode retry = entry(1).put("reason", "http-503").put("retry", true);
      j.append(1, "doc1", Journal.Outcome.RETRY, retry);
      assertTrue(j.done(0));
      assertFalse(j.done(1));
    }
    try (Journal j = new Journal(file, header("m"))) {
      assertTrue(j.done(0), "read back from the file as permanent");
      assertFalse(j.done(1));
    }
    try (Journal j = new Journal(file, header("m"), true)) {
      assertFalse(j.done(0));
      assertTrue(j.has(0));
      assertFalse(j.done(1));
    }
  }

  @Test
  void aResumeWithOtherSettingsNamesEachDifferenceWithBothValues() {
    Path file = tmp.resolve("out.jsonl.journal");
    ObjectNode h = header("m");
    h.put("text_field", "text");
    h.putObject("settings").put("style", "qa").put("pairs", "3");
    new Journal(file, h).close();
    ObjectNode other = header("m2");
    other.put("text_field", "body");
    other.putObject("settings").put("style", "qa").put("pairs", "5");
    DataException e = assertThrows(DataException.class, () -> new Journal(file, other));
    String m = e.getMessage();
    assertTrue(m.contains("model = \"m\" (this run: \"m2\")"), m);
    assertTrue(m.contains("text_field = \"text\" (this run: \"body\")"), m);
    assertTrue(m.contains("settings.pairs = \"3\" (this run: \"5\")"), m);
    assertFalse(m.contains("settings.style"), m);
    assertTrue(m.contains("journal's settings") && m.contains("new output"), m);
    // A journal of an older format, which did not record the field, is named as such.
    ObjectNode old = header("m");
    old.put("journal", "midtrain-synth-journal/1");
    Path older = tmp.resolve("old.jsonl.journal");
    new Journal(older, old).close();
    ObjectNode now = header("m");
    now.put("text_field", "text");
    e = assertThrows(DataException.class, () -> new Journal(older, now));
    assertTrue(
        e.getMessage().contains("text_field = (not recorded) (this run: \"text\")"),
        e.getMessage());
  }
}
