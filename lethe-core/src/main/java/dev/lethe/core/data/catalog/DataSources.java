package dev.lethe.core.data.catalog;

import dev.lethe.core.data.text.TinyShakespeareSource;
import dev.lethe.core.data.tofu.TofuSource;
import dev.lethe.core.registry.Registry;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of data sources: every {@link DatasetCatalog} entry, then {@code csv}, {@code parquet} and {@code images}, the language-model
 * sources {@code tofu} and {@code tinyshakespeare}, then whatever
 * was {@link #register registered}. {@code --dataset NAME} and {@code lethe datasets} go through it, so a
 * source added here is loadable and listed without an edit to this class or to the built-in sources.
 */
public final class DataSources {

    private static final Registry<DataSource> REGISTRY = new Registry<>("data set", "known", DataSource::name, builtIns(), DataSource.class);

    private DataSources() {
    }

    private static List<DataSource> builtIns() {
        List<DataSource> sources = new ArrayList<>(DatasetCatalog.all());
        sources.add(new CsvSource());
        sources.add(new ParquetSource());
        sources.add(new ImageFolderSource());
        sources.add(new TofuSource());
        sources.add(new TinyShakespeareSource());
        return sources;
    }

    /** Adds a source after the existing ones; closing the registration removes it. */
    public static Registry.Registration register(DataSource source) {
        return REGISTRY.register(source);
    }

    /** Every source, catalogue entries first. */
    public static List<DataSource> all() {
        return REGISTRY.all();
    }

    /** The source called {@code name}; an unknown name fails with the known ones. */
    public static DataSource get(String name) {
        return REGISTRY.get(name);
    }
}
