package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Digits;
import dev.lethe.torch.method.certified.CertifiedRemoval;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@link MethodBase}'s template: a run of any registered method that fails half-way — cancelled, or
 * its loss turning NaN — closes the model it started from, so the process holds exactly the arrays it
 * held before the run. Counted over DJL's system manager, which every model's manager hangs off, so a
 * copy left open anywhere shows up.
 */
class MethodBaseTest {

    private static final RecordSet TRAIN = Digits.split().train();
    /** Small on purpose: every method reaches its first step at once. */
    private static final UnlearningData DATA = new UnlearningData(TRAIN.filter("forget", i -> i < 40),
            TRAIN.filter("retain", i -> i >= 40 && i < 400), null);
    /** Weight decay for {@code certified}, which needs an L2-regularised logreg; the MLP methods ignore it. */
    private static final TrainConfig CONFIG = new TrainConfig(2, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0.1f, 42);
    /**
     * A learning rate that sends the weights past float's range within a step or two: the loss turns
     * NaN part-way through the first training phase, after the copy has been changed.
     */
    private static final String HUGE_LEARNING_RATE = "1e38";

    /** Methods with no loss to turn NaN, and why. */
    private static final Map<String, String> NO_LOSS = Map.of(
            SelectiveSynapticDampening.NAME, "ssd trains nothing: it dampens weights by their Fisher importance",
            CertifiedRemoval.NAME, "certified trains nothing: it takes one Newton step (its failures: CertifiedRemovalTest)");

    /** Every method that unlearns a classifier (this fixture); idk, for language models only, is LanguageModelMethodsTest's. */
    static Stream<Arguments> methods() {
        return UnlearningMethods.all().stream().filter(m -> m.tasks().contains(ClassificationTask.INSTANCE))
                .map(m -> Arguments.of(Named.of(m.name(), m)));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("methods")
    void aCancelledRunClosesTheModelItStartedFrom(UnlearningMethod<?> method) {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();
        UnlearningContext context = new UnlearningContext(7, CONFIG, TrainListener.NONE, cancelled);
        try (ModelHandle original = original(method)) {
            int before = openArrays(original);
            assertThatThrownBy(() -> UnlearningRun.run(method, Map.of(), original, DATA, context))
                    .isInstanceOf(CancellationException.class);
            assertThat(openArrays(original)).as("[%s] arrays open after a cancelled run", method.name()).isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("methods")
    void aRunWhoseLossTurnsNanClosesTheModelItStartedFrom(UnlearningMethod<?> method) {
        assumeFalse(NO_LOSS.containsKey(method.name()), () -> NO_LOSS.get(method.name()));
        // retrain trains with the original's configuration; every other method has its own learning rate
        UnlearningContext context = UnlearningContext.of(7, CONFIG.withLearningRate(Float.parseFloat(HUGE_LEARNING_RATE)));
        Map<String, String> overrides = Arrays.stream(method.optionsType().getRecordComponents())
                .anyMatch(c -> c.getName().equals("learningRate"))
                ? Map.of(method.name() + ".learningRate", HUGE_LEARNING_RATE) : Map.of();
        try (ModelHandle original = original(method)) {
            int before = openArrays(original);
            assertThatThrownBy(() -> UnlearningRun.run(method, overrides, original, DATA, context))
                    .isInstanceOf(ArithmeticException.class).hasMessageContaining("the loss became");
            assertThat(openArrays(original)).as("[%s] arrays open after a run whose loss turned NaN", method.name()).isEqualTo(before);
        }
    }

    /** An untrained model of an architecture the method applies to. */
    private static ModelHandle original(UnlearningMethod<?> method) {
        String architecture = method.name().equals(CertifiedRemoval.NAME) ? "logreg" : "mlp";
        return ModelHandle.create(ModelSpec.parse(architecture, new int[]{64}, 10), 5);
    }

    /** Every array the process holds on the original's device. */
    private static int openArrays(ModelHandle original) {
        return original.manager().getParentManager().getManagedArrays().size();
    }
}
