package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Objectives;

import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code random-label}: fine-tune on the forget set relabelled with random wrong classes (Graves et
 * al. 2021, "Amnesiac Machine Learning"; the "RL" baseline of Golatkar et al. 2020 and Fan et al.
 * 2024), optionally mixed with retain records so the rest is kept. Each forget record's new label
 * is drawn uniformly from the other classes with {@code Seeds.derive(seed, "random-label", hash(id))}.
 */
public final class RandomLabel extends MethodBase<RandomLabel.Options> {

    public static final String NAME = "random-label";

    public record Options(@JsonPropertyDescription("fine-tuning epochs") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("retain records mixed in, as a multiple of the forget set's size (0 = none)") float retainRatio) {
        public Options {
            MethodOptions.require(epochs >= 1, "random-label.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "random-label.learningRate", learningRate, "> 0");
            MethodOptions.require(retainRatio >= 0, "random-label.retainRatio", retainRatio, ">= 0");
        }
    }

    public RandomLabel() {
        super(NAME, "fine-tune the forget set on random wrong labels (with some retain data)",
                Guarantee.APPROXIMATE, new Options(10, 1e-3f, 3f), Options.class);
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
                Objectives.crossEntropy(), context);
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
