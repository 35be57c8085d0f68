package midtrain.data.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import midtrain.data.DataException;
import midtrain.data.io.Formats;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads the Megatron and npy exports back with parsers written from the published layouts. */
class ExportTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {1000, 65535, 65536, 100_000})
  void megatronAndNpyMatchTheirLayouts(int vocab) throws IOException {
    List<int[]> docs = TokenShardsTest.docs(vocab, 50, 30, vocab);
    try (RootAllocator a = new RootAllocator()) {
      TokenShardsTest.write(tmp.resolve("s"), a, docs, vocab);
      TokenShards shards = TokenShards.open(tmp.resolve("s"), a);
      MegatronExport.write(shards, tmp.resolve("out"));
      NpyExport.write(shards, tmp.resolve("flat.npy"));
      assertEquals(0, a.getAllocatedMemory());
    }
    int[] all = docs.stream().flatMapToInt(Arrays::stream).toArray();
    checkMegatron(vocab, docs, all);
    checkNpy(vocab, all);
  }

  @Test
  void aMissingFolderIsNamedAsSuch() {
    List<int[]> docs = TokenShardsTest.docs(1000, 5, 10, 1000);
    Path missing = tmp.resolve("missing");
    try (RootAllocator a = new RootAllocator()) {
      TokenShardsTest.write(tmp.resolve("s"), a, docs, 1000);
      TokenShards shards = TokenShards.open(tmp.resolve("s"), a);
      DataException e =
          assertThrows(
              DataException.class, () -> MegatronExport.write(shards, missing.resolve("out")));
      assertTrue(
          e.getMessage().endsWith("the folder " + missing.toAbsolutePath() + " does not exist"),
          e.getMessage());
      e =
          assertThrows(
              DataException.class, () -> NpyExport.write(shards, missing.resolve("f.npy")));
      assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
    for (String name : List.of("o.jsonl", "o.arrow")) {
      DataException e =
          assertThrows(
              DataException.class, () -> Formats.openWriter(missing.resolve(name)).close());
      assertTrue(
          e.getMessage().endsWith("the folder " + missing.toAbsolutePath() + " does not exist"),
          e.getMessage());
    }
  }

  private void checkMegatron(int vocab, List<int[]> docs, int[] all) throws IOException {
    ByteBuffer idx =
        ByteBuffer.wrap(Files.readAllBytes(tmp.resolve("out.idx"))).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[9];
    idx.get(magic);
    assertEquals("MMIDIDX\0\0", new String(magic, StandardCharsets.US_ASCII));
    assertEquals(1L, idx.getLong(), "version");
    int code = idx.get();
    // Megatron DType: uint16 = 8, int32 = 4; uint16 below 65500 ids.
    int item = vocab < 65500 ? 2 : 4;
    assertEquals(vocab < 65500 ? 8 : 4, code);
    long seqs = idx.getLong();
    long docCount = idx.getLong();
    assertEquals(docs.size(), seqs);
    assertEquals(docs.size() + 1, docCount);
    int[] sizes = new int[(int) seqs];
    for (int i = 0; i < seqs; i++) {
      sizes[i] = idx.getInt();
      assertEquals(docs.get(i).length, sizes[i]);
    }
    ByteBuffer bin =
        ByteBuffer.wrap(Files.readAllBytes(tmp.resolve("out.bin"))).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals((long) all.length * item, bin.capacity());
    for (int i = 0; i < seqs; i++) {
      long ptr = idx.getLong();
      for (int j = 0; j < sizes[i]; j++) {
        int at = (int) ptr + j * item;
        int v = item == 2 ? Short.toUnsignedInt(bin.getShort(at)) : bin.getInt(at);
        assertEquals(docs.get(i)[j], v, "sequence " + i + " token " + j);
      }
    }
    for (int i = 0; i < docCount; i++) {
      assertEquals(i, idx.getLong(), "document index " + i);
    }
    assertEquals(0, idx.remaining(), "nothing after the document indices");
  }

  private void checkNpy(int vocab, int[] all) throws IOException {
    ByteBuffer b =
        ByteBuffer.wrap(Files.readAllBytes(tmp.resolve("flat.npy"))).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals((byte) 0x93, b.get());
    byte[] magic = new byte[5];
    b.get(magic);
    assertEquals("NUMPY", new String(magic, StandardCharsets.US_ASCII));
    assertEquals(1, b.get(), "major version");
    assertEquals(0, b.get(), "minor version");
    int hlen = Short.toUnsignedInt(b.getShort());
    byte[] h = new byte[hlen];
    b.get(h);
    String header = new String(h, StandardCharsets.US_ASCII);
    int dataStart = 10 + hlen;
    assertEquals(0, dataStart % 64, "data aligned to 64 bytes");
    assertTrue(header.endsWith("\n"), "header ends with a newline");
    Matcher m =
        Pattern.compile(
                "\\{'descr': '(<u[24])', 'fortran_order': False, 'shape': \\((\\d+),\\), \\} *\\n")
            .matcher(header);
    assertTrue(m.matches(), header);
    String descr = vocab <= 65535 ? "<u2" : "<u4";
    assertEquals(descr, m.group(1));
    assertEquals(all.length, Integer.parseInt(m.group(2)));
    int item = descr.equals("<u2") ? 2 : 4;
    assertEquals(dataStart + (long) all.length * item, b.capacity());
    for (int i = 0; i < all.length; i++) {
      int at = dataStart + i * item;
      int v = item == 2 ? Short.toUnsignedInt(b.getShort(at)) : b.getInt(at);
      assertEquals(all[i], v, "token " + i);
    }
  }

  @org.junit.jupiter.api.Test
  void npyHeaderLengthsFollowNumpyPadding() {
    for (long n : new long[] {0, 7, 123_456_789_012L}) {
      byte[] h = NpyExport.header("<u2", n);
      assertEquals(0, h.length % 64, "header of " + n);
      // numpy keeps 21 digits of room in the shape, so short shapes all pad to the same size.
      assertEquals(128, h.length);
    }
  }
}
