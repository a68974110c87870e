package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code certified} on the model it applies to: a logreg on digits trained full-batch with weight
 * decay λ = 0.1 and objective perturbation σ = 10, then polished by Newton steps to the exact minimiser
 * the theorem assumes.
 * Three random records are removed by the Newton step with an (ε, δ) certificate; a removal beyond
 * the budget is refused with the documented message.
 */
class CertifiedRemovalTest {

    static final double SIGMA = 10.0;
    static final TrainConfig CONFIG = new TrainConfig(300, 4096, OptimizerKind.ADAM, 1e-2f, 0f, 0.1f, 42);
    static final RecordSet TRAIN = ClassForgetting.TRAIN;
    static final Set<String> REMOVED = Set.of(TRAIN.id(17), TRAIN.id(400), TRAIN.id(1001));
    static final UnlearningData DATA = new UnlearningData(
            TRAIN.filter("forget", i -> REMOVED.contains(TRAIN.id(i))),
            TRAIN.filter("retain", i -> !REMOVED.contains(TRAIN.id(i))), null);
    static final Map<String, String> OPTIONS = Map.of("certified.perturbation", String.valueOf(SIGMA));

    private static byte[] trained;
    private static double trainingResidual;

    /** The logreg trained on all of TRAIN with the perturbed objective (once per JVM; the caller closes the copy). */
    static synchronized ModelHandle logreg() {
        if (trained == null) {
            try (ModelHandle model = ModelHandle.create(ModelSpec.parse("logreg", new int[]{64}, 10), 42);
                 TensorData data = TensorData.of(TRAIN, model.manager())) {
                Objective objective = CertifiedRemoval.perturbedObjective(CONFIG, SIGMA, TRAIN.size());
                new TrainLoop(CONFIG).run(model, data, objective);
                trainingResidual = CertifiedRemoval.polish(model, TRAIN, CONFIG, SIGMA, CertifiedRemoval.POLISH_STEPS, new Cancellation());
                trained = model.toBytes();
            }
        }
        try {
            return ModelHandle.read(new java.io.ByteArrayInputStream(trained), "logreg", ai.djl.Device.cpu());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void removesAFewRecordsWithinTheBudgetAndReportsTheSpentEpsilon() {
        try (ModelHandle original = logreg()) {
            String before = original.weightsDigest();
            int arraysBefore = original.manager().getManagedArrays().size();
            String first;
            try (UnlearningRun run = UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA, UnlearningContext.of(3, CONFIG))) {
                Map<String, Object> r = run.report();
                double bound = (double) r.get("certified.residualBound");
                double budget = (double) r.get("certified.budget");
                double c = Math.sqrt(2 * Math.log(1.5 / 1e-4));
                assertThat(r.get("certified.removed")).isEqualTo(3);
                assertThat(budget).isCloseTo(SIGMA * 1.0 / c, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(bound).isPositive().isLessThanOrEqualTo(budget);
                assertThat((double) r.get("certified.epsilonSpent")).isCloseTo(c * bound / SIGMA, org.assertj.core.data.Offset.offset(1e-12))
                        .isLessThanOrEqualTo(1.0);
                assertThat(r.get("certified.delta")).isEqualTo(1e-4);
                // the bound holds at the returned weights, and the step removed nearly all of the gradient the removal left
                double measured = (double) r.get("certified.measuredResidual");
                assertThat(measured).isLessThanOrEqualTo(bound);
                assertThat(measured).isLessThan((double) r.get("certified.residualBefore") / 100);
                // polishing made the original the minimiser of L_b(·; D): what the step corrects is the removal alone
                assertThat((double) r.get("certified.trainingResidual")).isCloseTo(trainingResidual, org.assertj.core.data.Offset.offset(1e-6))
                        .isLessThan((double) r.get("certified.residualBefore") / 10);
                assertThat(run.model().weightsDigest()).isNotEqualTo(before);
                assertThat(run.model().manager().getManagedArrays()).hasSize(run.model().parameters().size());
                assertThat(run.guarantee()).isEqualTo(Guarantee.CERTIFIED);
                first = run.model().weightsDigest();
            }
            try (UnlearningRun again = UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA, UnlearningContext.of(3, CONFIG))) {
                assertThat(again.model().weightsDigest()).isEqualTo(first);
            }
            assertThat(original.weightsDigest()).isEqualTo(before);
            assertThat(original.manager().getManagedArrays()).hasSize(arraysBefore);
        }
    }

    @Test
    void refusesARemovalBeyondItsBudget() {
        try (ModelHandle original = logreg()) {
            int arraysBefore = original.manager().getManagedArrays().size();
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(),
                    Map.of("certified.perturbation", String.valueOf(SIGMA), "certified.epsilon", "0.001"), original, DATA,
                    UnlearningContext.of(3, CONFIG)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageMatching("certified: the gradient residual bound \\S+ exceeds the budget \\S+ for ε=0\\.001, δ=1\\.0E-4 "
                            + "\\(σ=10\\.0\\); retrain instead");
            // what earlier removals spent counts too
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(),
                    Map.of("certified.perturbation", String.valueOf(SIGMA), "certified.priorResidual", "2.28"), original, DATA,
                    UnlearningContext.of(3, CONFIG)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("retrain instead");
            assertThat(original.manager().getManagedArrays()).hasSize(arraysBefore);
        }
    }

    @Test
    void refusesAModelTrainedWithoutL2() {
        try (ModelHandle original = logreg()) {
            TrainConfig noDecay = new TrainConfig(300, 4096, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 42);
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA, UnlearningContext.of(3, noDecay)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("certified: needs a logreg model trained with L2 regularisation (weight decay λ > 0);"
                            + " the original was trained with weight decay 0.0");
        }
    }
}
