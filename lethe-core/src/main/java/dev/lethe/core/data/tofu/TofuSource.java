package dev.lethe.core.data.tofu;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.catalog.DataSource;
import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.core.data.catalog.LoadedDataset;
import dev.lethe.core.data.load.RecordIds;
import dev.lethe.core.data.text.QaRecords;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code tofu}: a TOFU benchmark subset as training records ({@code --dataset tofu --data DIR}, DIR the TOFU
 * folder or a data folder with {@code tofu/} in it; by default {@code $LETHE_DATASETS/tofu}). The training
 * side is {@link TofuBenchmarkSet#training()}; the test side is the split's holdout authors (ids
 * {@code holdout-007}), pairs of the same kind the model never saw, which is what membership attacks
 * compare against. The registered source is the 20-author benchmark (18 retain authors + forget01);
 * {@link #subset} gives any other (a CLI option can pass it later).
 */
public final class TofuSource implements DataSource {

    /** The source's name. */
    public static final String NAME = "tofu";
    /** The folder of the shared data folder that holds TOFU. */
    public static final String FOLDER = "tofu";

    private final String forgetSplit;
    private final int retainAuthors;
    private final Tokenizer tokenizer;

    private TofuSource(String forgetSplit, int retainAuthors, Tokenizer tokenizer) {
        if (!TofuBenchmarkSet.SPLITS.containsKey(forgetSplit)) {
            throw new IllegalArgumentException("unknown TOFU forget split '" + forgetSplit + "'; use one of forget01, forget05, forget10");
        }
        this.forgetSplit = forgetSplit;
        this.retainAuthors = retainAuthors;
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /** The 20-author benchmark with byte tokens: what {@code --dataset tofu} loads. */
    public TofuSource() {
        this(TofuBenchmarkSet.DEFAULT_SPLIT, TofuBenchmarkSet.DEFAULT_RETAIN_AUTHORS, ByteTokenizer.INSTANCE);
    }

    /** Another subset: {@code forgetSplit} ({@code forget01|forget05|forget10}) plus the first {@code retainAuthors} authors. */
    public static TofuSource subset(String forgetSplit, int retainAuthors, Tokenizer tokenizer) {
        return new TofuSource(forgetSplit, retainAuthors, tokenizer);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "TOFU fictitious authors as question-answer records (Maini et al. 2024): " + retainAuthors + " retain authors + "
                + forgetSplit + " + world facts + real authors; subjects are author names; --dataset tofu --data DIR";
    }

    @Override
    public String idFormat() {
        return "tofu-0000 … tofu-3999 (the pair's position in full.json), wf-000 and ra-000 (world facts, real authors),"
                + " holdout-00 (the split's holdout authors); subjects are author names";
    }

    @Override
    public LoadedDataset read(DatasetRef ref) throws IOException {
        TofuBenchmarkSet set = benchmark(ref);
        int holdoutCount = set.holdout().size();
        return new LoadedDataset(set.training(), QaRecords.of(set.training().name() + "/holdout", set.holdout(),
                item -> RecordIds.indexed("holdout", item.index(), holdoutCount), tokenizer));
    }

    /**
     * The benchmark subset {@code ref} names: its {@link DatasetRef#subset() subset} ({@link #subsetName}) if it has one,
     * else this source's; what {@link #read} trains on and what an evaluation of the trained model asks about.
     */
    public TofuBenchmarkSet benchmark(DatasetRef ref) throws IOException {
        String split = forgetSplit;
        int retain = retainAuthors;
        boolean utilityPairs = true;
        if (ref.subset() != null) {
            String subset = ref.subset();
            if (subset.endsWith(AUTHORS_ONLY)) {
                utilityPairs = false;
                subset = subset.substring(0, subset.length() - AUTHORS_ONLY.length());
            }
            String[] parts = subset.split("\\+", -1);
            if (parts.length != 2 || !parts[1].matches("\\d{1,4}")) {
                throw new IllegalArgumentException("TOFU subset '" + ref.subset() + "' is not SPLIT+RETAIN_AUTHORS[" + AUTHORS_ONLY + "], e.g. "
                        + subsetName(TofuBenchmarkSet.DEFAULT_SPLIT, TofuBenchmarkSet.DEFAULT_RETAIN_AUTHORS) + " or "
                        + subsetName(TofuBenchmarkSet.DEFAULT_SPLIT, TofuBenchmarkSet.DEFAULT_RETAIN_AUTHORS, false));
            }
            split = parts[0];
            retain = Integer.parseInt(parts[1]);
        }
        return TofuBenchmarkSet.of(folder(ref), split, retain, utilityPairs, tokenizer);
    }

    /** The suffix of a subset trained on its authors' pairs only, without world facts and real authors. */
    public static final String AUTHORS_ONLY = ":authors";

    /** How a {@link DatasetRef#subset() data reference} names a subset: {@code forget01+18}. */
    public static String subsetName(String forgetSplit, int retainAuthors) {
        return subsetName(forgetSplit, retainAuthors, true);
    }

    /** The name of a subset with or without the utility pairs: {@code forget01+18}, or {@code forget01+18:authors} without. */
    public static String subsetName(String forgetSplit, int retainAuthors, boolean utilityPairs) {
        return forgetSplit + "+" + retainAuthors + (utilityPairs ? "" : AUTHORS_ONLY);
    }

    /** The TOFU folder {@code ref} names: its path (the folder itself or one with {@code tofu/}), else the configured data folder's {@code tofu/}. */
    static Path folder(DatasetRef ref) {
        Path base = ref.path() != null ? Path.of(ref.path()) : DatasetCatalog.configuredDataDir()
                .orElseThrow(() -> new IllegalArgumentException("--dataset tofu needs --data DIR (the TOFU folder) or LETHE_DATASETS"));
        if (Files.isRegularFile(base.resolve(TofuAuthors.FULL_FILE))) {
            return base;
        }
        if (Files.isRegularFile(base.resolve(FOLDER).resolve(TofuAuthors.FULL_FILE))) {
            return base.resolve(FOLDER);
        }
        throw new IllegalArgumentException("no TOFU files in " + base + " (looked for " + TofuAuthors.FULL_FILE + " there and in "
                + FOLDER + "/): point --data at the TOFU folder, e.g. ../shared/datasets/tofu");
    }
}
