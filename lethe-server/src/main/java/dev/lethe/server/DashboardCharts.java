package dev.lethe.server;

import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The dashboard's charts, drawn from the store's manifest with JFreeChart and served as PNG:
 * {@code history.png} (forget requests applied and shards retrained per model version) and
 * {@code retraining.png} (seconds of shard retraining per version, that is per forget batch).
 */
final class DashboardCharts {

    /** Width and height of every chart, in pixels. */
    static final int WIDTH = 560;
    static final int HEIGHT = 300;
    /** Series colours, flat (no gradient), so that a chart's bars can be recognised in its pixels. */
    static final Color REQUESTS = new Color(0x1f77b4);
    static final Color SHARDS = new Color(0xff7f0e);
    static final Color SECONDS = new Color(0x2ca02c);

    /** The newest versions a chart shows. */
    private static final int MAX_VERSIONS = 20;

    private final Store store;
    private final Map<String, Function<List<StoreManifest.ModelVersion>, JFreeChart>> charts =
            Map.of("history.png", DashboardCharts::history, "retraining.png", DashboardCharts::retraining);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    DashboardCharts(Store store) {
        this.store = store;
    }

    Endpoint endpoint() {
        return new Endpoint(HandlerType.GET, "/dashboard/charts/{name}", Access.DASHBOARD,
                "A dashboard chart (PNG): history.png or retraining.png", List.of(), null,
                Map.of(200, "the PNG", 404, "no such chart"), this::serve);
    }

    private void serve(Context ctx, Caller caller) throws IOException {
        Function<List<StoreManifest.ModelVersion>, JFreeChart> chart = charts.get(ctx.pathParam("name"));
        if (chart == null) {
            throw ApiException.notFound("no chart '" + ctx.pathParam("name") + "'; there are " + charts.keySet());
        }
        List<StoreManifest.ModelVersion> versions = store.readManifest().models();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart.apply(versions.subList(Math.max(0, versions.size() - MAX_VERSIONS),
                versions.size())), WIDTH, HEIGHT);
        ctx.header("Cache-Control", "no-store").contentType("image/png").result(png.toByteArray());
    }

    private static JFreeChart history(List<StoreManifest.ModelVersion> versions) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (StoreManifest.ModelVersion v : versions) {
            data.addValue(v.requests() == null ? 0 : v.requests().size(), "forget requests applied", "v" + v.version());
            data.addValue(v instanceof SisaModelVersion s && s.retrained() != null ? s.retrained().size() : 0, "shards retrained",
                    "v" + v.version());
        }
        JFreeChart chart = bars("Requests and retrained shards per version", "count", data, REQUESTS, SHARDS);
        chart.getCategoryPlot().getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart;
    }

    private static JFreeChart retraining(List<StoreManifest.ModelVersion> versions) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (StoreManifest.ModelVersion v : versions) {
            if (v instanceof SisaModelVersion s && s.retrained() != null && !s.retrained().isEmpty()) {
                data.addValue(s.retrained().stream().mapToDouble(StoreManifest.ShardRetrain::seconds).sum(),
                        "retraining seconds", "v" + v.version());
            }
        }
        return bars("Retraining time per forget batch", "seconds", data, SECONDS);
    }

    private static JFreeChart bars(String title, String valueAxis, DefaultCategoryDataset data, Color... colours) {
        JFreeChart chart = ChartFactory.createBarChart(title, "model version", valueAxis, data, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setNoDataMessage("no forget batch yet");
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.2);
        for (int i = 0; i < colours.length; i++) {
            renderer.setSeriesPaint(i, colours[i]);
        }
        return chart;
    }
}
