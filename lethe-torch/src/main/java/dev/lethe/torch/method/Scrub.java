package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.Objectives;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code scrub}: SCalable Remembering and Unlearning unBound (Kurmanji, Triantafillou, Hayes and
 * Triantafillou 2023, "Towards Unbounded Machine Unlearning"). A student (a copy of the original)
 * moves away from a frozen teacher (the original) on the forget set and stays with it on the retain
 * set, alternating two kinds of epoch:
 * <ul>
 *   <li>max-step, one epoch over {@code D_f}: minimise {@code −KL(p_T(·|x) ‖ p_S(·|x))};</li>
 *   <li>min-step, one epoch over {@code D_r}: minimise {@code α·KL(p_T ‖ p_S) + γ·CE(S; x, y)};</li>
 * </ul>
 * for {@code epochs} rounds, the first {@code maxEpochs} ("msteps") of which start with a max-step;
 * the later rounds are min-steps only, which repair the retain performance the max-steps cost. Both
 * KLs are computed at temperature T as {@code T²·KL(softmax(t/T) ‖ softmax(s/T))}.
 *
 * <p>When to use it: a strong general-purpose approximate method when the retain set is available
 * and a few passes over it are affordable; it degrades the retain set less than ascent-based methods.
 *
 * <p>Deviations: the paper interleaves max- and min-steps on one SGD optimizer; here each epoch is
 * its own run of the one training loop with a fresh optimizer state (the original's optimizer, Adam
 * for the models here), and its shuffle seed is derived from the round and the step kind. The
 * reference code's extra distillation term (β, 0 in the paper's experiments) is left out. The default
 * temperature is 1, not the reference code's 4: on the digits class-forgetting check, T = 4 let the
 * min-steps' soft targets (which carry the teacher's class similarities) bring the forgotten class back
 * for some seeds (class accuracy 0.49 for 2 of 4 seeds), T = 1 did not. The default learning rate is
 * 1e-2 because one max-step epoch over a small forget set is only a few Adam steps.
 *
 * <p>In class forgetting (a class of the forget set that no retain record has), the min-steps' KL targets are the
 * teacher's distribution with that class taken out ({@link #forgottenClassMask}), renormalised over the kept classes.
 * The teacher's own distribution gives the forgotten class probability on the retain records that look like it (its
 * "dark knowledge"), and distilling it on the retain set teaches the class back as the max-steps remove it: on the
 * Statlog satellite table, whose forgotten class ("grey soil") borders two others ("damp" and "very damp grey soil"), no
 * share of the update met the bounds at any seed of three (at seed 42 the whole update left the class at 0.25 of its
 * unseen records, the rest kept). With the class taken out of the targets, the calibrated scrub met the bounds
 * at two seeds of three there (none before), and on the three calibrated sets at 15 of 27 seed and kernel settings (7
 * before), the kept classes within 2.5 points wherever it missed (docs/BENCHMARKS.md, "Twelfth round"). Other
 * forgetting (records, persons, poisoned labels) keeps the paper's targets.
 */
public final class Scrub extends MethodBase<Scrub.Options> {

    public static final String NAME = "scrub";

    public record Options(@JsonPropertyDescription("rounds; each has a min-step epoch over the retain set") int epochs,
                          @JsonPropertyDescription("rounds that start with a max-step epoch over the forget set (msteps)") int maxEpochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("weight of the retain KL to the teacher in min-steps (α)") float alpha,
                          @JsonPropertyDescription("weight of the retain cross-entropy in min-steps (γ)") float gamma,
                          @JsonPropertyDescription("softmax temperature of both KL terms (T)") float temperature,
                          @JsonPropertyDescription(UpdateScale.DESCRIPTION) float updateScale) {
        public Options {
            MethodOptions.require(epochs >= 1, "scrub.epochs", epochs, ">= 1");
            MethodOptions.require(maxEpochs >= 0 && maxEpochs <= epochs, "scrub.maxEpochs", maxEpochs, "in [0, epochs]");
            MethodOptions.require(learningRate > 0, "scrub.learningRate", learningRate, "> 0");
            MethodOptions.require(alpha >= 0, "scrub.alpha", alpha, ">= 0");
            MethodOptions.require(gamma >= 0, "scrub.gamma", gamma, ">= 0");
            MethodOptions.require(alpha + gamma > 0, "scrub.alpha + scrub.gamma", alpha + gamma, "> 0");
            MethodOptions.require(temperature > 0, "scrub.temperature", temperature, "> 0");
            UpdateScale.require("scrub.updateScale", updateScale);
        }
    }

    public Scrub() {
        super(NAME, "teacher-student: move away from the original on the forget set, stay with it on the retain set",
                Guarantee.APPROXIMATE, new Options(2, 1, 1e-2f, 1f, 1f, 1f, 1f), Options.class);
    }

    @Override
    protected void unlearnInPlace(ModelHandle student, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        try (ModelHandle teacher = Distillation.frozenCopy(original); NDManager masks = student.manager().newSubManager()) {
            float t = options.temperature();
            NDArray forgottenMask = forgottenClassMask(data, masks);
            Objective maxStep = (m, batch) ->
                    Distillation.kl(Distillation.logits(teacher, batch.features()), m.forward(batch.features(), true), t).neg();
            Objective minStep = (m, batch) -> {
                NDArray logits = m.forward(batch.features(), true);
                NDArray targets = Distillation.logits(teacher, batch.features());
                if (forgottenMask != null) {
                    targets = targets.add(forgottenMask);
                }
                NDArray kl = Distillation.kl(targets, logits, t);
                return Scalars.mul(kl, options.alpha()).add(Scalars.mul(Objectives.crossEntropy(logits, batch.labels()), options.gamma()));
            };
            for (int round = 0; round < options.epochs(); round++) {
                if (round < options.maxEpochs()) {
                    Phases.train(student, data.forget(), Phases.config(context, options.learningRate(), 1, "scrub-max-" + round),
                            maxStep, context);
                }
                Phases.train(student, data.retain(), Phases.config(context, options.learningRate(), 1, "scrub-min-" + round),
                        minStep, context);
            }
        }
        UpdateScale.apply(student, original, options.updateScale());
    }

    /**
     * Logit offsets that take the forgotten classes (those of the forget set that no retain record has) out of a softmax:
     * −10⁴ at each, 0 elsewhere, so {@code exp} gives them 0 and the KL's {@code p·log p} stays 0, not NaN; null when
     * there is none, and the teacher's targets are the paper's.
     */
    static NDArray forgottenClassMask(UnlearningData data, NDManager manager) {
        Set<Integer> forgotten = new HashSet<>(StrengthCalibration.labels(data.forget()));
        forgotten.removeAll(StrengthCalibration.labels(data.retain()));
        if (forgotten.isEmpty()) {
            return null;
        }
        float[] offsets = new float[data.forget().numClasses()];
        for (int c : forgotten) {
            offsets[c] = -1e4f;
        }
        return manager.create(offsets);
    }

    /**
     * The share of the update kept ({@link UpdateScale}): for class forgetting it is set from the data when unset
     * ({@link StrengthCalibration}). When no share meets the bounds, every round starts with a max-step
     * ({@code maxEpochs = 2}, the default rounds): on the standardised image-segmentation MLP one max-step epoch left the
     * class at 0.47 at one seed of three with the whole update, and two forgot it at all three (docs/BENCHMARKS.md,
     * "Eighth round").
     */
    @Override
    public Optional<Strength> strength() {
        return Optional.of(Strength.updateScale(NAME).retriedWith(NAME + ".maxEpochs", List.of("2")));
    }
}
