package midtrain.cli.internal;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import midtrain.sched.LearningRateSchedule;
import midtrain.sched.PhaseSpan;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Plots a learning-rate schedule with its phases marked, as a PNG, with the batch-size and mixture
 * schedules that go with it in panels below on the same steps.
 */
final class SchedulePlot {
  private SchedulePlot() {}

  static void write(LearningRateSchedule s, List<Long> steps, String title, Path out) {
    Plots.savePng(lrChart(s, steps, title), out);
  }

  static void write(ScheduleCommand.Plan plan, List<Long> steps, String title, Path out) {
    List<XYChart> charts = new ArrayList<>();
    charts.add(lrChart(plan.lr(), steps, title));
    double[] x = new double[steps.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = steps.get(i);
    }
    plan.batch()
        .ifPresent(
            b -> {
              XYChart chart = panel("batch size", "sequences per step");
              double[] y = new double[x.length];
              for (int i = 0; i < y.length; i++) {
                y[i] = b.batchSize(steps.get(i));
              }
              chart.addSeries("batch size", x, y).setMarker(SeriesMarkers.NONE);
              chart.getStyler().setLegendVisible(false);
              charts.add(chart);
            });
    plan.mixture()
        .ifPresent(
            m -> {
              XYChart chart = panel("data mixture", "weight");
              for (String source : m.sources()) {
                double[] y = new double[x.length];
                for (int i = 0; i < y.length; i++) {
                  y[i] = m.weights(steps.get(i)).getOrDefault(source, 0.0);
                }
                chart.addSeries(source, x, y).setMarker(SeriesMarkers.NONE);
              }
              charts.add(chart);
            });
    if (charts.size() == 1) {
      Plots.savePng(charts.get(0), out);
    } else {
      Plots.savePngStack(charts, out);
    }
  }

  private static XYChart panel(String title, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(300)
            .title(title)
            .xAxisTitle("optimizer step")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    return chart;
  }

  private static XYChart lrChart(LearningRateSchedule s, List<Long> steps, String title) {
    System.setProperty("java.awt.headless", "true");
    // XChart's tick placement misbehaves on values around 1e-4, so plot in units of a power of ten.
    int exponent = (int) Math.floor(Math.log10(s.peakLr()));
    double unit = Math.pow(10, exponent);
    double[] x = new double[steps.size()];
    double[] y = new double[steps.size()];
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] = steps.get(i);
      y[i] = s.lr(steps.get(i)) / unit;
      max = Math.max(max, y[i]);
    }
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(500)
            .title(title)
            .xAxisTitle("optimizer step")
            .yAxisTitle(exponent == 0 ? "learning rate" : "learning rate (x 1e" + exponent + ")")
            .build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    XYSeries series = chart.addSeries("lr", x, y);
    series.setMarker(SeriesMarkers.NONE);
    double first = x.length == 0 ? 0 : x[0];
    double last = x.length == 0 ? 0 : x[x.length - 1];
    for (PhaseSpan p : s.phases()) {
      if (p.start() > first && p.start() < last) {
        chart.addAnnotation(new AnnotationLine(p.start(), true, false));
      }
      double mid = Math.max(first, Math.min(last, (p.start() + Math.min(p.end(), last)) / 2.0));
      if (p.start() <= last && p.end() >= first) {
        chart.addAnnotation(new AnnotationText(p.name(), mid, max * 1.02, false));
      }
    }
    return chart;
  }
}
