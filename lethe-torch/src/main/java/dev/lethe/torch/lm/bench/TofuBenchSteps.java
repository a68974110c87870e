package dev.lethe.torch.lm.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The work {@link TofuBench} orders, one call per step, so that the harness (which rows, in which order,
 * what is reused, what is timed, what goes into the table) stays apart from how a language model is
 * trained, unlearned and scored. The implementation on Lethe's LM parts trains the {@code gpt} family on
 * the TOFU subset, runs methods through the {@code UnlearningMethods} registry, scores with the LM scorer
 * into OpenUnlearning-layout eval logs and measures removal with the relearning attack and the probes.
 *
 * <p>A model is any closeable handle; the harness closes every model it gets, exactly once.
 *
 * @param <M> the model handle
 */
public interface TofuBenchSteps<M extends AutoCloseable> {

    /** A digest of every data file the run reads: part of the config hash, so other data never reuses these results. */
    String dataFingerprint() throws IOException;

    /** Trains the model on the retain authors and the forget authors (and the utility sets) from the run seed. */
    M trainFull();

    /** Trains a model from scratch on everything but the forget authors, from {@code seed}. */
    M trainRetainOnly(long seed);

    /** Saves {@code model} to {@code file} so that {@link #load} gives back the same weights. */
    void save(M model, Path file) throws IOException;

    /** Loads a model {@link #save} wrote. */
    M load(Path file) throws IOException;

    /**
     * The suppression-only baseline: {@code full} behind an output filter that refuses the forget questions,
     * its weights unchanged. Closing the returned model must leave {@code full} open.
     */
    M suppressionOnly(M full);

    /**
     * Applies the unlearning method {@code method} (its default options) to a copy of {@code full}, which stays
     * as it is; a method that refuses or fails throws with the reason.
     */
    M unlearn(String method, M full);

    /**
     * Evaluates {@code model} on the split's forget, retain, real-author, world-fact and holdout sets, writes
     * {@code TOFU_EVAL.json} and {@code TOFU_SUMMARY.json} into {@code evalDir}, and returns the summary
     * (metric name → aggregate). Forget quality and PrivLeak are computed against the eval log {@code retainLog};
     * when that is the {@code TOFU_EVAL.json} being written here (the retain model's own row), against itself,
     * as OpenUnlearning's reference rows are.
     */
    Map<String, Double> evaluate(M model, Path evalDir, Path retainLog) throws IOException;

    /** Removal or suppression: the relearning attack and the probes on {@code model}, against the same on {@code retain}. */
    RemovalEvidence evidence(M model, M retain);
}
