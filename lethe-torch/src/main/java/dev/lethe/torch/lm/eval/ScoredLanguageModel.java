package dev.lethe.torch.lm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.Generator;
import dev.lethe.torch.model.ModelHandle;

/**
 * What TOFU scoring and greedy answering read of a language model: its next-token log-probabilities at every position
 * of a batch, its greedy (or sampled) continuation of a prompt, its context and vocabulary. One trained model is one
 * ({@link #of(ModelHandle)}); so is a SISA ensemble, whose mixture of the shards' distributions is itself a language
 * model ({@code dev.lethe.torch.sisa.SisaEnsemble#asLanguageModel}). Writing the evaluation once over this is what lets
 * {@code lethe lm eval} score an exact-unlearning ensemble with the same metrics as a single model.
 */
public interface ScoredLanguageModel {

    /** Log-probabilities of the next token at every position of {@code inputs} ({@code [b, T]} ids): {@code [b, T, vocabulary]}. */
    NDArray logProbabilities(NDList inputs);

    /** The tokens after {@code prompt} as {@code config} decodes them (the stop token excluded). */
    int[] generate(int[] prompt, GenerationConfig config);

    /** The manager batches are built in (arrays created for one batch are freed with it). */
    NDManager manager();

    /** The most tokens a sequence may have. */
    int context();

    /** How many token ids the model predicts over. */
    int vocabularySize();

    /** A name for messages. */
    String name();

    /** One trained model. */
    static ScoredLanguageModel of(ModelHandle model) {
        return new ScoredLanguageModel() {
            @Override
            public NDArray logProbabilities(NDList inputs) {
                return model.forward(inputs, false).singletonOrThrow().logSoftmax(2);
            }

            @Override
            public int[] generate(int[] prompt, GenerationConfig config) {
                return Generator.generate(model, prompt, config);
            }

            @Override
            public NDManager manager() {
                return model.manager();
            }

            @Override
            public int context() {
                return model.spec().inputShape()[0];
            }

            @Override
            public int vocabularySize() {
                return model.spec().numClasses();
            }

            @Override
            public String name() {
                return model.spec().name();
            }
        };
    }
}
