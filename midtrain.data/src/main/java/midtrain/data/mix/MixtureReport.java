package midtrain.data.mix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The plan, and after packing the realised mixture, per phase and source: rendered as a table for
 * people and as JSON for tools.
 *
 * @param phases one entry per phase; {@code realised} is empty before packing
 */
public record MixtureReport(List<RealisedMixture> phases) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Copies the list.
   *
   * @param phases one entry per phase, in step order; copied
   */
  public MixtureReport {
    phases = List.copyOf(phases);
  }

  /**
   * The report of a plan before packing (nothing realised yet).
   *
   * @param plan the plan whose phases and planned tokens the report lists
   * @return a report with one entry per phase and empty realised counts
   */
  public static MixtureReport of(PhasedPlan plan) {
    return new MixtureReport(
        plan.phases().stream()
            .map(
                p ->
                    new RealisedMixture(
                        p.name(), p.startStep(), p.endStep(), p.plan().tokens(), Map.of()))
            .toList());
  }

  private boolean packed() {
    return phases.stream().anyMatch(p -> !p.realised().isEmpty());
  }

  /**
   * A fixed-width table: phase, steps, source, planned tokens and share, realised when packed.
   *
   * @return the table with a header line, one line per phase and source and a {@code (total)} line
   *     per phase, each ending in a newline; shares are percentages
   */
  public String table() {
    boolean packed = packed();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-16s %-17s %-16s %15s %7s",
            "phase",
            "steps",
            "source",
            "planned",
            "share"));
    if (packed) {
      sb.append(String.format(Locale.ROOT, " %15s %7s %8s", "realised", "share", "diff"));
    }
    sb.append('\n');
    for (RealisedMixture p : phases) {
      TreeSet<String> sources = new TreeSet<>(p.planned().keySet());
      sources.addAll(p.realised().keySet());
      String steps = p.startStep() + ".." + p.endStep();
      for (String s : sources) {
        row(sb, p.phase(), steps, s, p.planned().getOrDefault(s, 0L), p.plannedShare(s));
        if (packed) {
          long r = p.realised().getOrDefault(s, 0L);
          sb.append(
              String.format(
                  Locale.ROOT,
                  " %15d %6.2f%% %+7.2f%%",
                  r,
                  100 * p.realisedShare(s),
                  100 * (p.realisedShare(s) - p.plannedShare(s))));
        }
        sb.append('\n');
      }
      row(sb, p.phase(), steps, "(total)", p.plannedTotal(), p.plannedTotal() == 0 ? 0 : 1);
      if (packed) {
        sb.append(String.format(Locale.ROOT, " %15d", p.realisedTotal()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void row(
      StringBuilder sb, String phase, String steps, String source, long planned, double share) {
    sb.append(
        String.format(
            Locale.ROOT,
            "%-16s %-17s %-16s %15d %6.2f%%",
            phase,
            steps,
            source,
            planned,
            100 * share));
  }

  /**
   * JSON: {@code {"phases": [{"phase", "start_step", "end_step", "planned": {source: tokens},
   * "realised": {source: tokens}}]}} ({@code realised} only after packing).
   *
   * @return the indented JSON text; each phase also has {@code planned_total}, and {@code
   *     realised_total} beside {@code realised}
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("phases");
    for (RealisedMixture p : phases) {
      ObjectNode o = arr.addObject();
      o.put("phase", p.phase());
      o.put("start_step", p.startStep());
      o.put("end_step", p.endStep());
      ObjectNode pl = o.putObject("planned");
      p.planned().forEach(pl::put);
      o.put("planned_total", p.plannedTotal());
      if (!p.realised().isEmpty()) {
        ObjectNode re = o.putObject("realised");
        p.realised().forEach(re::put);
        o.put("realised_total", p.realisedTotal());
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report serialisation failed", e);
    }
  }
}
