package dev.lethe.torch.lm.bench;

import dev.lethe.torch.scenario.report.Charts;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TOFU report's plots (JFreeChart, headless, styled as the scenario report's {@link Charts}): forget
 * quality on a log scale against model utility, one point per row, with the retain model marked, the
 * p = {@value TofuJudgement#P_THRESHOLD} line and the {@value TofuJudgement#UTILITY_SHARE} × retain-utility line
 * (the criterion's corner is top right); and one bar chart per figure — forget quality (log scale), model
 * utility, forget ROUGE-L, PrivLeak, relearning recovery — over every row that has it.
 */
public final class TofuCharts {

    /** The bar charts: figure → file name. */
    static final Map<String, String> BARS = barFiles();

    /**
     * A log axis cannot show 0 (a p-value can underflow to it), so a zero forget quality is drawn this many
     * times below the smallest positive one (a row's bar then still shows); the tables keep the exact value.
     */
    static final double BELOW_SMALLEST = 1e3;

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final TofuReport report;
    private final Path dir;

    /** Charts of {@code report}, written into {@code dir}. */
    public TofuCharts(TofuReport report, Path dir) {
        this.report = report;
        this.dir = dir;
    }

    private static Map<String, String> barFiles() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : List.of(TofuRow.FORGET_QUALITY, TofuRow.MODEL_UTILITY, TofuRow.FORGET_ROUGE, TofuRow.PRIVLEAK, TofuRow.RELEARNING_RECOVERY)) {
            m.put(f, "bars-" + f + ".png");
        }
        return m;
    }

    /** Every chart that applies, title → file name (relative to {@code dir}). */
    public Map<String, String> renderAll() throws IOException {
        Files.createDirectories(dir);
        Map<String, String> out = new LinkedHashMap<>();
        String scatter = qualityAgainstUtility();
        if (scatter != null) {
            out.put("Forget quality (log scale) against model utility", scatter);
        }
        for (Map.Entry<String, String> bar : BARS.entrySet()) {
            String file = bars(bar.getKey(), bar.getValue());
            if (file != null) {
                out.put(bar.getKey() + " per row", file);
            }
        }
        return out;
    }

    /** Where a zero forget quality is drawn: {@link #BELOW_SMALLEST} times below the smallest positive one of the report. */
    private double logFloor() {
        double smallest = report.rows().stream().map(r -> r.figure(TofuRow.FORGET_QUALITY)).filter(v -> v != null && v > 0)
                .mapToDouble(Double::doubleValue).min().orElse(TofuJudgement.P_THRESHOLD);
        return Math.max(smallest / BELOW_SMALLEST, Double.MIN_NORMAL);
    }

    String qualityAgainstUtility() throws IOException {
        double floor = logFloor();
        XYSeriesCollection data = new XYSeriesCollection();
        TofuRow retain = null;
        for (TofuRow r : report.rows()) {
            Double quality = r.figure(TofuRow.FORGET_QUALITY);
            Double utility = r.figure(TofuRow.MODEL_UTILITY);
            if (quality != null && utility != null) {
                XYSeries s = new XYSeries(r.name());
                s.add(utility.doubleValue(), Math.max(quality, floor));
                data.addSeries(s);
                if (r.role() == TofuRow.Role.RETAIN) {
                    retain = r;
                }
            }
        }
        if (data.getSeriesCount() == 0) {
            return null;
        }
        JFreeChart chart = ChartFactory.createScatterPlot("forget quality against model utility", "model utility",
                "forget quality (KS p-value, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = (XYPlot) chart.getPlot();
        LogAxis log = new LogAxis("forget quality (KS p-value, log scale)");
        log.setSmallestValue(floor / 10);
        plot.setRangeAxis(log);
        ValueMarker p = new ValueMarker(TofuJudgement.P_THRESHOLD, Color.RED, new BasicStroke(1.5f));
        p.setLabel("p = " + TofuJudgement.P_THRESHOLD);
        p.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
        p.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        plot.addRangeMarker(p);
        if (retain != null) {
            int series = data.getSeriesIndex(retain.name());
            XYItemRenderer renderer = plot.getRenderer();
            renderer.setSeriesShape(series, new Ellipse2D.Double(-7, -7, 14, 14));
            renderer.setSeriesPaint(series, Color.BLACK);
            double utility = retain.figure(TofuRow.MODEL_UTILITY);
            plot.addAnnotation(new XYTextAnnotation("  retain model", utility, Math.max(retain.figure(TofuRow.FORGET_QUALITY), floor)));
            ValueMarker share = new ValueMarker(TofuJudgement.UTILITY_SHARE * utility, Color.GRAY, new BasicStroke(1f));
            share.setLabel(TofuJudgement.UTILITY_SHARE + " × retain utility");
            share.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            share.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addDomainMarker(share);
        }
        return save("quality-vs-utility.png", chart);
    }

    String bars(String figure, String file) throws IOException {
        boolean logScale = figure.equals(TofuRow.FORGET_QUALITY);
        double floor = logFloor();
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (TofuRow r : report.rows()) {
            Double v = r.figure(figure);
            if (v != null) {
                data.addValue(logScale ? Math.max(v, floor) : v, figure, r.name());
            }
        }
        if (data.getColumnCount() == 0) {
            return null;
        }
        JFreeChart chart = ChartFactory.createBarChart(figure + " per row", "row", figure, data, PlotOrientation.VERTICAL, false, false, false);
        if (logScale) {
            CategoryPlot plot = (CategoryPlot) chart.getPlot();
            // bars grow from a decade below the lowest drawn value: a log axis has no 0 to grow from
            ((BarRenderer) plot.getRenderer()).setBase(floor / 10);
            LogAxis log = new LogAxis(figure + " (log scale)");
            log.setSmallestValue(floor / 10);
            plot.setRangeAxis(log);
            ValueMarker p = new ValueMarker(TofuJudgement.P_THRESHOLD, Color.RED, new BasicStroke(1.5f));
            p.setLabel("p = " + TofuJudgement.P_THRESHOLD);
            plot.addRangeMarker(p);
        }
        return save(file, chart);
    }

    private String save(String file, JFreeChart chart) throws IOException {
        Charts.styled(chart);
        ChartUtils.saveChartAsPNG(dir.resolve(file).toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}
