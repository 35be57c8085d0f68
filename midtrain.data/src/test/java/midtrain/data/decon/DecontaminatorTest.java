package midtrain.data.decon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Modes on texts and on Arrow document batches. */
class DecontaminatorTest {
  static final String ITEM =
      "Which planet in the solar system has the largest number of confirmed moons orbiting it"
          + " according to the most recent survey";
  static final String OTHER =
      "A farmer has seventeen sheep and all but nine run away so how many sheep does the farmer"
          + " still have left in the field";

  static String filler(SplittableRandom r, int words) {
    String[] vocab = {"river", "stone", "market", "ledger", "timber", "harbour", "north", "clerk"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      sb.append(vocab[r.nextInt(vocab.length)]).append(i % 11 == 10 ? ". " : " ");
    }
    return sb.toString();
  }

  static BenchmarkIndex index() {
    return BenchmarkIndex.builder().add(Benchmark.of("qa", List.of(ITEM, OTHER))).build();
  }

  @Test
  void dropModeHonoursTheThreshold() {
    SplittableRandom r = new SplittableRandom(1);
    String doc = filler(r, 400) + ITEM + " " + filler(r, 400);
    DocumentResult any = Decontaminator.builder(index()).mode(DeconMode.DROP).build().scan(doc);
    assertTrue(any.dropped());
    assertTrue(any.overlapFraction() > 0 && any.overlapFraction() < 0.05);
    DocumentResult kept =
        Decontaminator.builder(index()).mode(DeconMode.DROP).dropThreshold(0.05).build().scan(doc);
    assertTrue(kept.contaminated());
    assertFalse(kept.dropped());
  }

  @Test
  void hybridConfirmsCopiesAndRejectsIncidentalOverlap() {
    SplittableRandom r = new SplittableRandom(2);
    Decontaminator hybrid =
        Decontaminator.builder(index()).mode(DeconMode.HYBRID).lcsThreshold(0.8).build();
    // A full copy with its last word changed: LCS ratio 20/21.
    String copy = filler(r, 50) + ITEM.replace("survey", "poll") + " " + filler(r, 50);
    DocumentResult c = hybrid.scan(copy);
    assertTrue(c.contaminated());
    assertTrue(c.hits().get(0).lcsRatio() > 0.9, "ratio " + c.hits().get(0).lcsRatio());
    // Only 14 words of the 21-word item: two n-gram hits, but LCS 14/21 < 0.8.
    String partial =
        filler(r, 50)
            + "the solar system has the largest number of confirmed moons orbiting it according "
            + filler(r, 50);
    DocumentResult p = hybrid.scan(partial);
    assertTrue(p.totalOverlaps() > 0);
    assertFalse(p.contaminated());
    assertFalse(p.dropped());
  }

  @Test
  void theRunFilterHidesNoCopyAtAnyOffset() {
    // The scan hashes and probes only the word runs at multiples of its stride (9 words for
    // 13-grams) before the rest: a copy must be found wherever it starts, and whatever its words
    // look like (punctuation inside a word, words over 16 bytes), exactly as without the filters.
    String item =
        "Don't the quick-witted brown fox's internationalization counterrevolutionaries jumped"
            + " over thirty-three lazy dogs while the farmer's daughter (aged nine) counted them"
            + " aloud";
    BenchmarkIndex filtered =
        BenchmarkIndex.builder().add(Benchmark.of("qa", List.of(item, ITEM))).build();
    BenchmarkIndex plain =
        BenchmarkIndex.builder()
            .bloomFilter(false)
            .add(Benchmark.of("qa", List.of(item, ITEM)))
            .build();
    Decontaminator a = Decontaminator.builder(filtered).build();
    Decontaminator b = Decontaminator.builder(plain).build();
    SplittableRandom r = new SplittableRandom(9);
    String[] words = item.split(" ");
    for (int before = 0; before < 20; before++) {
      for (int from = 0; from + 13 <= words.length; from += 3) {
        int to = Math.min(words.length, from + 13 + r.nextInt(4));
        String doc =
            filler(r, before)
                + String.join(" ", List.of(words).subList(from, to))
                + " "
                + filler(r, r.nextInt(30));
        DocumentResult x = a.scan(doc);
        DocumentResult y = b.scan(doc);
        String where = before + " words before, words " + from + " to " + to;
        assertTrue(x.contaminated(), where);
        assertEquals(y.totalOverlaps(), x.totalOverlaps(), where);
        assertEquals(y.uniqueOverlaps(), x.uniqueOverlaps(), where);
        assertEquals(y.ngrams(), x.ngrams(), where);
      }
    }
  }

  @Test
  void nearMissesAreNotHits() {
    // Every 13-gram of the item differs from the document by one word somewhere.
    String doc = ITEM.replace("moons", "rings").replace("solar", "stellar");
    DocumentResult r = Decontaminator.builder(index()).build().scan(doc);
    assertEquals(0, r.totalOverlaps());
    assertTrue(r.ngrams() > 0);
  }

  @Test
  void invalidSettingsNameTheOption() {
    DataException e =
        assertThrows(DataException.class, () -> Decontaminator.builder(index()).window(-1).build());
    // Named as the builder's setting, which the CLI's option and the pipeline's key both echo.
    assertEquals("window must be at least 0, got -1", e.getMessage());
    assertThrows(DataException.class, () -> Decontaminator.builder(index()).lcsThreshold(0));
    assertThrows(DataException.class, () -> BenchmarkIndex.builder().n(0));
    // Nulls are refused where given, not met later as a bare NullPointerException in the report.
    NullPointerException npe =
        assertThrows(
            NullPointerException.class, () -> BenchmarkIndex.builder().normalization(null));
    assertEquals("normalization", npe.getMessage());
    npe = assertThrows(NullPointerException.class, () -> BenchmarkIndex.builder().add(null));
    assertEquals("benchmark", npe.getMessage());
  }

  static VectorSchemaRoot batch(BufferAllocator a, List<String> texts) {
    VectorSchemaRoot root = DocumentBatch.create(a);
    for (int i = 0; i < texts.size(); i++) {
      DocumentBatch.append(root, "doc" + i, texts.get(i));
    }
    return root;
  }

  @Test
  void batchModesKeepOwnershipAndLeakNothing() {
    SplittableRandom r = new SplittableRandom(5);
    String clean = filler(r, 300);
    String dirty = filler(r, 300) + ITEM + " " + filler(r, 300);
    String tooShort = "short clean document";
    List<String> texts = List.of(clean, dirty, tooShort);
    try (BufferAllocator a = new RootAllocator()) {
      try (VectorSchemaRoot in = batch(a, texts)) {
        for (DeconMode mode : DeconMode.values()) {
          Decontaminator d = Decontaminator.builder(index()).mode(mode).build();
          DeconReport report = new DeconReport(d);
          try (VectorSchemaRoot out = d.apply(in, a, report)) {
            assertEquals(3, report.documents());
            assertEquals(1, report.contaminated());
            assertEquals(report.outputDocuments(), out.getRowCount(), mode.id());
            VarCharVector ids = DocumentBatch.utf8(out, DocumentBatch.ID);
            switch (mode) {
              case REPORT -> assertEquals(3, out.getRowCount());
              case FLAG -> {
                assertEquals(3, out.getRowCount());
                BitVector flag = (BitVector) out.getVector(Decontaminator.COL_CONTAMINATED);
                assertEquals(List.of(0, 1, 0), List.of(flag.get(0), flag.get(1), flag.get(2)));
                Float4Vector f = (Float4Vector) out.getVector(Decontaminator.COL_FRACTION);
                assertTrue(f.get(1) > 0);
                assertEquals(
                    "[0]",
                    new String(
                        ((VarCharVector) out.getVector(Decontaminator.COL_HITS)).get(1),
                        StandardCharsets.UTF_8));
              }
              case DROP, HYBRID -> {
                assertEquals(2, out.getRowCount());
                assertEquals("doc2", new String(ids.get(1), StandardCharsets.UTF_8));
              }
              case JANITOR -> {
                // clean kept whole, dirty cut in two, the short one below the minimum slice.
                assertEquals(3, out.getRowCount());
                assertEquals("doc0", new String(ids.get(0), StandardCharsets.UTF_8));
                assertEquals("doc1#0", new String(ids.get(1), StandardCharsets.UTF_8));
                assertEquals("doc1#1", new String(ids.get(2), StandardCharsets.UTF_8));
                String piece =
                    new String(
                        DocumentBatch.utf8(out, DocumentBatch.TEXT).get(1), StandardCharsets.UTF_8);
                assertTrue(dirty.startsWith(piece));
                assertEquals(1, report.dropped());
              }
            }
          }
        }
        assertEquals(3, in.getRowCount());
      }
    }
  }

  @Test
  void reportJsonNamesBenchmarksAndExamples() {
    Decontaminator d = Decontaminator.builder(index()).mode(DeconMode.REPORT).build();
    DeconReport rep = new DeconReport(d);
    rep.record("a", false, d.scan(ITEM));
    rep.record("b", false, d.scan("nothing here"));
    rep.reject("in.jsonl:3", "malformed JSON");
    String json = rep.toJson();
    assertTrue(json.contains("\"items_contaminated\" : 1"), json);
    assertTrue(json.contains("\"documents_affected\" : 1"), json);
    assertTrue(json.contains("\"document\" : \"a\""), json);
    assertTrue(json.contains("in.jsonl:3"), json);
    assertTrue(rep.summaryText().contains("qa: 1 of 2 items (50.00%)"), rep.summaryText());
  }

  /** A window as wide as an int can be cuts the whole document: no overflow past its ends. */
  @Test
  void janitorWindowsAsWideAsAnIntCutEverything() {
    String pad = "lorem ipsum dolor sit amet ".repeat(20);
    String text = pad + ITEM + " " + pad;
    for (int window : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1 << 30}) {
      DocumentResult r =
          Decontaminator.builder(index()).mode(DeconMode.JANITOR).window(window).build().scan(text);
      assertTrue(r.dirtyNgrams() > 0, "window " + window);
      assertTrue(r.cleanChunks().isEmpty(), "window " + window);
      assertTrue(r.dropped(), "window " + window);
    }
    DocumentResult narrow =
        Decontaminator.builder(index()).mode(DeconMode.JANITOR).build().scan(text);
    assertEquals(2, narrow.cleanChunks().size());
  }
}
