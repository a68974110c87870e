package dev.lethe.torch.lm.evidence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.seed.Seeds;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.eval.LinearProbe;
import dev.lethe.torch.lm.eval.QaRecords;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * A linear probe on a language model's hidden states (Alain and Bengio 2016; for unlearning, e.g.
 * Lynch et al. 2024 and the RMU paper, Li et al. 2024 "The WMDP benchmark"): does layer ℓ still encode
 * a fact about the forget set — which forget author an answer is about, or whether it is about a
 * forget or a retain author — even when the outputs no longer show it?
 *
 * <p>Each item's feature is layer ℓ's activations ({@link ModelHandle#activations}) over a {@link Span}
 * of its teacher-forced sequence: by default the mean over the positions the model predicts its answer
 * from (the last prompt token through the answer's last token but one: the loss mask). A logistic
 * regression ({@link LinearProbe#fit}) is trained on a seeded, per-class split of the items and scored on
 * the rest. The input text itself carries some of the label (an answer that names its author, a question
 * that names its subject), so the accuracy means something only against the same probe on the
 * retain-only reference model: accuracy well above the reference's says the knowledge is still in the
 * weights ({@link RemovalVerdict}). For a label the input does not state (a fact of the answer, probed
 * from the question alone), {@link Span#PROMPT_END} reads the state the model starts its answer from,
 * where only a model that knows the answer can put it.
 */
public final class HiddenStateProbe {

    /** Which positions of a teacher-forced item the probe reads. */
    public enum Span {
        /** The mean over the positions that predict the answer's tokens (the last prompt token onwards, the loss mask). */
        ANSWER,
        /** The last prompt token only: the state the model starts its answer from, before any answer token is read. */
        PROMPT_END
    }

    /**
     * @param layer the layer whose output is probed ({@link ModelHandle#activations}: after layers 0..layer)
     * @param span the positions read
     * @param epochs the probe's training epochs
     * @param testFraction the share of each class's items held out for testing, in (0, 1)
     * @param seed the seed of the split and of the probe's training
     */
    public record Config(int layer, Span span, int epochs, double testFraction, long seed) {

        public Config {
            if (layer < 0) {
                throw new IllegalArgumentException("the probed layer must be at least 0, got " + layer);
            }
            java.util.Objects.requireNonNull(span, "span");
            if (epochs < 1) {
                throw new IllegalArgumentException("the probe needs at least 1 epoch, got " + epochs);
            }
            if (!(testFraction > 0 && testFraction < 1)) {
                throw new IllegalArgumentException("the test fraction must be in (0, 1), got " + testFraction);
            }
        }
    }

    /**
     * @param layer the probed layer
     * @param featureSize the width of the layer's activations
     * @param trainItems items the probe was trained on
     * @param testItems items it was scored on
     * @param trainAccuracy its accuracy on the training items
     * @param testAccuracy its accuracy on the held-out items: the figure to compare
     * @param majorityRate the held-out share of the training items' most common class: what guessing reaches
     */
    public record Result(int layer, int featureSize, int trainItems, int testItems, double trainAccuracy, double testAccuracy,
                         double majorityRate) {
    }

    private final Tokenizer tokenizer;
    private final Config config;

    public HiddenStateProbe(Tokenizer tokenizer, Config config) {
        this.tokenizer = tokenizer;
        this.config = config;
    }

    /** Labels by subject: the index of each item's subject in {@code subjects} (e.g. the forget authors); fails for any other subject. */
    public static ToIntFunction<QaItem> bySubject(List<String> subjects) {
        return item -> {
            int label = subjects.indexOf(item.subject());
            if (label < 0) {
                throw new IllegalArgumentException("item " + item.index() + " is about \"" + item.subject()
                        + "\", which is not one of the probe's subjects " + subjects);
            }
            return label;
        };
    }

    /** Probes {@code model}'s hidden states of {@code items} for {@code label} (values in {@code [0, numClasses)}). */
    public Result measure(ModelHandle model, List<QaItem> items, ToIntFunction<QaItem> label, int numClasses) {
        if (config.layer() >= model.layerCount()) {
            throw new IllegalArgumentException("layer " + config.layer() + " does not exist: " + model.spec().name() + " has "
                    + model.layerCount() + " layers (0.." + (model.layerCount() - 1) + ")");
        }
        int[] labels = new int[items.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = label.applyAsInt(items.get(i));
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("item " + items.get(i).index() + " has label " + labels[i] + ", outside [0, "
                        + numClasses + ")");
            }
        }
        float[][] features = meanHiddenStates(model, items);
        boolean[] test = split(labels, numClasses);
        RecordSet trainSet = dense("probe-train", features, labels, test, false, numClasses);
        RecordSet testSet = dense("probe-test", features, labels, test, true, numClasses);
        if (trainSet.size() == 0 || testSet.size() == 0) {
            throw new IllegalArgumentException("the probe needs items to train and to test on: " + trainSet.size() + " and "
                    + testSet.size() + " of " + items.size() + "; give at least two items of a class");
        }
        LinearProbe probe = LinearProbe.fit(trainSet, testSet, numClasses, config.epochs(), Seeds.derive(config.seed(), "probe"));
        return new Result(config.layer(), features[0].length, trainSet.size(), testSet.size(), probe.trainAccuracy(),
                probe.forgetAccuracy(), majorityRate(labels, test, numClasses));
    }

    /** Each item's layer activations averaged over its span, read back once per batch. */
    private float[][] meanHiddenStates(ModelHandle model, List<QaItem> items) {
        int n = items.size();
        float[][] features = new float[n][];
        int batchSize = 16;
        try (TensorData data = TensorData.of(QaRecords.of("probe", tokenizer, items), model.manager())) {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
                    Batch batch = data.range(from, to, scratch);
                    NDArray hidden = model.activations(batch.inputs(), config.layer(), false).singletonOrThrow();
                    if (hidden.getShape().dimension() != 3) {
                        throw new IllegalArgumentException("layer " + config.layer() + " of " + model.spec().name() + " gives shape "
                                + hidden.getShape() + "; the probe needs per-position states [batch, positions, width]");
                    }
                    NDArray mask = positions(batch.mask());
                    NDArray mean = hidden.mul(mask.expandDims(2)).sum(new int[]{1}).div(Scalars.maximum(mask.sum(new int[]{1}), 1f).expandDims(1));
                    int width = (int) hidden.getShape().get(2);
                    float[] values = mean.toFloatArray();
                    for (int k = 0; k < to - from; k++) {
                        features[from + k] = java.util.Arrays.copyOfRange(values, k * width, (k + 1) * width);
                    }
                }
            }
        }
        return features;
    }

    /** The span's positions as a 0/1 mask {@code [b, T]}, from the loss mask (1 from the last prompt token on). */
    private NDArray positions(NDArray lossMask) {
        if (config.span() == Span.ANSWER) {
            return lossMask;
        }
        // The running count of counted positions is 1 exactly at the first one: the last prompt token.
        return lossMask.cumSum(1).eq(1f).toType(lossMask.getDataType(), false).mul(lossMask);
    }

    /** Which items are held out: per class, a seeded shuffle, the first round(fraction × count) of it (at least one of a class of two or more). */
    private boolean[] split(int[] labels, int numClasses) {
        boolean[] test = new boolean[labels.length];
        SplittableRandom random = new SplittableRandom(Seeds.derive(config.seed(), "probe-split"));
        for (int c = 0; c < numClasses; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members.add(i);
                }
            }
            for (int i = members.size() - 1; i > 0; i--) {
                Collections.swap(members, i, random.nextInt(i + 1));
            }
            int held = members.size() < 2 ? 0 : Math.max(1, (int) Math.round(config.testFraction() * members.size()));
            for (int k = 0; k < Math.min(held, members.size() - 1); k++) {
                test[members.get(k)] = true;
            }
        }
        return test;
    }

    private static RecordSet dense(String name, float[][] features, int[] labels, boolean[] test, boolean heldOut, int numClasses) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (test[i] == heldOut) {
                rows.add(i);
            }
        }
        int width = features.length == 0 ? 1 : features[0].length;
        float[] flat = new float[rows.size() * width];
        int[] rowLabels = new int[rows.size()];
        String[] ids = new String[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(features[rows.get(r)], 0, flat, r * width, width);
            rowLabels[r] = labels[rows.get(r)];
            ids[r] = name + "#" + rows.get(r);
        }
        List<String> classNames = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            classNames.add("class-" + c);
        }
        return new RecordSet(name, ids, null, flat, rowLabels, new int[]{width}, classNames);
    }

    private static double majorityRate(int[] labels, boolean[] test, int numClasses) {
        int[] trainCounts = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (!test[i]) {
                trainCounts[labels[i]]++;
            }
        }
        int majority = 0;
        for (int c = 1; c < numClasses; c++) {
            if (trainCounts[c] > trainCounts[majority]) {
                majority = c;
            }
        }
        int hits = 0;
        int tests = 0;
        for (int i = 0; i < labels.length; i++) {
            if (test[i]) {
                tests++;
                hits += labels[i] == majority ? 1 : 0;
            }
        }
        return tests == 0 ? Double.NaN : (double) hits / tests;
    }
}
