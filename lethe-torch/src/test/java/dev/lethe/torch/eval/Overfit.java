package dev.lethe.torch.eval;

import dev.lethe.torch.Spread;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.eval.mia.ShadowModels;

/**
 * The shared scenario of the evidence tests: a small MLP overfit (many epochs, no regularisation) on
 * 150 digits; two disjoint held-out sets from the rest of the training side, and the test side. Its
 * seeds move with {@code -Dlethe.test.seed} ({@link Spread}).
 */
public final class Overfit {

    public static final ModelSpec SPEC = ModelSpec.parse("mlp:64", new int[]{64}, 10);
    public static final TrainConfig CONFIG = new TrainConfig(60, 50, OptimizerKind.ADAM, 5e-3f, 0f, 0f, Spread.seed(11));
    public static final RecordSet ALL = Digits.split().train();
    public static final RecordSet MEMBERS = ALL.filter("members", i -> i % 8 == 0 && i < 1200);
    public static final RecordSet HELD_OUT_A = ALL.filter("held-out-a", i -> !(i % 8 == 0 && i < 1200) && i % 2 == 0);
    public static final RecordSet HELD_OUT_B = ALL.filter("held-out-b", i -> !(i % 8 == 0 && i < 1200) && i % 2 == 1);
    public static final RecordSet TEST = Digits.split().test();

    private static byte[] model;

    private Overfit() {
    }

    /** A fresh copy of the overfit model (trained once per JVM); the caller closes it. */
    public static synchronized ModelHandle model() {
        if (model == null) {
            try (ModelHandle m = ShadowModels.train(SPEC, CONFIG, MEMBERS, Spread.seed(11))) {
                model = m.toBytes();
            }
        }
        try {
            return ModelHandle.read(new java.io.ByteArrayInputStream(model), "overfit", ai.djl.Device.cpu());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
