package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.core.data.load.CsvLoader;
import dev.lethe.core.data.load.CsvOptions;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code csv}: a user's own CSV file ({@code --dataset csv --data FILE}), with the label, id and
 * subject columns and the header flag of the {@link DatasetRef}. It has no canonical test split.
 */
public final class CsvSource implements DataSource {

    /** The source's name. */
    public static final String NAME = "csv";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "your own CSV file: --dataset csv --data FILE [--label-column, --id-column, --subject-column, --header]";
    }

    @Override
    public String idFormat() {
        return "the values of --id-column, or row-1, row-2, … (the 1-based data row) without one";
    }

    @Override
    public LoadedDataset read(DatasetRef ref) throws IOException {
        if (ref.path() == null) {
            throw new IllegalArgumentException("--dataset csv needs --data FILE (the CSV file to load)");
        }
        CsvOptions options = CsvOptions.defaults().withHeader(Boolean.TRUE.equals(ref.header()));
        if (ref.labelColumn() != null) {
            options = options.withLabelColumn(ref.labelColumn());
        }
        if (ref.idColumn() != null) {
            options = options.withIdColumn(ref.idColumn());
        }
        if (ref.subjectColumn() != null) {
            options = options.withSubjectColumn(ref.subjectColumn());
        }
        RecordSet all = CsvLoader.load(Path.of(ref.path()), options);
        InputEncoding encoding = InputEncoding.scaled(CsvLoader.featureColumns(Path.of(ref.path()), options), options.featureScale());
        return new LoadedDataset(ref.perClass() > 0 ? all.firstPerClass(ref.perClass()) : all, null, encoding);
    }
}
