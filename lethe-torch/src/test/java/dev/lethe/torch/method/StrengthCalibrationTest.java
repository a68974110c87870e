package dev.lethe.torch.method;

import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Spread;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Class forgetting with every method that declares a {@link Strength}, on three data sets of different kinds that no
 * default was tuned on together — the embedded digits, the Location check-ins (tabular, 446 binary features, 30 classes)
 * and MNIST images (300 per class) — with no option set. When the calibration finds a value that meets its bounds on
 * the held-out records, the run must bring the forgotten class to at most 0.05 test accuracy and keep the other classes
 * within 3 points of the original (the bounds). When it finds none (some originals have no such value: rmu on
 * Location at seed shifts 0 and 1, rmu on digits at shift 2), the receipt says so, and if any candidate kept the
 * validation records the run must not cost more than those 3 points. With 175 kept-class records per half on digits
 * the check and the measure differ by sampling: at shift 1 rmu on digits met its bounds on the validation half and lost
 * 3.6 points on the other, and this test fails there (docs/BENCHMARKS.md). The two larger sets come from
 * LETHE_DATASETS; without it those cases skip. The model's and the run's seeds move with {@code -Dlethe.test.seed} ({@link Spread});
 * {@code -Dlethe.test.methods=a,b} keeps only those methods (to try a new strength), and {@code -Dlethe.test.measurements}
 * records each case's forgotten-class accuracy, drop of the others, {@code met} and the value chosen.
 */
class StrengthCalibrationTest {

    /** Every method with a strength on each data set; only those named in {@code -Dlethe.test.methods=a,b} when it is set. */
    static Stream<Arguments> cases() {
        return Stream.of("digits", "location", "mnist").flatMap(data -> UnlearningMethods.all().stream()
                .filter(m -> m.strength().isPresent())
                .filter(m -> Spread.selected(m.name()))
                .map(m -> Arguments.of(Named.of(data, data), Named.of(m.name(), m))));
    }

    @ParameterizedTest(name = "[{0} {1}]")
    @MethodSource("cases")
    void defaultsSetFromTheDataForgetTheClassAndKeepTheRest(String dataSet, UnlearningMethod<?> method) {
        DatasetRef.Loaded data = load(dataSet);
        int forgotten = 2;
        RecordSet train = data.train();
        RecordSet[] halves = halves(data.test());
        RecordSet validation = halves[0];
        RecordSet test = halves[1];
        UnlearningData split = new UnlearningData(train.filter("forget", i -> train.label(i) == forgotten),
                train.filter("retain", i -> train.label(i) != forgotten), validation);
        TrainConfig config = new TrainConfig(20, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(42));
        try (ModelHandle original = original(dataSet, train, config)) {
            double[] before = accuracies(original, test, forgotten);
            try (UnlearningRun run = UnlearningRun.run(method, Map.of(), original, split, UnlearningContext.of(Spread.seed(1), config))) {
                double[] after = accuracies(run.model(), test, forgotten);
                Map<?, ?> calibration = (Map<?, ?>) run.report().get(method.name() + ".calibration");
                assertThat(calibration).as("the run's strength was set from the data").isNotNull();
                assertThat(calibration.get("keepCheck")).as("the keeping was judged on the validation half").isEqualTo("validation");
                List<?> trials = (List<?>) calibration.get("trials");
                String name = dataSet + " " + method.name();
                Spread.measure(name + " forget-acc", after[0]);
                double drop = Spread.measure(name + " others-drop", before[1] - after[1]);
                Spread.measure(name + " met", Boolean.TRUE.equals(calibration.get("met")) ? 1 : 0);
                Spread.measure(name + " value", Double.parseDouble(String.valueOf(calibration.get("value"))));
                if (Boolean.TRUE.equals(calibration.get("met"))) {
                    // a value met both bounds on the held-out records: the test side holds the bounds
                    assertThat(after[0]).as("[%s %s] forgotten class (was %.3f) %s", dataSet, method.name(), before[0], calibration)
                            .isLessThanOrEqualTo(0.05);
                    assertThat(drop).as("[%s %s] drop of the other classes (%.3f -> %.3f) %s", dataSet, method.name(), before[1], after[1],
                            calibration).isLessThanOrEqualTo(0.03);
                } else if (trials.stream().anyMatch(t -> keptRetain((StrengthCalibration.Trial) t, calibration))) {
                    // no value does both on this original (the receipt says so): the run keeps the model rather than damage it
                    assertThat(drop).as("[%s %s] not met, so the model is kept: drop of the other classes (%.3f -> %.3f) %s", dataSet,
                            method.name(), before[1], after[1], calibration).isLessThanOrEqualTo(0.03);
                }
            }
        }
    }

    /**
     * The test set split in two halves by a seeded draw: the first is the run's validation set (the calibration's keep
     * check), the second is where the bounds are measured — records neither the original nor the calibration saw.
     */
    static RecordSet[] halves(RecordSet test) {
        RecordSet shuffled = RecordSamples.shuffled(test, 0, Spread.seed(7));
        int half = shuffled.size() / 2;
        return new RecordSet[]{shuffled.filter("validation-half", i -> i < half), shuffled.filter("test-half", i -> i >= half)};
    }

    private static boolean keptRetain(StrengthCalibration.Trial trial, Map<?, ?> calibration) {
        return ((Number) calibration.get("originalRetainAccuracy")).doubleValue() - trial.retainAccuracy() <= StrengthCalibration.RETAIN_DROP;
    }

    private static final Map<String, byte[]> ORIGINALS = new java.util.HashMap<>();

    /** The MLP trained on all of {@code train}, once per data set (the methods share it). */
    static synchronized ModelHandle original(String dataSet, RecordSet train, TrainConfig config) {
        byte[] bytes = ORIGINALS.computeIfAbsent(dataSet, k -> {
            try (ModelHandle model = ModelHandle.create(ModelSpec.parse("mlp", train.featureShape(), train.numClasses()), Spread.seed(42));
                 TensorData all = TensorData.of(train, model.manager())) {
                new TrainLoop(config).run(model, all, Objectives.crossEntropy());
                return model.toBytes();
            }
        });
        try {
            return ModelHandle.read(new java.io.ByteArrayInputStream(bytes), dataSet, ai.djl.Device.cpu());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static DatasetRef.Loaded load(String name) {
        try {
            if (name.equals("digits")) {
                return DatasetRef.digits(42).load();
            }
            assumeTrue(DatasetCatalog.configuredDataDir().isPresent(), "skipped: set LETHE_DATASETS for " + name);
            int perClass = name.equals("mnist") ? 300 : 0;
            return new DatasetRef(name, null, null, null, null, null, 0, 0.2, 0, perClass, 42).load();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Test accuracy on the forgotten class and on the other classes. */
    static double[] accuracies(ModelHandle model, RecordSet test, int forgotten) {
        try (TensorData data = TensorData.of(test, model.manager())) {
            Evaluation e = new Evaluator().evaluate(model, data);
            long[][] c = e.confusion().counts();
            long right = 0;
            long total = 0;
            for (int t = 0; t < c.length; t++) {
                if (t != forgotten) {
                    right += c[t][t];
                    total += java.util.Arrays.stream(c[t]).sum();
                }
            }
            return new double[]{e.perClassAccuracy()[forgotten], (double) right / total};
        }
    }
}
