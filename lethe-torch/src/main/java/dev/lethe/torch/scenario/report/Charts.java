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
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
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
 * the report has nothing to plot there. A method keeps one colour in every plot (the Okabe–Ito palette, which
 * colour-blind readers can tell apart, without its yellow, which is unreadable on white), and every plot has a
 * {@link #caption} that says what it shows and which way is better.
 */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Okabe–Ito without yellow, then darker shades: distinct on white and for colour-blind readers. */
    private static final Color[] PALETTE = {new Color(0x000000), new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xE69F00), new Color(0x6A3D9A), new Color(0x8C510A),
            new Color(0x01665E), new Color(0x999999)};

    private static final Map<String, String> CAPTIONS = Map.of(
            "gaps.png", "Each bar is how far a method's figure is from the model retrained without the forget set: lower is better, 0 = as if retrained.",
            "roc-loss.png", "True- against false-positive rate of the loss-threshold membership attack on the forget set against test records, both axes"
                    + " logarithmic so that the low-FPR region (the attack's confident calls) can be read: closer to the diagonal is better"
                    + " (the attack cannot tell forgotten records from unseen ones).",
            "time-vs-gap.png", "Each point is a method: wall time of unlearning against its average gap to the retrained model; lower left is"
                    + " better (fast and close to retraining).",
            "per-class.png", "Test accuracy per class for each method: higher is better, except on a forgotten class, where the retrained model's"
                    + " bar is the target.",
            "cost.png", "Cumulative seconds spent forgetting after each request of a sequential scenario: lower is better.",
            "drift.png", "Test accuracy after each request minus the original model's: closer to 0 is better (utility kept).");

    private final ScenarioReport report;
    private final Path dir;
    private final Map<String, Color> colours = new LinkedHashMap<>();

    /** Charts of {@code report}, written into {@code dir}. */
    public Charts(ScenarioReport report, Path dir) {
        this.report = report;
        this.dir = dir;
        for (MethodResult r : report.results()) {
            colours.computeIfAbsent(r.method(), m -> PALETTE[colours.size() % PALETTE.length]);
        }
        report.summary().rows().keySet().forEach(row -> colours.computeIfAbsent(row, m -> PALETTE[colours.size() % PALETTE.length]));
    }

    /** What the plot in {@code file} (a name, or a path ending in one) shows and which direction is better. */
    public static String caption(String file) {
        return CAPTIONS.getOrDefault(file.substring(file.lastIndexOf('/') + 1), "");
    }

    /** The colour of {@code method} in every plot of this report. */
    Color colour(String method) {
        return colours.getOrDefault(method, Color.GRAY);
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
        JFreeChart chart = ChartFactory.createBarChart("|method − retrain| per figure", "method", "absolute gap", data);
        // the series here are figures, not methods: palette colours from the far end, so none is yellow
        for (int k = 0; k < data.getRowCount(); k++) {
            ((CategoryPlot) chart.getPlot()).getRenderer().setSeriesPaint(k, PALETTE[PALETTE.length - 1 - (k % (PALETTE.length - 1))]);
        }
        return save("gaps.png", chart);
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
        // log axes cannot show 0: the curves start at the smallest non-zero rate any of them reaches
        double smallest = 1;
        for (int k = 0; k < data.getSeriesCount(); k++) {
            XYSeries series = data.getSeries(k);
            for (int i = series.getItemCount() - 1; i >= 0; i--) {
                if (series.getX(i).doubleValue() <= 0 || series.getY(i).doubleValue() <= 0) {
                    series.remove(i);
                } else {
                    smallest = Math.min(smallest, Math.min(series.getX(i).doubleValue(), series.getY(i).doubleValue()));
                }
            }
        }
        double low = Math.max(1e-4, smallest);
        XYSeries chance = new XYSeries("chance", false, true);
        chance.add(low, low);
        chance.add(1, 1);
        data.addSeries(chance);
        JFreeChart chart = ChartFactory.createXYLineChart("loss-threshold attack, seed " + first, "false-positive rate (log)",
                "true-positive rate (log)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = (XYPlot) chart.getPlot();
        for (String axis : new String[]{"x", "y"}) {
            LogAxis log = new LogAxis(axis.equals("x") ? "false-positive rate (log)" : "true-positive rate (log)");
            log.setBase(10);
            log.setRange(low, 1);
            log.setTickUnit(new NumberTickUnit(1)); // one tick per decade
            log.setMinorTickCount(9);
            log.setMinorTickMarksVisible(true);
            log.setNumberFormatOverride(new java.text.DecimalFormat("0.####"));
            if (axis.equals("x")) {
                plot.setDomainAxis(log);
            } else {
                plot.setRangeAxis(log);
            }
        }
        coloured(plot);
        plot.getRenderer().setSeriesPaint(data.getSeriesCount() - 1, Color.GRAY);
        plot.getRenderer().setSeriesStroke(data.getSeriesCount() - 1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[]{6f, 4f}, 0f));
        return save("roc-loss.png", chart);
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
        JFreeChart chart = ChartFactory.createScatterPlot("wall time of unlearning against average gap (mean over seeds)", "seconds",
                "average gap to retrain", data, PlotOrientation.VERTICAL, true, false, false);
        coloured((XYPlot) chart.getPlot());
        return save("time-vs-gap.png", chart);
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
        JFreeChart chart = ChartFactory.createBarChart("test accuracy per class", "class", "accuracy", data);
        CategoryPlot plot = (CategoryPlot) chart.getPlot();
        for (int k = 0; k < data.getRowCount(); k++) {
            plot.getRenderer().setSeriesPaint(k, colour((String) data.getRowKey(k)));
        }
        return save("per-class.png", chart);
    }

    String cost() throws IOException {
        // one request has no cumulative cost to show: its time is in the tables
        if (report.results().stream().noneMatch(r -> r.steps().size() > 1)) {
            return null;
        }
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

    /** Whole request numbers on the x axis, each method in its colour. */
    private JFreeChart perRequest(JFreeChart chart) {
        ((XYPlot) chart.getPlot()).getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        coloured((XYPlot) chart.getPlot());
        return chart;
    }

    /** Each series of {@code plot} named after a method in that method's colour. */
    private void coloured(XYPlot plot) {
        for (int k = 0; k < plot.getDataset().getSeriesCount(); k++) {
            plot.getRenderer().setSeriesPaint(k, colour(plot.getDataset().getSeriesKey(k).toString()));
        }
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
