package dev.lethe.torch.lm.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lethe.core.seed.Seeds;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one {@code lethe bench tofu} run does, validated before any work: the TOFU folder and forget
 * split, the number of retain authors trained beside the forget authors, the unlearning methods run
 * from the full model's checkpoint, and the training recipe of the reference models (model spec,
 * epochs, seed, threads). Its JSON form (with the data fingerprint) is what the run folder's config
 * hash covers, so a changed value starts a new run rather than mixing results.
 *
 * @param data the TOFU folder (full.json, forget01.json, ... as in ../shared/datasets/tofu)
 * @param split the forget split: forget01, forget05 or forget10
 * @param methods unlearning method ids, in report order; each runs on a copy of the full model
 * @param retainAuthors how many retain authors (the first ones of full.json) are trained beside the forget authors
 * @param epochs training epochs of the full model and of both retain-only models
 * @param model the model spec, e.g. {@code gpt:192,4,4,640}
 * @param seed the run seed: the full model and the retain-only model (seed A) are trained from it
 * @param threads PyTorch intra-op threads (the same seed and thread count give the same weights)
 * @param maxNewTokens the longest greedy answer generated in evaluation, in tokens: a model that never ends its
 *                     answer (an untrained or broken one) costs this many decoding steps per question
 * @param options method options ({@code --opt npo.epochs=5}), each key addressed to one of {@code methods}; a method
 *                runs with its defaults for every field not given
 * @param unlearnSeed the seed the methods' random draws derive from, or null for the run seed: another value reruns the
 *                    methods with other draws against the same reference models (a method's spread over seeds, without
 *                    training the references again). Left out of the JSON when null, so that the configurations of
 *                    earlier runs keep their hash
 */
public record TofuBenchConfig(String data, String split, List<String> methods, int retainAuthors, int epochs, String model, long seed,
                              int threads, int maxNewTokens, java.util.Map<String, String> options,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Long unlearnSeed) {

    /** A configuration in which every method runs with its default options. */
    public TofuBenchConfig(String data, String split, List<String> methods, int retainAuthors, int epochs, String model, long seed,
                           int threads, int maxNewTokens) {
        this(data, split, methods, retainAuthors, epochs, model, seed, threads, maxNewTokens, java.util.Map.of());
    }

    /** A configuration whose methods draw from the run seed. */
    public TofuBenchConfig(String data, String split, List<String> methods, int retainAuthors, int epochs, String model, long seed,
                           int threads, int maxNewTokens, java.util.Map<String, String> options) {
        this(data, split, methods, retainAuthors, epochs, model, seed, threads, maxNewTokens, options, null);
    }

    /** Enough for every TOFU answer in bytes (the longest question and answer of full.json together take 639). */
    public static final int DEFAULT_MAX_NEW_TOKENS = 512;

    /** The forget splits of TOFU. */
    public static final List<String> SPLITS = List.of("forget01", "forget05", "forget10");

    public TofuBenchConfig {
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("--split must be one of " + String.join(", ", SPLITS) + ", got '" + split + "'");
        }
        methods = List.copyOf(methods);
        options = dev.lethe.torch.method.MethodOptions.sortedByKey(options);
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("--methods names no method: give at least one, e.g. --methods grad-diff,npo");
        }
        Set<String> seen = new HashSet<>();
        for (String m : methods) {
            if (TofuRow.REFERENCE_NAMES.contains(m)) {
                throw new IllegalArgumentException("'" + m + "' is the name of a reference row of the TOFU table ("
                        + String.join(", ", TofuRow.REFERENCE_NAMES) + "), not a method; remove it from --methods");
            }
            if (!seen.add(m)) {
                throw new IllegalArgumentException("--methods names '" + m + "' twice; name each method once");
            }
        }
        if (retainAuthors < 1) {
            throw new IllegalArgumentException("--retain-authors must be at least 1, got " + retainAuthors);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("--max-new-tokens must be at least 1, got " + maxNewTokens);
        }
    }

    /**
     * The seed of the second retain-only model (the noise floor): derived from the run seed, so that two
     * exact retrains differ only in their random draws.
     */
    public long noiseFloorSeed() {
        return Seeds.derive(seed, "tofu-retain-noise-floor");
    }

    /** The seed of {@code method}'s unlearning run: derived from {@link #unlearnSeed()} when given, else from the run seed. */
    public long methodSeed(String method) {
        return Seeds.derive(unlearnSeed == null ? seed : unlearnSeed, "tofu-unlearn-" + method);
    }

}
