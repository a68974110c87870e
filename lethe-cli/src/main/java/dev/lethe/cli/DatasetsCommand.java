package dev.lethe.cli;

import dev.lethe.core.data.catalog.DataSource;
import dev.lethe.core.data.catalog.DataSources;
import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.core.data.catalog.DatasetEntry;
import dev.lethe.core.data.catalog.Downloader;
import dev.lethe.core.data.catalog.RemoteFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe datasets list|info|download}: the catalogue of named data sets, and every other data
 * source {@code --dataset} accepts ({@link DataSources}: {@code csv} and registered plug-ins).
 */
@Command(name = "datasets", footer = {"%nExample:", "  lethe datasets list"}, mixinStandardHelpOptions = true,
        description = "The catalogue of named data sets: what they are and whether their files are here.",
        subcommands = {DatasetsCommand.ListDatasets.class, DatasetsCommand.Info.class, DatasetsCommand.Download.class})
public final class DatasetsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String location(DatasetEntry e, Path dataDir) {
        return e.find(dataDir).map(Path::toString).orElse(e.isEmbedded() ? "embedded" : "not found");
    }

    /** A source that is not a catalogue entry (a file format, a plug-in): its name and what it gives. */
    static Map<String, Object> describe(DataSource source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", source.name());
        m.put("description", source.description());
        m.put("ids", source.idFormat());
        return m;
    }

    static Map<String, Object> describe(DatasetEntry e, Path dataDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("description", e.description());
        m.put("ids", e.idFormat());
        m.put("trainRecords", e.trainSize());
        m.put("testRecords", e.hasTestSplit() ? e.testSize() : null);
        m.put("featureShape", e.featureShape());
        m.put("classes", e.classNames());
        m.put("citation", e.citation());
        m.put("sources", e.sourceUrls());
        m.put("note", e.sourceNote());
        m.put("location", location(e, dataDir));
        return m;
    }

    @Command(name = "list", footer = {"%nExample:", "  lethe datasets list"}, mixinStandardHelpOptions = true, description = "List the named data sets and where their files are.")
    static final class ListDatasets implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CatalogueOptions options;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                List<Map<String, Object>> all = new ArrayList<>();
                DataSources.all().forEach(source -> all.add(source instanceof DatasetEntry e ? describe(e, options.data) : describe(source)));
                Output.json(out, all);
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  %-14s %-16s %-12s %-8s %s%n", "name", "records", "shape", "classes", "files");
            List<DataSource> others = new ArrayList<>();
            for (DataSource source : DataSources.all()) {
                if (!(source instanceof DatasetEntry e)) {
                    others.add(source);
                    continue;
                }
                String records = e.hasTestSplit() ? e.trainSize() + "+" + e.testSize() : String.valueOf(e.trainSize());
                out.printf(Locale.ROOT, "  %-14s %-16s %-12s %-8d %s%n", e.name(), records,
                        Arrays.toString(e.featureShape()).replace(" ", ""), e.classNames().size(), location(e, options.data));
            }
            for (DataSource source : others) {
                out.printf(Locale.ROOT, "  %-14s %s%n", source.name(), source.description());
            }
            out.println("  Details: lethe datasets info NAME. Point at your copies with --data DIR or LETHE_DATASETS=DIR.");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "info", footer = {"%nExample:", "  lethe datasets info adult"}, mixinStandardHelpOptions = true, description = "Describe one data set: content, licence, sources, files.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "A catalogue name.")
        String name;

        @Mixin
        CatalogueOptions options;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            DataSource source = DataSources.get(name);
            if (!(source instanceof DatasetEntry e)) {
                if (options.json) {
                    Output.json(out, describe(source));
                } else {
                    out.printf(Locale.ROOT, "  %s — %s%n", source.name(), source.description());
                    if (!source.idFormat().isEmpty()) {
                        out.printf(Locale.ROOT, "  ids       %s%n", source.idFormat());
                    }
                    out.flush();
                }
                return ExitCodes.OK;
            }
            Map<String, Object> d = describe(e, options.data);
            if (options.json) {
                Output.json(out, d);
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  %s — %s%n", e.name(), e.description());
            out.printf(Locale.ROOT, "  records   %s%n", e.hasTestSplit() ? e.trainSize() + " train + " + e.testSize() + " test (canonical split)"
                    : e.trainSize() + " (split by --test-fraction)");
            out.printf(Locale.ROOT, "  features  %s, %d classes: %s%n", Arrays.toString(e.featureShape()), e.classNames().size(),
                    e.classNames().size() <= 12 ? String.join(", ", e.classNames()) : e.classNames().subList(0, 12) + "…");
            out.printf(Locale.ROOT, "  ids       %s%n", e.idFormat());
            out.printf(Locale.ROOT, "  licence   %s%n", e.citation());
            for (RemoteFile f : e.downloads()) {
                out.printf(Locale.ROOT, "  source    %s (sha256 %s)%n", f.url(), f.sha256());
            }
            if (!e.sourceNote().isEmpty()) {
                out.printf(Locale.ROOT, "  note      %s%n", e.sourceNote());
            }
            out.printf(Locale.ROOT, "  files     %s%n", location(e, options.data));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "download", footer = {"%nExample:", "  lethe datasets download mnist --to ../shared/datasets"}, mixinStandardHelpOptions = true,
            description = "Download a data set from its canonical source, verifying each file's SHA-256 (needs internet).")
    static final class Download implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "A catalogue name.")
        String name;

        @Option(names = "--to", required = true, paramLabel = "DIR", description = "Data folder to download into (files go to DIR/<name>/).")
        Path to;

        @Override
        public Integer call() throws Exception {
            DatasetEntry e = DatasetCatalog.get(name);
            Path folder = new Downloader().download(e, to);
            spec.commandLine().getOut().printf("  %s: files verified in %s%n", e.name(), folder);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
