package dev.lethe.torch.train;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Training figures on the larger data sets. They need the files: set LETHE_DATASETS (or
 * -Dlethe.datasets.dir) to a folder laid out like ../shared/datasets; without it these tests skip.
 */
class SharedDataTrainingTest {

    @BeforeAll
    static void needsTheDataFolder() {
        assumeTrue(DatasetCatalog.configuredDataDir().isPresent(),
                "skipped: set LETHE_DATASETS to a folder with mnist/ and cifar10/ (see README, Data)");
    }

    private static Evaluation trainAndTest(DatasetRef ref, String model, TrainConfig config) throws Exception {
        DatasetRef.Loaded data = ref.load();
        ModelSpec spec = ModelSpec.parse(model, data.train().featureShape(), data.train().numClasses());
        try (ModelHandle handle = ModelHandle.create(spec, config.seed());
             TensorData train = TensorData.of(data.train(), handle.manager());
             TensorData test = TensorData.of(data.test(), handle.manager())) {
            new TrainLoop(config).run(handle, train, Objectives.crossEntropy());
            return new Evaluator().evaluate(handle, test);
        }
    }

    @Test
    void theMlpReachesNinetySevenPercentOnMnistWithinThreeEpochs() throws Exception {
        DatasetRef mnist = new DatasetRef("mnist", null, null, null, null, null, 0, 0.2, 0, 0, 42);
        Evaluation test = trainAndTest(mnist, "mlp:256,128", new TrainConfig(3, 128, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42));
        assertThat(test.records()).isEqualTo(10_000);
        assertThat(test.accuracy()).isGreaterThanOrEqualTo(0.97);
    }

    @Test
    void theSmallCnnLearnsCifar10Images() throws Exception {
        // 200 images per class on each side keeps this under half a minute on 2 cores
        DatasetRef cifar = new DatasetRef("cifar10", null, null, null, null, null, 0, 0.2, 0, 200, 42);
        Evaluation test = trainAndTest(cifar, "cnn", new TrainConfig(8, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42));
        assertThat(test.records()).isEqualTo(2_000);
        assertThat(test.accuracy()).isGreaterThan(0.25); // chance is 0.10
    }
}
