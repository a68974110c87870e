package dev.lethe.torch.scenario.bench;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Digits;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness measures on records the methods did not choose by: each seed's test set is split into the methods'
 * validation records and the measured records, disjoint, together the whole set, the same for the same seed.
 */
class TestSplitTest {

    @Test
    void theValidationAndMeasuredHalvesAreDisjointCoverTheTestSetAndFollowTheSeed() {
        RecordSet test = Digits.split().test();
        RecordSet[] halves = ScenarioBench.splitTest(test, 42);
        List<String> validation = halves[0].ids();
        List<String> measured = halves[1].ids();
        assertThat(validation).hasSize(test.size() / 2);
        assertThat(measured).hasSize(test.size() - test.size() / 2);
        Set<String> both = new HashSet<>(validation);
        both.retainAll(measured);
        assertThat(both).isEmpty();
        Set<String> union = new HashSet<>(validation);
        union.addAll(measured);
        assertThat(union).containsExactlyInAnyOrderElementsOf(test.ids());
        assertThat(ScenarioBench.splitTest(test, 42)[0].ids()).isEqualTo(validation);
        assertThat(ScenarioBench.splitTest(test, 43)[0].ids()).isNotEqualTo(validation);
    }
}
