package dev.lethe.torch.eval;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.eval.metric.Classifier;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.ModelClassifier;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TrainConfig;

import java.util.Map;
import java.util.function.Consumer;

/**
 * An unlearned model measured against the model retrained without the forget set — the gold
 * reference of every approximate method (the evaluation protocol of Jia et al. 2023 and
 * Fan et al. 2024, SalUn). Gaps are absolute differences: a good method is close to the reference, not
 * as far from the original as possible (over-forgetting leaves a trace too, the "Streisand effect").
 * Every figure is measured by an {@link UnlearningMetric} ({@link ModelScores.Metric}, {@link OutputDivergence},
 * {@link WeightDistance}, {@link RelearnTime.Metric}, {@link LinearProbe.Metric}), the interface the
 * scenario harness measures through too.
 *
 * <ul>
 *   <li>gaps |model − reference| of forget, retain and test accuracy and of the loss-attack MIA AUC
 *       ({@link ModelScores#miaAuc}), and their mean, the "average gap" (Fan et al. 2024);</li>
 *   <li>Jensen–Shannon divergence of the output distributions on the forget and test sets
 *       ({@link OutputDivergence}), mean over records, in bits;</li>
 *   <li>L2 distance of the weights ({@link WeightDistance});</li>
 *   <li>relearn time of the model and of the reference ({@link RelearnTime}), to the original model's
 *       forget loss — suppression relearns fast, removal does not;</li>
 *   <li>a linear probe on frozen penultimate features ({@link LinearProbe}) trained on retain features,
 *       scored on the forget set, for the model and the reference (for a forgotten class, absent from the
 *       retain set, both probes score ~0: call {@link LinearProbe#measure} with held-out records of every
 *       class instead).</li>
 * </ul>
 *
 * @param model the scores of the model under test
 * @param reference the scores of the retrained reference
 * @param forgetAccuracyGap |forget accuracy − reference's|
 * @param retainAccuracyGap |retain accuracy − reference's|
 * @param testAccuracyGap |test accuracy − reference's|
 * @param miaAucGap |MIA AUC − reference's|
 * @param averageGap the mean of the four gaps
 * @param forgetDivergence mean JS divergence (bits) of the outputs on the forget set
 * @param testDivergence mean JS divergence (bits) of the outputs on the test set
 * @param weightDistance ‖θ − θ_reference‖₂; NaN when the architectures differ
 * @param modelRelearn the model's relearn time; null when not measured
 * @param referenceRelearn the reference's relearn time; null when not measured
 * @param modelProbe the probe on the model's features; null when not measured (or the model is an opaque module)
 * @param referenceProbe the probe on the reference's features; null when not measured
 */
public record RetrainComparison(ModelScores model, ModelScores reference, double forgetAccuracyGap, double retainAccuracyGap,
                                double testAccuracyGap, double miaAucGap, double averageGap, double forgetDivergence,
                                double testDivergence, double weightDistance, RelearnTime modelRelearn, RelearnTime referenceRelearn,
                                LinearProbe modelProbe, LinearProbe referenceProbe) {

    /**
     * What to measure beyond the cheap figures.
     *
     * @param relearn measure relearn times (needs the original model)
     * @param relearnMaxSteps the cap on relearn steps
     * @param relearnLearningRate the fine-tuning step size; 0 = the training configuration's
     * @param probe train linear probes
     * @param probeEpochs the probes' training epochs
     * @param seed the probes' seed
     */
    public record Options(boolean relearn, int relearnMaxSteps, float relearnLearningRate, boolean probe, int probeEpochs, long seed) {
        public Options {
            if (relearnMaxSteps < 0 || probeEpochs < 1 || !(relearnLearningRate >= 0)) {
                throw new IllegalArgumentException("relearnMaxSteps >= 0, probeEpochs >= 1, relearnLearningRate >= 0; got "
                        + relearnMaxSteps + ", " + probeEpochs + ", " + relearnLearningRate);
            }
        }

        /** Relearn capped at 200 steps with the training learning rate, probes of 30 epochs. */
        public static Options defaults(long seed) {
            return new Options(true, 200, 0f, true, 30, seed);
        }

        /** Only the cheap figures: no relearning, no probes. */
        public static Options cheap() {
            return new Options(false, 0, 0f, false, 1, 0);
        }
    }

    /**
     * Compares {@code model} with the retrained {@code reference} on {@code data.forget()},
     * {@code data.retain()} and {@code test}. {@code original} (the model before unlearning) sets the
     * relearn target and may be null when relearning is off; {@code config} is how the original was
     * trained (batch size, optimizer and learning rate of the relearn fine-tuning).
     */
    public static RetrainComparison compare(ModelHandle model, ModelHandle reference, ModelHandle original, UnlearningData data,
                                            RecordSet test, TrainConfig config, Options options) {
        return compare(model, reference, original, data, test, config, options, stage -> { });
    }

    /**
     * {@link #compare(ModelHandle, ModelHandle, ModelHandle, UnlearningData, RecordSet, TrainConfig, Options)}, telling
     * {@code stages} the name of each measurement as it begins (relearning and probes take tens of seconds), so a
     * caller can show where the comparison is.
     */
    public static RetrainComparison compare(ModelHandle model, ModelHandle reference, ModelHandle original, UnlearningData data,
                                            RecordSet test, TrainConfig config, Options options, Consumer<String> stages) {
        if (test == null || test.size() == 0) {
            throw new IllegalArgumentException("a retrain comparison needs a non-empty test set");
        }
        if (options.relearn() && original == null) {
            throw new IllegalArgumentException("relearn time needs the original model (its forget loss is the target)");
        }
        // every figure is an UnlearningMetric's, measured on the model and, where the comparison needs it, on the reference
        Classifier referenceClassifier = new ModelClassifier(reference);
        MetricInput onModel = new MetricInput(new ModelClassifier(model), original == null ? null : new ModelClassifier(original),
                referenceClassifier, data.forget(), data.retain(), test, null, -1, options.seed(), config);
        MetricInput onReference = onModel.withSubject(referenceClassifier);
        stages.accept("accuracy and loss-attack AUC of both models");
        UnlearningMetric scores = new ModelScores.Metric();
        ModelScores m = ModelScores.Metric.of(scores.measure(onModel));
        ModelScores r = ModelScores.Metric.of(scores.measure(onReference));
        double fGap = Math.abs(m.forgetAccuracy() - r.forgetAccuracy());
        double rGap = Math.abs(m.retainAccuracy() - r.retainAccuracy());
        double tGap = Math.abs(m.testAccuracy() - r.testAccuracy());
        double aGap = Math.abs(m.miaAuc() - r.miaAuc());
        RelearnTime modelRelearn = null;
        RelearnTime referenceRelearn = null;
        if (options.relearn()) {
            UnlearningMetric relearn = new RelearnTime.Metric(options.relearnMaxSteps(), options.relearnLearningRate());
            stages.accept("relearn time of the model (at most " + options.relearnMaxSteps() + " fine-tuning steps)");
            modelRelearn = RelearnTime.Metric.of(relearn.measure(onModel));
            stages.accept("relearn time of the reference");
            referenceRelearn = RelearnTime.Metric.of(relearn.measure(onReference));
        }
        LinearProbe modelProbe = null;
        LinearProbe referenceProbe = null;
        // an opaque module (TorchScript without a feature output) has no penultimate layer Lethe can read: its 'features' would be the inputs
        if (options.probe() && !model.isOpaque()) {
            UnlearningMetric probe = new LinearProbe.Metric(options.probeEpochs());
            stages.accept("linear probe on the model's features (" + options.probeEpochs() + " epochs)");
            modelProbe = LinearProbe.Metric.of(probe.measure(onModel));
            stages.accept("linear probe on the reference's features");
            referenceProbe = LinearProbe.Metric.of(probe.measure(onReference));
        }
        stages.accept("output divergence and weight distance");
        Map<String, Double> divergence = new OutputDivergence().measure(onModel).figures();
        double weightDistance = new WeightDistance().measure(onModel).figures().getOrDefault("weight-l2", Double.NaN);
        return new RetrainComparison(m, r, fGap, rGap, tGap, aGap, (fGap + rGap + tGap + aGap) / 4,
                divergence.getOrDefault("js-forget", Double.NaN), divergence.getOrDefault("js-test", Double.NaN), weightDistance,
                modelRelearn, referenceRelearn, modelProbe, referenceProbe);
    }
}
