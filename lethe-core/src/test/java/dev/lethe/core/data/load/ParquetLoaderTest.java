package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.catalog.DataSources;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParquetLoaderTest {

    private static final String PEOPLE = "message people { required binary id (UTF8); optional binary subject (UTF8);"
            + " required binary label (UTF8); required double age; required int32 visits; required int64 spend; required boolean member;"
            + " optional int64 __index_level_0__; }";

    @TempDir
    Path dir;

    @Test
    void readsRolesByNameAndEveryOtherColumnAsANumberInSchemaOrder() throws IOException {
        // Given a snappy-compressed file with text ids, subjects and labels and four kinds of numeric column
        Path file = ParquetFiles.write(dir.resolve("people.parquet"), PEOPLE, 4, (i, g) -> g.append("id", "r" + (i + 1))
                .append("subject", i < 2 ? "alice" : "bob").append("label", i % 2 == 0 ? "stay" : "churn")
                .append("age", 30.5 + i).append("visits", i * 2).append("spend", 1000L * i).append("member", i == 3)
                .append("__index_level_0__", (long) i));

        // When it is loaded with the default roles (label, id, subject)
        RecordSet set = ParquetLoader.load(file, ParquetLoader.Columns.defaults());

        // Then each role comes from its column, the classes are the sorted label texts, and the pandas index is no feature
        assertThat(set.ids()).containsExactly("r1", "r2", "r3", "r4");
        assertThat(set.subject(0)).isEqualTo("alice");
        assertThat(set.subject(3)).isEqualTo("bob");
        assertThat(set.classNames()).containsExactly("churn", "stay");
        assertThat(set.labels()).containsExactly(1, 0, 1, 0);
        assertThat(set.featureShape()).containsExactly(4);
        assertThat(set.record(3).features()).containsExactly(33.5f, 6f, 3000f, 1f);
        assertThat(set.name()).isEqualTo("people");
        assertThat(ParquetLoader.featureColumns(file, ParquetLoader.Columns.defaults())).containsExactly("age", "visits", "spend", "member");
    }

    @Test
    void namedColumnsTakeTheRolesAndRowsNumberTheRecordsWithoutAnIdColumn() throws IOException {
        // Given integer classes in a column called y and no id column
        Path file = ParquetFiles.write(dir.resolve("y.parquet"), "message m { required float x1; required int32 y; required float x2; }", 3,
                (i, g) -> g.append("x1", (float) i).append("y", 10 - i * 5).append("x2", (float) -i));

        RecordSet set = ParquetLoader.load(file, ParquetLoader.Columns.of("y", null, null));

        assertThat(set.ids()).containsExactly("row-1", "row-2", "row-3");
        assertThat(set.hasSubjects()).isFalse();
        assertThat(set.classNames()).containsExactly("0", "5", "10");
        assertThat(set.labels()).containsExactly(2, 1, 0);
        assertThat(set.record(2).features()).containsExactly(2f, -2f);
    }

    @Test
    void aMissingColumnANullATextFeatureOrARepeatedIdIsNamedWithItsRow() throws IOException {
        Path nulls = ParquetFiles.write(dir.resolve("nulls.parquet"), "message m { required binary id (UTF8); optional double a; required int32 label; }", 3,
                (i, g) -> {
                    g.append("id", "r" + i).append("label", i % 2);
                    if (i != 1) {
                        g.append("a", 1.0);
                    }
                });
        assertThatThrownBy(() -> ParquetLoader.load(nulls, ParquetLoader.Columns.defaults()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("row 2, column 'a'").hasMessageContaining("null");

        assertThatThrownBy(() -> ParquetLoader.load(nulls, ParquetLoader.Columns.of("class", null, null)))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("'class' is not in the file")
                .hasMessageContaining("[id, a, label]").hasMessageContaining("--label-column");

        Path text = ParquetFiles.write(dir.resolve("text.parquet"), "message m { required binary name (UTF8); required double a; required int32 label; }", 2,
                (i, g) -> g.append("name", "n" + i).append("a", 1.0).append("label", i));
        assertThatThrownBy(() -> ParquetLoader.load(text, ParquetLoader.Columns.defaults()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("column 'name'").hasMessageContaining("text");

        Path twice = ParquetFiles.write(dir.resolve("twice.parquet"), "message m { required binary id (UTF8); required double a; required int32 label; }", 3,
                (i, g) -> g.append("id", i == 2 ? "r0" : "r" + i).append("a", 1.0).append("label", i % 2));
        assertThatThrownBy(() -> ParquetLoader.load(twice, ParquetLoader.Columns.defaults()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("row 3").hasMessageContaining("'r0' is already used in row 1");
    }

    @Test
    void theParquetSourceSplitsTheFileAndEncodesRawRecordsByColumnName() throws IOException {
        // Given a file of 20 people, loaded as --dataset parquet --data FILE with a quarter held out
        Path file = ParquetFiles.write(dir.resolve("people.parquet"), PEOPLE, 20, (i, g) -> g.append("id", "r" + i)
                .append("subject", "s" + (i % 5)).append("label", i % 2 == 0 ? "stay" : "churn").append("age", 20.0 + i)
                .append("visits", i).append("spend", 10L * i).append("member", i % 3 == 0));
        DatasetRef.Loaded loaded = new DatasetRef("parquet", file.toString(), null, null, null, null, 0, 0.25, 0, 0, 1).load();

        // Then every row lands on one side, and a raw record by column name (any order) encodes as the loaded features
        assertThat(loaded.train().size() + loaded.test().size()).isEqualTo(20);
        assertThat(loaded.test().size()).isBetween(1, 19);
        RecordSet train = loaded.train();
        int i = Integer.parseInt(train.id(0).substring(1));
        float[] encoded = loaded.encoding().encode(Map.of("member", i % 3 == 0 ? "1" : "0", "spend", Long.toString(10L * i),
                "visits", Integer.toString(i), "age", Double.toString(20.0 + i)), "record");
        assertThat(encoded).containsExactly(train.record(0).features());
        assertThat(DataSources.get("parquet").idFormat()).contains("id column");
    }

    @Test
    void aFileThatIsNotParquetIsRefusedByName() throws IOException {
        Path csv = Files.writeString(dir.resolve("data.parquet"), "id,a,label\nr1,1,0\n");
        assertThatThrownBy(() -> ParquetLoader.load(csv, ParquetLoader.Columns.defaults()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining(csv.toString()).hasMessageContaining("not a readable Parquet file");
        assertThatThrownBy(() -> ParquetLoader.load(dir.resolve("absent.parquet"), ParquetLoader.Columns.defaults()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(List.of(csv)).allMatch(Files::exists);
    }
}
