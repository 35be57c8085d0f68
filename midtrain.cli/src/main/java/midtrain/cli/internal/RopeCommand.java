package midtrain.cli.internal;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import midtrain.rope.PositionEncoding;
import midtrain.rope.PositionEncodings;
import midtrain.rope.RopeConfig;
import midtrain.rope.RopeFrequencies;
import midtrain.rope.RopeLayout;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code midtrain rope}: the rotary encoding a model's config.json describes, as transformers. */
@Command(
    name = "rope",
    mixinStandardHelpOptions = true,
    description = {
      "Show the rotary position encoding of a Hugging Face config.json: inv_freq, the attention"
          + " factor and cos/sin rows, with the values transformers computes.",
      "png plots the wavelength of each dimension pair before and after scaling against the"
          + " original context length."
    })
public final class RopeCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    json,
    png
  }

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The model's config.json (a .yaml/.yml file is read as YAML).")
  Path config;

  @Option(
      names = "--seq-len",
      paramLabel = "N",
      description =
          "Sequence length for dynamic and longrope (transformers' seq_len). Default: the largest"
              + " of --positions plus one, else the frequencies at model construction.")
  Integer seqLen;

  @Option(
      names = "--positions",
      paramLabel = "P,P,...",
      description = "Positions whose cos/sin rows to print, e.g. 0,1,1000.")
  String positions;

  @Option(
      names = "--layout",
      defaultValue = "rotate_half",
      paramLabel = "LAYOUT",
      description =
          "rotate_half (Hugging Face / GPT-NeoX, default) or interleaved (RoFormer / Meta).")
  String layout;

  @Option(
      names = "--layer-type",
      paramLabel = "NAME",
      description = "For rope_parameters keyed by layer type, e.g. full_attention.")
  String layerType;

  @Option(
      names = "--format",
      defaultValue = "json",
      description = "json (default) or png (wavelengths before and after scaling).")
  Format format;

  @Option(
      names = "--out",
      converter = Inputs.OutputFileName.class,
      paramLabel = "FILE",
      description = "Write here instead of stdout (png defaults to rope.png).")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (out != null) {
      Inputs.outputFile("--out", out);
    }
    RopeLayout lanes = RopeLayout.fromId(layout);
    if (positions == null && spec.commandLine().getParseResult().hasMatchedOption("--layout")) {
      throw new UserInputException(
          "--layout orders the rows of --positions; give --positions too (the frequencies and the"
              + " plot have no layout)");
    }
    Map<String, Object> model = Inputs.objectFile("--config", config);
    RopeConfig rc = RopeConfig.fromModelConfig(model, layerType == null ? "" : layerType);
    PositionEncoding encoding = PositionEncodings.create(rc);
    List<Integer> at = positions == null ? List.of() : parsePositions(positions);
    if (seqLen != null && seqLen < 0) {
      throw new UserInputException("--seq-len must be >= 0, got " + seqLen);
    }
    OptionalInt length = OptionalInt.empty();
    if (seqLen != null) {
      length = OptionalInt.of(seqLen);
    } else if (!at.isEmpty()) {
      // A forward pass over these positions has transformers' seq_len = max position + 1.
      length = OptionalInt.of(at.stream().mapToInt(Integer::intValue).max().getAsInt() + 1);
    }
    RopeFrequencies f =
        length.isPresent() ? encoding.frequencies(length.getAsInt()) : encoding.frequencies();
    if (format == Format.png) {
      Path file = out == null ? Path.of("rope.png") : out;
      plot(encoding, f, length, file);
      spec.commandLine().getOut().println("wrote " + file);
      spec.commandLine().getOut().flush();
      return 0;
    }
    // seq_len is reported where it mattered: asked for, or used by a length-dependent type.
    OptionalInt shown =
        seqLen != null || encoding.dependsOnSequenceLength() ? length : OptionalInt.empty();
    String text = json(encoding, f, shown, lanes, at);
    if (out == null) {
      PrintWriter w = spec.commandLine().getOut();
      w.print(text);
      w.flush();
    } else {
      Inputs.writeText("--out", out, text);
    }
    return 0;
  }

  static List<Integer> parsePositions(String list) {
    List<Integer> out = new ArrayList<>();
    for (String s : list.split(",", -1)) {
      String t = s.trim();
      try {
        int p = Integer.parseInt(t);
        if (p < 0 || p == Integer.MAX_VALUE) {
          // The table covers max position + 1, which must be an int.
          throw new UserInputException(
              "--positions must be from 0 to " + (Integer.MAX_VALUE - 1) + ", got " + t);
        }
        out.add(p);
      } catch (NumberFormatException e) {
        throw new UserInputException("--positions must be whole numbers, got \"" + t + "\"");
      }
    }
    return out;
  }

  static String json(
      PositionEncoding encoding,
      RopeFrequencies f,
      OptionalInt seqLen,
      RopeLayout layout,
      List<Integer> positions)
      throws IOException {
    ObjectNode root = Inputs.JSON.createObjectNode();
    root.put("rope_type", encoding.ropeType());
    root.put("head_dim", encoding.config().headDim());
    root.put("rotary_dim", f.rotaryDim());
    if (seqLen.isPresent()) {
      root.put("seq_len", seqLen.getAsInt());
    }
    ArrayNode inv = root.putArray("inv_freq");
    for (double v : f.invFreq()) {
      inv.add(v);
    }
    root.put("attention_factor", f.attentionFactor());
    if (!positions.isEmpty()) {
      root.put("layout", layout.id());
      ArrayNode rows = root.putArray("positions");
      for (int p : positions) {
        ObjectNode row = rows.addObject();
        row.put("position", p);
        ArrayNode cos = row.putArray("cos");
        for (double v : f.cosRow(p, layout)) {
          cos.add(v);
        }
        ArrayNode sin = row.putArray("sin");
        for (double v : f.sinRow(p, layout)) {
          sin.add(v);
        }
      }
    }
    // One object on one line keeps the output easy to pipe; doubles in shortest round-trip form.
    return Inputs.JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
        + "\n";
  }

  static void plot(PositionEncoding encoding, RopeFrequencies f, OptionalInt seqLen, Path out) {
    System.setProperty("java.awt.headless", "true");
    RopeConfig c = encoding.config();
    double[] before = RopeFrequencies.of(c.unscaledInvFreq(), 1).wavelengths();
    double[] after = f.wavelengths();
    double[] pair = new double[before.length];
    for (int k = 0; k < pair.length; k++) {
      pair[k] = k;
    }
    String title =
        encoding.ropeType()
            + " RoPE: wavelength per dimension pair (rope_theta "
            + c.ropeTheta()
            + ", attention factor "
            + String.format(java.util.Locale.ROOT, "%.4f", f.attentionFactor())
            + (seqLen.isPresent() && encoding.dependsOnSequenceLength()
                ? ", seq_len " + seqLen.getAsInt()
                : "")
            + ")";
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(560)
            .title(title)
            .xAxisTitle("dimension pair k (lanes 2k, 2k+1 or k, k + d/2)")
            .yAxisTitle("wavelength 2\u03c0 / inv_freq[k] (tokens, log scale)")
            .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setYAxisDecimalPattern("0.##E0");
    XYSeries b = chart.addSeries("before scaling (rope_theta only)", pair, before);
    b.setMarker(SeriesMarkers.NONE);
    XYSeries a = chart.addSeries("after scaling (" + encoding.ropeType() + ")", pair, after);
    a.setMarker(SeriesMarkers.NONE);
    a.setLineColor(new Color(200, 60, 30));
    OptionalInt original = c.originalContextLength();
    if (original.isPresent()) {
      int l = original.getAsInt();
      chart.addAnnotation(new AnnotationLine(l, false, false));
      String label =
          (c.originalMaxPositionEmbeddings().isPresent()
                  ? "original_max_position_embeddings "
                  : "max_position_embeddings ")
              + l;
      chart.addAnnotation(new AnnotationText(label, pair.length * 0.2, l * 1.6, false));
    }
    Plots.savePng(chart, out);
  }
}
