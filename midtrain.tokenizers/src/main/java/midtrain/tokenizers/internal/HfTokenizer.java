package midtrain.tokenizers.internal;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import midtrain.data.DataException;
import midtrain.data.token.TextTokenizer;

/**
 * A {@code tokenizer.json} through DJL's JNI binding.
 *
 * <p>Encoding calls the binding's native functions directly with the tokenizer's handle: DJL's
 * {@code Encoding} objects copy eight arrays per text (token strings, offsets, masks), of which
 * packing needs one, and that copying would cost more than the rest of packing. Truncation and
 * padding are switched off: documents are encoded whole and packing cuts them.
 */
public final class HfTokenizer implements TextTokenizer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final String hash;
  private final int vocabSize;
  private final Map<String, Integer> vocab;
  private final Map<String, Integer> specials;
  private final HuggingFaceTokenizer tokenizer;
  private final long handle;

  private HfTokenizer(
      String name,
      String hash,
      int vocabSize,
      Map<String, Integer> vocab,
      Map<String, Integer> specials,
      HuggingFaceTokenizer tokenizer) {
    this.name = name;
    this.hash = hash;
    this.vocabSize = vocabSize;
    this.vocab = vocab;
    this.specials = specials;
    this.tokenizer = tokenizer;
    this.handle = tokenizer.getHandle();
  }

  /** Reads, validates and loads a {@code tokenizer.json} (or a directory holding one). */
  public static HfTokenizer open(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    if (!Files.isRegularFile(file)) {
      throw new DataException("tokenizer file " + file + " does not exist or is not a file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DataException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new DataException(
          "tokenizer file "
              + file
              + " does not parse as JSON: "
              + e.getOriginalMessage()
              + location(e),
          e);
    } catch (IOException e) {
      throw new DataException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw new DataException(
          "tokenizer file " + file + " is not a Hugging Face tokenizer.json (no \"model\" object)");
    }
    Map<String, Integer> vocab = new HashMap<>();
    Map<String, Integer> specials = new TreeMap<>();
    int maxId = readVocab(file, root.path("model").path("vocab"), vocab);
    for (JsonNode t : root.path("added_tokens")) {
      String content = t.path("content").asText(null);
      if (content == null || !t.path("id").canConvertToInt()) {
        throw new DataException(
            "tokenizer file " + file + ": an added_tokens entry lacks \"content\" or \"id\": " + t);
      }
      int id = t.path("id").intValue();
      vocab.put(content, id);
      maxId = Math.max(maxId, id);
      if (t.path("special").asBoolean(false)) {
        specials.put(content, id);
      }
    }
    HuggingFaceTokenizer hf;
    try {
      Map<String, String> opts = new HashMap<>();
      opts.put("addSpecialTokens", "false");
      opts.put("truncation", "false");
      opts.put("padding", "false");
      hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), opts);
      long h = hf.getHandle();
      TokenizersLibrary.LIB.disableTruncation(h);
      TokenizersLibrary.LIB.disablePadding(h);
    } catch (IOException | RuntimeException e) {
      throw new DataException(
          "tokenizer file " + file + " is not a valid Hugging Face tokenizer: " + e.getMessage(),
          e);
    } catch (UnsatisfiedLinkError e) {
      throw new DataException(
          "cannot load the tokenizers native library for "
              + file
              + " (run with -Dai.djl.offline=true and, on JDK 24+, "
              + "--enable-native-access=ai.djl.tokenizers): "
              + e.getMessage(),
          e);
    }
    return new HfTokenizer(
        file.toString(),
        sha256(bytes),
        maxId + 1,
        Collections.unmodifiableMap(vocab),
        Collections.unmodifiableMap(specials),
        hf);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  /** Reads the model's vocabulary: an object (BPE, WordLevel, WordPiece) or a list (Unigram). */
  private static int readVocab(Path file, JsonNode v, Map<String, Integer> out) {
    int max = -1;
    if (v.isObject()) {
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        if (!e.getValue().canConvertToInt() || e.getValue().intValue() < 0) {
          throw new DataException(
              "tokenizer file " + file + ": model.vocab entry '" + e.getKey() + "' has no id");
        }
        out.put(e.getKey(), e.getValue().intValue());
        max = Math.max(max, e.getValue().intValue());
      }
    } else if (v.isArray()) {
      int i = 0;
      for (JsonNode piece : v) {
        out.putIfAbsent(piece.path(0).asText(), i);
        max = i++;
      }
    } else {
      throw new DataException("tokenizer file " + file + ": model.vocab is missing");
    }
    return max;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  @Override
  public String id() {
    return "huggingface";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String hash() {
    return hash;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public OptionalInt tokenId(String token) {
    Integer id = vocab.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public Map<String, Integer> specialTokens() {
    return specials;
  }

  @Override
  public int[] encode(String text, boolean withSpecials) {
    long enc = TokenizersLibrary.LIB.encode(handle, text, withSpecials);
    try {
      return toInts(TokenizersLibrary.LIB.getTokenIds(enc));
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(enc);
    }
  }

  @Override
  public List<int[]> encodeBatch(List<String> texts, boolean withSpecials) {
    // One native call: the Rust side encodes the batch on its own thread pool.
    long[] encs =
        TokenizersLibrary.LIB.batchEncode(handle, texts.toArray(new String[0]), withSpecials);
    List<int[]> out = new ArrayList<>(encs.length);
    int i = 0;
    try {
      for (; i < encs.length; i++) {
        out.add(toInts(TokenizersLibrary.LIB.getTokenIds(encs[i])));
      }
    } finally {
      for (long e : encs) {
        TokenizersLibrary.LIB.deleteEncoding(e);
      }
    }
    return out;
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return TokenizersLibrary.LIB.decode(handle, l, skipSpecialTokens);
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "HfTokenizer[" + name + ", vocab " + vocabSize + "]";
  }
}
