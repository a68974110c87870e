package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code random-label}: fine-tune on the forget set relabelled with random wrong classes (Graves et
 * al. 2021, "Amnesiac Machine Learning"; the "RL" baseline of Golatkar et al. 2020 and Fan et al.
 * 2024), optionally mixed with retain records so the rest is kept. Each forget record's new label
 * is drawn uniformly from the other classes with {@code Seeds.derive(seed, "random-label", hash(id))}.
 *
 * <p>Deviation, as {@link GradientAscent} bounds its ascent: a relabelled record stops pushing once the model's loss on
 * its true label reaches {@code lossCeiling} nats ({@link RelabelledCeiling}); the papers fine-tune to the end. On the
 * Location MLP the relabelling learnt to the end cost the other classes' unseen records about 10 points.
 *
 * <p>Strength: the share of the update kept ({@link UpdateScale}), set from the data for class forgetting
 * ({@link StrengthCalibration}).
 */
public final class RandomLabel extends MethodBase<RandomLabel.Options> {

    public static final String NAME = "random-label";

    public record Options(@JsonPropertyDescription("fine-tuning epochs") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("retain records mixed in, as a multiple of the forget set's size (0 = none)") float retainRatio,
                          @JsonPropertyDescription("true-label loss at which a relabelled record stops pushing, in nats (c)") float lossCeiling,
                          @JsonPropertyDescription(UpdateScale.DESCRIPTION) float updateScale) {
        public Options {
            MethodOptions.require(epochs >= 1, "random-label.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "random-label.learningRate", learningRate, "> 0");
            MethodOptions.require(retainRatio >= 0, "random-label.retainRatio", retainRatio, ">= 0");
            MethodOptions.require(lossCeiling > 0, "random-label.lossCeiling", lossCeiling, "> 0");
            UpdateScale.require("random-label.updateScale", updateScale);
        }
    }

    public RandomLabel() {
        super(NAME, "fine-tune the forget set on random wrong labels (with some retain data)",
                Guarantee.APPROXIMATE, new Options(10, 1e-3f, 3f, 2.5f, 1f), Options.class);
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        RecordSet relabelled = relabel(data.forget(), context.seed("random-label"));
        RecordSet mix = relabelled;
        int retainCount = Math.min(data.retain().size(), Math.round(options.retainRatio() * data.forget().size()));
        if (retainCount > 0) {
            mix = RecordSet.concat("random-label-mix", List.of(relabelled, RecordSamples.inOrder(data.retain(), retainCount, context.seed("random-label-retain"))));
        }
        Phases.train(model, mix, Phases.config(context, options.learningRate(), options.epochs(), "random-label"),
                RelabelledCeiling.objective(data.forget(), options.lossCeiling()), context);
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

    /** The forget set with each label replaced by a random other class (a pure function of the record id). */
    static RecordSet relabel(RecordSet forget, long seed) {
        int classes = forget.numClasses();
        int[] labels = new int[forget.size()];
        for (int i = 0; i < forget.size(); i++) {
            int shift = 1 + new SplittableRandom(seed ^ Seeds.hash(forget.id(i))).nextInt(classes - 1);
            labels[i] = (forget.label(i) + shift) % classes;
        }
        String[] ids = forget.ids().toArray(String[]::new);
        String[] subjects = new String[forget.size()];
        for (int i = 0; i < forget.size(); i++) {
            subjects[i] = forget.subject(i);
        }
        return new RecordSet(forget.name() + "/random-labels", ids, subjects, forget.featuresView(), labels, forget.featureShape(),
                forget.classNames());
    }
}
