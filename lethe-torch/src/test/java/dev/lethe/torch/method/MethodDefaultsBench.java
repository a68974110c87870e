package dev.lethe.torch.method;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Spread;
import dev.lethe.torch.method.certified.CertifiedRemoval;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The defaults table of docs/BENCHMARKS.md ("Method strength from the data"): class 2 forgotten from an MLP on digits,
 * Location and MNIST (300 per class) — the fixtures of {@link StrengthCalibrationTest} — by every registered method that
 * unlearns classification with no option set; accuracy on the forget set and on the retain set (training records), test
 * accuracy on the class and on the others, the run's time, and whether
 * the row keeps the bounds (class ≤ 0.05, others at most 3 points below the original). A method with a
 * {@link Strength} gets a second row with that strength pinned at its declared default (what a run did before the
 * strength was calibrated). {@code retrain} is the reference row; {@code certified} is left out (it refuses an MLP: it
 * needs an L2-regularised logreg). Figures, not assertions: {@code ./mvnw -pl lethe-torch test -Dtest=MethodDefaultsBench
 * -Dlethe.calibration.bench=true} with LETHE_DATASETS set; {@code -Dlethe.test.seed=N} shifts the model's and the run's
 * seeds ({@link Spread}), {@code -Dlethe.test.methods=a,b} keeps only those methods, {@code -Dlethe.bench.data=a,b} only
 * those data sets, {@code -Dlethe.bench.options=k=v,...} sets those options on the methods they are addressed to.
 */
@EnabledIfSystemProperty(named = "lethe.calibration.bench", matches = "true")
class MethodDefaultsBench {

    private static final double CLASS_MAX = 0.05;
    private static final double OTHERS_DROP_MAX = 0.03;
    /** Options set on the methods they are addressed to ({@code -Dlethe.bench.options=finetune.learningRate=1e-4,...}): none by default. */
    private static final Map<String, String> OPTIONS = MethodOptions.fromPairs(listProperty("lethe.bench.options"));

    @Test
    void printTheTable() {
        List<String> sets = listProperty("lethe.bench.data");
        System.out.println("| data | method | options | original: forget / retain / test class / test others"
                + " | after: forget / retain / test class / test others | bounds | run (s) |");
        System.out.println("|---|---|---|---|---|---|---|");
        TrainConfig config = new TrainConfig(20, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(42));
        for (String dataSet : sets.isEmpty() ? List.of("digits", "location", "mnist") : sets) {
            DatasetRef.Loaded data = StrengthCalibrationTest.load(dataSet);
            RecordSet train = data.train();
            // the test set's halves: one is the run's validation set (the calibration's keep check), the other is measured
            RecordSet[] halves = StrengthCalibrationTest.halves(data.test());
            RecordSet test = halves[1];
            UnlearningData split = new UnlearningData(train.filter("forget", i -> train.label(i) == 2),
                    train.filter("retain", i -> train.label(i) != 2), halves[0]);
            List<UnlearningMethod<?>> methods = UnlearningMethods.all().stream()
                    .filter(m -> m.tasks().stream().anyMatch(t -> t instanceof ClassificationTask))
                    .filter(m -> !m.name().equals(CertifiedRemoval.NAME))
                    .filter(m -> Spread.selected(m.name())).toList();
            for (UnlearningMethod<?> method : methods) {
                try (ModelHandle original = StrengthCalibrationTest.original(dataSet, train, config)) {
                    double[] before = accuracies(original, split, test);
                    if (method.strength().isPresent()) {
                        String option = method.strength().get().option();
                        String pinned = MethodOptions.toProperties(method, method.defaults()).get(option);
                        row(dataSet, method, Map.of(option, pinned), option + " = " + pinned + " (pinned)", original, split, test, before, config);
                    }
                    Map<String, String> set = MethodOptions.addressedTo(method, OPTIONS);
                    row(dataSet, method, set, set.isEmpty() ? "none" : set.toString(), original, split, test, before, config);
                }
            }
        }
    }

    private static void row(String dataSet, UnlearningMethod<?> method, Map<String, String> options, String label, ModelHandle original,
                            UnlearningData split, RecordSet test, double[] before, TrainConfig config) {
        try (UnlearningRun run = UnlearningRun.run(method, options, original, split, UnlearningContext.of(Spread.seed(1), config))) {
            double[] after = accuracies(run.model(), split, test);
            String shown = label;
            if (run.report().get(method.name() + ".calibration") instanceof Map<?, ?> calibration) {
                shown = "calibrated: " + calibration.get("option") + " = " + calibration.get("value")
                        + (Boolean.TRUE.equals(calibration.get("met")) ? "" : ", not met");
            }
            boolean meets = after[2] <= CLASS_MAX && before[3] - after[3] <= OTHERS_DROP_MAX;
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.3f / %.3f / %.3f / %.3f | %.3f / %.3f / %.3f / %.3f | %s | %.1f |%n",
                    dataSet, method.name(), shown, before[0], before[1], before[2], before[3], after[0], after[1], after[2], after[3],
                    meets ? "met" : "**missed**", run.seconds());
            if (run.report().get(method.name() + ".calibration") instanceof Map<?, ?> calibration) {
                System.out.println("    trials (value, forget, held-out retain; original retain " + calibration.get("originalRetainAccuracy") + "): "
                        + calibration.get("trials"));
            }
            System.out.flush();
        }
    }

    /** Accuracy on the forget set, on the retain set, and on the test half's forgotten class and other classes. */
    private static double[] accuracies(ModelHandle model, UnlearningData split, RecordSet test) {
        double[] onTest = StrengthCalibrationTest.accuracies(model, test, 2);
        return new double[]{StrengthCalibration.accuracy(model, split.forget()), StrengthCalibration.accuracy(model, split.retain()),
                onTest[0], onTest[1]};
    }

    private static List<String> listProperty(String name) {
        return List.of(System.getProperty(name, "").split(",")).stream().filter(n -> !n.isBlank()).toList();
    }
}
