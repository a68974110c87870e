package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFiles;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvLoaderTest {

    @TempDir
    Path dir;

    @Test
    void loadsFeaturesLabelsAndRowIds() throws IOException {
        // Given a headerless CSV with the label last
        Path file = DataFiles.writeText(dir.resolve("toy.csv"), "1,2,b\n3.5,-4e1,a\n\n5,6,b\n");

        // When it is loaded with the defaults
        RecordSet set = CsvLoader.load(file, CsvOptions.defaults());

        // Then blank lines are skipped, ids count data rows, and string labels are sorted into classes
        assertThat(set.name()).isEqualTo("toy");
        assertThat(set.ids()).containsExactly("row-1", "row-2", "row-3");
        assertThat(set.featureShape()).containsExactly(2);
        assertThat(set.featuresView()).containsExactly(1f, 2f, 3.5f, -40f, 5f, 6f);
        assertThat(set.classNames()).containsExactly("a", "b");
        assertThat(set.labels()).containsExactly(1, 0, 1);
        assertThat(set.hasSubjects()).isFalse();
    }

    @Test
    void sortsIntegerLabelsNumerically() throws IOException {
        // Given integer labels 10, 2 and 1
        Path file = DataFiles.writeText(dir.resolve("ints.csv"), "0,10\n0,2\n0,1\n");

        // When loaded
        RecordSet set = CsvLoader.load(file, CsvOptions.defaults());

        // Then the classes are in numeric order, not string order
        assertThat(set.classNames()).containsExactly("1", "2", "10");
        assertThat(set.labels()).containsExactly(2, 1, 0);
    }

    @Test
    void headerNamesChooseTheRoleColumns() throws IOException {
        // Given a header with an id, a subject, two features, a label and a note
        Path file = DataFiles.writeText(dir.resolve("people.csv"),
                "id,person,x1,x2,label,note\nr7,alice,1,2,yes,hello\nr9,,3,4,no,bye\n");

        // When the roles are named by header
        RecordSet set = CsvLoader.load(file, CsvOptions.defaults().withHeader(true).withIdColumn("id")
                .withSubjectColumn("person").withLabelColumn("label").withIgnoredColumns(List.of("note")));

        // Then only x1 and x2 are features, and ids and subjects come from their columns
        assertThat(set.ids()).containsExactly("r7", "r9");
        assertThat(set.subject(0)).isEqualTo("alice");
        assertThat(set.subject(1)).isNull();
        assertThat(set.featuresView()).containsExactly(1f, 2f, 3f, 4f);
        assertThat(set.classNames()).containsExactly("no", "yes");
        assertThat(set.labels()).containsExactly(1, 0);
    }

    @Test
    void columnNumbersCountFromOne() throws IOException {
        // Given a headerless file with the label first and an id third
        Path file = DataFiles.writeText(dir.resolve("n.csv"), "1,0.5,a\n0,0.25,b\n");

        // When the label is column 1 and the id column 3
        RecordSet set = CsvLoader.load(file, CsvOptions.defaults().withLabelColumn("1").withIdColumn("3"));

        // Then column 2 is the only feature
        assertThat(set.ids()).containsExactly("a", "b");
        assertThat(set.featuresView()).containsExactly(0.5f, 0.25f);
        assertThat(set.labels()).containsExactly(1, 0);
    }

    @Test
    void readsQuotedFieldsWithDelimitersAndEscapedQuotes() throws IOException {
        // Given quoted numbers, a quoted id with a comma and an escaped quote
        Path file = DataFiles.writeText(dir.resolve("q.csv"),
                "\"a,1\",\"1\", 2 ,\"x\"\n\"say \"\"hi\"\"\",\"3\",4,\"y\"\n");

        // When loaded with the id in column 1
        RecordSet set = CsvLoader.load(file, CsvOptions.defaults().withIdColumn("1"));

        // Then quotes are removed and numbers parse
        assertThat(set.ids()).containsExactly("a,1", "say \"hi\"");
        assertThat(set.featuresView()).containsExactly(1f, 2f, 3f, 4f);
        assertThat(set.classNames()).containsExactly("x", "y");
    }

    @Test
    void detectsGzipByContentNotByName() throws IOException {
        // Given the same CSV gzipped under a plain name, and plain under a .gz name
        byte[] csv = "1,2,0\n3,4,1\n".getBytes(StandardCharsets.UTF_8);
        Path gzipped = DataFiles.write(dir.resolve("hidden.csv"), DataFiles.gzip(csv));
        Path plain = DataFiles.write(dir.resolve("plain.csv.gz"), csv);

        // When both are loaded
        RecordSet fromGzip = CsvLoader.load(gzipped, CsvOptions.defaults());
        RecordSet fromPlain = CsvLoader.load(plain, CsvOptions.defaults());

        // Then both give the same records
        assertThat(fromGzip.featuresView()).containsExactly(1f, 2f, 3f, 4f);
        assertThat(fromPlain.featuresView()).containsExactly(fromGzip.featuresView());
        assertThat(fromPlain.name()).isEqualTo("plain");
    }

    @Test
    void appliesScaleDelimiterSkipLinesAndGivenClasses() throws IOException {
        // Given a tab-separated file with a count line on top, labels as indexes and as names
        Path file = DataFiles.writeText(dir.resolve("t.tsv"), "2\t2\tmalignant\tbenign\n16\t8\t0\n4\t0\tbenign\n");

        // When loaded with scale 1/16 and the class names
        RecordSet set = CsvLoader.load(file, CsvOptions.defaults().withDelimiter('\t').withSkipLines(1)
                .withFeatureScale(1 / 16f).withClassNames(List.of("malignant", "benign")));

        // Then features are scaled and both label forms map onto the given classes
        assertThat(set.featuresView()).containsExactly(1f, 0.5f, 0.25f, 0f);
        assertThat(set.classNames()).containsExactly("malignant", "benign");
        assertThat(set.labels()).containsExactly(0, 1);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiterString = "|", value = {
            "wrong column count | 1,2,0\\n3,0\\n | line 2: expected 3 columns, found 2",
            "non-numeric feature | 1,2,0\\n3,abc,1\\n | line 2, column 2: 'abc' is not a number",
            "NaN is not accepted | NaN,2,0\\n | line 1, column 1: 'NaN' is not a number",
            "missing label | 1,2,0\\n3,4,\\n | line 2, column 3: missing label",
            "duplicate id | a,1,0\\nb,2,1\\na,3,0\\n | line 3, column 1: record id 'a' is already used on line 1",
            "empty file | '' | the file is empty",
            "blank lines only | \\n\\n | the file is empty",
            "unclosed quote | 1,\"2,0\\n | line 1, column 2: quoted field is not closed",
            "text after quote | \"1\"x,2,0\\n | line 1, column 1: unexpected text after the closing quote",
    })
    void rejectsMalformedInputNamingFileAndPlace(String problem, String content, String expected) throws IOException {
        // Given a malformed file (ids in column 1 for the duplicate case)
        Path file = DataFiles.writeText(dir.resolve("bad.csv"), content.replace("\\n", "\n"));
        CsvOptions options = problem.equals("duplicate id") ? CsvOptions.defaults().withIdColumn("1") : CsvOptions.defaults();

        // When it is loaded / Then the error names the file, the place and the problem
        assertThatThrownBy(() -> CsvLoader.load(file, options))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    void rejectsAHeaderWithoutData() throws IOException {
        // Given a file that has only a header
        Path file = DataFiles.writeText(dir.resolve("head.csv"), "a,b,label\n");

        // When loaded with a header / Then it says there are no data rows
        assertThatThrownBy(() -> CsvLoader.load(file, CsvOptions.defaults().withHeader(true)))
                .isInstanceOf(DataFormatException.class).hasMessage(file + ": the file has no data rows");
    }

    @Test
    void rejectsUnknownColumnReferences() throws IOException {
        // Given a file with header a,b,label
        Path file = DataFiles.writeText(dir.resolve("h.csv"), "a,b,label\n1,2,x\n");

        // When a missing name and an out-of-range number are asked for / Then both are named
        assertThatThrownBy(() -> CsvLoader.load(file, CsvOptions.defaults().withHeader(true).withLabelColumn("klass")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("line 1").hasMessageContaining("'klass' is not in the header [a, b, label]");
        assertThatThrownBy(() -> CsvLoader.load(file, CsvOptions.defaults().withHeader(true).withIdColumn("9")))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("the id column 9 is out of range: the file has columns 1..3");
    }

    @Test
    void rejectsALabelOutsideTheGivenClasses() throws IOException {
        // Given labels 0 and 2 but only two classes
        Path file = DataFiles.writeText(dir.resolve("c.csv"), "1,0\n2,2\n");

        // When loaded with classes [no, yes] / Then line 2's label is refused
        assertThatThrownBy(() -> CsvLoader.load(file, CsvOptions.defaults().withClassNames(List.of("no", "yes"))))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("line 2, column 2: label '2' is neither one of the classes [no, yes]");
    }

    @Test
    void reportsATruncatedGzipFile() throws IOException {
        // Given a gzip file cut in half
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            csv.append(i).append(',').append(i * 7 % 13).append(",0\n");
        }
        byte[] gz = DataFiles.gzip(csv.toString().getBytes(StandardCharsets.UTF_8));
        Path file = DataFiles.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(gz, gz.length / 2));

        // When loaded / Then the error names the file and the gzip problem
        assertThatThrownBy(() -> CsvLoader.load(file, CsvOptions.defaults()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ", line ")
                .hasMessageContaining("gzip data is corrupt or truncated");
    }
}
