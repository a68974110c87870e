package dev.lethe.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.TrainingSettings;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;

import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * A {@link SisaConfig} as the text a Spark task carries: the same pieces a store's manifest records for it (the shard
 * plan, the model's spec name, input shape and classes, the {@link TrainingSettings} the manifest writes with
 * {@link Store#json()}, the aggregation and the thread count), so a task rebuilds the configuration the way
 * {@code SisaService.config(manifest)} does. {@link #read} refuses a text whose rebuilt configuration does not have
 * the fingerprint it was sent with: a task never trains under a configuration other than the planned one.
 */
final class SisaConfigJson {

    /** The wire form (JSON through the store's own mapper). */
    record Wire(int shards, int slices, String assignment, long planSeed, String model, int[] inputShape, int numClasses,
                TrainingSettings train, String aggregation, int threads, String fingerprint) {
    }

    private SisaConfigJson() {
    }

    static String write(SisaConfig config) {
        TrainConfig t = config.train();
        TrainingSettings train = new TrainingSettings(t.epochs(), t.batchSize(), t.optimizer().name().toLowerCase(Locale.ROOT),
                t.learningRate(), t.momentum(), t.weightDecay(), t.seed(), config.threads(), "cpu").withSchedule(t.schedule());
        ShardPlan plan = config.plan();
        Wire wire = new Wire(plan.shards(), plan.slices(), plan.assignment().name().toLowerCase(Locale.ROOT), plan.seed(),
                config.model().name(), config.model().inputShape(), config.model().numClasses(), train,
                config.aggregation().name().toLowerCase(Locale.ROOT), config.threads(), config.fingerprint());
        try {
            return Store.json().writeValueAsString(wire);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SisaConfig read(String json) {
        Wire w;
        try {
            w = Store.json().readValue(json, Wire.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable SISA configuration in a Spark task: " + e.getOriginalMessage(), e);
        }
        TrainingSettings t = w.train();
        TrainConfig train = new TrainConfig(t.epochs(), t.batchSize(), OptimizerKind.valueOf(t.optimizer().toUpperCase(Locale.ROOT)),
                t.learningRate(), t.momentum(), t.weightDecay(), t.seed(), t.schedule());
        SisaConfig config = new SisaConfig(new ShardPlan(w.shards(), w.slices(), Assignment.parse(w.assignment()), w.planSeed()),
                ModelSpec.parse(w.model(), w.inputShape(), w.numClasses()), train, Aggregation.parse(w.aggregation()), w.threads());
        if (!config.fingerprint().equals(w.fingerprint())) {
            throw new IllegalStateException("the SISA configuration rebuilt in a Spark task has fingerprint " + config.fingerprint()
                    + ", not the driver's " + w.fingerprint() + ": are the driver and the executors running the same Lethe version?");
        }
        return config;
    }
}
