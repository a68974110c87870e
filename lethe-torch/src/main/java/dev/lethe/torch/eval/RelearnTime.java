package dev.lethe.torch.eval;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.Outputs;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerState;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Relearn time: how many fine-tuning steps on the forget set bring a model's forget loss back down to
 * the original model's (Golatkar et al. 2020; Tarun et al. 2023 "anamnesis"). Suppression — hiding the
 * forget set behind a thin change of the output — relearns in a few steps; removal relearns about as
 * slowly as a model that never saw the data.
 *
 * <p>Fine-tunes a copy of the model through the one {@link TrainLoop}, one epoch over the forget set at
 * a time (with one continuing optimizer state), measuring the mean forget loss before and after each
 * epoch, and stops at the first measurement at or below the target or once the cap is reached.
 *
 * @param steps optimizer steps until the forget loss reached the target (0 when it already had)
 * @param capped whether the cap was hit before the target was reached
 * @param targetLoss the forget loss to reach (the original model's)
 * @param finalLoss the forget loss at the end
 * @see Metric the same measurement as an {@link UnlearningMetric}
 */
public record RelearnTime(long steps, boolean capped, double targetLoss, double finalLoss) {

    /**
     * Measures the relearn time of {@code model} (left unchanged) on {@code forget} with {@code config}
     * (batch size, optimizer, learning rate, seed; its epochs are ignored), up to {@code maxSteps} steps.
     */
    public static RelearnTime measure(ModelHandle model, RecordSet forget, double targetLoss, TrainConfig config, int maxSteps) {
        try (ModelHandle copy = model.copy();
             TensorData data = TensorData.of(forget, copy.manager());
             OptimizerState state = OptimizerState.create(config, copy)) {
            Evaluator evaluator = new Evaluator();
            TrainLoop loop = new TrainLoop(config.withEpochs(1));
            double loss = evaluator.evaluate(copy, data).meanLoss();
            long steps = 0;
            long epoch = 0;
            while (loss > targetLoss && steps < maxSteps) {
                steps += loop.run(copy, state, data, Objectives.crossEntropy(), epoch++).steps();
                loss = evaluator.evaluate(copy, data).meanLoss();
            }
            return new RelearnTime(steps, loss > targetLoss, targetLoss, loss);
        }
    }

    /**
     * Relearn time as an {@link UnlearningMetric} ({@code relearn-time}): {@code relearn-steps},
     * {@code relearn-capped} (1 when the cap was hit), {@code relearn-target} and {@code relearn-final-loss}
     * of the model under test, fine-tuned the way the original was trained ({@link MetricInput#training()}),
     * to the original's forget loss. Needs a single model under test, an original and a non-empty forget set.
     *
     * @param maxSteps the cap on relearn steps
     * @param learningRate the fine-tuning step size; 0 = the training configuration's
     */
    public record Metric(int maxSteps, float learningRate) implements UnlearningMetric {

        @Override
        public String name() {
            return "relearn-time";
        }

        @Override
        public MetricValues measure(MetricInput input) {
            Optional<ModelHandle> subject = input.subject().model();
            if (subject.isEmpty() || input.original() == null || input.forget().size() == 0) {
                return MetricValues.empty();
            }
            // the target is measured the way measure() measures the model's loss (batched cross-entropy): a loss summed
            // another way differs in its last bits, and the original itself then needed an epoch to "relearn" on some
            // CPUs' kernels and none on others (issue 19)
            double target = input.original().model()
                    .map(original -> ModelOutputs.evaluate(original, input.forget()).meanLoss())
                    .orElseGet(() -> meanLoss(input.original().probabilities(input.forget()), input.forget()));
            TrainConfig config = learningRate > 0 ? input.training().withLearningRate(learningRate) : input.training();
            RelearnTime r = RelearnTime.measure(subject.get(), input.forget(), target, config, maxSteps);
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("relearn-steps", (double) r.steps());
            f.put("relearn-capped", r.capped() ? 1.0 : 0.0);
            f.put("relearn-target", r.targetLoss());
            f.put("relearn-final-loss", r.finalLoss());
            return MetricValues.finite(f);
        }

        /** The relearn time these figures describe. */
        public static RelearnTime of(MetricValues values) {
            Map<String, Double> f = values.figures();
            return new RelearnTime(f.get("relearn-steps").longValue(), f.get("relearn-capped") == 1.0, f.getOrDefault("relearn-target", Double.NaN),
                    f.getOrDefault("relearn-final-loss", Double.NaN));
        }

        private static double meanLoss(float[][] probabilities, RecordSet records) {
            double sum = 0;
            for (double loss : Outputs.losses(probabilities, records.labels())) {
                sum += loss;
            }
            return sum / records.size();
        }
    }
}
