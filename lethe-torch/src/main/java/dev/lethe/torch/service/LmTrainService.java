package dev.lethe.torch.service;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.data.tofu.TofuBenchmarkSet;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Trains a language model on a TOFU benchmark subset into a single-model store ({@code lethe lm train}): the
 * same store as a classifier's ({@link TrainService}: manifest, model versions, receipts, tombstones, purge,
 * audit), holding the model, the data reference (split and retain authors), the tokenizer's name and the
 * training recipe. Afterwards the stored model is checked for what it memorised: exact greedy recall of the
 * forget and retain authors' answers ({@link TofuEvaluation#exactRecall}).
 */
public final class LmTrainService {

    private LmTrainService() {
    }

    /**
     * What a language-model training produced.
     *
     * @param trained the store, manifest, training run and token-loss metrics
     * @param benchmark the TOFU subset trained on
     * @param tokensPerSecond training tokens processed per second: sequences per second times the mean sequence length
     * @param forgetRecall exact greedy recall of the forget authors' answers
     * @param retainRecall exact greedy recall of the retain authors' answers (NaN with no retain author)
     */
    public record Outcome(TrainService.Outcome trained, TofuBenchmarkSet benchmark, double tokensPerSecond, double forgetRecall,
                          double retainRecall) {
    }

    /** Trains {@code spec} on the TOFU subset {@code ref} names into a store at {@code storeDir} (see {@link TrainService}). */
    public static Outcome train(Path storeDir, DatasetRef ref, ModelSpec spec, TrainConfig config, boolean replace,
                                Tokenizer tokenizer, Device device, TrainListener listener) throws IOException {
        TofuBenchmarkSet benchmark = TofuEvaluation.benchmark(ref); // a wrong folder or malformed file fails here, before a store is made
        DatasetRef.Loaded data = ref.load();
        if (spec.numClasses() != tokenizer.vocabularySize()) {
            throw new IllegalArgumentException("model " + spec.name() + " predicts " + spec.numClasses() + " tokens but tokenizer "
                    + tokenizer.name() + " has " + tokenizer.vocabularySize() + ": the model's output must be the vocabulary");
        }
        int longest = ((TokenSequences) data.train().content()).maxLength();
        if (GptFamily.isGpt(spec) && GptFamily.shape(spec).context() < longest) {
            throw new IllegalArgumentException("model " + spec.name() + " has a context of " + GptFamily.shape(spec).context()
                    + " tokens but the longest training sequence has " + longest + ": give the model a context of at least " + longest);
        }
        TrainService.Outcome trained = TrainService.train(storeDir, data, spec, config, 0, replace, tokenizer, device, listener);
        TofuEvaluation evaluation = new TofuEvaluation(benchmark, tokenizer);
        try (ModelHandle model = StoredModel.loadCurrent(trained.store(), device)) {
            return new Outcome(trained, benchmark, tokensPerSecond(data, trained), evaluation.exactRecall(model, benchmark.forget()),
                    evaluation.exactRecall(model, benchmark.retain()));
        }
    }

    private static double tokensPerSecond(DatasetRef.Loaded data, TrainService.Outcome trained) {
        TokenSequences sequences = (TokenSequences) data.train().content();
        double meanLength = (double) sequences.tokensView().length / sequences.size();
        return trained.result().samplesPerSecond() * meanLength;
    }
}
