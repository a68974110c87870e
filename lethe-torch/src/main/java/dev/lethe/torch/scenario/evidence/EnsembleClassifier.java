package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.metric.Classifier;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.sisa.SisaEnsemble;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A SISA ensemble as a {@link Classifier}: the class scores of its aggregation (mean softmax, or vote
 * shares) serve as probabilities. Cached per record set; does not own the ensemble.
 */
public final class EnsembleClassifier implements Classifier {

    private static final int BATCH = 1024;

    private final SisaEnsemble ensemble;
    private final Map<RecordSet, float[][]> cache = new IdentityHashMap<>();

    public EnsembleClassifier(SisaEnsemble ensemble) {
        this.ensemble = ensemble;
    }

    @Override
    public float[][] probabilities(RecordSet records) {
        return cache.computeIfAbsent(records, r -> {
            float[][] out = new float[r.size()][];
            int width = r.featureSize();
            for (int from = 0; from < r.size(); from += BATCH) {
                int to = Math.min(r.size(), from + BATCH);
                float[][] inputs = new float[to - from][];
                for (int i = from; i < to; i++) {
                    inputs[i - from] = java.util.Arrays.copyOfRange(r.featuresView(), i * width, (i + 1) * width);
                }
                float[][] scores = ensemble.answer(inputs).scores();
                System.arraycopy(scores, 0, out, from, scores.length);
            }
            return out;
        });
    }

    @Override
    public Optional<ModelHandle> model() {
        return Optional.empty();
    }
}
