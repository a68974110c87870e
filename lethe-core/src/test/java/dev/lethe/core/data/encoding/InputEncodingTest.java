package dev.lethe.core.data.encoding;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encoding a loader fits is the one its records were made with, and survives the manifest's JSON. */
class InputEncodingTest {

    @Test
    void theEmbeddedDigitsEncodeTheirRawPixelCountsAsLoaded() throws Exception {
        DatasetRef.Loaded digits = DatasetRef.digits(1).load();
        InputEncoding encoding = digits.encoding();
        assertThat(encoding.rawColumns()).hasSize(64).startsWith("pixel-0").endsWith("pixel-63");
        // the loaded features are the file's counts / 16: encoding counts back gives the same vector
        float[] first = Arrays.copyOfRange(digits.train().featuresView(), 0, 64);
        List<String> raw = new java.util.ArrayList<>();
        for (float f : first) {
            raw.add(Integer.toString(Math.round(f * 16)));
        }
        assertThat(encoding.encode(raw, "row")).containsExactly(first);
    }

    @Test
    void aCsvFileEncodesByItsHeaderNamesAndScale(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("people.csv"), "id,height,weight,label\np1,180,75,a\np2,160,55,b\n");
        DatasetRef ref = new DatasetRef("csv", csv.toString(), "label", "id", null, true, 0, 0.5, 0, 0, 1);
        InputEncoding encoding = ref.load().encoding();
        assertThat(encoding.rawColumns()).containsExactly("height", "weight");
        assertThat(encoding.encode(java.util.Map.of("weight", "75", "height", "180"), "row")).containsExactly(180f, 75f);
        Path plain = Files.writeString(dir.resolve("plain.csv"), "1,2,0\n3,4,1\n");
        assertThat(new DatasetRef("csv", plain.toString(), null, null, null, false, 0, 0.5, 0, 0, 1).load().encoding().rawColumns())
                .containsExactly("column-1", "column-2");
    }

    @Test
    void itRoundTripsThroughJsonAndRefusesMissingNumbersWhereTrainingHadNone() throws Exception {
        InputEncoding encoding = new InputEncoding(List.of(new InputEncoding.Column("pixel", 3, List.of(), 0, 0.5, false),
                InputEncoding.Column.numeric("age", 40, 0.1), InputEncoding.Column.categorical("colour", List.of("red", "blue"))));
        String json = Store.json().writeValueAsString(encoding);
        assertThat(Store.json().readValue(json, InputEncoding.class)).isEqualTo(encoding);
        assertThat(encoding.encode(List.of("2", "4", "6", "50", "blue"), "row")).containsExactly(1f, 2f, 3f, 1f, 0f, 1f);
        assertThatThrownBy(() -> encoding.encode(List.of("2", "?", "6", "50", "blue"), "row 7"))
                .isInstanceOf(DataFormatException.class).hasMessage("row 7: column pixel-1 has no value");
        assertThatThrownBy(() -> encoding.encode(List.of("2", "4", "6", "old", "blue"), "row 8"))
                .hasMessage("row 8: column age: 'old' is not a number");
        // numbers are read as the CSV loader reads training data: plain decimals only
        for (String notDecimal : List.of("1f", "0x10", "NaN", "1e", "--1")) {
            assertThatThrownBy(() -> encoding.encode(List.of("2", "4", "6", notDecimal, "blue"), "row 9"))
                    .hasMessage("row 9: column age: '" + notDecimal + "' is not a number");
        }
    }
}
