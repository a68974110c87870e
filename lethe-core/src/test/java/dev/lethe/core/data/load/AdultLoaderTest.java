package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFiles;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdultLoaderTest {

    private static final String TRAIN = String.join("\n",
            "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K",
            "50, Self-emp-not-inc, 83311, Bachelors, 13, Married-civ-spouse, Exec-managerial, Husband, White, Male, 0, 0, 13, United-States, >50K",
            "",
            "31, ?, 215646, HS-grad, 9, Divorced, ?, Not-in-family, White, Female, 0, 0, 40, ?, <=50K",
            "");
    private static final String TEST = String.join("\n",
            "|1x3 Cross validator",
            "25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Male, 0, 0, 40, United-States, <=50K.",
            "44, Private, 160323, Some-college, 10, Married-civ-spouse, Machine-op-inspct, Husband, Black, Male, 7688, 0, 40, United-States, >50K.",
            "");

    @TempDir
    Path dir;

    private Path train() throws IOException {
        return DataFiles.write(dir.resolve("adult.data.gz"), DataFiles.gzip(TRAIN.getBytes(StandardCharsets.UTF_8)));
    }

    private Path test(String content) throws IOException {
        return DataFiles.writeText(dir.resolve("adult.test"), content);
    }

    private static float feature(RecordSet set, int record, String name) {
        return set.featuresView()[record * set.featureSize() + AdultLoader.featureNames().indexOf(name)];
    }

    @Test
    void theFittedEncodingTurnsARawRowIntoTheLoadedFeatures() throws IOException {
        // Given both files loaded with the encoding fitted on the training file
        AdultLoader.Encoded adult = AdultLoader.loadEncoded(train(), test(TEST));
        InputEncoding encoding = adult.encoding();
        assertThat(encoding.rawColumns()).hasSize(14).startsWith("age", "workclass", "fnlwgt");
        assertThat(encoding.featureWidth()).isEqualTo(AdultLoader.featureNames().size());
        // When the test file's first row is encoded in its raw form, by position and by name
        List<String> raw = List.of("25", "Private", "226802", "11th", "7", "Never-married", "Machine-op-inspct", "Own-child", "Black",
                "Male", "0", "0", "40", "United-States");
        float[] byPosition = encoding.encode(raw, "row 1");
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        for (int i = raw.size() - 1; i >= 0; i--) {
            named.put(encoding.rawColumns().get(i), raw.get(i));
        }
        // Then it is the loaded record, the numbers standardised with the training statistics
        float[] loaded = java.util.Arrays.copyOfRange(adult.test().featuresView(), 0, adult.test().featureSize());
        assertThat(byPosition).containsExactly(loaded, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(encoding.encode(named, "row 1")).containsExactly(byPosition);
        // and a missing value encodes as the loader does it: an all-zero block, the mean for a number
        List<String> missing = new java.util.ArrayList<>(raw);
        missing.set(1, "?");
        missing.set(0, "?");
        float[] withMissing = encoding.encode(missing, "row 2");
        assertThat(withMissing[AdultLoader.featureNames().indexOf("age")]).isZero();
        assertThat(AdultLoader.featureNames().stream().filter(n -> n.startsWith("workclass="))
                .mapToDouble(n -> withMissing[AdultLoader.featureNames().indexOf(n)])).containsOnly(0.0);
        // and bad raw input is refused saying what is wrong
        List<String> unknown = new java.util.ArrayList<>(raw);
        unknown.set(1, "Pirate");
        assertThatThrownBy(() -> encoding.encode(unknown, "row 3")).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("row 3: 'Pirate' is not a category of workclass; its categories: Private, Self-emp-not-inc");
        assertThatThrownBy(() -> encoding.encode(raw.subList(0, 13), "row 4"))
                .hasMessageContaining("row 4: expected 14 raw values (age, workclass, fnlwgt, …, native-country (14)), found 13");
        named.remove("sex");
        named.put("gender", "Male");
        assertThatThrownBy(() -> encoding.encode(named, "row 5")).hasMessageContaining("unknown column(s) [gender]");
    }

    @Test
    void encodesTrainAndTestIdentically() throws IOException {
        // Given a gzipped train file with a blank line and missing values, and a plain test file with a comment
        // When both are loaded
        RecordSet.Split split = AdultLoader.load(train(), test(TEST));
        RecordSet train = split.train();
        RecordSet test = split.test();

        // Then the rows, ids, classes and the 105-wide encoding match the format
        assertThat(train.ids()).containsExactly("train-1", "train-2", "train-3");
        assertThat(test.ids()).containsExactly("test-1", "test-2");
        assertThat(train.classNames()).containsExactly("<=50K", ">50K");
        assertThat(train.labels()).containsExactly(0, 1, 0);
        assertThat(test.labels()).containsExactly(0, 1);
        assertThat(train.featureShape()).containsExactly(105).isEqualTo(test.featureShape());
        assertThat(AdultLoader.featureNames()).hasSize(105).startsWith("age", "workclass=Private");
        assertThat(feature(train, 0, "workclass=State-gov")).isEqualTo(1f);
        assertThat(feature(test, 0, "workclass=Private")).isEqualTo(1f);
        assertThat(feature(test, 0, "race=Black")).isEqualTo(1f);
    }

    @Test
    void standardisesNumbersWithTrainingStatistics() throws IOException {
        // Given ages 39, 50, 31 in train (mean 40, population std sqrt(182/3)) and 25 in test
        RecordSet.Split split = AdultLoader.load(train(), test(TEST));
        double std = Math.sqrt(((1.0 + 100.0 + 81.0) / 3));

        // When looking at the age feature
        // Then train ages are z-scored and the test age uses the training mean and std
        assertThat(feature(split.train(), 0, "age")).isCloseTo((float) (-1 / std), within(1e-6f));
        assertThat(feature(split.train(), 1, "age")).isCloseTo((float) (10 / std), within(1e-6f));
        assertThat(feature(split.test(), 0, "age")).isCloseTo((float) (-15 / std), within(1e-6f));
    }

    @Test
    void aMissingCategoryIsAnAllZeroBlock() throws IOException {
        // Given train row 3 with workclass, occupation and native-country missing
        RecordSet train = AdultLoader.load(train(), test(TEST)).train();

        // When its workclass block is read
        List<String> names = AdultLoader.featureNames();
        float sum = 0;
        for (int k = 0; k < names.size(); k++) {
            if (names.get(k).startsWith("workclass=") || names.get(k).startsWith("native-country=")) {
                sum += train.featuresView()[2 * train.featureSize() + k];
            }
        }

        // Then it is all zeros, while a present attribute has its one
        assertThat(sum).isZero();
        assertThat(feature(train, 2, "sex=Female")).isEqualTo(1f);
    }

    @Test
    void rejectsMalformedRowsNamingFileLineAndField() throws IOException {
        // Given test files with a missing field, a non-number, an unknown category and an unknown label
        Path trainFile = train();
        String good = "25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Male, 0, 0, 40, United-States, <=50K.";
        String[][] cases = {
                {good.replace(", 40,", ","), "line 2: expected 15 comma-separated fields, found 14"},
                {good.replace("226802", "22x"), "line 2, field 3 (fnlwgt): '22x' is not a number"},
                {good.replace("Private", "Pirate"), "line 2, field 2 (workclass): unknown category 'Pirate'"},
                {good.replace("<=50K.", "rich"), "line 2, field 15: label 'rich' is not one of [<=50K, >50K]"},
        };
        for (String[] c : cases) {
            Path testFile = test("|comment\n" + c[0] + "\n");

            // When loaded / Then the message names the test file, the line and the field
            assertThatThrownBy(() -> AdultLoader.load(trainFile, testFile))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessage(testFile + ", " + c[1]);
        }
    }

    @Test
    void reportsATruncatedGzipTrainingFile() throws IOException {
        // Given a training file cut short
        byte[] gz = DataFiles.gzip(TRAIN.repeat(200).getBytes(StandardCharsets.UTF_8));
        Path cut = DataFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length - 12));

        // When loaded / Then the file is named
        assertThatThrownBy(() -> AdultLoader.load(cut, test(TEST)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(cut + ", line ")
                .hasMessageContaining("gzip");
    }
}
