package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Digits;
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

/**
 * The shared scenario of the method tests: an MLP trained on all of digits' training side; forgetting
 * class 3. The original model is trained once per JVM and handed out as copies. Its seeds, and the
 * methods', move with {@code -Dlethe.test.seed} ({@link Spread}).
 */
final class ClassForgetting {

    static final int FORGOTTEN_CLASS = 3;
    static final TrainConfig ORIGINAL_CONFIG = new TrainConfig(30, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(42));
    static final RecordSet TRAIN = Digits.split().train();
    static final RecordSet TEST = Digits.split().test();
    static final UnlearningData DATA = new UnlearningData(
            TRAIN.filter("forget", i -> TRAIN.label(i) == FORGOTTEN_CLASS),
            TRAIN.filter("retain", i -> TRAIN.label(i) != FORGOTTEN_CLASS), null);

    private static byte[] original;

    private ClassForgetting() {
    }

    /** A fresh copy of the trained original model (the caller closes it). */
    static synchronized ModelHandle original() {
        if (original == null) {
            try (ModelHandle model = ModelHandle.create(ModelSpec.parse("mlp", new int[]{64}, 10), Spread.seed(42));
                 TensorData data = TensorData.of(TRAIN, model.manager())) {
                new TrainLoop(ORIGINAL_CONFIG).run(model, data, Objectives.crossEntropy());
                original = model.toBytes();
            }
        }
        try {
            return ModelHandle.read(new java.io.ByteArrayInputStream(original), "original", ai.djl.Device.cpu());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static UnlearningContext context(long seed) {
        return UnlearningContext.of(Spread.seed(seed), ORIGINAL_CONFIG);
    }

    /** The forgotten class's test accuracy after {@code method} with {@code options} ran on the original (run seed {@code seed}). */
    static double classAccuracyAfter(UnlearningMethod<?> method, java.util.Map<String, String> options, long seed) {
        try (ModelHandle original = original();
             UnlearningRun run = UnlearningRun.run(method, options, original, DATA, context(seed))) {
            return accuracies(run.model())[0];
        }
    }

    /** Test accuracy on the forgotten class and on the other classes. */
    static double[] accuracies(ModelHandle model) {
        try (TensorData test = TensorData.of(TEST, model.manager())) {
            Evaluation e = new Evaluator().evaluate(model, test);
            double[] perClass = e.perClassAccuracy();
            long correctRetain = 0;
            long totalRetain = 0;
            long[][] c = e.confusion().counts();
            for (int t = 0; t < c.length; t++) {
                if (t != FORGOTTEN_CLASS) {
                    correctRetain += c[t][t];
                    totalRetain += java.util.Arrays.stream(c[t]).sum();
                }
            }
            return new double[]{perClass[FORGOTTEN_CLASS], (double) correctRetain / totalRetain};
        }
    }
}
