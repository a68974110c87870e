package dev.lethe.cli.lm;

import dev.lethe.torch.sisa.ShardWeighting;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --shard-weighting} option of the LM commands that read a SISA store's ensemble ({@code lm eval}, {@code lm generate}). */
public final class ShardWeightingOption {

    @Option(names = "--shard-weighting", defaultValue = "mean", paramLabel = "mean|posterior",
            description = "For a SISA store: weigh the shards equally at every position (mean, SISA's aggregation) or by their"
                    + " posterior given the text so far (posterior: the mixture of whole sequences; the shard trained on a"
                    + " question answers it). The shards, and so exactness, are the same. Default: ${DEFAULT-VALUE}.")
    String shardWeighting;

    /** The weighting asked for; anything but the default is refused on a single-model store. */
    ShardWeighting resolve(LmStore lm, Path store) {
        ShardWeighting weighting = ShardWeighting.parse(shardWeighting);
        if (weighting != ShardWeighting.MEAN && !lm.manifest().usesSisa()) {
            throw new IllegalArgumentException("--shard-weighting applies to a SISA store, and " + store
                    + " holds one model: leave the option out");
        }
        return weighting;
    }
}
