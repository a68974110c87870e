package dev.lethe.torch.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.lethe.core.store.TrainSchedule;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.TorchRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one training loop in Lethe: every training, fine-tune and gradient-based unlearning method runs
 * through it, with its own {@link Objective} (a {@link dev.lethe.torch.task.Task}'s loss, or a method's
 * combination of task losses), on any content {@link TensorData} makes batches of.
 *
 * <p>Per epoch it takes the epoch's batches from its {@link BatchOrder} (by default the rows shuffled
 * with a permutation drawn from {@code Seeds.derive(seed, "shuffle", epochIndex)} and cut into batches),
 * and for each batch gathers the rows into a per-batch manager, computes the objective under a gradient
 * collector, back-propagates, optionally clips the global gradient norm ({@link GradientClipping}), and
 * applies the {@link OptimizerState} update with the learning rate its {@link LearningRateSchedule} gives
 * for that update (by default the config's constant rate). Every array created during a step
 * is freed when the step ends (a per-batch sub-manager plus an {@link NDScope}), so memory stays flat
 * however long the run.
 *
 * <p>Determinism contract: with the same model weights, optimizer state, data, config and PyTorch
 * thread count, a run produces bit-identical weights, in one JVM or across two. No draw depends on
 * state carried over from earlier draws: shuffles depend only on (seed, epoch index).
 *
 * <p>Only one gradient collector may be active per JVM (a DJL rule), so a JVM trains one model at a
 * time.
 */
public final class TrainLoop {

    private final TrainConfig config;
    private TrainListener listener = TrainListener.NONE;
    private Cancellation cancellation = new Cancellation();
    private Map<String, NDArray> masks = Map.of();
    private LearningRateSchedule schedule;
    private float clipNorm;
    private BatchOrder batchOrder = BatchOrder.SHUFFLED;
    private boolean countEveryToken;

    /**
     * A loop for {@code config}; when the config carries a {@link TrainSchedule} (a language model's recipe), the loop
     * clips the gradient norm and buckets batches by length as it says, counts every next token in the loss when it says
     * so ({@link TrainSchedule#wholeSequenceLoss}), and sets each update's rate by warm-up + cosine over the run (see {@link #run(ModelHandle, OptimizerState, TensorData, Objective, long)}).
     */
    public TrainLoop(TrainConfig config) {
        this.config = config;
        TrainSchedule recipe = config.schedule();
        if (recipe != null) {
            clipGradientNorm(recipe.clipNorm());
            batchOrder(BatchOrder.lengthBuckets(recipe.bucketJitterTokens()));
            countEveryToken = recipe.wholeSequenceLoss();
        }
    }

    /** Sends progress to {@code newListener}. */
    public TrainLoop listener(TrainListener newListener) {
        this.listener = newListener;
        return this;
    }

    /** Stops at the next step once {@code newCancellation} is cancelled. */
    public TrainLoop cancellation(Cancellation newCancellation) {
        this.cancellation = newCancellation;
        return this;
    }

    /**
     * Freezes the entries where {@code newMasks} (parameter name → 0/1 array of the parameter's shape)
     * is 0: every update leaves them as they were (see {@link OptimizerState}). The caller owns the
     * arrays and keeps them open for the run.
     */
    public TrainLoop masks(Map<String, NDArray> newMasks) {
        this.masks = Map.copyOf(newMasks);
        return this;
    }

    /** Sets each update's learning rate from {@code newSchedule} instead of the config's constant rate. */
    public TrainLoop learningRateSchedule(LearningRateSchedule newSchedule) {
        this.schedule = newSchedule;
        return this;
    }

    /** Scales the gradients before each update so that their global norm is at most {@code maxNorm} ({@link GradientClipping}). */
    public TrainLoop clipGradientNorm(float maxNorm) {
        if (!(maxNorm > 0) || Float.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("the gradient-norm bound must be a positive number, got " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** Takes each epoch's batches from {@code newOrder} instead of {@link BatchOrder#SHUFFLED}. */
    public TrainLoop batchOrder(BatchOrder newOrder) {
        this.batchOrder = newOrder;
        return this;
    }

    public TrainConfig config() {
        return config;
    }

    /** Trains {@code model} on {@code data} from a fresh optimizer state for {@code config.epochs()} epochs. */
    public TrainResult run(ModelHandle model, TensorData data, Objective objective) {
        try (OptimizerState state = OptimizerState.create(config, model)) {
            return run(model, state, data, objective, 0);
        }
    }

    /**
     * Continues training {@code model} with an existing optimizer state. Epoch {@code e} of this run
     * shuffles with epoch index {@code firstEpoch + e}, so a continued run draws exactly what one
     * uninterrupted run would have drawn.
     */
    public TrainResult run(ModelHandle model, OptimizerState state, TensorData data, Objective objective, long firstEpoch) {
        int n = data.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot train on an empty data set (" + data.records().name() + ")");
        }
        OptimizerState.checkMasks(model, masks);
        Engine engine = TorchRuntime.engine();
        int batchesPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
        LearningRateSchedule rates = schedule != null ? schedule : recipeRates(state.updates(), (long) batchesPerEpoch * config.epochs());
        listener.onStart((long) batchesPerEpoch * config.epochs());
        List<Double> epochLosses = new ArrayList<>();
        long step = 0;
        long samples = 0;
        long start = System.nanoTime();
        try {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                List<int[]> batches = batchOrder.batches(data.records(), config.batchSize(), config.seed(), firstEpoch + epoch);
                double lossSum = 0;
                for (int[] positions : batches) {
                    cancellation.check();
                    float rate = rates.rate(state.updates());
                    float loss = step(model, state, data, objective, positions, rate, epoch, engine);
                    if (!Float.isFinite(loss)) {
                        throw new ArithmeticException("the loss became " + loss + " at step " + state.updates()
                                + "; lower the learning rate (now " + rate + ")");
                    }
                    lossSum += loss;
                    samples += positions.length;
                    listener.onStep(step++, loss);
                }
                double meanLoss = lossSum / batches.size();
                epochLosses.add(meanLoss);
                listener.onEpochEnd(epoch, meanLoss);
            }
        } finally {
            listener.onFinish();
        }
        return new TrainResult(step, samples, epochLosses, (System.nanoTime() - start) / 1e9);
    }

    /**
     * One update. The loss and the gradients' norm are checked before the optimizer touches the weights: a non-finite
     * one is returned to the caller (which stops the run) with the weights and optimizer state as they were before the
     * step, and the gradients set to exact zeros.
     */
    private float step(ModelHandle model, OptimizerState state, TensorData data, Objective objective,
                       int[] positions, float rate, int epoch, Engine engine) {
        try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
            Batch batch = data.batch(positions, state.updates(), epoch, scratch, countEveryToken);
            float lossValue = lossAndGradients(model, objective, batch, engine, scratch);
            if (!Float.isFinite(lossValue)) {
                GradientClipping.zero(model, scratch);
                return lossValue;
            }
            state.apply(model, rate, scratch, masks);
            return lossValue;
        }
    }

    /**
     * The batch's objective, back-propagated into the parameters' gradients (clipped when the loop clips); NaN when the
     * loss or the gradients' norm is not finite.
     */
    private float lossAndGradients(ModelHandle model, Objective objective, Batch batch, Engine engine, NDManager scratch) {
        float lossValue;
        try (GradientCollector collector = engine.newGradientCollector()) {
            NDArray loss = objective.loss(model, batch);
            collector.backward(loss);
            lossValue = loss.getFloat();
        }
        if (clipNorm > 0 && Float.isFinite(lossValue) && !Float.isFinite(GradientClipping.clip(model, clipNorm, scratch))) {
            return Float.NaN;
        }
        return lossValue;
    }

    /**
     * The rate of each update when no schedule was set: the config's constant rate, or — with a {@link TrainSchedule} —
     * warm-up + cosine from the config's rate as the peak over this run's {@code updates} updates, counted from the
     * state's update {@code firstUpdate}. Each run (a SISA slice, a retraining) is one warm-up + cosine cycle, a pure
     * function of where the run starts, so a shard retrained from a checkpoint replays the same rates.
     */
    private LearningRateSchedule recipeRates(long firstUpdate, long updates) {
        TrainSchedule recipe = config.schedule();
        if (recipe == null) {
            return LearningRateSchedule.constant(config.learningRate());
        }
        LearningRateSchedule cycle = LearningRateSchedule.warmupCosine(config.learningRate(), Math.min(recipe.warmupSteps(), updates),
                updates, Math.min(recipe.floorLearningRate(), config.learningRate()));
        return update -> cycle.rate(update - firstUpdate);
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates) drawn from {@code seed}. */
    static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
