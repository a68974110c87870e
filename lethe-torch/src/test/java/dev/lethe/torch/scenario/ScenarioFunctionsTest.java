package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Digits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every scenario is a deterministic function of (data, seed, parameters) with forget ⊂ train and retain = train − forget. */
class ScenarioFunctionsTest {

    private static final RecordSet TRAIN = Digits.split().train();
    private static final RecordSet TEST = Digits.split().test();

    private static Scenario scenario(String name) {
        return ScenarioSpec.defaults(name).create();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"random", "class", "subjects", "backdoor", "sequential"})
    void sameSeedSameSetsAndForgetIsInsideTrainAndRetainIsTheRest(String name) {
        // Given one scenario
        Scenario s = scenario(name);

        // When it is built twice with one seed and once with another
        ScenarioData a = s.build(TRAIN, TEST, 7);
        ScenarioData b = s.build(TRAIN, TEST, 7);
        ScenarioData c = s.build(TRAIN, TEST, 8);

        // Then the sets are identical for the same seed
        assertThat(a.train().fingerprint()).isEqualTo(b.train().fingerprint());
        assertThat(a.forget().fingerprint()).isEqualTo(b.forget().fingerprint());
        assertThat(a.retain().fingerprint()).isEqualTo(b.retain().fingerprint());
        if (!name.equals("class")) {
            assertThat(c.forget().ids()).as("another seed draws another forget set").isNotEqualTo(a.forget().ids());
        }
        // and forget ⊂ train, retain = train − forget
        Set<String> train = new HashSet<>(a.train().ids());
        Set<String> forget = new HashSet<>(a.forget().ids());
        assertThat(train).containsAll(forget);
        Set<String> rest = new HashSet<>(train);
        rest.removeAll(forget);
        assertThat(new HashSet<>(a.retain().ids())).isEqualTo(rest);
        assertThat(a.forget().size()).isPositive().isLessThan(a.train().size());
    }

    @Test
    void theRandomShareIsAboutTheFractionAndTheClassScenarioTakesTheWholeClass() {
        assertThat(new RandomScenario(0.1).build(TRAIN, TEST, 1).forget().size()).isBetween(100, 190);
        ScenarioData cls = new ClassScenario(3).build(TRAIN, TEST, 1);
        assertThat(cls.forget().labels()).containsOnly(3);
        assertThat(cls.retain().labels()).doesNotContain(3);
    }

    @Test
    void subjectsAreForgottenWhole() {
        ScenarioData d = new SubjectScenario(0.05, 50).build(TRAIN, TEST, 3);
        Set<String> forgotten = new HashSet<>();
        for (int i = 0; i < d.forget().size(); i++) {
            forgotten.add(d.forget().subject(i));
        }
        for (int i = 0; i < d.retain().size(); i++) {
            assertThat(forgotten).doesNotContain(d.retain().subject(i));
        }
        assertThat(forgotten).isNotEmpty();
    }

    @Test
    void theBackdoorStampsTheCornerRelabelsToTheTargetAndExcludesTargetImagesFromTheAttackSet() {
        ScenarioData d = new BackdoorScenario(0, 0.1, 0.5, 3).build(TRAIN, TEST, 5);
        // poisoned records carry the target label and a max-intensity bottom-right 3x3 square (pixels 45..47, 53..55, 61..63)
        // (the poisoned set keeps the training order and ids: a record is poisoned where its label changed)
        RecordSet poisons = d.train().filter("p", i -> TRAIN.label(i) != d.train().label(i));
        assertThat(poisons.size()).isEqualTo(d.facts().get("poisonedRecords"));
        assertThat(poisons.labels()).containsOnly(0);
        for (int pixel : new int[]{45, 46, 47, 53, 54, 55, 61, 62, 63}) {
            assertThat(poisons.record(0).features()[pixel]).isEqualTo(1f);
        }
        // half of them are identified: the forget set is a part of the poisons, the rest stays in the retain set
        assertThat(poisons.ids()).containsAll(d.forget().ids());
        assertThat(d.forget().size()).isLessThan(poisons.size());
        // the attack set: triggered test images of every class but the target, with their true labels
        assertThat(d.attackTest().labels()).doesNotContain(0);
        assertThat(d.attackTest().size()).isEqualTo((int) java.util.Arrays.stream(TEST.labels()).filter(l -> l != 0).count());
    }

    @Test
    void sequentialRequestsAreDisjointAndCoverTheForgetSet() {
        ScenarioData d = new SequentialScenario(new RandomScenario(0.2), 4).build(TRAIN, TEST, 9);
        assertThat(d.steps()).isEqualTo(4);
        assertThat(d.forgottenAfter(3).size()).isEqualTo(d.forget().size());
        assertThat(d.retainedAfter(1).size()).isEqualTo(d.train().size() - d.requests().get(0).size() - d.requests().get(1).size());
    }

    @Test
    void badParametersAreRefusedWithTheOptionName() {
        assertThatThrownBy(() -> ScenarioSpec.defaults("everything").create()).hasMessageContaining("unknown scenario 'everything'")
                .hasMessageContaining("backdoor");
        assertThatThrownBy(() -> new RandomScenario(1.5)).hasMessageContaining("--forget-fraction must be a share in (0, 1]");
        assertThatThrownBy(() -> new BackdoorScenario(0, 0, 1, 3)).hasMessageContaining("--poison-fraction");
        assertThatThrownBy(() -> new ClassScenario(12).build(TRAIN, TEST, 1)).hasMessageContaining("--forget-class 12");
        assertThatThrownBy(() -> new SequentialScenario(new RandomScenario(0.1), 1)).hasMessageContaining("--steps");
        assertThat(Trigger.geometry(new int[]{64})).containsExactly(1, 8, 8);
        assertThatThrownBy(() -> Trigger.geometry(new int[]{30})).hasMessageContaining("needs image data");
    }
}
