package dev.lethe.torch.scenario.report;

import dev.lethe.torch.scenario.bench.MethodResult;
import dev.lethe.torch.scenario.bench.StepResult;
import dev.lethe.torch.scenario.evidence.AccuracyProbe;
import dev.lethe.torch.eval.metric.Curve;
import dev.lethe.torch.scenario.evidence.ReferenceGaps;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The report's plots, rendered to PNG with JFreeChart (headless): gaps to the retrained reference per
 * method, ROC curves of the loss attack, wall time against the average gap, per-class test accuracy,
 * the cumulative cost of the requests (SISA included when it ran) and, for sequential scenarios, the
 * drift of test accuracy per request. Each method returns the file name it wrote, or {@code null} when
 * the report has nothing to plot there.
 */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final ScenarioReport report;
    private final Path dir;

    /** Charts of {@code report}, written into {@code dir}. */
    public Charts(ScenarioReport report, Path dir) {
        this.report = report;
        this.dir = dir;
    }

    /** Every chart that applies, title → file name (relative to {@code dir}). */
    public Map<String, String> renderAll() throws IOException {
        Files.createDirectories(dir);
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "Gaps to the retrained reference (mean over seeds)", gaps());
        put(out, "Loss-attack ROC, forget vs test (first seed)", roc());
        put(out, "Wall time against average gap", costAgainstGap());
        put(out, "Per-class test accuracy (mean over seeds)", perClass());
        put(out, "Cumulative cost of the forget requests", cost());
        put(out, "Test accuracy drift per request", drift());
        return out;
    }

    private static void put(Map<String, String> out, String title, String file) {
        if (file != null) {
            out.put(title, file);
        }
    }

    String gaps() throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        report.summary().rows().forEach((row, stats) -> stats.forEach((figure, s) -> {
            if (figure.startsWith(ReferenceGaps.PREFIX) && !row.equals(dev.lethe.torch.method.Retrain.NAME)) {
                data.addValue(s.mean(), figure.substring(ReferenceGaps.PREFIX.length()), row);
            }
        }));
        if (data.getColumnCount() == 0) {
            return null;
        }
        return save("gaps.png", ChartFactory.createBarChart("|method − retrain| per figure", "method", "absolute gap", data));
    }

    String roc() throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        long first = report.results().get(0).seed();
        for (MethodResult r : report.results()) {
            Curve c = r.curves().get("roc-loss");
            if (r.seed() == first && c != null) {
                XYSeries s = new XYSeries(r.method(), false, true);
                for (int i = 0; i < c.x().length; i++) {
                    s.add(c.x()[i], c.y()[i]);
                }
                data.addSeries(s);
            }
        }
        if (data.getSeriesCount() == 0) {
            return null;
        }
        XYSeries chance = new XYSeries("chance", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        data.addSeries(chance);
        return save("roc-loss.png", ChartFactory.createXYLineChart("loss-threshold attack, seed " + first, "false-positive rate",
                "true-positive rate", data, PlotOrientation.VERTICAL, true, false, false));
    }

    String costAgainstGap() throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        report.summary().rows().forEach((row, stats) -> {
            if (!row.equals(MethodResult.ORIGINAL) && stats.containsKey("seconds") && stats.containsKey(ReferenceGaps.AVERAGE)) {
                XYSeries s = new XYSeries(row);
                s.add(stats.get("seconds").mean(), stats.get(ReferenceGaps.AVERAGE).mean());
                data.addSeries(s);
            }
        });
        if (data.getSeriesCount() == 0) {
            return null;
        }
        return save("time-vs-gap.png", ChartFactory.createScatterPlot("wall time of unlearning against average gap (mean over seeds)", "seconds",
                "average gap to retrain", data, PlotOrientation.VERTICAL, true, false, false));
    }

    String perClass() throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        report.summary().rows().forEach((row, stats) -> stats.forEach((figure, s) -> {
            if (figure.startsWith(AccuracyProbe.CLASS_PREFIX)) {
                data.addValue(s.mean(), row, figure.substring(AccuracyProbe.CLASS_PREFIX.length()));
            }
        }));
        if (data.getColumnCount() == 0) {
            return null;
        }
        return save("per-class.png", ChartFactory.createBarChart("test accuracy per class", "class", "accuracy", data));
    }

    String cost() throws IOException {
        XYSeriesCollection data = stepSeries(true);
        if (data.getSeriesCount() == 0) {
            return null;
        }
        return save("cost.png", perRequest(ChartFactory.createXYLineChart("cumulative seconds of forgetting (first seed)", "request",
                "seconds", data, PlotOrientation.VERTICAL, true, false, false)));
    }

    String drift() throws IOException {
        boolean sequential = report.results().stream().anyMatch(r -> r.steps().size() > 1);
        if (!sequential) {
            return null;
        }
        return save("drift.png", perRequest(ChartFactory.createXYLineChart("test accuracy minus the original's (first seed)", "request",
                "drift", stepSeries(false), PlotOrientation.VERTICAL, true, false, false)));
    }

    /** Per method of the first seed, after each request: cumulative seconds, or test-accuracy drift. */
    private XYSeriesCollection stepSeries(boolean cost) {
        XYSeriesCollection data = new XYSeriesCollection();
        long first = report.results().get(0).seed();
        for (MethodResult r : report.results()) {
            if (r.seed() != first || r.steps().isEmpty()) {
                continue;
            }
            XYSeries s = new XYSeries(r.method(), false, true);
            if (cost) {
                s.add(0, 0);
            }
            for (StepResult step : r.steps()) {
                Double y = cost ? Double.valueOf(step.cumulativeSeconds()) : step.figures().get("test-acc-drift");
                if (y != null) {
                    s.add(step.step(), y);
                }
            }
            data.addSeries(s);
        }
        return data;
    }

    /** Whole request numbers on the x axis. */
    private static JFreeChart perRequest(JFreeChart chart) {
        ((XYPlot) chart.getPlot()).getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart;
    }

    /** White background, light grid, and slanted category labels so that method names are not cut. */
    public static JFreeChart styled(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        if (plot instanceof CategoryPlot c) {
            c.setRangeGridlinePaint(Color.LIGHT_GRAY);
            c.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        } else if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        return chart;
    }

    private String save(String file, JFreeChart chart) throws IOException {
        styled(chart);
        ChartUtils.saveChartAsPNG(dir.resolve(file).toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}
