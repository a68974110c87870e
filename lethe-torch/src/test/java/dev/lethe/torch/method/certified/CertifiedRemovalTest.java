package dev.lethe.torch.method.certified;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Digits;
import dev.lethe.torch.method.Guarantee;
import dev.lethe.torch.method.Prepared;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code certified} on the model it applies to: a one-vs-rest logreg on digits trained full-batch with
 * weight decay λ = 0.1 and objective perturbation σ = 10, then polished by Newton steps to the exact
 * minimiser the theorem assumes. Three records are removed from a prepared model by the Newton step
 * with an (ε, δ) certificate; the bound is checked against the gradient measured over all of D' and the
 * result against the exact minimiser on D'. A removal beyond the budget is refused with the documented
 * message.
 */
class CertifiedRemovalTest {

    static final double SIGMA = 10.0;
    static final TrainConfig CONFIG = new TrainConfig(300, 4096, OptimizerKind.ADAM, 1e-2f, 0f, 0.1f, 42);
    static final RecordSet TRAIN = Digits.split().train();
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
    void removesAFewRecordsWithinTheBudgetAndLandsNextToTheExactMinimiser() {
        try (ModelHandle original = logreg();
             Prepared prepared = new CertifiedRemoval().prepare(original, TRAIN, UnlearningContext.of(3, CONFIG),
                     new CertifiedRemoval().defaults()).orElseThrow();
             ModelHandle exact = original.copy()) {
            String before = original.weightsDigest();
            int arraysBefore = original.manager().getManagedArrays().size();
            // the reference: the exact minimiser of L_b(·; D'), by Newton steps from θ on D' alone
            double exactResidual = CertifiedRemoval.polish(exact, DATA.retain(), CONFIG, SIGMA, 20, new Cancellation());
            assertThat(exactResidual).isLessThan(1e-3);
            String viaPrepared;
            try (UnlearningRun run = UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA,
                    UnlearningContext.of(3, CONFIG).withPrepared(prepared))) {
                Map<String, Object> r = run.report();
                double bound = (double) r.get("certified.residualBound");
                double budget = (double) r.get("certified.budget");
                double c = Math.sqrt(2 * Math.log(1.5 / 1e-4));
                assertThat(r.get("certified.removed")).isEqualTo(3);
                assertThat(r.get("certified.remaining")).isEqualTo(TRAIN.size() - 3);
                assertThat(budget).isCloseTo(SIGMA * 1.0 / c, Offset.offset(1e-12));
                assertThat(bound).isPositive().isLessThanOrEqualTo(budget);
                assertThat((double) r.get("certified.epsilonSpent")).isCloseTo(c * bound / SIGMA, Offset.offset(1e-12))
                        .isLessThanOrEqualTo(1.0);
                assertThat(r.get("certified.delta")).isEqualTo(1e-4);
                // the bound holds for the gradient measured over all of D' at the stored weights, and the step removed nearly all of it
                double measured = CertifiedRemoval.gradientNorm(run.model(), DATA.retain(), CONFIG, SIGMA);
                double residualBefore = (double) r.get("certified.residualBefore");
                assertThat(measured).isLessThanOrEqualTo(bound).isLessThan(residualBefore / 100);
                assertThat(residualBefore).isCloseTo(CertifiedRemoval.gradientNorm(original, DATA.retain(), CONFIG, SIGMA),
                        Offset.offset(1e-9 * residualBefore));
                // polishing made the original the minimiser of L_b(·; D): what the step corrects is the removal alone
                assertThat((double) r.get("certified.trainingResidual")).isCloseTo(trainingResidual, Offset.offset(1e-6))
                        .isLessThan(residualBefore / 10);
                double[] removed = weights(run.model());
                double[] target = weights(exact);
                double[] start = weights(original);
                assertThat(distance(removed, target)).isLessThan(1e-4 * norm(target)).isLessThan(distance(start, target) / 100);
                assertThat(run.model().manager().getManagedArrays()).hasSize(run.model().parameters().size());
                assertThat(run.guarantee()).isEqualTo(Guarantee.CERTIFIED);
                viaPrepared = run.model().weightsDigest();
                assertThat(viaPrepared).isNotEqualTo(before);
            }
            // without a prepared state the removal prepares on retain ∪ forget itself: the same weights
            try (UnlearningRun inline = UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA, UnlearningContext.of(3, CONFIG))) {
                assertThat(inline.model().weightsDigest()).isEqualTo(viaPrepared);
            }
            assertThat(original.weightsDigest()).isEqualTo(before);
            assertThat(original.manager().getManagedArrays()).hasSize(arraysBefore);
        }
    }

    @Test
    void refusesAStatePreparedForAnotherModelOrAnotherSigma() {
        try (ModelHandle original = logreg(); ModelHandle other = logreg();
             Prepared forOther = new CertifiedRemoval().prepare(other, TRAIN, UnlearningContext.of(3, CONFIG),
                     new CertifiedRemoval().defaults()).orElseThrow()) {
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA,
                    UnlearningContext.of(3, CONFIG).withPrepared(forOther)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("computed for another model");
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(), Map.of("certified.perturbation", "20"), other, DATA,
                    UnlearningContext.of(3, CONFIG).withPrepared(forOther)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prepared with σ=10.0");
        }
    }

    @Test
    void aWrittenStateReadsBackForTheSameModelFileOnly() throws java.io.IOException {
        try (ModelHandle original = logreg();
             Prepared prepared = new CertifiedRemoval().prepare(original, TRAIN, UnlearningContext.of(3, CONFIG),
                     new CertifiedRemoval().defaults()).orElseThrow()) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            CertifiedRemoval.writePrepared(prepared, bytes, "digest-a");
            assertThat(CertifiedRemoval.readPrepared(original, new java.io.ByteArrayInputStream(bytes.toByteArray()), "digest-b")).isEmpty();
            try (Prepared read = CertifiedRemoval.readPrepared(original, new java.io.ByteArrayInputStream(bytes.toByteArray()), "digest-a")
                    .orElseThrow();
                 UnlearningRun fromRead = UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA,
                         UnlearningContext.of(3, CONFIG).withPrepared(read));
                 UnlearningRun fromPrepared = UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA,
                         UnlearningContext.of(3, CONFIG).withPrepared(prepared))) {
                assertThat(fromRead.model().weightsDigest()).isEqualTo(fromPrepared.model().weightsDigest());
                assertThat(fromRead.report()).isEqualTo(fromPrepared.report());
            }
        }
    }

    @Test
    void refusesARemovalBeyondItsBudget() {
        try (ModelHandle original = logreg()) {
            int arraysBefore = original.manager().getManagedArrays().size();
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(),
                    Map.of("certified.perturbation", String.valueOf(SIGMA), "certified.epsilon", "0.001"), original, DATA,
                    UnlearningContext.of(3, CONFIG)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching("certified: removing these \\d+ records needs a residual bound of \\S+, and \\S+ of the budget \\S+"
                            + " for ε=0\\.001, δ=1\\.0E-4 \\(σ=10\\.0\\) is left \\(earlier removals spent 0\\.000\\); remove fewer records,"
                            + " or retrain the store \\(lethe train --replace\\) to remove more");
            // what earlier removals spent counts too
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(),
                    Map.of("certified.perturbation", String.valueOf(SIGMA), "certified.priorResidual", "2.28"), original, DATA,
                    UnlearningContext.of(3, CONFIG)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("earlier removals spent 2.280");
            assertThat(original.manager().getManagedArrays()).hasSize(arraysBefore);
        }
    }

    @Test
    void refusesAModelOutsideItsGuarantee() {
        try (ModelHandle original = logreg(); ModelHandle mlp = ModelHandle.create(ModelSpec.parse("mlp:32", new int[]{64}, 10), 42)) {
            TrainConfig noDecay = new TrainConfig(300, 4096, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 42);
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(), OPTIONS, original, DATA, UnlearningContext.of(3, noDecay)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("certified: needs a logreg model trained with L2 regularisation (weight decay λ > 0);"
                            + " the original was trained with weight decay 0.0");
            assertThatThrownBy(() -> UnlearningRun.run(new CertifiedRemoval(), OPTIONS, mlp, DATA, UnlearningContext.of(3, CONFIG)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("certified: needs a logreg model trained with L2 regularisation");
        }
    }

    /** All weights of a model, in parameter order, as doubles. */
    private static double[] weights(ModelHandle model) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (Pair<String, Parameter> p : model.parameters()) {
            for (float v : p.getValue().getArray().toFloatArray()) {
                out.add((double) v);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    private static double norm(double[] a) {
        return distance(a, new double[a.length]);
    }
}
