package dev.lethe.torch.method;

import dev.lethe.torch.method.certified.CertifiedRemoval;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which method's training-time needs a training with objective perturbation reaches (no engine needed). */
class TrainingHookTest {

    @Test
    void noPerturbationNeedsNoHook() {
        // When a training asks for no objective perturbation
        TrainingHook hook = TrainingHook.forPerturbation(0);

        // Then no method's needs apply: cross-entropy, no finishing, no options
        assertThat(hook).isSameAs(TrainingHook.NONE);
        assertThat(hook.objective(null, 0, 10)).isEmpty();
        assertThat(hook.options(0)).isEmpty();
    }

    @Test
    void aPerturbationReachesTheOneMethodThatTrainsWithIt() {
        // When a training asks for objective perturbation σ = 2
        TrainingHook hook = TrainingHook.forPerturbation(2.0);

        // Then it is certified removal's hook, which passes σ on as its option
        assertThat(hook.perturbsObjective()).isTrue();
        assertThat(hook.options(2.0)).containsExactly(Map.entry(CertifiedRemoval.NAME + ".perturbation", "2.0"));
    }
}
