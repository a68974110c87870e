package dev.lethe.cli;

import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import picocli.CommandLine.Option;

/** SISA options of {@code lethe train --sisa}. */
public final class SisaOptions {

    @Option(names = "--sisa", description = "Train a SISA ensemble for exact unlearning (shards × slices) instead of one model.")
    boolean enabled;

    @Option(names = "--shards", defaultValue = "5", description = "SISA shards S. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--slices", defaultValue = "3", description = "SISA slices R per shard. Default: ${DEFAULT-VALUE}.")
    int slices;

    @Option(names = "--assign", defaultValue = "uniform",
            description = "uniform (by record id), subject (a person's records share a shard) or class (class-balanced). Default: ${DEFAULT-VALUE}.")
    String assign;

    @Option(names = "--aggregation", defaultValue = "vote", description = "vote (majority) or softmax (mean probabilities). Default: ${DEFAULT-VALUE}.")
    String aggregation;

    ShardPlan plan(long seed) {
        return new ShardPlan(shards, slices, Assignment.parse(assign), seed);
    }

    Aggregation aggregation() {
        return Aggregation.parse(aggregation);
    }
}
