package midtrain.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.dedup.LongTable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdCheckTest {
  @Test
  void aBillionIdsFitTheTablesAndTheirPlannedHeap() {
    long n = 1_000_000_000L;
    // One LongTable stops at 2^29 slots (about 375 million keys): a single table planned for a
    // billion ids would pass the up-front check with a 2^31-slot plan and fail hours into the run.
    assertTrue(IdCheck.capacity() >= n, "capacity " + IdCheck.capacity());
    assertTrue(IdCheck.partShare(n) <= LongTable.maxKeys(), "share " + IdCheck.partShare(n));
    // 8 bytes a slot at most 70% full: a billion ids need at least 11.4 GB; 64 parts of 2^25
    // slots are 16 GiB, and only one part grows at a time.
    long peak = IdCheck.peakBytes(n);
    assertTrue(peak >= (long) (n * 8 / 0.7), "peak " + peak);
    assertTrue(peak <= 17L << 30, "peak " + peak);
  }

  @Test
  void countsRepeatedIdsAsAHashSetDoesAcrossShardsAndAResume(@TempDir Path dir) throws IOException {
    Random rnd = new Random(11);
    try (BufferAllocator alloc = new RootAllocator()) {
      IdCheck check = new IdCheck();
      Set<String> oracle = new HashSet<>();
      long oracleRepeats = 0;
      for (int shard = 0; shard < 4; shard++) {
        check.startShard();
        long shardRepeats = 0;
        String[] ids = new String[50_000];
        for (int r = 0; r < ids.length; r++) {
          ids[r] = "doc-" + rnd.nextInt(150_000);
          if (!oracle.add(ids[r])) {
            shardRepeats++;
          }
        }
        oracleRepeats += shardRepeats;
        try (VectorSchemaRoot root = batch(alloc, ids)) {
          check.add(root);
        }
        assertEquals(ids.length, check.shardChecked());
        assertEquals(shardRepeats, check.shardDuplicates(), "shard " + shard);
        check.save(dir.resolve("part-" + shard + ".ids.bin"));
      }
      assertTrue(oracleRepeats > 0);
      // A resumed run reloads the saved shards and counts a fifth one as the first run would.
      IdCheck resumed = new IdCheck();
      for (int shard = 0; shard < 4; shard++) {
        resumed.reload(dir.resolve("part-" + shard + ".ids.bin"));
      }
      String[] ids = new String[20_000];
      long repeats = 0;
      Set<String> copy = new HashSet<>(oracle);
      for (int r = 0; r < ids.length; r++) {
        ids[r] = "doc-" + rnd.nextInt(300_000);
        if (!copy.add(ids[r])) {
          repeats++;
        }
      }
      check.startShard();
      resumed.startShard();
      try (VectorSchemaRoot root = batch(alloc, ids)) {
        check.add(root);
        resumed.add(root);
      }
      assertEquals(repeats, check.shardDuplicates());
      assertEquals(repeats, resumed.shardDuplicates());
    }
  }

  private static VectorSchemaRoot batch(BufferAllocator alloc, String[] ids) {
    VectorSchemaRoot root = DocumentBatch.create(alloc);
    VarCharVector v = DocumentBatch.utf8(root, DocumentBatch.ID);
    for (int r = 0; r < ids.length; r++) {
      v.setSafe(r, ids[r].getBytes(StandardCharsets.UTF_8));
    }
    v.setValueCount(ids.length);
    root.setRowCount(ids.length);
    return root;
  }
}
