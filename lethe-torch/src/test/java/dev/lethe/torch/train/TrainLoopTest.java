package dev.lethe.torch.train;

import dev.lethe.torch.Spread;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.torch.Digits;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.Scalars;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainLoopTest {

    private static final DatasetRef.Loaded DATA = Digits.split();
    private static final ModelSpec MLP = ModelSpec.parse("mlp:64", new int[]{64}, 10);

    private static String train(ModelSpec spec, TrainConfig config) {
        try (ModelHandle model = ModelHandle.create(spec, config.seed()); TensorData data = TensorData.of(DATA.train(), model.manager())) {
            new TrainLoop(config).run(model, data, Objectives.crossEntropy());
            return model.weightsDigest();
        }
    }

    @Test
    void theMlpLearnsDigitsAboveNinetyFivePercent() {
        // Given the default MLP and 30 epochs of Adam on the 80 % side of digits
        try (ModelHandle model = ModelHandle.create(ModelSpec.parse("mlp", new int[]{64}, 10), Spread.seed(42));
             TensorData train = TensorData.of(DATA.train(), model.manager());
             TensorData test = TensorData.of(DATA.test(), model.manager())) {
            TrainResult result = new TrainLoop(new TrainConfig(30, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(42)))
                    .run(model, train, Objectives.crossEntropy());
            // When it is evaluated on the held-out 20 %
            Evaluation eval = new Evaluator().evaluate(model, test);
            // Then the loss fell and the test accuracy reaches the demo's figure
            assertThat(Spread.measure("mlp last / first epoch loss", result.epochLosses().get(29) / result.epochLosses().get(0))).isLessThan(0.1);
            assertThat(Spread.measure("mlp test-acc", eval.accuracy())).isGreaterThanOrEqualTo(0.95);
            assertThat(eval.records()).isEqualTo(DATA.test().size());
            assertThat(eval.confusion().total()).isEqualTo(DATA.test().size());
        }
    }

    @Test
    void theSameSeedGivesBitIdenticalWeightsAndAnotherSeedDoesNot() {
        TrainConfig config = new TrainConfig(3, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 7);
        // When the same training runs twice, and once more with another seed
        String first = train(MLP, config);
        String second = train(MLP, config);
        String otherSeed = train(MLP, config.withSeed(8));
        // Then the first two agree bit for bit and the third differs
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void everyArchitectureTrainsDeterministically() {
        TrainConfig config = new TrainConfig(1, 64, OptimizerKind.SGD, 0.05f, 0.9f, 1e-4f, 3);
        ModelSpec logreg = ModelSpec.parse("logreg", new int[]{64}, 10);
        assertThat(train(logreg, config)).isEqualTo(train(logreg, config));
    }

    @Test
    void continuingFromSavedStateEqualsOneUninterruptedRun() throws Exception {
        // Given one run of 3 epochs
        TrainConfig config = new TrainConfig(3, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 11);
        String uninterrupted = train(MLP, config);
        // When another run stops after 1 epoch, saves model and optimizer state, and a fresh model
        // continues from the saved bytes for epochs 1..2
        byte[] checkpoint;
        try (ModelHandle model = ModelHandle.create(MLP, 11); TensorData data = TensorData.of(DATA.train(), model.manager());
             OptimizerState state = OptimizerState.create(config, model)) {
            new TrainLoop(config.withEpochs(1)).run(model, state, data, Objectives.crossEntropy(), 0);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            model.write(out);
            state.write(out);
            checkpoint = bytes.toByteArray();
        }
        String resumed;
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint));
        try (ModelHandle model = ModelHandle.read(in, "checkpoint", ai.djl.Device.cpu());
             OptimizerState state = OptimizerState.read(in, model);
             TensorData data = TensorData.of(DATA.train(), model.manager())) {
            new TrainLoop(config.withEpochs(2)).run(model, state, data, Objectives.crossEntropy(), 1);
            resumed = model.weightsDigest();
        }
        // Then the weights are bit-identical
        assertThat(resumed).isEqualTo(uninterrupted);
    }

    @Test
    void noArrayOutlivesTheSteps() {
        try (ModelHandle model = ModelHandle.create(MLP, 1); TensorData data = TensorData.of(DATA.train(), model.manager())) {
            int modelArrays = model.manager().getManagedArrays().size();
            int dataArrays = data.manager().getManagedArrays().size();
            // When two epochs run and the model is evaluated
            new TrainLoop(new TrainConfig(2, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 1)).run(model, data, Objectives.crossEntropy());
            new Evaluator().evaluate(model, data);
            // Then the managers hold exactly what they held before (the optimizer state was closed too)
            assertThat(model.manager().getManagedArrays()).hasSize(modelArrays);
            assertThat(data.manager().getManagedArrays()).hasSize(dataArrays);
        }
    }

    @Test
    void gradientAscentThroughTheSameLoopRaisesTheLoss() {
        try (ModelHandle model = ModelHandle.create(MLP, Spread.seed(2)); TensorData data = TensorData.of(DATA.train(), model.manager())) {
            new TrainLoop(new TrainConfig(5, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(2))).run(model, data, Objectives.crossEntropy());
            double trained = new Evaluator().evaluate(model, data).meanLoss();
            // When the loop minimises the negated loss
            new TrainLoop(new TrainConfig(2, 64, OptimizerKind.SGD, 0.05f, 0f, 0f, 2)).run(model, data, Objectives.negate(Objectives.crossEntropy()));
            // Then the original loss went up
            assertThat(Spread.measure("ascent loss after / before", new Evaluator().evaluate(model, data).meanLoss() / trained)).isGreaterThan(2);
        }
    }

    @Test
    void cancellationStopsAtTheNextStepAndKeepsCompletedUpdates() {
        Cancellation cancellation = new Cancellation();
        AtomicLong stepsSeen = new AtomicLong();
        try (ModelHandle model = ModelHandle.create(MLP, 4); TensorData data = TensorData.of(DATA.train(), model.manager())) {
            String initial = model.weightsDigest();
            TrainLoop loop = new TrainLoop(new TrainConfig(50, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 4))
                    .cancellation(cancellation)
                    .listener(new TrainListener() {
                        @Override
                        public void onStep(long step, float loss) {
                            stepsSeen.set(step + 1);
                            if (step == 4) {
                                cancellation.cancel();
                            }
                        }
                    });
            // When cancellation is asked for during step 5
            assertThatThrownBy(() -> loop.run(model, data, Objectives.crossEntropy())).isInstanceOf(CancellationException.class);
            // Then exactly five updates happened and the model kept them
            assertThat(stepsSeen.get()).isEqualTo(5);
            assertThat(model.weightsDigest()).isNotEqualTo(initial);
        }
    }

    /** Cross-entropy, but NaN (loss and gradients) at update {@code badStep}. */
    private static Objective nanAt(long badStep) {
        Objective real = Objectives.crossEntropy();
        return (m, batch) -> {
            NDArray loss = real.loss(m, batch);
            return batch.step() == badStep ? Scalars.mul(loss, Float.NaN) : loss;
        };
    }

    @Test
    void aNanLossStopsTheRunAndLeavesTheWeightsOfTheLastGoodUpdate() {
        try (ModelHandle model = ModelHandle.create(MLP, 6); TensorData data = TensorData.of(DATA.train(), model.manager())) {
            List<String> digests = new ArrayList<>();
            TrainLoop loop = new TrainLoop(new TrainConfig(2, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 6)).listener(new TrainListener() {
                @Override
                public void onStep(long step, float loss) {
                    digests.add(model.weightsDigest());
                }
            });
            // When update 3 is NaN (a divergence)
            assertThatThrownBy(() -> loop.run(model, data, nanAt(3)))
                    .isInstanceOf(ArithmeticException.class).hasMessageContaining("the loss became NaN at step 3");
            // Then the NaN never reached the weights: they are those of update 2, and finite
            assertThat(digests).hasSize(3);
            assertThat(model.weightsDigest()).isEqualTo(digests.get(2));
            for (var p : model.parameters()) {
                assertThat(p.getValue().getArray().isNaN().any().getBoolean()).as(p.getKey()).isFalse();
            }
        }
    }

    @Test
    void theShufflePermutationIsAPureFunctionOfItsSeed() {
        int[] a = TrainLoop.permutation(100, 5);
        assertThat(TrainLoop.permutation(100, 5)).isEqualTo(a);
        assertThat(TrainLoop.permutation(100, 6)).isNotEqualTo(a);
        assertThat(java.util.Arrays.stream(a).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, 100).toArray());
    }
}
