package dev.lethe.core.forget;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.sisa.TrainingDataFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one selection match: records, subjects and labels, against a loaded set and a data file's metadata alike. */
class RecordSelectorTest {

    /** r0..r5; subjects p0, p1, p0, null, p2, p1; labels cat, dog, cat, bird, dog, cat. */
    private static RecordSet records() {
        return new RecordSet("t", new String[]{"r0", "r1", "r2", "r3", "r4", "r5"}, new String[]{"p0", "p1", "p0", null, "p2", "p1"},
                new float[]{0, 1, 2, 3, 4, 5}, new int[]{0, 1, 0, 2, 1, 0}, new int[]{1}, List.of("cat", "dog", "bird"));
    }

    @Test
    void recordsSubjectsAndLabelsSelectTheirPositions() {
        RecordSelector.Candidates set = RecordSelector.Candidates.of(records());
        assertThat(RecordSelector.positions(set, ForgetKind.RECORDS, List.of("r4", "r1", "nobody"))).containsExactly(1, 4);
        assertThat(RecordSelector.positions(set, ForgetKind.SUBJECTS, List.of("p1", "p9"))).containsExactly(1, 5);
        // a record without a subject is never selected by one
        assertThat(RecordSelector.positions(set, ForgetKind.SUBJECTS, List.of("null"))).isEmpty();
        // a label by name or by index
        assertThat(RecordSelector.positions(set, ForgetKind.LABEL, List.of("cat"))).containsExactly(0, 2, 5);
        assertThat(RecordSelector.positions(set, ForgetKind.LABEL, List.of("2"))).containsExactly(3);
    }

    @Test
    void aLabelThatIsNoClassIsRefusedNamingTheClasses() {
        RecordSelector.Candidates set = RecordSelector.Candidates.of(records());
        for (String bad : List.of("fish", "3", "-1")) {
            assertThatThrownBy(() -> RecordSelector.positions(set, ForgetKind.LABEL, List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("label '" + bad + "' is not a class of this store; classes: [cat, dog, bird]");
        }
        // a class name wins over an index: with classes named by digits, "1" is the class called "1"
        assertThat(RecordSelector.resolveLabel("1", List.of("9", "1"))).isEqualTo("1");
        assertThat(RecordSelector.resolveLabel("0", List.of("9", "1"))).isEqualTo("9");
    }

    @Test
    void aDataFileSelectsWhatItsLoadedRecordsSelect(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shard.bin");
        TrainingDataFile.write(file, records(), new int[]{0, 1, 0, 1, 0, 1});
        RecordSelector.Candidates metadata = RecordSelector.Candidates.of(TrainingDataFile.readMetadata(file));
        RecordSelector.Candidates loaded = RecordSelector.Candidates.of(records());
        for (ForgetKind kind : ForgetKind.values()) {
            List<String> values = switch (kind) {
                case RECORDS -> List.of("r0", "r3");
                case SUBJECTS -> List.of("p0");
                case LABEL -> List.of("dog");
            };
            Set<Integer> fromFile = RecordSelector.positions(metadata, kind, values);
            assertThat(fromFile).as(kind.name()).isNotEmpty().isEqualTo(RecordSelector.positions(loaded, kind, values));
        }
    }

    @Test
    void anIdTheStoreNeitherHoldsNorForgotIsUnknown() {
        Set<String> held = Set.of("r0", "r1");
        assertThat(RecordSelector.firstUnknown(List.of("r1", "gone", "typo", "r0"), held, "gone"::equals)).isEqualTo(OptionalInt.of(2));
        assertThat(RecordSelector.firstUnknown(List.of("r1", "gone"), held, "gone"::equals)).isEmpty();
    }
}
