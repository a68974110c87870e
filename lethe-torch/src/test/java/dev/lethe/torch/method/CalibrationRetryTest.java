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
 * When no value of a method's grid meets the bounds, {@link StrengthCalibration} searches the grid again with the method's
 * {@link Strength.Retry} option at each of its values in turn, stops at the first that meets them, and otherwise lets the
 * fallback choose among all the trials; it never overrules a retry option the user set. Found on the image-segmentation
 * data: kl's whole update at its default ascent weight kept the rest and left the class at 0.09–0.66, so no share of it
 * could forget (docs/BENCHMARKS.md, "Held-out data").
 */
class CalibrationRetryTest {

    /**
     * A controlled "method": lowers the forgotten class's output bias by {@code shift · force} logits (its grid, shift 1–4,
     * moves a confident model's class by at most 0.4 logits at the default force 0.1: too weak everywhere), and from
     * {@code force > damageAbove} on also raises one kept class's bias by 20 logits, sending the others' records to it.
     */
    public static final class BiasPush extends MethodBase<BiasPush.Options> {
        public record Options(@JsonPropertyDescription("units of push") float shift,
                              @JsonPropertyDescription("logits per unit") float force,
                              @JsonPropertyDescription("force above which a kept class is damaged") float damageAbove) {
            public Options {
                MethodOptions.require(force >= 0, "bias-push.force", force, ">= 0");
            }
        }

        private final List<String> forces;

        BiasPush(List<String> forces) {
            super("bias-push", "test fixture", Guarantee.APPROXIMATE, new Options(1f, 0.1f, Float.MAX_VALUE), Options.class);
            this.forces = forces;
        }

        @Override
        protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context,
                                      Options options) {
            List<Pair<String, Parameter>> parameters = model.parameters();
            NDArray bias = parameters.get(parameters.size() - 1).getValue().getArray();
            int forgotten = ClassForgetting.FORGOTTEN_CLASS;
            bias.set(new NDIndex(forgotten), bias.getFloat(forgotten) - options.shift() * options.force());
            if (options.force() > options.damageAbove()) {
                int keptClass = forgotten == 0 ? 1 : 0;
                bias.set(new NDIndex(keptClass), bias.getFloat(keptClass) + 20f);
            }
        }

        @Override
        public Optional<Strength> strength() {
            return Optional.of(new Strength("bias-push.shift", List.of("1", "2", "4")).retriedWith("bias-push.force", forces));
        }
    }

    @Test
    void aGridThatCannotMeetTheBoundsIsSearchedAgainWithTheRetryOption() {
        BiasPush method = new BiasPush(List.of("1000"));
        try (ModelHandle original = ClassForgetting.original()) {
            StrengthCalibration.Choice choice = StrengthCalibration.choose(method, Map.of(), original, ClassForgetting.DATA,
                    ClassForgetting.context(1)).orElseThrow();
            List<StrengthCalibration.Trial> own = choice.trials().stream().filter(t -> t.retry() == null).toList();
            // the whole grid at the method's own force: every value kept the rest and left the class recognised
            assertThat(own).extracting(StrengthCalibration.Trial::value).containsExactly("1", "2", "4");
            assertThat(own).allSatisfy(t -> {
                assertThat(t.forgetAccuracy()).isGreaterThan(0.5);
                assertThat(choice.originalRetainAccuracy() - t.retainAccuracy()).isLessThanOrEqualTo(StrengthCalibration.RETAIN_DROP);
            });
            assertThat(choice.met()).isTrue();
            assertThat(choice.settings()).containsEntry("bias-push.force", "1000").containsKey("bias-push.shift");
            assertThat(choice.toReport()).containsEntry("retryOption", "bias-push.force").containsEntry("retryValue", "1000");
            assertThat(choice.trials()).filteredOn(t -> "1000".equals(t.retry())).isNotEmpty()
                    .allSatisfy(t -> assertThat(t.forgetAccuracy()).isZero());
        }
        // the run takes both settings from the calibration
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun run = UnlearningRun.run(method, Map.of(), original, ClassForgetting.DATA, ClassForgetting.context(1))) {
            assertThat(((Number) run.options().get("force")).floatValue()).isEqualTo(1000f);
            assertThat(ClassForgetting.accuracies(run.model())[0]).isZero();
        }
    }

    @Test
    void retriesThatCostTheKeptRecordsLeaveTheChoiceToTheFallbackOverAllTrials() {
        // forces 200 and 1000 forget but damage a kept class: both are tried, neither is used
        BiasPush method = new BiasPush(List.of("200", "1000"));
        Map<String, String> damaging = Map.of("bias-push.damageAbove", "100");
        try (ModelHandle original = ClassForgetting.original()) {
            StrengthCalibration.Choice choice = StrengthCalibration.choose(method, damaging, original, ClassForgetting.DATA,
                    ClassForgetting.context(1)).orElseThrow();
            assertThat(choice.trials()).extracting(StrengthCalibration.Trial::retry).contains("200", "1000");
            assertThat(choice.met()).isFalse();
            // what kept the rest was the method's own force: the run keeps the model rather than damage it
            assertThat(choice.fallback()).isEqualTo(StrengthCalibration.FALLBACK_KEEPS);
            assertThat(choice.retryOption()).isNull();
            assertThat(choice.settings()).containsOnlyKeys("bias-push.shift");
        }
    }

    @Test
    void aRetryValueTheMethodsOptionsRefuseIsSkipped() {
        // scrub's two rounds of max-steps are out of range for a user who set one round; here a force below 0
        BiasPush method = new BiasPush(List.of("-1", "1000"));
        try (ModelHandle original = ClassForgetting.original()) {
            StrengthCalibration.Choice choice = StrengthCalibration.choose(method, Map.of(), original, ClassForgetting.DATA,
                    ClassForgetting.context(1)).orElseThrow();
            assertThat(choice.trials()).extracting(StrengthCalibration.Trial::retry).doesNotContain("-1").contains("1000");
            assertThat(choice.met()).isTrue();
            assertThat(choice.toReport()).containsEntry("retryValue", "1000");
        }
    }

    @Test
    void aRetryOptionTheUserSetIsNotOverruled() {
        BiasPush method = new BiasPush(List.of("1000"));
        try (ModelHandle original = ClassForgetting.original()) {
            StrengthCalibration.Choice choice = StrengthCalibration.choose(method, Map.of("bias-push.force", "0.1"), original,
                    ClassForgetting.DATA, ClassForgetting.context(1)).orElseThrow();
            assertThat(choice.trials()).allSatisfy(t -> assertThat(t.retry()).isNull());
            assertThat(choice.met()).isFalse();
            assertThat(choice.fallback()).isEqualTo(StrengthCalibration.FALLBACK_KEEPS);
        }
    }
}
