package dev.lethe.torch.scenario;

import dev.lethe.torch.Spread;
import dev.lethe.torch.Digits;
import dev.lethe.torch.method.Retrain;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.scenario.evidence.BackdoorProbe;
import dev.lethe.torch.eval.metric.ModelClassifier;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BadNets backdoor on the 8×8 digits: a 3×3 max-intensity square in the bottom-right corner on 10 %
 * of the non-target training images, relabelled to class 0. The poisoned model obeys the trigger; a model
 * retrained on the clean remainder (every poison identified) does not.
 */
class BackdoorScenarioTest {

    private static final TrainConfig CONFIG = new TrainConfig(12, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(42));

    @Test
    void thePoisonedModelObeysTheTriggerAndRetrainingOnCleanDataRemovesIt() {
        // Given the backdoor scenario with every poison identified
        ScenarioData d = new BackdoorScenario(0, 0.1, 1.0, 3).build(Digits.split().train(), Digits.split().test(), 42);

        // When a model trains on the poisoned set, and another is retrained on the clean retain set
        try (ModelHandle poisoned = ModelHandle.create(ModelSpec.parse("mlp", new int[]{64}, 10), Spread.seed(42))) {
            try (TensorData train = TensorData.of(d.train(), poisoned.manager())) {
                new TrainLoop(CONFIG).run(poisoned, train, Objectives.crossEntropy());
            }
            double before = BackdoorProbe.successRate(new ModelClassifier(poisoned).probabilities(d.attackTest()), 0);
            try (UnlearningRun retrain = UnlearningRun.run(UnlearningMethods.get(Retrain.NAME), Map.of(), poisoned,
                    new UnlearningData(d.forget(), d.retain(), d.test()), UnlearningContext.of(Spread.seed(42), CONFIG))) {
                double after = BackdoorProbe.successRate(new ModelClassifier(retrain.model()).probabilities(d.attackTest()), 0);

                // Then the attack succeeds before (ASR >= 0.9) and not after (ASR <= 0.05)
                assertThat(Spread.measure("backdoor ASR poisoned", before)).as("ASR of the poisoned model").isGreaterThanOrEqualTo(0.9);
                assertThat(Spread.measure("backdoor ASR retrained", after)).as("ASR after retraining on clean data").isLessThanOrEqualTo(0.05);
                System.out.printf("backdoor on digits: ASR %.4f before, %.4f after retrain (%d poisons)%n", before, after, d.forget().size());
            }
        }
    }
}
