package midtrain.data.decon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import midtrain.data.internal.decon.ReportParts;
import org.junit.jupiter.api.Test;

/** A report recorded in parts, saved and merged in order, against one recorded whole. */
class DeconReportPartsTest {
  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu"};
  private static final String[] FILLER = {"river", "stone", "cloud", "field", "lamp", "paper"};

  private static String words(SplittableRandom r, int n) {
    StringBuilder t = new StringBuilder();
    for (int w = 0; w < n; w++) {
      for (int s = 0; s < 3; s++) {
        t.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
      }
      t.append(' ');
    }
    return t.toString().trim();
  }

  private static Decontaminator decon(SplittableRandom r, String... names) {
    BenchmarkIndex.Builder b = BenchmarkIndex.builder();
    for (String name : names) {
      List<BenchmarkItem> items = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        boolean numeric = name.equals("math");
        items.add(
            new BenchmarkItem(
                numeric ? String.valueOf(100 + i) : "q" + i, numeric, List.of(words(r, 16))));
      }
      b.add(new Benchmark(name, name + ".jsonl", items));
    }
    return Decontaminator.builder(b.build()).mode(DeconMode.HYBRID).build();
  }

  /** One event: a document scanned, or (with a null result) a rejected record. */
  private record Event(String id, DocumentResult result) {}

  private static void replay(DeconReport report, List<Event> events) {
    for (Event e : events) {
      if (e.result() == null) {
        report.reject(e.id(), "malformed JSON");
      } else {
        report.record(e.id(), false, e.result());
      }
    }
  }

  @Test
  void partsMergedInOrderGiveTheReportOfTheWhole() throws IOException {
    SplittableRandom r = new SplittableRandom(11);
    Decontaminator d = decon(r, "qa", "math");
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      if (i % 2 == 1) {
        // More rejects than the report lists, in every part.
        events.add(new Event("in.jsonl:" + i, null));
        continue;
      }
      StringBuilder t = new StringBuilder();
      for (int w = 0; w < 20 + r.nextInt(20); w++) {
        t.append(FILLER[r.nextInt(FILLER.length)]).append(' ');
      }
      if (r.nextInt(3) == 0) {
        // Later documents quote more items, so later parts find new ones as well as old ones.
        BenchmarkItem item =
            d.index()
                .benchmarks()
                .get(r.nextInt(2))
                .items()
                .get(r.nextInt(Math.min(12, 2 + i / 25)));
        t.append(item.texts().get(0));
      }
      events.add(new Event("doc" + i, d.scan(t.toString())));
    }
    DeconReport whole = new DeconReport(d);
    replay(whole, events);
    assertTrue(whole.rejected() > DeconReport.REJECTIONS_LISTED, whole.summaryText());
    for (int b = 0; b < 2; b++) {
      assertTrue(whole.itemsContaminated(b) > DeconReport.EXAMPLES, whole.summaryText());
    }

    DeconReport merged = new DeconReport(d);
    int[] cuts = {0, 40, 41, 170, 300};
    for (int c = 0; c + 1 < cuts.length; c++) {
      DeconReport part = new DeconReport(d);
      replay(part, events.subList(cuts[c], cuts[c + 1]));
      ReportParts.get().merge(merged, ReportParts.get().save(part));
    }
    assertEquals(whole.toJson(), merged.toJson());
    assertEquals(whole.summaryText(), merged.summaryText());
  }

  @Test
  void aPartOfAnotherIndexIsRefusedAndLeavesTheReportAsItWas() {
    Decontaminator d = decon(new SplittableRandom(3), "qa", "math");
    Decontaminator other = decon(new SplittableRandom(3), "qa");
    DeconReport report = new DeconReport(d);
    report.record(
        "doc0", false, d.scan(d.index().benchmarks().get(0).items().get(0).texts().get(0)));
    String before = report.toJson();
    DeconReport part = new DeconReport(other);
    part.record("doc1", false, other.scan("nothing to find here"));
    byte[] saved = ReportParts.get().save(part);
    IOException e = assertThrows(IOException.class, () -> ReportParts.get().merge(report, saved));
    assertEquals("it is for benchmarks [qa], not [qa, math]", e.getMessage());
    assertEquals(before, report.toJson());
    assertThrows(IOException.class, () -> ReportParts.get().merge(report, "[]".getBytes()));
    assertEquals(before, report.toJson());
  }

  @Test
  void theBridgeIsSetOnce() {
    // DeconReport sets it; a second implementation would read every later run's saved parts.
    assertThrows(
        IllegalStateException.class,
        () ->
            midtrain.data.internal.decon.ReportParts.set(
                midtrain.data.internal.decon.ReportParts.get()));
  }
}
