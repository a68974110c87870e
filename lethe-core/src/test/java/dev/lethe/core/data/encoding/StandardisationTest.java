package dev.lethe.core.data.encoding;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A table's features z-scored with its training side's statistics ({@code scaling: standard}): fitted on the training
 * records only, applied to the test records with the same statistics, kept as the store's input encoding so that a raw
 * row encodes as its training record did, and absent from a manifest that does not use it.
 */
class StandardisationTest {

    private static final List<String> CLASSES = List.of("a", "b");

    @Test
    void itFitsMeansAndPopulationDeviationsAndAppliesThemToOtherRecords() {
        // features (x, constant): x = 1, 3, 5, 7 → mean 4, σ = √5
        RecordSet fitted = records(new float[]{1, 9, 3, 9, 5, 9, 7, 9});
        Standardisation fit = Standardisation.fit(fitted);
        assertThat(fit.means()).containsExactly(4, 9);
        assertThat(fit.deviations()[0]).isCloseTo(Math.sqrt(5), within(1e-12));
        assertThat(fit.deviations()[1]).isZero();
        float[] z = fit.apply(fitted).featuresView();
        assertThat(z[0]).isCloseTo((float) (-3 / Math.sqrt(5)), within(1e-6f));
        assertThat(z[1]).isZero(); // a constant feature becomes 0
        // other records take the fit's statistics, not their own
        float[] other = fit.apply(records(new float[]{4, 100, 4 + (float) Math.sqrt(5), -3, 0, 0, 0, 0})).featuresView();
        assertThat(other[0]).isZero();
        assertThat(other[1]).isZero();
        assertThat(other[2]).isCloseTo(1f, within(1e-6f));
        assertThatThrownBy(() -> fit.apply(new RecordSet("wide", new String[]{"w"}, new String[]{null}, new float[]{1, 2, 3}, new int[]{0},
                new int[]{3}, CLASSES))).hasMessageContaining("3 features").hasMessageContaining("fitted on 2");
    }

    @Test
    void aStandardisedCsvTrainsOnZScoresOfItsTrainingSideAndEncodesRawRowsTheSameWay(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("id,centroid,density,label\n");
        for (int i = 0; i < 200; i++) {
            csv.append("r").append(i).append(',').append(10 + (i * 37) % 240).append(',').append(0.01 * (i % 7)).append(',')
                    .append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        Path file = Files.writeString(dir.resolve("table.csv"), csv);
        DatasetRef raw = new DatasetRef("csv", file.toString(), "label", "id", null, true, 0, 0.25, 0, 0, 7);
        DatasetRef scaled = new DatasetRef("csv", file.toString(), "label", "id", null, true, 0, 0.25, 0, 0, 7, null, DatasetRef.STANDARD);
        DatasetRef.Loaded before = raw.load();
        DatasetRef.Loaded after = scaled.load();

        // the same split; the training side has mean 0 and deviation 1 per feature, the test side the training side's statistics
        assertThat(after.train().ids()).isEqualTo(before.train().ids());
        Standardisation fit = Standardisation.fit(before.train());
        Standardisation ofScaled = Standardisation.fit(after.train());
        for (int f = 0; f < 2; f++) {
            assertThat(ofScaled.means()[f]).isCloseTo(0, within(1e-6));
            assertThat(ofScaled.deviations()[f]).isCloseTo(1, within(1e-6));
        }
        assertThat(after.test().featuresView()).containsExactly(fit.apply(before.test()).featuresView());
        assertThat(after.fingerprint()).isNotEqualTo(before.fingerprint()).isEqualTo(scaled.load().fingerprint());

        // a raw row encodes as its loaded record was
        InputEncoding encoding = after.encoding();
        assertThat(encoding.rawColumns()).containsExactly("centroid", "density");
        int row = 5;
        float[] raw5 = {before.test().featuresView()[2 * row], before.test().featuresView()[2 * row + 1]};
        float[] encoded = encoding.encode(Map.of("centroid", Float.toString(raw5[0]), "density", Float.toString(raw5[1])), "row");
        assertThat(encoded[0]).isCloseTo(after.test().featuresView()[2 * row], within(1e-5f));
        assertThat(encoded[1]).isCloseTo(after.test().featuresView()[2 * row + 1], within(1e-5f));
    }

    @Test
    void theManifestNamesTheScalingOnlyWhenThereIsOne() throws Exception {
        DatasetRef plain = new DatasetRef("csv", "/data/t.csv", null, null, null, true, 0, 0.2, 0, 0, 1);
        DatasetRef scaled = new DatasetRef("csv", "/data/t.csv", null, null, null, true, 0, 0.2, 0, 0, 1, null, DatasetRef.STANDARD);
        assertThat(Store.json().writeValueAsString(plain)).doesNotContain("scaling");
        assertThat(Store.json().writeValueAsString(scaled)).contains("\"scaling\" : \"standard\"");
        assertThat(Store.json().readValue(Store.json().writeValueAsString(scaled), DatasetRef.class)).isEqualTo(scaled);
        assertThat(scaled.withPath("/moved/t.csv").scaling()).isEqualTo(DatasetRef.STANDARD);
        assertThatThrownBy(() -> new DatasetRef("csv", "/data/t.csv", null, null, null, true, 0, 0.2, 0, 0, 1, null, "minmax"))
                .hasMessageContaining("unknown feature scaling 'minmax'");
    }

    @Test
    void onlyNumericColumnsCanBeStandardised() {
        InputEncoding mixed = new InputEncoding(List.of(InputEncoding.Column.numeric("age", 0, 1),
                InputEncoding.Column.categorical("colour", List.of("red", "blue"))));
        assertThatThrownBy(() -> mixed.standardised(new Standardisation(new double[3], new double[3])))
                .hasMessageContaining("colour is categorical");
        // a run of numeric columns becomes one column per feature, each with its own statistics
        InputEncoding pixels = InputEncoding.uniform("pixel", 2, 0.5);
        InputEncoding z = pixels.standardised(new Standardisation(new double[]{1, 2}, new double[]{2, 0}));
        assertThat(z.rawColumns()).containsExactly("pixel-0", "pixel-1");
        // pixel-0: (x·0.5 − 1) / 2; pixel-1 is constant in training: 0
        assertThat(z.encode(List.of("6", "9"), "row")).containsExactly(1f, 0f);
    }

    private static RecordSet records(float[] features) {
        int n = features.length / 2;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "r" + i;
        }
        return new RecordSet("t", ids, new String[n], features, new int[n], new int[]{2}, CLASSES);
    }
}
