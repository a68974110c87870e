package dev.lethe.torch.method;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Spread;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The before/after table of docs/BENCHMARKS.md ("Method strength from the data"): class 2 forgotten from an MLP on
 * digits, Location and MNIST (300 per class), by every method with a {@link Strength}, once with the strength fixed at
 * the old default and once calibrated ({@link StrengthCalibration}); test accuracy on the class and on the others, and
 * the run's time. Figures, not assertions (StrengthCalibrationTest asserts): {@code ./mvnw -pl lethe-torch test
 * -Dtest=StrengthCalibrationBench -Dlethe.calibration.bench=true} with LETHE_DATASETS set; {@code -Dlethe.test.methods=a,b}
 * keeps only those methods.
 */
@EnabledIfSystemProperty(named = "lethe.calibration.bench", matches = "true")
class StrengthCalibrationBench {

    /** The fixed defaults the methods had before calibration (an update scale: the whole update). */
    private static final Map<String, String> OLD_DEFAULTS = Map.of("ssd.alpha", "40", "rmu.steeringScale", "50", "npo.updateScale", "1",
            "simnpo.updateScale", "1", "grad-diff.updateScale", "1", "undial.updateScale", "1");

    @Test
    void printTheTable() {
        System.out.println("| data | method | original: class / others | fixed default: class / others | calibrated: class / others (value) | calibrated run (s) |");
        System.out.println("|---|---|---|---|---|---|");
        TrainConfig config = new TrainConfig(20, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42);
        for (String dataSet : List.of("digits", "location", "mnist")) {
            DatasetRef.Loaded data = StrengthCalibrationTest.load(dataSet);
            RecordSet train = data.train();
            // the test set's halves: one is the run's validation set (the calibration's keep check), the other is measured
            RecordSet[] halves = StrengthCalibrationTest.halves(data.test());
            RecordSet test = halves[1];
            UnlearningData split = new UnlearningData(train.filter("forget", i -> train.label(i) == 2),
                    train.filter("retain", i -> train.label(i) != 2), halves[0]);
            for (UnlearningMethod<?> method : UnlearningMethods.all().stream()
                    .filter(m -> m.strength().isPresent()).filter(m -> Spread.selected(m.name())).toList()) {
                String option = method.strength().orElseThrow().option();
                try (ModelHandle original = StrengthCalibrationTest.original(dataSet, train, config)) {
                    double[] before = StrengthCalibrationTest.accuracies(original, test, 2);
                    double[] fixed;
                    try (UnlearningRun run = UnlearningRun.run(method, Map.of(option, OLD_DEFAULTS.get(option)), original, split,
                            UnlearningContext.of(1, config))) {
                        fixed = StrengthCalibrationTest.accuracies(run.model(), test, 2);
                    }
                    try (UnlearningRun run = UnlearningRun.run(method, Map.of(), original, split, UnlearningContext.of(1, config))) {
                        double[] after = StrengthCalibrationTest.accuracies(run.model(), test, 2);
                        Map<?, ?> calibration = (Map<?, ?>) run.report().get(method.name() + ".calibration");
                        System.out.printf(Locale.ROOT, "| %s | %s | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f (%s = %s%s) | %.1f |%n", dataSet,
                                method.name(), before[0], before[1], fixed[0], fixed[1], after[0], after[1], option, calibration.get("value"),
                                Boolean.TRUE.equals(calibration.get("met")) ? "" : ", bounds not met", run.seconds());
                    }
                }
            }
        }
    }
}
