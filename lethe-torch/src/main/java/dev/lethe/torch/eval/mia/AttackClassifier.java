package dev.lethe.torch.eval.mia;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.eval.ModelOutputs;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A binary member / non-member classifier on per-record attack features ({@link AttackFeatures}), the
 * attack model of the learned attacks (Shokri et al. 2017; the MIA-efficacy classifier of Jia et al.
 * 2023). A logistic regression ({@code hidden = 0}) or a one-hidden-layer MLP, trained with DJL through
 * the one {@link TrainLoop} on z-scored features (mean and standard deviation of the training
 * features, computed with DJL), with classes balanced by subsampling the larger one — so that
 * P(member) = 0.5 is the decision threshold of a balanced prior.
 *
 * <p>Owns a small model: close it.
 */
public final class AttackClassifier implements AutoCloseable {

    private static final List<String> CLASSES = List.of("non-member", "member");

    /**
     * The attack classifier's shape and training.
     *
     * @param hidden width of the hidden layer; 0 = logistic regression
     * @param epochs training epochs
     * @param learningRate Adam step size
     */
    public record Options(int hidden, int epochs, float learningRate) {
        public Options {
            if (hidden < 0 || epochs < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("attack classifier: hidden >= 0, epochs >= 1, learning rate > 0; got "
                        + hidden + ", " + epochs + ", " + learningRate);
            }
        }

        /** Logistic regression, 40 epochs of batches of 256, learning rate 0.05. */
        public static Options defaults() {
            return new Options(0, 40, 5e-2f);
        }
    }

    private final ModelHandle model;
    private final float[] mean;
    private final float[] scale;

    private AttackClassifier(ModelHandle model, float[] mean, float[] scale) {
        this.model = model;
        this.mean = mean;
        this.scale = scale;
    }

    /** Trains on member and non-member feature rows (all of one width). */
    public static AttackClassifier train(List<float[]> members, List<float[]> nonMembers, Options options, long seed) {
        if (members.isEmpty() || nonMembers.isEmpty()) {
            throw new IllegalArgumentException("an attack classifier needs members and non-members to learn from");
        }
        int n = Math.min(members.size(), nonMembers.size());
        List<float[]> rows = new ArrayList<>(balanced(members, n, Seeds.derive(seed, "attack-balance", 1)));
        rows.addAll(balanced(nonMembers, n, Seeds.derive(seed, "attack-balance", 0)));
        int[] labels = new int[2 * n];
        for (int i = 0; i < n; i++) {
            labels[i] = 1;
        }
        int d = rows.get(0).length;
        ModelSpec spec = options.hidden() == 0
                ? ModelSpec.parse("logreg", new int[]{d}, 2)
                : ModelSpec.parse("mlp:" + options.hidden(), new int[]{d}, 2);
        ModelHandle model = ModelHandle.create(spec, Seeds.derive(seed, "attack-init"));
        float[] mean;
        float[] scale;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = m.create(flatten(rows, d), new Shape(rows.size(), d));
            NDArray mu = x.mean(new int[]{0});
            NDArray sd = x.sub(mu).square().mean(new int[]{0}).sqrt().add(1e-6f);
            mean = mu.toFloatArray();
            scale = sd.toFloatArray();
        }
        AttackClassifier classifier = new AttackClassifier(model, mean, scale);
        RecordSet train = classifier.records(rows, labels);
        TrainConfig config = new TrainConfig(options.epochs(), 256, OptimizerKind.ADAM, options.learningRate(), 0f, 0f,
                Seeds.derive(seed, "attack-train"));
        try (TensorData data = TensorData.of(train, model.manager())) {
            new TrainLoop(config).run(model, data, Objectives.crossEntropy());
        }
        return classifier;
    }

    /** P(member) of each feature row. */
    public double[] memberProbability(List<float[]> rows) {
        if (rows.isEmpty()) {
            return new double[0];
        }
        float[][] p = ModelOutputs.probabilities(model, records(rows, new int[rows.size()]));
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i][1];
        }
        return out;
    }

    /** The rows, z-scored with the training statistics (with DJL), as a record set. */
    private RecordSet records(List<float[]> rows, int[] labels) {
        int d = mean.length;
        float[] standardised;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = m.create(flatten(rows, d), new Shape(rows.size(), d));
            standardised = x.sub(m.create(mean)).div(m.create(scale)).toFloatArray();
        }
        String[] ids = new String[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "r" + i;
        }
        return new RecordSet("attack-features", ids, null, standardised, labels, new int[]{d}, CLASSES);
    }

    private static float[] flatten(List<float[]> rows, int d) {
        float[] flat = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != d) {
                throw new IllegalArgumentException("feature rows differ in width: " + rows.get(i).length + " vs " + d);
            }
            System.arraycopy(rows.get(i), 0, flat, i * d, d);
        }
        return flat;
    }

    /** {@code n} of the rows, drawn without replacement (all of them, in order, when there are exactly n). */
    private static List<float[]> balanced(List<float[]> rows, int n, long seed) {
        if (rows.size() == n) {
            return rows;
        }
        List<float[]> copy = new ArrayList<>(rows);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float[] t = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, t);
        }
        return copy.subList(0, n);
    }

    @Override
    public void close() {
        model.close();
    }
}
