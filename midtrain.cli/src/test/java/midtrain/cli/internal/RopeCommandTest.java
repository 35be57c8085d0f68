package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RopeCommandTest {
  @TempDir Path tmp;

  private static final String LLAMA31 =
      "{\"hidden_size\": 4096, \"num_attention_heads\": 32, \"max_position_embeddings\": 131072,"
          + " \"rope_theta\": 500000.0, \"rope_scaling\": {\"factor\": 8.0, \"low_freq_factor\":"
          + " 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192,"
          + " \"rope_type\": \"llama3\"}}";

  /** Runs {@code midtrain rope ...} with midtrain's error handling; returns {code, out, err}. */
  static Object[] run(String... args) {
    CommandLine cl = MidtrainCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] full = new String[args.length + 1];
    full[0] = "rope";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = cl.execute(full);
    return new Object[] {code, out.toString(), err.toString()};
  }

  private Path config(String json) throws Exception {
    Path file = tmp.resolve("config.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void jsonHasInvFreqFactorAndRequestedRows() throws Exception {
    Path file = config(LLAMA31);
    Object[] r = run("--config", file.toString(), "--positions", "0,1,1000");
    assertEquals(0, r[0], (String) r[2]);
    JsonNode root = Inputs.JSON.readTree((String) r[1]);
    assertEquals("llama3", root.get("rope_type").asText());
    assertEquals(128, root.get("rotary_dim").asInt());
    assertEquals(64, root.get("inv_freq").size());
    assertEquals(1.0, root.get("inv_freq").get(0).asDouble());
    // The lowest frequency is in the "divide by factor" band: 1 / 500000^(126/128) / 8.
    assertEquals(
        1 / Math.pow(500000, 126.0 / 128) / 8, root.get("inv_freq").get(63).asDouble(), 1e-22);
    assertEquals(1.0, root.get("attention_factor").asDouble());
    assertEquals("rotate_half", root.get("layout").asText());
    JsonNode rows = root.get("positions");
    assertEquals(3, rows.size());
    JsonNode p1 = rows.get(1);
    assertEquals(1, p1.get("position").asInt());
    assertEquals(128, p1.get("cos").size());
    assertEquals(Math.cos(1.0), p1.get("cos").get(0).asDouble(), 1e-15);
    assertEquals(Math.sin(1.0), p1.get("sin").get(64).asDouble(), 1e-15, "second half repeats");
  }

  @Test
  void interleavedLayoutAndNoPositions() throws Exception {
    Path file = config(LLAMA31);
    Object[] r = run("--config", file.toString(), "--positions", "2", "--layout", "interleaved");
    assertEquals(0, r[0], (String) r[2]);
    JsonNode row = Inputs.JSON.readTree((String) r[1]).get("positions").get(0);
    assertEquals(row.get("cos").get(0).asDouble(), row.get("cos").get(1).asDouble());
    assertEquals(Math.cos(2.0), row.get("cos").get(1).asDouble(), 1e-15);
    assertFalse(Inputs.JSON.readTree((String) r[1]).has("seq_len"), "llama3 ignores seq_len");
    r = run("--config", file.toString());
    JsonNode root = Inputs.JSON.readTree((String) r[1]);
    assertFalse(root.has("positions"));
    assertFalse(root.has("seq_len"));
  }

  @Test
  void seqLenSelectsDynamicFrequencies() throws Exception {
    Path file =
        config(
            "{\"head_dim\": 64, \"rope_theta\": 10000.0, \"max_position_embeddings\": 2048,"
                + " \"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0}}");
    JsonNode base = Inputs.JSON.readTree((String) run("--config", file.toString())[1]);
    JsonNode grown =
        Inputs.JSON.readTree((String) run("--config", file.toString(), "--seq-len", "4096")[1]);
    assertEquals(4096, grown.get("seq_len").asInt());
    double theta = 10000 * Math.pow(3, 64.0 / 62);
    assertEquals(1 / Math.pow(10000, 2.0 / 64), base.get("inv_freq").get(1).asDouble(), 1e-16);
    assertEquals(1 / Math.pow(theta, 2.0 / 64), grown.get("inv_freq").get(1).asDouble(), 1e-16);
  }

  @Test
  void pngIsWritten() throws Exception {
    Path file = config(LLAMA31);
    Path png = tmp.resolve("plots/rope.png");
    Object[] r = run("--config", file.toString(), "--format", "png", "--out", png.toString());
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(((String) r[1]).contains("wrote"));
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 1000);
    assertEquals((byte) 0x89, bytes[0]);
    assertEquals('P', bytes[1]);
  }

  @Test
  void inputErrorsAreOneLineWithExitCode2() throws Exception {
    Path file =
        config(
            "{\"head_dim\": 64, \"rope_theta\": 10000.0,"
                + " \"rope_scaling\": {\"type\": \"yarn2\", \"factor\": 2.0}}");
    Object[] r = run("--config", file.toString());
    assertEquals(2, r[0]);
    String err = ((String) r[2]).trim();
    assertTrue(err.contains("rope_scaling.rope_type 'yarn2' is not a known rope type"), err);
    assertEquals(1, err.lines().count(), err);

    file = config("{\"head_dim\": 64, \"rope_theta\": 10000.0}");
    r = run("--config", file.toString(), "--positions", "0,x");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("--positions"), (String) r[2]);
    r = run("--config", file.toString(), "--layout", "diagonal");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("rotate_half"), (String) r[2]);
    r = run("--config", tmp.resolve("missing.json").toString());
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("no such file"), (String) r[2]);
    // The largest int overflowed the table's length (max position + 1).
    r = run("--config", file.toString(), "--positions", "0," + Integer.MAX_VALUE);
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("--positions must be from 0 to 2147483646"), (String) r[2]);
    // --layout only orders the rows of --positions; without them it was silently ignored.
    r = run("--config", file.toString(), "--layout", "interleaved");
    assertEquals(2, r[0]);
    assertTrue(((String) r[2]).contains("give --positions too"), (String) r[2]);
    Path afile = tmp.resolve("afile");
    Files.writeString(afile, "x");
    r =
        run(
            "--config",
            file.toString(),
            "--format",
            "png",
            "--out",
            afile.resolve("r.png").toString());
    assertEquals(2, r[0], (String) r[2]);
    assertTrue(((String) r[2]).contains("is a file, not a folder"), (String) r[2]);
    r = run("--config", file.toString(), "--out", tmp.toString());
    assertEquals(2, r[0], (String) r[2]);
    assertTrue(((String) r[2]).contains("is a folder"), (String) r[2]);
  }
}
