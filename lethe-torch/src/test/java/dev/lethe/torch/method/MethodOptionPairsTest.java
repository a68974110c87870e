package dev.lethe.torch.method;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one reading of {@code --opt KEY=VALUE} ({@link MethodOptions#fromPairs}, {@link MethodOptions#requireAddressed}). */
class MethodOptionPairsTest {

    @Test
    void pairsKeepTheirOrderTheLastValueOfARepeatedKeyAndEverythingAfterTheFirstEquals() {
        Map<String, String> m = MethodOptions.fromPairs(List.of("ssd.alpha=20", "grad-ascent.epochs=2", "ssd.alpha=10", "x.filter=a=b", "y.empty="));
        assertThat(m).containsExactly(Map.entry("ssd.alpha", "10"), Map.entry("grad-ascent.epochs", "2"), Map.entry("x.filter", "a=b"),
                Map.entry("y.empty", ""));
    }

    @Test
    void aMalformedPairSaysWhatToWrite() {
        assertThatThrownBy(() -> MethodOptions.fromPairs(List.of("grad-ascent.epochs")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--opt 'grad-ascent.epochs' is not KEY=VALUE; write e.g. --opt grad-ascent.epochs=3 (a method's options: 'lethe methods')");
        assertThatThrownBy(() -> MethodOptions.fromPairs(List.of("=3"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--opt '=3' is not KEY=VALUE");
    }

    @Test
    void optionsForSeveralMethodsAreValidatedPerMethodAndAKeyForNoChosenMethodIsRefused() {
        List<UnlearningMethod<?>> chosen = List.of(new GradientAscent(), new Finetune());
        Map<String, String> ok = Map.of("grad-ascent.epochs", "2", "finetune.epochs", "3");
        MethodOptions.requireAddressed(chosen, ok);
        assertThat(MethodOptions.addressedTo(new Finetune(), ok)).containsExactly(Map.entry("finetune.epochs", "3"));

        assertThatThrownBy(() -> MethodOptions.requireAddressed(chosen, Map.of("ssd.alpha", "20")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--opt ssd.alpha: not an option of a chosen method");
        assertThatThrownBy(() -> MethodOptions.requireAddressed(chosen, Map.of("finetune.speed", "9")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no option 'finetune.speed'").hasMessageContaining("finetune.epochs");
        assertThatThrownBy(() -> MethodOptions.requireAddressed(chosen, Map.of("grad-ascent.epochs", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("grad-ascent.epochs must be a whole number, got 'many'");
    }

    @Test
    void keysMayBeKebabCaseAndAWrongValueIsRefusedInOurWordsNotJacksons() {
        GradientAscent.Options o = MethodOptions.parse(new GradientAscent(), Map.of("grad-ascent.learning-rate", "0.5", "loss-ceiling", " 7 "));
        assertThat(o.learningRate()).isEqualTo(0.5f);
        assertThat(o.lossCeiling()).isEqualTo(7f);
        assertThatThrownBy(() -> MethodOptions.parse(new GradientAscent(), Map.of("grad-ascent.learning-rate", "fast")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("grad-ascent.learningRate must be a number, got 'fast'");
        assertThatThrownBy(() -> MethodOptions.parse(new GradientAscent(), Map.of("grad-ascent.learning-speed", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no option 'grad-ascent.learning-speed'");
    }

    @Test
    void anOptionSetInAnySpellingCountsAsSetSoTheCalibrationLeavesItAlone() {
        // a calibration that missed "alpha" or "update-scale" would add its own "<method>.<field>" key beside the user's,
        // and which of the two a run used would depend on the map's order
        assertThat(MethodOptions.sets(new Npo(), Map.of("npo.updateScale", "0.5"), "npo.updateScale")).isTrue();
        assertThat(MethodOptions.sets(new Npo(), Map.of("update-scale", "0.5"), "npo.updateScale")).isTrue();
        assertThat(MethodOptions.sets(new Npo(), Map.of("npo.update-scale", "0.5"), "npo.updateScale")).isTrue();
        assertThat(MethodOptions.sets(new SelectiveSynapticDampening(), Map.of("alpha", "5"), "ssd.alpha")).isTrue();
        assertThat(MethodOptions.sets(new Npo(), Map.of("npo.learningRate", "0.5"), "npo.updateScale")).isFalse();
        assertThat(StrengthCalibration.applies(new SelectiveSynapticDampening(), Map.of("alpha", "5"), ClassForgetting.DATA)).isFalse();
        assertThat(StrengthCalibration.applies(new SelectiveSynapticDampening(), Map.of(), ClassForgetting.DATA)).isTrue();
    }
}
