package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import dev.lethe.torch.train.TrainLoop;

import java.util.SplittableRandom;

/**
 * Training of the shadow models the shadow, LiRA and U-LiRA attacks learn from: models of the
 * target's {@link ModelSpec} and training configuration on seeded subsets of a population, so that
 * their behaviour on members and non-members mimics the target's. Every draw is a pure function of
 * (seed, shadow index, record id) (docs/ARCHITECTURE.md#djl-and-pytorch).
 */
public final class ShadowModels {

    private ShadowModels() {
    }

    /**
     * A fresh model of {@code spec} trained on {@code data} with {@code config}, its initialisation and
     * shuffles drawn from {@code seed} (the caller closes it).
     */
    public static ModelHandle train(ModelSpec spec, TrainConfig config, RecordSet data, long seed) {
        return train(spec, config, data, seed, TrainListener.NONE);
    }

    /** {@link #train(ModelSpec, TrainConfig, RecordSet, long)}, reporting its steps to {@code listener}. */
    public static ModelHandle train(ModelSpec spec, TrainConfig config, RecordSet data, long seed, TrainListener listener) {
        ModelHandle model = ModelHandle.create(spec, Seeds.derive(seed, "shadow-init"));
        try (TensorData tensors = TensorData.of(data, model.manager())) {
            new TrainLoop(config.withSeed(Seeds.derive(seed, "shadow-train"))).listener(listener).run(model, tensors, Objectives.crossEntropy());
        }
        return model;
    }

    /** A seeded random half of {@code population}: record i is in with probability ½, by its id. */
    public static boolean[] randomHalf(RecordSet population, long seed) {
        boolean[] in = new boolean[population.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = Seeds.unitInterval(seed ^ Seeds.hash(population.id(i))) < 0.5;
        }
        return in;
    }

    /**
     * Membership of every record in {@code shadows} models, {@code [shadow][record]}, such that each
     * record is in exactly ⌊shadows/2⌋ of them (Carlini et al. 2022 train each shadow on a random half and
     * balance the halves so that every example has as many IN models as OUT ones). The shadows a record
     * is in are a seeded permutation drawn from its id.
     */
    public static boolean[][] balancedHalves(RecordSet population, int shadows, long seed) {
        boolean[][] in = new boolean[shadows][population.size()];
        for (int i = 0; i < population.size(); i++) {
            int[] order = new int[shadows];
            for (int k = 0; k < shadows; k++) {
                order[k] = k;
            }
            SplittableRandom random = new SplittableRandom(seed ^ Seeds.hash(population.id(i)));
            for (int k = shadows - 1; k > 0; k--) {
                int j = random.nextInt(k + 1);
                int t = order[k];
                order[k] = order[j];
                order[j] = t;
            }
            for (int k = 0; k < shadows / 2; k++) {
                in[order[k]][i] = true;
            }
        }
        return in;
    }

    /** The records of {@code population} whose flag is {@code want}. */
    public static RecordSet subset(RecordSet population, boolean[] in, boolean want, String name) {
        return population.filter(name, i -> in[i] == want);
    }
}
