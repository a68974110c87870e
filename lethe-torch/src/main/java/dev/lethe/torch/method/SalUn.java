package dev.lethe.torch.method;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TensorData;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code salun}: weight-saliency unlearning (Fan, Liu, Zhang, Wei, Wong and Liu 2024, "SalUn:
 * Empowering Machine Unlearning via Gradient-based Weight Saliency", ICLR). Two phases:
 * <ol>
 *   <li>Saliency mask, once, on the forget set: {@code m = 1[|∇θ L_f(θ_o)| ≥ γ]} with {@code L_f} the
 *       forget set's cross-entropy (its gradient summed over the whole set) and {@code γ} the threshold
 *       that keeps the top {@code ratio} share of all weights (one global threshold over every
 *       parameter tensor, biases included; ties at γ are kept).</li>
 *   <li>Random-label fine-tuning restricted to the mask: train on the forget set relabelled with random
 *       wrong classes (as {@code random-label} does) mixed with {@code retainRatio × |D_f|} retain
 *       records, with the update {@code θ ← θ − η · m ⊙ ∇θ L}; weights outside the mask never change
 *       (through the one training loop's parameter masks, {@code TrainLoop.masks}: a 0 entry keeps its value).</li>
 * </ol>
 *
 * <p>When to use it: random labelling that touches only the weights that matter to the forget set,
 * so the rest of the model (and with it the retain accuracy) is disturbed less; a strong choice for
 * class- and random-subset forgetting.
 *
 * <p>Deviations: the paper's optimizer is SGD over both loaders for a few epochs; here the training
 * uses the original's optimizer (Adam for the models here) from a fresh state, over one shuffled mix
 * of relabelled forget and sampled retain records, as {@code random-label}; and as there, a relabelled record stops
 * pushing once the model's loss on its true label reaches {@code lossCeiling} nats ({@link RelabelledCeiling}).
 *
 * <p>Strength: the share of the update kept ({@link UpdateScale}), set from the data for class forgetting
 * ({@link StrengthCalibration}).
 */
public final class SalUn extends MethodBase<SalUn.Options> {

    public static final String NAME = "salun";

    public record Options(@JsonPropertyDescription("fine-tuning epochs") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("share of all weights in the saliency mask, the most salient first (sets γ)") float ratio,
                          @JsonPropertyDescription("retain records mixed in, as a multiple of the forget set's size (0 = none)") float retainRatio,
                          @JsonPropertyDescription("true-label loss at which a relabelled record stops pushing, in nats (c)") float lossCeiling,
                          @JsonPropertyDescription(UpdateScale.DESCRIPTION) float updateScale) {
        public Options {
            MethodOptions.require(epochs >= 1, "salun.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "salun.learningRate", learningRate, "> 0");
            MethodOptions.require(ratio > 0 && ratio <= 1, "salun.ratio", ratio, "in (0, 1]");
            MethodOptions.require(retainRatio >= 0, "salun.retainRatio", retainRatio, ">= 0");
            MethodOptions.require(lossCeiling > 0, "salun.lossCeiling", lossCeiling, "> 0");
            UpdateScale.require("salun.updateScale", updateScale);
        }
    }

    public SalUn() {
        super(NAME, "random-label fine-tuning of only the weights most salient to the forget set",
                Guarantee.APPROXIMATE, new Options(3, 1e-3f, 0.5f, 4f, 2.5f, 1f), Options.class);
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        RecordSet mix = RandomLabel.relabel(data.forget(), context.seed("salun-labels"));
        int retainCount = Math.min(data.retain().size(), Math.round(options.retainRatio() * data.forget().size()));
        if (retainCount > 0) {
            mix = RecordSet.concat("salun-mix", List.of(mix, RecordSamples.inOrder(data.retain(), retainCount, context.seed("salun-retain"))));
        }
        try (NDManager maskManager = model.manager().newSubManager()) {
            Map<String, NDArray> mask = saliencyMask(model, data.forget(), context.original().batchSize(), options.ratio(), maskManager);
            Phases.train(model, mix, Phases.config(context, options.learningRate(), options.epochs(), "salun"),
                    RelabelledCeiling.objective(data.forget(), options.lossCeiling()), context, mask);
        }
        UpdateScale.apply(model, original, options.updateScale());
    }

    /**
     * The share of the update kept ({@link UpdateScale}): for class forgetting it is set from the data when unset
     * ({@link StrengthCalibration}).
     */
    @Override
    public Optional<Strength> strength() {
        return Optional.of(Strength.updateScale(NAME));
    }

    /**
     * The 0/1 mask (parameter name → array in {@code target}) of the top {@code ratio} share of weights
     * by {@code |∇θ CE(θ; forget)|}, the gradient summed over the forget set in batches of {@code batchSize}.
     * Leaves the model's gradients zeroed.
     */
    static Map<String, NDArray> saliencyMask(ModelHandle model, RecordSet forget, int batchSize, float ratio, NDManager target) {
        Engine engine = TorchRuntime.engine();
        List<Pair<String, Parameter>> params = model.parameters();
        try (NDManager scratch = model.manager().newSubManager();
             TensorData tensors = TensorData.of(forget, scratch)) {
            int n = tensors.size();
            for (int from = 0; from < n; from += batchSize) {
                int first = from;
                int[] positions = new int[Math.min(batchSize, n - from)];
                Arrays.setAll(positions, k -> first + k);
                try (NDScope scope = new NDScope(); NDManager batch = scratch.newSubManager()) {
                    NDArray[] xy = tensors.gather(positions, batch);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        // mean CE × batch size = the batch's summed CE: the gradients add up to the set's sum
                        collector.backward(Scalars.mul(Objectives.crossEntropy(model.forward(xy[0], true), xy[1]), positions.length));
                    }
                }
            }
            NDArray[] saliency = new NDArray[params.size()];
            long total = 0;
            for (int i = 0; i < params.size(); i++) {
                NDArray grad = params.get(i).getValue().getArray().getGradient();
                grad.attach(scratch);
                saliency[i] = grad.abs();
                saliency[i].attach(scratch);
                grad.subi(grad);
                total += saliency[i].size();
            }
            float[] all = new float[(int) total];
            int at = 0;
            for (NDArray s : saliency) {
                float[] values = s.toFloatArray();
                System.arraycopy(values, 0, all, at, values.length);
                at += values.length;
            }
            Arrays.sort(all);
            int keep = Math.max(1, Math.round(ratio * total));
            float threshold = all[all.length - keep];
            Map<String, NDArray> masks = new LinkedHashMap<>();
            for (int i = 0; i < params.size(); i++) {
                NDArray m = saliency[i].gte(threshold).toType(params.get(i).getValue().getArray().getDataType(), false);
                m.attach(target);
                masks.put(params.get(i).getKey(), m);
            }
            return masks;
        }
    }
}
