package dev.lethe.torch.scenario.evidence;

import ai.djl.ndarray.NDManager;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.eval.ModelOutputs;
import dev.lethe.torch.eval.OutputDivergence;
import dev.lethe.torch.eval.RelearnTime;
import dev.lethe.torch.eval.WeightDistance;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.TorchRuntime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code retrain-distance}: how far the measured classifier is from the retrained reference beyond
 * accuracy, and whether what it forgot comes back.
 * <ul>
 *   <li>{@code js-forget}, {@code js-test}: mean Jensen–Shannon divergence (bits) of its output
 *       distributions from the reference's, on the forget and the test set (0 = the same answers);</li>
 *   <li>{@code weight-l2}: L2 distance of the weights to the reference's (same architecture only);</li>
 *   <li>{@code relearn-steps}: fine-tuning steps on the forget set until its mean loss is back to the
 *       original model's (Golatkar et al. 2020; {@link RelearnTime}), capped at {@link #RELEARN_CAP},
 *       with {@code relearn-capped} = 1 when the cap was hit. Suppression relearns in a few steps,
 *       removal about as slowly as the reference.</li>
 * </ul>
 * Weight distance and relearn time need one model ({@link Classifier#model()}), so a SISA ensemble
 * gets the divergences only.
 */
public final class RetrainDistanceProbe implements EvidenceProbe {

    /** Relearn steps measured at most. */
    static final int RELEARN_CAP = 200;

    @Override
    public String name() {
        return "retrain-distance";
    }

    @Override
    public Evidence measure(ProbeContext context) {
        Map<String, Double> f = new LinkedHashMap<>();
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            if (context.forget().size() > 0) {
                f.put("js-forget", divergence(context, context.forget(), manager));
            }
            f.put("js-test", divergence(context, context.test(), manager));
        }
        Optional<ModelHandle> subject = context.subject().model();
        Optional<ModelHandle> reference = context.reference().model();
        if (subject.isPresent() && reference.isPresent()) {
            double l2 = WeightDistance.l2(subject.get(), reference.get());
            if (Double.isFinite(l2)) {
                f.put("weight-l2", l2);
            }
        }
        if (subject.isPresent() && context.forget().size() > 0) {
            // the target is measured the way RelearnTime measures the model's loss (batched cross-entropy): a loss summed
            // another way differs in its last bits, and the original itself then needed an epoch to "relearn" on some
            // CPUs' kernels and none on others (issue 19)
            double target = context.original().model()
                    .map(original -> ModelOutputs.evaluate(original, context.forget()).meanLoss())
                    .orElseGet(() -> meanLoss(context.original().probabilities(context.forget()), context.forget()));
            RelearnTime relearn = RelearnTime.measure(subject.get(), context.forget(), target, context.training(), RELEARN_CAP);
            f.put("relearn-steps", (double) relearn.steps());
            f.put("relearn-capped", relearn.capped() ? 1.0 : 0.0);
        }
        return new Evidence(f, Map.of());
    }

    private static double divergence(ProbeContext context, RecordSet records, NDManager manager) {
        return OutputDivergence.jensenShannon(context.subject().probabilities(records), context.reference().probabilities(records), manager);
    }

    private static double meanLoss(float[][] probabilities, RecordSet records) {
        double sum = 0;
        for (double loss : Outputs.losses(probabilities, records.labels())) {
            sum += loss;
        }
        return sum / records.size();
    }
}
