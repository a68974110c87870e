package dev.lethe.torch.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.model.LogregFamily;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A linear probe on frozen penultimate features (Alain and Bengio 2016; used for unlearning by e.g.
 * Kim et al. 2024 / "representation-level" evaluations): does the representation still encode the
 * forget set's labels, even when the output head hides them?
 *
 * <p>Features are the output of every layer of the model except the last (the classification head;
 * see {@link dev.lethe.torch.model.ModelLayers}) — the post-ReLU last hidden layer of an MLP or CNN,
 * the flattened input of a logistic regression. A logistic regression (DJL, through the one
 * {@link TrainLoop}) is trained on the probe-training records' features and labels, then scored on the
 * forget set.
 *
 * @param trainAccuracy the probe's accuracy on the records it was trained on
 * @param forgetAccuracy the probe's accuracy on the forget set
 * @param featureSize the width of the penultimate features
 */
public record LinearProbe(double trainAccuracy, double forgetAccuracy, int featureSize) {

    /**
     * Trains a probe on {@code model}'s penultimate features of {@code probeTrain} (e.g. the retain set)
     * for {@code epochs} epochs and scores it on {@code forget}. A forget set of a class absent from
     * {@code probeTrain} cannot be probed this way: pass training records that include its class.
     */
    public static LinearProbe measure(ModelHandle model, RecordSet probeTrain, RecordSet forget, int epochs, long seed) {
        return fit(features(model, probeTrain), features(model, forget), model.spec().numClasses(), epochs, seed);
    }

    /**
     * Trains a logistic-regression probe over {@code numClasses} classes on {@code trainFeatures} (dense
     * features with labels: any representation, e.g. a language model's hidden states) for {@code epochs}
     * epochs and scores it on {@code testFeatures}; the second accuracy is the test set's.
     */
    public static LinearProbe fit(RecordSet trainFeatures, RecordSet testFeatures, int numClasses, int epochs, long seed) {
        int d = trainFeatures.featureSize();
        try (ModelHandle probe = ModelHandle.create(ModelSpec.parse(LogregFamily.NAME, new int[]{d}, numClasses),
                Seeds.derive(seed, "probe-init"))) {
            try (TensorData data = TensorData.of(trainFeatures, probe.manager())) {
                new TrainLoop(new TrainConfig(epochs, 128, OptimizerKind.ADAM, 1e-2f, 0f, 0f, Seeds.derive(seed, "probe-train")))
                        .run(probe, data, Objectives.crossEntropy());
            }
            return new LinearProbe(ModelOutputs.evaluate(probe, trainFeatures).accuracy(),
                    ModelOutputs.evaluate(probe, testFeatures).accuracy(), d);
        }
    }

    /** The records with their features replaced by the model's penultimate activations. */
    static RecordSet features(ModelHandle model, RecordSet records) {
        int n = records.size();
        List<float[]> chunks = new ArrayList<>();
        int width = -1;
        try (TensorData data = TensorData.of(records, model.manager())) {
            for (int from = 0; from < n; from += 1024) {
                int to = Math.min(n, from + 1024);
                try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
                    NDArray x = data.features().get(from + ":" + to);
                    x.attach(scratch);
                    NDArray out = model.forwardLayers(new NDList(x), 0, model.layerCount() - 1, false).singletonOrThrow();
                    width = (int) (out.size() / (to - from));
                    chunks.add(out.toFloatArray());
                }
            }
        }
        float[] flat = new float[n * Math.max(width, 0)];
        int at = 0;
        for (float[] c : chunks) {
            System.arraycopy(c, 0, flat, at, c.length);
            at += c.length;
        }
        return new RecordSet(records.name() + "/features", records.ids().toArray(String[]::new), null, flat, records.labels(),
                new int[]{Math.max(width, 1)}, records.classNames());
    }

    /**
     * The probe as an {@link UnlearningMetric} ({@code linear-probe}): {@code probe-train-acc} on the retain
     * set it is trained on, {@code probe-forget-acc} and {@code probe-features} (the feature width) of the
     * model under test, seeded by {@link MetricInput#seed()}. Needs a single model and a non-empty forget set.
     *
     * @param epochs the probe's training epochs
     */
    public record Metric(int epochs) implements UnlearningMetric {

        @Override
        public String name() {
            return "linear-probe";
        }

        @Override
        public MetricValues measure(MetricInput input) {
            Optional<ModelHandle> model = input.subject().model();
            if (model.isEmpty() || input.forget().size() == 0) {
                return MetricValues.empty();
            }
            LinearProbe p = LinearProbe.measure(model.get(), input.retain(), input.forget(), epochs, input.seed());
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("probe-train-acc", p.trainAccuracy());
            f.put("probe-forget-acc", p.forgetAccuracy());
            f.put("probe-features", (double) p.featureSize());
            return MetricValues.finite(f);
        }

        /** The probe these figures describe. */
        public static LinearProbe of(MetricValues values) {
            Map<String, Double> f = values.figures();
            return new LinearProbe(f.getOrDefault("probe-train-acc", Double.NaN), f.getOrDefault("probe-forget-acc", Double.NaN),
                    f.get("probe-features").intValue());
        }
    }
}
