package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.TrainSchedule;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import dev.lethe.torch.train.TrainResult;

import java.util.Map;

/** The training phases methods share, all through the one {@link TrainLoop}. */
public final class Phases {

    private Phases() {
    }

    /** Minimises {@code objective} over {@code data} with {@code config}, with the run's progress and cancellation. */
    public static TrainResult train(ModelHandle model, RecordSet data, TrainConfig config, Objective objective, UnlearningContext context) {
        return train(model, data, config, objective, context, Map.of());
    }

    /**
     * {@link #train(ModelHandle, RecordSet, TrainConfig, Objective, UnlearningContext)} with the entries
     * where {@code masks} (parameter name → 0/1 array) is 0 frozen; see {@link TrainLoop#masks}.
     */
    public static TrainResult train(ModelHandle model, RecordSet data, TrainConfig config, Objective objective, UnlearningContext context,
                                    Map<String, NDArray> masks) {
        return run(loop(config, context).masks(masks), model, data, objective);
    }

    /**
     * {@link #train(ModelHandle, RecordSet, TrainConfig, Objective, UnlearningContext)} with each step's gradient clipped
     * to global norm {@code maxNorm} ({@link TrainLoop#clipGradientNorm}), unless the config carries a language model's
     * recipe, which clips at its own bound.
     */
    static TrainResult trainClipped(ModelHandle model, RecordSet data, TrainConfig config, Objective objective, UnlearningContext context,
                                    float maxNorm) {
        TrainLoop loop = loop(config, context);
        if (config.schedule() == null) {
            loop.clipGradientNorm(maxNorm);
        }
        return run(loop, model, data, objective);
    }

    private static TrainLoop loop(TrainConfig config, UnlearningContext context) {
        return new TrainLoop(config).listener(context.listener()).cancellation(context.cancellation());
    }

    private static TrainResult run(TrainLoop loop, ModelHandle model, RecordSet data, Objective objective) {
        try (TensorData tensors = TensorData.of(data, model.manager())) {
            return loop.run(model, tensors, objective);
        }
    }

    /**
     * The original training configuration with another learning rate, epoch count and seed purpose. A language model's
     * recipe keeps its gradient-norm clipping and length buckets but not its warm-up and decay: a method's learning rate
     * is the rate it updates with (η in its Javadoc), from the first update of a run that is far shorter than a warm-up.
     */
    public static TrainConfig config(UnlearningContext context, float learningRate, int epochs, String purpose) {
        TrainConfig original = context.original();
        TrainSchedule recipe = original.schedule();
        TrainSchedule constantRate = recipe == null ? null
                : new TrainSchedule(0, learningRate, recipe.clipNorm(), recipe.bucketJitterTokens());
        return original.withLearningRate(learningRate).withEpochs(epochs).withSeed(context.seed(purpose)).withSchedule(constantRate);
    }

    /**
     * The repair phase some methods end with: {@code epochs} epochs of the task's loss on the retain set (nothing when
     * 0), at {@code learningRate}: "unlearn, then fine-tune on what is kept", as prune-finetune and layer-reset end,
     * here after a forget phase whose collateral on the retained answers it undoes. On TOFU it also brings the forgotten
     * answers back (docs/BENCHMARKS.md, "TOFU forget01", third sweep): a test of removal as much as a repair.
     */
    static void repair(ModelHandle model, UnlearningData data, UnlearningContext context, float learningRate, int epochs, String purpose) {
        if (epochs > 0) {
            train(model, data.retain(), config(context, learningRate, epochs, purpose + "-repair"), Tasks.of(data.retain()).objective(), context);
        }
    }
}
