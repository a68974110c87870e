package dev.lethe.torch.sisa;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.metrics.ConfusionMatrix;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.CheckpointStore;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.eval.ScoredLanguageModel;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.TaskMetrics;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The served SISA model: one model per shard (each shard's last checkpoint) and an
 * {@link Aggregation}. Closing it frees every shard model.
 *
 * <p>A classifier's ensemble answers class predictions ({@link #answer}, {@link #predict}, {@link #evaluate}); a language
 * model's generates text ({@link #generate}) and is scored by its task ({@link #metrics}), both from the mean of the
 * shards' next-token distributions ({@link ShardMixture}).
 */
public final class SisaEnsemble implements AutoCloseable {

    private final List<ModelHandle> shards;
    private final Aggregation aggregation;
    private final StackedShards stacked; // null for convolutional shards

    /** An ensemble of {@code shards}, which it owns from now on and which must not change afterwards. */
    public SisaEnsemble(List<ModelHandle> shards, Aggregation aggregation) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one shard model");
        }
        this.shards = List.copyOf(shards);
        this.aggregation = aggregation;
        this.stacked = StackedShards.of(this.shards).orElse(null);
    }

    /** Loads the final checkpoints {@code keys} (one per shard, in shard order). */
    public static SisaEnsemble load(CheckpointStore store, List<CheckpointKey> keys, Aggregation aggregation, Device device) throws IOException {
        List<ModelHandle> models = new ArrayList<>();
        try {
            for (CheckpointKey key : keys) {
                SisaCheckpoint c = SisaCheckpoint.load(store, key, device);
                c.state().close();
                models.add(c.model());
            }
        } catch (IOException | RuntimeException e) {
            models.forEach(ModelHandle::close);
            throw e;
        }
        return new SisaEnsemble(models, aggregation);
    }

    public List<ModelHandle> shards() {
        return shards;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    /** Softmax outputs {@code [shard][record][class]} for the records at rows {@code from..to} of {@code features}. */
    private float[][][] shardProbabilities(NDArray features) {
        if (stacked != null) {
            // all shards in one pass: one engine call per layer step, one copy out
            try (NDScope scope = new NDScope()) {
                NDArray probs = stacked.probabilities(features);
                return split(probs.toFloatArray(), (int) probs.getShape().get(0), (int) probs.getShape().get(2));
            }
        }
        float[][][] out = new float[shards.size()][][];
        for (int s = 0; s < shards.size(); s++) {
            try (NDScope scope = new NDScope()) {
                NDArray probs = shards.get(s).forward(features, false).softmax(1);
                out[s] = split(probs.toFloatArray(), 1, (int) probs.getShape().get(1))[0];
            }
        }
        return out;
    }

    /** A flat {@code shards × records × classes} array as {@code [shard][record][class]}. */
    private static float[][][] split(float[] flat, int shards, int classes) {
        int records = flat.length / shards / classes;
        float[][][] out = new float[shards][records][];
        for (int s = 0; s < shards; s++) {
            for (int i = 0; i < records; i++) {
                int at = (s * records + i) * classes;
                out[s][i] = java.util.Arrays.copyOfRange(flat, at, at + classes);
            }
        }
        return out;
    }

    /**
     * The ensemble's answer for raw feature vectors: per input, the predicted class (with the
     * aggregation's tie-breaking) and the class scores (vote shares or mean probabilities).
     */
    public Answer answer(float[][] inputs) {
        ModelHandle first = shards.get(0);
        int size = java.util.Arrays.stream(first.spec().inputShape()).reduce(1, Math::multiplyExact);
        float[] flat = new float[inputs.length * size];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].length != size) {
                throw new IllegalArgumentException("input " + i + " has " + inputs[i].length + " features; the model takes " + size);
            }
            System.arraycopy(inputs[i], 0, flat, i * size, size);
        }
        try (NDManager m = first.manager().newSubManager()) {
            float[][][] probs = shardProbabilities(m.create(flat, first.spec().batchShape(inputs.length)));
            int[] classes = new int[inputs.length];
            float[][] scores = new float[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                scores[i] = aggregation.scores(column(probs, i));
                classes[i] = aggregation.predict(column(probs, i));
            }
            return new Answer(classes, scores);
        }
    }

    /**
     * The ensemble's answer for a batch of inputs.
     *
     * @param classes predicted class per input
     * @param scores class scores per input: vote shares (majority vote) or mean probabilities
     */
    public record Answer(int[] classes, float[][] scores) {
    }

    /**
     * The tokens that follow {@code prompt} (the stop token excluded), at most {@code config.maxNewTokens()} and no more than
     * fill the shards' context, each the choice of the mean of the shards' next-token distributions: its most likely token
     * when greedy, a draw from it when sampled ({@link EnsembleGeneration}). With one shard, the shard's own generation. A
     * prompt that leaves no room for one new token fails with an {@link IllegalArgumentException} that says the lengths.
     */
    public int[] generate(int[] prompt, GenerationConfig config) {
        return generate(prompt, config, ShardWeighting.MEAN);
    }

    /** {@link #generate(int[], GenerationConfig)} with the shards weighed as {@code weighting} says at each step. */
    public int[] generate(int[] prompt, GenerationConfig config, ShardWeighting weighting) {
        return EnsembleGeneration.generate(shards, prompt, config, weighting);
    }

    /**
     * The ensemble's next-token distribution after {@code tokens}: the mean over shards of {@code softmax(logits / temperature)}
     * at the last position (temperature 0 = 1), one probability per token id.
     */
    public float[] nextTokenDistribution(int[] tokens, float temperature) {
        ModelHandle first = shards.get(0);
        long[] ids = java.util.Arrays.stream(tokens).asLongStream().toArray();
        try (NDManager m = first.manager().newSubManager()) {
            return ShardMixture.nextToken(shards, m.create(ids, new Shape(1, ids.length)), temperature).toFloatArray();
        }
    }

    /**
     * The task's metrics of the ensemble on {@code records} ({@link Tasks#of}): for token data, token loss and perplexity of
     * the mean of the shards' next-token distributions, the model that {@link #generate} samples from.
     */
    public TaskMetrics metrics(RecordSet records) {
        Task task = Tasks.of(records);
        ModelHandle first = shards.get(0);
        Task.Tally tally = task.newTally(first, records);
        int batch = 16;
        try (TensorData data = TensorData.of(records, first.manager())) {
            for (int from = 0; from < records.size(); from += batch) {
                try (NDScope scope = new NDScope(); NDManager m = data.manager().newSubManager()) {
                    Batch b = data.range(from, Math.min(records.size(), from + batch), m);
                    tally.add(new NDList(ShardMixture.logProbabilities(shards, b.inputs(), ShardWeighting.MEAN)), b);
                }
            }
        }
        return tally.result();
    }

    /**
     * The ensemble as one language model for scoring and answering ({@link ScoredLanguageModel}): its next-token
     * log-probabilities are those of the mean of the shards' distributions ({@link ShardMixture#logProbabilities}), and it
     * generates as {@link #generate} does. This is how {@code lethe lm eval} scores an exact-unlearning ensemble with the
     * same TOFU metrics as one model. Only for an ensemble of language models (a store whose data are token sequences, as
     * the caller checks): a classifier's outputs are not next-token logits.
     */
    public ScoredLanguageModel asLanguageModel() {
        return asLanguageModel(ShardWeighting.MEAN);
    }

    /** {@link #asLanguageModel()} with the shards weighed as {@code weighting} says, in scoring and in generation alike. */
    public ScoredLanguageModel asLanguageModel(ShardWeighting weighting) {
        ModelHandle first = shards.get(0);
        return new ScoredLanguageModel() {
            @Override
            public NDArray logProbabilities(NDList inputs) {
                return ShardMixture.logProbabilities(shards, inputs, weighting);
            }

            @Override
            public int[] generate(int[] prompt, GenerationConfig config) {
                return SisaEnsemble.this.generate(prompt, config, weighting);
            }

            @Override
            public NDManager manager() {
                return first.manager();
            }

            @Override
            public int context() {
                return first.spec().inputShape()[0];
            }

            @Override
            public int vocabularySize() {
                return first.spec().numClasses();
            }

            @Override
            public String name() {
                return "SISA ensemble of " + shards.size() + " x " + first.spec().name();
            }
        };
    }

    /** Predicted classes for every record of {@code records}. */
    public int[] predict(RecordSet records) {
        if (records.content() instanceof TokenSequences) {
            throw new IllegalArgumentException(records.name() + " holds token sequences: a language model's ensemble generates"
                    + " text (generate) and is scored by metrics(records), it predicts no classes");
        }
        int n = records.size();
        int[] predicted = new int[n];
        ModelHandle first = shards.get(0);
        int batch = 1024;
        int width = records.featureSize();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            float[] slice = java.util.Arrays.copyOfRange(records.featuresView(), from * width, to * width);
            try (NDManager m = first.manager().newSubManager()) {
                float[][][] probs = shardProbabilities(m.create(slice, first.spec().batchShape(to - from)));
                for (int i = 0; i < to - from; i++) {
                    predicted[from + i] = aggregation.predict(column(probs, i));
                }
            }
        }
        return predicted;
    }

    /** Accuracy and confusion matrix of the ensemble on {@code records} (loss: mean NLL of the mean softmax). */
    public Evaluation evaluate(RecordSet records) {
        ConfusionMatrix confusion = new ConfusionMatrix(records.numClasses());
        confusion.addAll(records.labels(), predict(records));
        return new Evaluation(records.name(), records.size(), Double.NaN, confusion, records.classNames());
    }

    private static float[][] column(float[][][] probs, int record) {
        float[][] c = new float[probs.length][];
        for (int s = 0; s < probs.length; s++) {
            c[s] = probs[s][record];
        }
        return c;
    }

    @Override
    public void close() {
        if (stacked != null) {
            stacked.close();
        }
        shards.forEach(ModelHandle::close);
    }
}
