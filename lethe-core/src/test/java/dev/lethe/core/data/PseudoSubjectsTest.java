package dev.lethe.core.data;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PseudoSubjectsTest {

    private static RecordSet records(int n) {
        String[] ids = IntStream.range(0, n).mapToObj(i -> "rec-" + i).toArray(String[]::new);
        return new RecordSet("toy", ids, null, new float[n], new int[n], new int[]{1}, List.of("only"));
    }

    @Test
    void removingRecordsLeavesTheOthersSubjectsUnchanged() {
        // Given a set and the same set without every third record
        RecordSet full = records(300);
        RecordSet reduced = full.filter("reduced", i -> i % 3 != 0);

        // When both get pseudo-subjects with the same seed
        RecordSet fullWithSubjects = PseudoSubjects.assign(full, 7, 42L);
        RecordSet reducedWithSubjects = PseudoSubjects.assign(reduced, 7, 42L);

        // Then every remaining record has the subject it had in the full set
        Map<String, String> fullSubjects = new HashMap<>();
        for (int i = 0; i < fullWithSubjects.size(); i++) {
            fullSubjects.put(fullWithSubjects.id(i), fullWithSubjects.subject(i));
        }
        for (int i = 0; i < reducedWithSubjects.size(); i++) {
            assertThat(reducedWithSubjects.subject(i)).isEqualTo(fullSubjects.get(reducedWithSubjects.id(i)));
        }
    }

    @Test
    void usesEverySubjectRoughlyEvenly() {
        // Given 2,000 records and 10 subjects
        RecordSet set = records(2_000);

        // When subjects are assigned
        RecordSet assigned = PseudoSubjects.assign(set, 10, 7L);

        // Then all ten subjects occur, each about 200 times
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < assigned.size(); i++) {
            counts.merge(assigned.subject(i), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 10).mapToObj(k -> "subject-" + k).toList());
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(140, 260));
    }

    @Test
    void theSeedChangesTheAssignment() {
        // Given one set
        RecordSet set = records(200);

        // When it is assigned with two seeds
        RecordSet a = PseudoSubjects.assign(set, 5, 1L);
        RecordSet b = PseudoSubjects.assign(set, 5, 2L);

        // Then the assignments differ, and repeating a seed repeats the assignment
        long differing = IntStream.range(0, set.size()).filter(i -> !a.subject(i).equals(b.subject(i))).count();
        assertThat(differing).isGreaterThan(100);
        assertThat(PseudoSubjects.assign(set, 5, 1L).fingerprint()).isEqualTo(a.fingerprint());
    }

    @Test
    void rejectsFewerThanOneSubject() {
        // Given a set / When asked for zero subjects / Then it is refused
        assertThatThrownBy(() -> PseudoSubjects.assign(records(3), 0, 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
    }
}
