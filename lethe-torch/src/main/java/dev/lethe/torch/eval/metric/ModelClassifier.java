package dev.lethe.torch.eval.metric;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TensorData;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A single model as a {@link Classifier}. Probabilities are cached per record set (by identity), so
 * several metrics on the same sets run one forward pass each. Does not own the model.
 */
public final class ModelClassifier implements Classifier {

    private final ModelHandle model;
    private final Map<RecordSet, float[][]> cache = new IdentityHashMap<>();

    public ModelClassifier(ModelHandle model) {
        this.model = model;
    }

    @Override
    public float[][] probabilities(RecordSet records) {
        return cache.computeIfAbsent(records, r -> {
            try (TensorData data = TensorData.of(r, model.manager())) {
                return new Evaluator().probabilities(model, data);
            }
        });
    }

    @Override
    public Optional<ModelHandle> model() {
        return Optional.of(model);
    }
}
