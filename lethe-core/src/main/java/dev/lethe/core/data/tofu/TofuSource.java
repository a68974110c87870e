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
    public LoadedDataset read(DatasetRef ref) throws IOException {
        TofuBenchmarkSet set = TofuBenchmarkSet.of(folder(ref), forgetSplit, retainAuthors, tokenizer);
        int holdoutCount = set.holdout().size();
        return new LoadedDataset(set.training(), QaRecords.of(set.training().name() + "/holdout", set.holdout(),
                item -> RecordIds.indexed("holdout", item.index(), holdoutCount), tokenizer));
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
