package dev.lethe.cli;

import dev.lethe.spark.SparkShardExecutor;
import dev.lethe.torch.sisa.LocalShardExecutor;
import dev.lethe.torch.sisa.ShardExecutor;
import dev.lethe.torch.sisa.ShardExecutors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --engine} and {@code --master} of the commands that train SISA shards ({@code train --sisa}, {@code forget}):
 * which registered shard executor trains them ({@link ShardExecutors}), and for the Spark one, on which master. The
 * engine changes where shards train, never what they become: every engine gives the same checkpoints.
 */
public final class EngineOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--engine", defaultValue = LocalShardExecutor.NAME, paramLabel = "NAME",
            description = "Where shards train: local (in this process, one after another) or spark (as Apache Spark tasks,"
                    + " see --master); any other registered engine by name. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master for --engine spark: local[N] (this process; shards still train one at a time) or"
                    + " spark://HOST:PORT (a standalone cluster whose workers see the store at the same path)."
                    + " Default: the lethe.spark.master property, else spark.master (spark-submit's), else " + SparkShardExecutor.DEFAULT_MASTER + ".")
    String master;

    /** Whether the user asked for something other than the default engine. */
    boolean chosen() {
        return !LocalShardExecutor.NAME.equals(engine) || master != null;
    }

    /** The executor asked for; an unknown engine, or {@code --master} without {@code --engine spark}, is bad usage. */
    ShardExecutor executor() {
        if (!ShardExecutors.names().contains(engine)) {
            throw new ParameterException(mixee.commandLine(), "unknown engine '" + engine + "' for --engine: use one of "
                    + String.join(", ", ShardExecutors.names()));
        }
        if (SparkShardExecutor.NAME.equals(engine)) {
            return new SparkShardExecutor(master);
        }
        if (master != null) {
            throw new ParameterException(mixee.commandLine(), "--master names a Spark master: use it with --engine "
                    + SparkShardExecutor.NAME + " (the " + engine + " engine has none)");
        }
        return ShardExecutors.get(engine);
    }

    /** The engine for people: its name, and the master for Spark. */
    static String describe(ShardExecutor executor) {
        return executor instanceof SparkShardExecutor spark ? spark.name() + " on " + spark.master() : executor.name();
    }
}
