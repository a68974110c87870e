package dev.lethe.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.encoding.InputEncoding;

import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: what a store holds and how it was made — enough to replay the training.
 *
 * @param schemaVersion manifest format version ({@link Store#SCHEMA_VERSION})
 * @param createdAt ISO-8601 instant of the first training
 * @param versions Lethe (its version and the digest of its compiled code), Java, DJL and PyTorch versions that made it
 * @param dataset where the data came from and its fingerprint
 * @param model the model spec name (e.g. {@code mlp:256,128}), input shape and classes
 * @param training the resolved training configuration (optimizer, learning rate, epochs, seed, threads...)
 * @param currentVersion the model version that answers predictions
 * @param models the first model version and the newest ones, oldest first; the others are in the store's history
 *               ({@link Store#history()})
 * @param sisa the SISA configuration, for an exact-unlearning store; null for a single model
 * @param dataFiles the ingested data files and their SHA-256, for a SISA store
 * @param tombstones keyed digest ({@link Tombstones}, {@link dev.lethe.core.keys.IdDigest#ofId}) of every forgotten
 *                   record id, sorted: what every later training, method run and evaluation leaves out, and what the
 *                   audit checks the data against; null for a single-model store that never forgot anything
 * @param ledgerHead hash of the newest ledger event when this manifest was written: the audit checks it
 *                   is still in the chain, which catches a ledger whose newest events were cut off
 * @param digestKey the id of the store key that made this manifest's digests (tombstones, {@code matched}); null for
 *                  a store written before keyed digests, whose digests are plain SHA-256 until its first write keys it
 *                  ({@link dev.lethe.core.keys.KeyRotation})
 * @param checkpointDigests SISA: SHA-256 of every checkpoint the current records justify (every slice of every
 *                   shard, not only the final ones), by path relative to {@code checkpoints/}: what a load or a
 *                   retraining verifies a checkpoint against, and what {@code lethe repair} recomputes to; null in
 *                   stores written before it was kept (then only final checkpoints are verified)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoreManifest(int schemaVersion, String createdAt, Map<String, String> versions, DatasetInfo dataset,
                            ModelInfo model, TrainingSettings training, int currentVersion, List<ModelVersion> models,
                            SisaInfo sisa, DataFiles dataFiles, List<String> tombstones,
                            String ledgerHead, String digestKey, Map<String, String> checkpointDigests) {

    /** Key of {@link TrainingSettings#carriedTombstones} (also in the ledger's {@code store.trained} event). */
    public static final String CARRIED_TOMBSTONES = "carriedTombstones";

    public StoreManifest {
        versions = Map.copyOf(versions);
        models = List.copyOf(models);
        tombstones = tombstones == null ? null : List.copyOf(tombstones);
        checkpointDigests = checkpointDigests == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(checkpointDigests));
    }

    /** A manifest without per-slice checkpoint digests (a single model, or one about to get them). */
    public StoreManifest(int schemaVersion, String createdAt, Map<String, String> versions, DatasetInfo dataset,
                         ModelInfo model, TrainingSettings training, int currentVersion, List<ModelVersion> models,
                         SisaInfo sisa, DataFiles dataFiles, List<String> tombstones, String ledgerHead) {
        this(schemaVersion, createdAt, versions, dataset, model, training, currentVersion, models, sisa, dataFiles, tombstones,
                ledgerHead, null, null);
    }

    /** A manifest for a single trained model (no SISA). */
    public static StoreManifest single(String createdAt, Map<String, String> versions, DatasetInfo dataset, ModelInfo model,
                                       TrainingSettings training, SingleModelVersion first) {
        return new StoreManifest(Store.SCHEMA_VERSION, createdAt, versions, dataset, model, training, first.version(),
                List.of(first), null, null, null, null, null, null);
    }

    /** Whether this store serves a SISA ensemble. */
    public boolean usesSisa() {
        return sisa != null;
    }

    /** This manifest with {@code next} appended and made current, and the given data files and tombstones. */
    public StoreManifest withNewVersion(ModelVersion next, DataFiles newDataFiles, List<String> newTombstones) {
        List<ModelVersion> all = new java.util.ArrayList<>(models);
        all.add(next);
        return new StoreManifest(schemaVersion, createdAt, versions, dataset, model, training, next.version(), all, sisa,
                newDataFiles, newTombstones, ledgerHead, digestKey, checkpointDigests);
    }

    /** This manifest listing {@code kept} as its versions (the others are in the history, {@link Store#history()}). */
    StoreManifest withModels(List<ModelVersion> kept) {
        return new StoreManifest(schemaVersion, createdAt, versions, dataset, model, training, currentVersion, kept, sisa,
                dataFiles, tombstones, ledgerHead, digestKey, checkpointDigests);
    }

    /** This manifest with other tombstones (digests made by this manifest's key, sorted); null or empty for none. */
    public StoreManifest withTombstones(List<String> newTombstones) {
        return withTombstones(newTombstones, digestKey);
    }

    /** This manifest with other tombstones (sorted; null or empty for none), made by key {@code tombstoneKey}. */
    public StoreManifest withTombstones(List<String> newTombstones, String tombstoneKey) {
        return new StoreManifest(schemaVersion, createdAt, versions, dataset, model, training, currentVersion, models, sisa,
                dataFiles, newTombstones == null || newTombstones.isEmpty() ? (sisa == null ? null : List.of()) : newTombstones, ledgerHead,
                tombstoneKey, checkpointDigests);
    }

    /** This manifest with the digests of every checkpoint its current records justify. */
    public StoreManifest withCheckpointDigests(Map<String, String> digests) {
        return new StoreManifest(schemaVersion, createdAt, versions, dataset, model, training, currentVersion, models, sisa,
                dataFiles, tombstones, ledgerHead, digestKey, digests);
    }

    /** This manifest with another ledger head. */
    public StoreManifest withLedgerHead(String head) {
        return new StoreManifest(schemaVersion, createdAt, versions, dataset, model, training, currentVersion, models, sisa,
                dataFiles, tombstones, head, digestKey, checkpointDigests);
    }

    /**
     * This manifest with every digest of ids (tombstones, each version's {@code matched}) passed through {@code rekey},
     * made by key {@code newDigestKey}: a key rotation ({@link dev.lethe.core.keys.KeyRotation}).
     */
    public StoreManifest rekeyed(java.util.function.UnaryOperator<String> rekey, String newDigestKey) {
        List<String> newTombstones = tombstones == null ? null
                : tombstones.stream().map(rekey).sorted().toList();
        List<ModelVersion> newModels = models.stream().<ModelVersion>map(v -> v.rekeyed(rekey)).toList();
        return new StoreManifest(schemaVersion, createdAt, versions, dataset, model, training, currentVersion, newModels, sisa,
                dataFiles, newTombstones, ledgerHead, newDigestKey, checkpointDigests);
    }

    /**
     * The ingested records of a SISA store: one file per shard and one for the held-out records.
     *
     * @param shards each shard's file (records with their slice), relative to the store, in shard order
     * @param shardSha256 SHA-256 of each shard's file
     * @param test the held-out records, relative to the store
     * @param testSha256 SHA-256 of that file
     */
    public record DataFiles(List<String> shards, List<String> shardSha256, String test, String testSha256) {

        public DataFiles {
            shards = List.copyOf(shards);
            shardSha256 = List.copyOf(shardSha256);
        }

        /** Every file, shards then test. */
        public List<String> all() {
            List<String> all = new java.util.ArrayList<>(shards);
            all.add(test);
            return all;
        }

        /** Every file's SHA-256, in the order of {@link #all()}. */
        public List<String> allSha256() {
            List<String> all = new java.util.ArrayList<>(shardSha256);
            all.add(testSha256);
            return all;
        }
    }

    /**
     * The SISA configuration of a store.
     *
     * @param shards S
     * @param slices R
     * @param assignment uniform, subject or class
     * @param epochsPerSlice epochs each slice trains
     * @param aggregation vote or softmax
     * @param configFingerprint the fingerprint that enters every checkpoint key
     * @param seed the placement and training seed
     */
    public record SisaInfo(int shards, int slices, String assignment, int epochsPerSlice, String aggregation,
                           String configFingerprint, long seed) {
    }

    /** The entry of the current model version. */
    public ModelVersion current() {
        return models.stream().filter(m -> m.version() == currentVersion).findFirst()
                .orElseThrow(() -> new IllegalStateException("manifest names current version " + currentVersion
                        + " but lists only " + models.stream().map(ModelVersion::version).toList()));
    }

    /** The current version of a single-model store; a SISA store is refused. */
    public SingleModelVersion currentSingle() {
        if (current() instanceof SingleModelVersion v) {
            return v;
        }
        throw new StoreException("this is a SISA store, not a single model: its versions are checkpoints, not a model file");
    }

    /** The current version of a SISA store; a single-model store is refused. */
    public SisaModelVersion currentSisa() {
        if (current() instanceof SisaModelVersion v) {
            return v;
        }
        throw new StoreException("this store holds a single model, not a SISA ensemble; train it with 'lethe train --sisa'");
    }

    /**
     * The data a store was trained on.
     *
     * @param source how to load it again (catalogue name, path, CSV options, subjects, split)
     * @param fingerprint SHA-256 of all records before the split
     * @param trainRecords records on the training side of the split
     * @param testRecords records on the test side
     * @param classNames class names by label (empty for a language model's token data)
     * @param tokenizer the {@link dev.lethe.core.text.Tokenizers tokenizer} that turned the records' text into token ids, by
     *                  name: how a language-model store turns a prompt into ids and ids back into text; null for a classifier
     *                  (and then absent from the JSON, so a classifier's manifest is written as before)
     * @param encoding how a raw record of the data set becomes the model's features, fitted on the training data
     *                 ({@link InputEncoding}): what {@code predict} applies to raw input; null for token data, images and
     *                 stores trained before the store kept it (absent from the JSON then)
     */
    public record DatasetInfo(DatasetRef source, String fingerprint, int trainRecords, int testRecords, List<String> classNames,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String tokenizer,
                              @JsonInclude(JsonInclude.Include.NON_NULL) InputEncoding encoding) {

        /** A classifier's data: no tokenizer, no input encoding. */
        public DatasetInfo(DatasetRef source, String fingerprint, int trainRecords, int testRecords, List<String> classNames) {
            this(source, fingerprint, trainRecords, testRecords, classNames, null, null);
        }

        /** Data without an input encoding. */
        public DatasetInfo(DatasetRef source, String fingerprint, int trainRecords, int testRecords, List<String> classNames,
                           String tokenizer) {
            this(source, fingerprint, trainRecords, testRecords, classNames, tokenizer, null);
        }

        /** Whether the store holds a language model's token data (it records the tokenizer of its text). */
        public boolean holdsTokens() {
            return tokenizer != null;
        }
    }

    /**
     * @param spec model spec name as {@code ModelSpec.parse} reads it
     * @param inputShape shape of one input
     * @param numClasses output classes
     * @param parameters number of scalar parameters
     * @param graphFile a model whose architecture the store must keep to build fresh copies (a user's TorchScript
     *                  module): the file, relative to the store, that holds it; null for Lethe's own families
     * @param graphSha256 SHA-256 of {@code graphFile}: the file is refused when it differs (null with it)
     */
    public record ModelInfo(String spec, int[] inputShape, int numClasses, long parameters,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String graphFile,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String graphSha256) {

        public ModelInfo {
            if ((graphFile == null) != (graphSha256 == null)) {
                throw new IllegalArgumentException("a model's graph file and its SHA-256 go together");
            }
        }

        /** A model that Lethe builds from its spec alone. */
        public ModelInfo(String spec, int[] inputShape, int numClasses, long parameters) {
            this(spec, inputShape, numClasses, parameters, null, null);
        }

        /** This model with the file that keeps its architecture; {@code graph} null leaves it as it is. */
        public ModelInfo withGraph(StoredFile graph) {
            return graph == null ? this : new ModelInfo(spec, inputShape, numClasses, parameters, graph.file(), graph.sha256());
        }
    }

    /**
     * A file of the store and the SHA-256 it must have.
     *
     * @param file relative to the store
     * @param sha256 SHA-256 of its bytes, hex
     */
    public record StoredFile(String file, String sha256) {
    }

    /**
     * One model version: a {@link SingleModelVersion} (a model file) or a {@link SisaModelVersion} (a
     * checkpoint per shard). Its JSON carries no type name: a version with a {@code file} is a single
     * model, one with {@code checkpoints} a SISA ensemble.
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
    @JsonSubTypes({@JsonSubTypes.Type(SingleModelVersion.class), @JsonSubTypes.Type(SisaModelVersion.class)})
    public sealed interface ModelVersion permits SingleModelVersion, SisaModelVersion {

        /** 1, 2, ... */
        int version();

        /** ISO-8601 instant. */
        String createdAt();

        /** Headline metrics. */
        Map<String, Double> metrics();

        /** The forget requests this version applied (empty for the first, and always for a single model). */
        List<String> requests();

        /** This version with its digests of ids ({@code matched}, the receipt's {@code matchedDigest}) passed through {@code rekey}. */
        ModelVersion rekeyed(java.util.function.UnaryOperator<String> rekey);

        /** This version without the digests of ids it matched: what the append-only history keeps of it. */
        ModelVersion withoutIdDigests();
    }

    /**
     * One shard's retraining in a forget batch.
     *
     * @param shard the shard
     * @param fromSlice the first slice retrained (the checkpoint of the slice before was reused)
     * @param before the shard's final checkpoint before (relative path)
     * @param after the shard's final checkpoint after
     * @param seconds wall time of this shard's retraining
     */
    public record ShardRetrain(int shard, int fromSlice, String before, String after, double seconds) {
    }

    /**
     * What one request matched.
     *
     * @param trainRecords training records removed
     * @param testRecords held-out records removed (record and subject requests remove a person's rows everywhere)
     * @param digest keyed digest ({@link dev.lethe.core.keys.IdDigest#ofIds}) of the matched record ids
     * @param shards the shards that held the matched training records
     */
    public record Match(int trainRecords, int testRecords, String digest, List<Integer> shards) {
    }
}
