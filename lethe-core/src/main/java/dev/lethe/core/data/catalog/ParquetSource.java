package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.core.data.load.ParquetLoader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code parquet}: a user's own Parquet file ({@code --dataset parquet --data FILE}), read by {@link ParquetLoader}: the
 * label column ({@code label} unless {@code --label-column} names another), the id and subject columns ({@code id} and
 * {@code subject} when the file has them, or as {@code --id-column} / {@code --subject-column} name them), every other
 * column a numeric feature. It has no canonical test split.
 */
public final class ParquetSource implements DataSource {

    /** The source's name. */
    public static final String NAME = "parquet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "your own Parquet file: --dataset parquet --data FILE [--label-column (default label), --id-column (default id),"
                + " --subject-column (default subject)]";
    }

    @Override
    public String idFormat() {
        return "the values of the id column, or row-1, row-2, … (the 1-based row) when the file has none";
    }

    @Override
    public LoadedDataset read(DatasetRef ref) throws IOException {
        if (ref.path() == null) {
            throw new IllegalArgumentException("--dataset parquet needs --data FILE (the Parquet file to load)");
        }
        Path file = Path.of(ref.path());
        ParquetLoader.Columns columns = ParquetLoader.Columns.of(ref.labelColumn(), ref.idColumn(), ref.subjectColumn());
        RecordSet all = ParquetLoader.load(file, columns);
        InputEncoding encoding = InputEncoding.scaled(ParquetLoader.featureColumns(file, columns), 1.0);
        return new LoadedDataset(ref.perClass() > 0 ? all.firstPerClass(ref.perClass()) : all, null, encoding);
    }
}
