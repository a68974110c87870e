package dev.lethe.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lethe.core.data.DatasetRef;

import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: what a store holds and how it was made — enough to replay the training.
 *
 * @param schemaVersion manifest format version ({@link Store#SCHEMA_VERSION})
 * @param createdAt ISO-8601 instant of the first training
 * @param versions Lethe, Java, DJL and PyTorch versions that made it
 * @param dataset where the data came from and its fingerprint
 * @param model the model spec name (e.g. {@code mlp:256,128}), input shape and classes
 * @param training the resolved training configuration (optimizer, learning rate, epochs, seed, threads...)
 * @param currentVersion the model version that answers predictions
 * @param models every model version, oldest first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoreManifest(int schemaVersion, String createdAt, Map<String, String> versions, DatasetInfo dataset,
                            ModelInfo model, Map<String, Object> training, int currentVersion, List<ModelVersion> models) {

    public StoreManifest {
        versions = Map.copyOf(versions);
        training = Map.copyOf(training);
        models = List.copyOf(models);
    }

    /** The entry of the current model version. */
    public ModelVersion current() {
        return models.stream().filter(m -> m.version() == currentVersion).findFirst()
                .orElseThrow(() -> new IllegalStateException("manifest names current version " + currentVersion
                        + " but lists only " + models.stream().map(ModelVersion::version).toList()));
    }

    /**
     * The data a store was trained on.
     *
     * @param source how to load it again (catalogue name, path, CSV options, subjects, split)
     * @param fingerprint SHA-256 of all records before the split
     * @param trainRecords records on the training side of the split
     * @param testRecords records on the test side
     * @param classNames class names by label
     */
    public record DatasetInfo(DatasetRef source, String fingerprint, int trainRecords, int testRecords, List<String> classNames) {
    }

    /**
     * @param spec model spec name as {@code ModelSpec.parse} reads it
     * @param inputShape shape of one input
     * @param numClasses output classes
     * @param parameters number of scalar parameters
     */
    public record ModelInfo(String spec, int[] inputShape, int numClasses, long parameters) {
    }

    /**
     * One trained model version.
     *
     * @param version 1, 2, ...
     * @param file path of the model file relative to the store
     * @param sha256 digest of the model file's bytes
     * @param createdAt ISO-8601 instant
     * @param metrics headline metrics (train/test accuracy and loss, train seconds)
     */
    public record ModelVersion(int version, String file, String sha256, String createdAt, Map<String, Double> metrics) {
    }
}
