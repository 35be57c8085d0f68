package midtrain.data.fim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every case of {@code fim_cases.json}: string formats, split offsets and token-level permute. */
class FimCasesTest {
  static JsonNode cases() throws IOException {
    String dir = System.getProperty("midtrain.refs");
    Path file = Path.of(dir == null ? "../shared/refs" : dir, "fim_cases.json");
    assertTrue(
        Files.isRegularFile(file),
        "reference cases not found at "
            + file.toAbsolutePath()
            + " (system property midtrain.refs)");
    return new ObjectMapper().readTree(file.toFile());
  }

  /** Toy tokenizer of the cases: one token per code point, id = code point. */
  static final TokenCodec CODE_POINTS =
      new TokenCodec() {
        @Override
        public String decode(int[] ids) {
          return new String(ids, 0, ids.length);
        }

        @Override
        public int[] encode(String text) {
          return text.codePoints().toArray();
        }
      };

  static FimSentinels preset(String name) {
    return switch (name) {
      case "paper" -> FimSentinels.paper();
      case "starcoder" -> FimSentinels.starcoder();
      case "bigcode_megatron" -> FimSentinels.bigcodeMegatron();
      default -> throw new AssertionError("unknown sentinel style " + name);
    };
  }

  @Test
  void presetsMatchTheCases() throws IOException {
    JsonNode s = cases().get("sentinels");
    assertEquals(3, s.size());
    s.properties()
        .forEach(
            e -> {
              FimSentinels p = preset(e.getKey());
              JsonNode v = e.getValue();
              assertEquals(v.get("PRE").asText(), p.prefix(), e.getKey());
              assertEquals(v.get("SUF").asText(), p.suffix(), e.getKey());
              assertEquals(v.get("MID").asText(), p.middle(), e.getKey());
              assertEquals(v.get("EOT").asText(), p.endOfText(), e.getKey());
            });
  }

  @Test
  void stringCasesMatchEveryFormat() throws IOException {
    int checked = 0;
    for (JsonNode c : cases().get("string_cases")) {
      String id = c.get("id").asText();
      String doc = c.get("document").asText();
      assertEquals(c.get("len_codepoints").asInt(), doc.codePointCount(0, doc.length()), id);
      JsonNode drawn = c.get("boundaries_drawn");
      FimSplit split = FimSplit.of(drawn.get(0).asInt(), drawn.get(1).asInt());
      assertEquals(c.get("lo_hi_sorted").get(0).asInt(), split.lo(), id);
      assertEquals(c.get("lo_hi_sorted").get(1).asInt(), split.hi(), id);
      int[] u = split.utf16(doc);
      assertEquals(c.get("lo_hi_utf16").get(0).asInt(), u[0], id);
      assertEquals(c.get("lo_hi_utf16").get(1).asInt(), u[1], id);
      assertEquals(split, FimSplit.ofUtf16(doc, u[1], u[0]), id);
      FimPieces p = split.apply(doc);
      assertEquals(c.get("prefix").asText(), p.prefix(), id);
      assertEquals(c.get("middle").asText(), p.middle(), id);
      assertEquals(c.get("suffix").asText(), p.suffix(), id);
      for (Map.Entry<String, JsonNode> f : iterable(c.get("formats"))) {
        FimSentinels s = preset(f.getKey());
        JsonNode want = f.getValue();
        String where = id + " " + f.getKey();
        assertEquals(want.get("PSM").asText(), p.render(FimMode.PSM, s), where);
        assertEquals(want.get("SPM").asText(), p.render(FimMode.SPM, s), where);
        assertEquals(
            want.get("SPM_alt_not_bigcode").asText(), p.render(FimMode.SPM_SUFFIX_FIRST, s), where);
        assertEquals(want.get("PSM_inference_prompt").asText(), p.prompt(FimMode.PSM, s), where);
        assertEquals(want.get("SPM_inference_prompt").asText(), p.prompt(FimMode.SPM, s), where);
        Fim fim = Fim.builder().sentinels(s).build();
        assertEquals(
            want.get("PSM").asText(), fim.apply(doc, FimDecision.of(split, FimMode.PSM)), where);
        checked++;
      }
    }
    assertEquals(12, checked);
  }

  @Test
  void tokenCasesMatchBigcodePermute() throws IOException {
    JsonNode root = cases();
    JsonNode ids = root.get("toy_token_ids");
    TokenFim fim =
        TokenFim.builder(
                ids.get("PRE").asInt(),
                ids.get("MID").asInt(),
                ids.get("SUF").asInt(),
                ids.get("PAD").asInt(),
                ids.get("EOD").asInt(),
                CODE_POINTS)
            .build();
    int checked = 0;
    for (JsonNode c : root.get("token_cases_bigcode_permute")) {
      String id = c.get("id").asText();
      int[] sample = ints(c.get("sample_ids"));
      int[] want = ints(c.get("output_ids"));
      int[] got;
      if (c.has("decisions_per_segment")) {
        List<FimDecision> ds = new ArrayList<>();
        for (JsonNode d : c.get("decisions_per_segment")) {
          ds.add(
              d.isNull()
                  ? FimDecision.none()
                  : FimDecision.of(
                      FimSplit.of(d.get(0).asInt(), d.get(1).asInt()),
                      d.get(2).asBoolean() ? FimMode.SPM : FimMode.PSM));
        }
        got = fim.applySegments(sample, ds);
      } else {
        FimDecision d =
            FimDecision.of(
                FimSplit.of(c.get("boundaries").get(0).asInt(), c.get("boundaries").get(1).asInt()),
                c.get("spm").asBoolean() ? FimMode.SPM : FimMode.PSM);
        got = fim.permute(sample, d, c.get("truncate_or_pad").asBoolean());
      }
      assertArrayEquals(want, got, id);
      assertEquals(c.get("len_out").asInt(), got.length, id);
      checked++;
    }
    assertEquals(4, checked);
  }

  static int[] ints(JsonNode arr) {
    int[] out = new int[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asInt();
    }
    return out;
  }

  static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode obj) {
    return obj.properties();
  }
}
