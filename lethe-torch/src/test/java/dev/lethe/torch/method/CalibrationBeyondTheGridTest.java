package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When even the weakest value of a method's grid breaks the keeping bound, {@link StrengthCalibration} tries weaker values
 * beyond it (the grid's own ratio continued) and keeps the model with the first that keeps the kept records, instead of
 * taking the value "closest to both bounds", a damaging one. Found on all of MNIST: a tenth of scrub's update cost the
 * kept classes 16 points, and that tenth was the run's value.
 */
class CalibrationBeyondTheGridTest {

    /**
     * A controlled "method": forgets the class exactly (its output bias far down) and damages the kept classes in
     * proportion to its knob (one kept class's output bias raised by {@code 20 · damage} logits, so records of the
     * others go to it). Its grid, 1 then 4, starts where the damage is already fatal.
     */
    public static final class BiasShift extends MethodBase<BiasShift.Options> {
        public record Options(@JsonPropertyDescription("logits added to one kept class, in units of 20") float damage) {
        }

        public BiasShift() {
            super("bias-shift", "test fixture", Guarantee.APPROXIMATE, new Options(1f), Options.class);
        }

        @Override
        protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context,
                                      Options options) {
            List<Pair<String, Parameter>> parameters = model.parameters();
            NDArray bias = parameters.get(parameters.size() - 1).getValue().getArray();
            int keptClass = ClassForgetting.FORGOTTEN_CLASS == 0 ? 1 : 0;
            bias.set(new NDIndex(ClassForgetting.FORGOTTEN_CLASS), bias.getFloat(ClassForgetting.FORGOTTEN_CLASS) - 1000f);
            bias.set(new NDIndex(keptClass), bias.getFloat(keptClass) + 20f * options.damage());
        }

        @Override
        public Optional<Strength> strength() {
            return Optional.of(new Strength("bias-shift.damage", List.of("1", "4")));
        }
    }

    @Test
    void whenTheWeakestValueDamagesTheModelWeakerOnesAreTriedAndTheModelIsKept() {
        try (ModelHandle original = ClassForgetting.original()) {
            StrengthCalibration.Choice choice = StrengthCalibration.choose(new BiasShift(), Map.of(), original, ClassForgetting.DATA,
                    ClassForgetting.context(1)).orElseThrow();
            List<StrengthCalibration.Trial> trials = choice.trials();
            // the grid's weakest value broke the keeping bound, so the search stopped there and went beyond it: 1/4, 1/16, ...
            assertThat(trials.get(0).value()).isEqualTo("1");
            assertThat(choice.originalRetainAccuracy() - trials.get(0).retainAccuracy()).isGreaterThan(StrengthCalibration.RETAIN_DROP);
            assertThat(trials.size()).isBetween(2, 4);
            for (int i = 1; i < trials.size(); i++) {
                assertThat(Double.parseDouble(trials.get(i).value())).isCloseTo(Math.pow(0.25, i), org.assertj.core.api.Assertions.within(1e-3));
            }
            // the first weaker value that keeps the kept records is chosen; its forgetting is the bias's, whole, so it meets both
            assertThat(choice.met()).isTrue();
            assertThat(Double.parseDouble(choice.value())).isLessThan(1);
            StrengthCalibration.Trial chosen = trials.get(trials.size() - 1);
            assertThat(chosen.value()).isEqualTo(choice.value());
            assertThat(choice.originalRetainAccuracy() - chosen.retainAccuracy()).isLessThanOrEqualTo(StrengthCalibration.RETAIN_DROP);
            assertThat(chosen.forgetAccuracy()).isZero();
        }
    }
}
